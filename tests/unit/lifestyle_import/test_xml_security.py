"""SECURITY.md F3: XML bombs and external references are refused whole, fast, in bounded memory.

Each hostile file is read in a fresh child process, so its peak memory (``ru_maxrss``) is measured
from a clean start: refused in under a second, with under 50 MB of growth, naming the file and
repeating none of its content. Loopback listeners stand where an external DTD or entity points:
they must see no connection at all.
"""
from __future__ import annotations

import json
import select
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

CANARY = "Zyx-CANARY-7F3A"
PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n'
RECORD = ('<Record type="HKQuantityTypeIdentifierStepCount" sourceName="{src}" unit="count" '
          'startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 08:01:00 +0100" value="12"/>')

CHILD = r"""
import json, resource, sys, time, traceback
from companion.lifestyle.importers import read_health_file, HealthImportError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
result = {"records": 0}
try:
    with read_health_file(sys.argv[1]) as stream:
        for _ in stream.records():
            result["records"] += 1
        result["problems"] = stream.problems.counts
except HealthImportError as exc:
    result.update(error=type(exc).__name__, message=str(exc), repr=repr(exc), file_name=exc.file_name,
                  traceback="".join(traceback.format_exception(exc)))
except BaseException as exc:
    result.update(error=type(exc).__name__, message=str(exc), traceback="".join(traceback.format_exception(exc)))
result["seconds"] = time.perf_counter() - t0
result["growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps(result))
"""


def run_child(path: Path) -> tuple[dict, str]:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stdout + proc.stderr


def assert_refused(path: Path, *, match: str, forbidden: tuple[str, ...] = ()) -> dict:
    result, output = run_child(path)
    assert result.get("error") == "HealthImportError", result
    assert result["file_name"] == path.name and path.name in result["message"]
    assert match in result["message"], result["message"]
    assert result["records"] == 0
    assert result["seconds"] < 1.0, result["seconds"]
    assert result["growth_mb"] < 50, result["growth_mb"]
    for text in (CANARY, "root:x:0:0", *forbidden):
        assert text not in output
    return result


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server, server.getsockname()[1]
    server.close()


def connections(server: socket.socket) -> int:
    count = 0
    while select.select([server], [], [], 0.2)[0]:
        conn, _ = server.accept()
        conn.close()
        count += 1
    return count


def write(tmp_path: Path, text: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def billion_laughs() -> str:
    lol = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    dtd = "\n".join(lol)
    return PROLOG + f"<!DOCTYPE HealthData [\n{dtd}\n]>\n<HealthData>{RECORD.format(src='&lol9;')}</HealthData>"


def test_billion_laughs(tmp_path: Path) -> None:
    text = billion_laughs()
    assert_refused(write(tmp_path, text), match="declares XML entities")


def test_quadratic_blowup(tmp_path: Path) -> None:
    big = "A" * 100_000
    text = (PROLOG + f'<!DOCTYPE HealthData [<!ENTITY a "{big}">]>\n<HealthData>'
            + RECORD.format(src="&a;" * 50_000) + "</HealthData>")
    assert_refused(write(tmp_path, text), match="declares XML entities")


def test_external_entity_to_etc_passwd(tmp_path: Path) -> None:
    text = (PROLOG + '<!DOCTYPE HealthData [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<HealthData>'
            + RECORD.format(src="&xxe;") + "</HealthData>")
    assert_refused(write(tmp_path, text), match="external entity")


def test_external_entity_to_a_local_canary_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{CANARY}\n")
    text = (PROLOG + f'<!DOCTYPE HealthData [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n<HealthData>'
            + RECORD.format(src="&xxe;") + "</HealthData>")
    assert_refused(write(tmp_path, text), match="external entity", forbidden=(str(secret),))


def test_external_dtd_on_a_loopback_listener(tmp_path: Path, listener: tuple[socket.socket, int]) -> None:
    server, port = listener
    text = (PROLOG + f'<!DOCTYPE HealthData SYSTEM "http://127.0.0.1:{port}/evil.dtd">\n<HealthData>'
            + RECORD.format(src="x") + "</HealthData>")
    assert_refused(write(tmp_path, text), match="outside document type definition")
    assert connections(server) == 0


def test_external_parameter_entity_on_a_loopback_listener(tmp_path: Path,
                                                          listener: tuple[socket.socket, int]) -> None:
    server, port = listener
    text = (PROLOG + f'<!DOCTYPE HealthData [<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/x.dtd"> %remote;]>\n'
            + "<HealthData>" + RECORD.format(src="x") + "</HealthData>")
    assert_refused(write(tmp_path, text), match="external entity")
    assert connections(server) == 0


def test_internal_parameter_entities(tmp_path: Path) -> None:
    text = (PROLOG + "<!DOCTYPE HealthData [<!ENTITY % pe \"<!ENTITY x 'lol'>\"> %pe;]>\n<HealthData>"
            + RECORD.format(src="&x;") + "</HealthData>")
    assert_refused(write(tmp_path, text), match="declares XML entities")


TEN_MB = 10 * 1024 * 1024


@pytest.mark.parametrize("where", ["attribute", "name", "comment", "dtd_comment", "instruction"])
def test_ten_megabyte_token(tmp_path: Path, where: str) -> None:
    blob = "x" * TEN_MB
    if where == "attribute":
        body = f"<HealthData>{RECORD.format(src=blob)}</HealthData>"
    elif where == "name":
        body = f"<HealthData><R{blob} a='1'/></HealthData>"
    elif where == "comment":
        body = f"<HealthData><!-- {blob} --></HealthData>"
    elif where == "instruction":
        body = f"<HealthData><?pi {blob}?></HealthData>"
    else:
        body = f"<!DOCTYPE HealthData [<!-- {blob} -->]>\n<HealthData/>"
    assert_refused(write(tmp_path, PROLOG + body), match="single XML item longer than 1 MB")


def test_ten_megabyte_text_is_read_in_bounded_memory(tmp_path: Path) -> None:
    text = PROLOG + f"<HealthData>{'y' * TEN_MB}{RECORD.format(src='x')}</HealthData>"
    result, _ = run_child(write(tmp_path, text))
    assert result.get("error") is None and result["records"] == 1
    assert result["growth_mb"] < 50


def test_deep_nesting(tmp_path: Path) -> None:
    text = PROLOG + "<HealthData>" + "<a>" * 5_000_000
    assert_refused(write(tmp_path, text), match="nested too deeply")


def test_bomb_inside_export_zip(tmp_path: Path) -> None:
    text = billion_laughs()
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("apple_health_export/export.xml", text)
    assert_refused(path, match="declares XML entities")


def test_refused_in_process_before_reading_records(tmp_path: Path) -> None:
    """read_health_file itself refuses a DTD bomb: no transaction needs to be opened for it."""
    from companion.lifestyle.importers import HealthImportError, read_health_file

    text = (PROLOG + '<!DOCTYPE HealthData [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<HealthData>'
            + RECORD.format(src="&xxe;") + "</HealthData>")
    with pytest.raises(HealthImportError) as info:
        read_health_file(write(tmp_path, text))
    assert info.value.__cause__ is None and info.value.__context__ is None
    assert "passwd" not in str(info.value)


def test_genuine_dtd_still_reads(tmp_path: Path) -> None:
    from tests.unit.lifestyle_import.generate import write_apple_health

    path = tmp_path / "export.xml"
    write_apple_health(path, 300, dtd=True)
    result, _ = run_child(path)
    assert result.get("error") is None and result["records"] > 0
