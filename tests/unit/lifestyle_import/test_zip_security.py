"""SECURITY.md F5 for export.zip: hostile archives are refused whole and nothing is written anywhere."""
from __future__ import annotations

import hashlib
import io
import os
import stat
import tarfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from companion.lifestyle.importers import HealthImportError, read_health_file
from tests.unit.lifestyle_import.generate import write_apple_zip

EXPORT = ('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_GB">\n'
          ' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" '
          'startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 08:01:00 +0100" value="12"/>\n</HealthData>\n')


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with a hash of its content (or its link target)."""
    seen: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = Path(dirpath, name)
            rel = full.relative_to(root).as_posix()
            if full.is_symlink():
                seen[rel] = "link:" + os.readlink(full)
            elif full.is_file():
                seen[rel] = hashlib.sha256(full.read_bytes()).hexdigest()
            else:
                seen[rel] = "dir"
    return seen


@pytest.fixture
def sandbox_tree(tmp_path: Path) -> Iterator[Path]:
    """A folder with the archive in ``in/`` and bystander files around it, checked unchanged after."""
    (tmp_path / "in").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("untouched")
    before = snapshot(tmp_path)
    yield tmp_path
    after = snapshot(tmp_path)
    added = {k for k in after if k.startswith("in/")} - {k for k in before if k.startswith("in/")}
    # only the test's own archive was added; nothing else appeared, vanished or changed
    assert {k: v for k, v in after.items() if k not in added} == before
    assert all(Path(a).parent.as_posix() == "in" for a in added)


def make_zip(path: Path, build: Callable[[zipfile.ZipFile], None]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        build(zf)
    return path


def refused(path: Path, match: str) -> HealthImportError:
    t0 = time.perf_counter()
    with pytest.raises(HealthImportError) as info:
        with read_health_file(path) as stream:
            list(stream.records())
    assert time.perf_counter() - t0 < 5
    assert info.value.file_name == path.name and path.name in str(info.value)
    assert match in str(info.value), str(info.value)
    return info.value


@pytest.mark.parametrize("name", ["../../x.xml", "apple_health_export/../../x.xml", "/abs/export.xml",
                                  "C:\\x\\export.xml", "C:/x/export.xml", "a\\..\\..\\export.xml"])
def test_escaping_names(sandbox_tree: Path, name: str) -> None:
    def build(zf: zipfile.ZipFile) -> None:
        zf.writestr("apple_health_export/export.xml", EXPORT)
        zf.writestr(zipfile.ZipInfo(name), EXPORT)

    refused(make_zip(sandbox_tree / "in" / "export.zip", build), "points outside its folder")


def test_symlink_member(sandbox_tree: Path) -> None:
    def build(zf: zipfile.ZipFile) -> None:
        zf.writestr("apple_health_export/export.xml", EXPORT)
        link = zipfile.ZipInfo("apple_health_export/evil")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")

    refused(make_zip(sandbox_tree / "in" / "export.zip", build), "holding a link")


def test_device_member(sandbox_tree: Path) -> None:
    def build(zf: zipfile.ZipFile) -> None:
        zf.writestr("apple_health_export/export.xml", EXPORT)
        dev = zipfile.ZipInfo("apple_health_export/dev")
        dev.external_attr = (stat.S_IFCHR | 0o666) << 16
        zf.writestr(dev, "")

    refused(make_zip(sandbox_tree / "in" / "export.zip", build), "special file")


@pytest.fixture(scope="module")
def many_entries_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("many") / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("apple_health_export/export.xml", EXPORT)
        for i in range(100_000):
            zf.writestr(f"apple_health_export/f{i}.gpx", b"")
    return path


@pytest.mark.slow
def test_one_hundred_thousand_entries(many_entries_zip: Path) -> None:
    t0 = time.perf_counter()
    refused(many_entries_zip, "more than 50,000 files")
    assert time.perf_counter() - t0 < 1  # told from the end record, before the directory is parsed


def test_entry_count_in_the_end_record_cannot_hide_entries(sandbox_tree: Path) -> None:
    """A zip whose end record under-reports its entries is still counted from the directory."""
    path = sandbox_tree / "in" / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(50_001):
            zf.writestr(f"f{i}", b"")
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    data[at + 8:at + 12] = (1).to_bytes(2, "little") * 2
    path.write_bytes(bytes(data))
    with pytest.raises(HealthImportError):
        read_health_file(path)


def test_high_ratio_member_bomb(sandbox_tree: Path) -> None:
    path = sandbox_tree / "in" / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("apple_health_export/export.xml", EXPORT)
        with zf.open("apple_health_export/export_cda.xml", "w") as member:
            zero = bytes(1 << 20)
            for _ in range(64):
                member.write(zero)
    refused(path, "more than 100-fold")


def test_declared_size_lie_is_caught(sandbox_tree: Path) -> None:
    """Central-directory sizes edited to claim a huge member: refused before decompressing."""
    path = make_zip(sandbox_tree / "in" / "export.zip",
                    lambda zf: zf.writestr("apple_health_export/export.xml", EXPORT))
    data = bytearray(path.read_bytes())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (3_000_000_000).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))
    refused(path, "more than 100-fold")


def test_overlapping_entries_bomb(sandbox_tree: Path) -> None:
    """Fifield-style: many directory entries pointing at one compressed kernel."""
    path = sandbox_tree / "in" / "export.zip"
    kernel = io.BytesIO()
    with zipfile.ZipFile(kernel, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("k0", bytes(5 << 20))
    data = kernel.getvalue()
    cd_at = data.rfind(b"PK\x01\x02")
    eocd_at = data.rfind(b"PK\x05\x06")
    entry = data[cd_at:eocd_at]
    entries = b"".join(entry[:46] + f"k{i}".encode().ljust(2, b"_")[:2] + entry[48:] for i in range(10))
    body = data[:cd_at]
    eocd = bytearray(data[eocd_at:])
    eocd[8:10] = eocd[10:12] = (10).to_bytes(2, "little")
    eocd[12:16] = len(entries).to_bytes(4, "little")
    eocd[16:20] = len(body).to_bytes(4, "little")
    path.write_bytes(body + entries + bytes(eocd))
    with pytest.raises(HealthImportError) as info:
        with read_health_file(path) as stream:
            list(stream.records())
    assert "100-fold" in str(info.value)


def test_nested_zip(sandbox_tree: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("export.xml", EXPORT)

    def build(zf: zipfile.ZipFile) -> None:
        zf.writestr("apple_health_export/export.xml", EXPORT)
        zf.writestr("apple_health_export/more.zip", inner.getvalue())

    refused(make_zip(sandbox_tree / "in" / "export.zip", build), "another compressed archive")


def test_nested_zip_under_an_xml_name(sandbox_tree: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("export.xml", EXPORT)
    path = make_zip(sandbox_tree / "in" / "export.zip",
                    lambda zf: zf.writestr("apple_health_export/export.xml", inner.getvalue()))
    refused(path, "another compressed archive")


def test_42_zip_style(sandbox_tree: Path) -> None:
    """Layers of zips of zips, each small: refused at the first nested archive."""
    layer = zipfile.ZipFile
    data = bytes(10 << 20)
    blob = io.BytesIO()
    with layer(blob, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("0.xml", data)
    for depth in range(3):
        outer = io.BytesIO()
        with layer(outer, "w", zipfile.ZIP_DEFLATED) as zf:
            for i in range(16):
                zf.writestr(f"{depth}-{i}.zip", blob.getvalue())
        blob = outer
    path = sandbox_tree / "in" / "42.zip"
    path.write_bytes(blob.getvalue())
    refused(path, "another compressed archive")


def test_duplicate_names(sandbox_tree: Path) -> None:
    def build(zf: zipfile.ZipFile) -> None:
        zf.writestr("apple_health_export/export.xml", EXPORT)
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("apple_health_export/export.xml", EXPORT.replace('value="12"', 'value="99"'))

    refused(make_zip(sandbox_tree / "in" / "export.zip", build), "two files of the same name")


def test_password_protected(sandbox_tree: Path) -> None:
    path = make_zip(sandbox_tree / "in" / "export.zip",
                    lambda zf: zf.writestr("apple_health_export/export.xml", EXPORT))
    data = bytearray(path.read_bytes())
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(sig)
        data[at + flag_at] |= 0x1
    path.write_bytes(bytes(data))
    refused(path, "password-protected")


def test_damaged_zip(sandbox_tree: Path) -> None:
    path = sandbox_tree / "in" / "export.zip"
    write_apple_zip(path, 200)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    refused(path, "damaged zip")


def test_tar_is_not_read(sandbox_tree: Path) -> None:
    path = sandbox_tree / "in" / "export.tar"
    with tarfile.open(path, "w") as tf:
        info = tarfile.TarInfo("../../evil.xml")
        payload = EXPORT.encode()
        info.size = len(payload)
        tf.addfile(info, io.BytesIO(payload))
    with pytest.raises(HealthImportError):
        with read_health_file(path) as stream:
            list(stream.records())


def test_good_zip_in_the_sandbox_reads(sandbox_tree: Path) -> None:
    path = sandbox_tree / "in" / "export.zip"
    summary = write_apple_zip(path, 500)
    with read_health_file(path) as stream:
        records = list(stream.records())
    assert sum(1 for r in records if r.kind == "heart_rate") == summary.mapped["heart_rate"]
