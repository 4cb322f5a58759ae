"""Reading a table's bytes: encoding, delimiter, header row and date order sniffed; dates parsed.

Shared by the CSV importer's preview and reader. Sniffing looks at the first 64 KiB only;
cells are limited to 128 KiB (a longer one refuses the file, naming the line).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from companion.lifestyle.importers import common
from companion.lifestyle.importers.errors import HealthImportError

SNIFF = 64 * 1024
MAX_FIELD = 128 * 1024
DELIMITERS = (",", ";", "\t", "|")
_NUMERIC_DATE = re.compile(
    r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                            "nov", "dec"))}


def sniff_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def sniff_delimiter(lines: list[str]) -> str:
    best, best_score = ",", -1.0
    for delim in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delim) if row]
        if not counts or max(counts) < 2:
            continue
        common_count = max(set(counts), key=counts.count)
        consistency = counts.count(common_count) / len(counts)
        score = consistency * 10 + min(common_count, 10) / 10
        if score > best_score:
            best, best_score = delim, score
    return best


def _looks_numeric(cell: str) -> bool:
    try:
        common.parse_number(cell)
        return True
    except ValueError:
        return _NUMERIC_DATE.match(cell.strip()) is not None


def sniff_header(rows: list[list[str]]) -> bool:
    if len(rows) < 2:
        return bool(rows) and not any(_looks_numeric(c) for c in rows[0] if c.strip())
    first_numeric = sum(_looks_numeric(c) for c in rows[0] if c.strip())
    later_numeric = max(sum(_looks_numeric(c) for c in row if c.strip()) for row in rows[1:])
    return first_numeric < later_numeric or first_numeric == 0


def date_order(texts: list[str]) -> bool | None:
    """True for day-first, False for month-first, None when no date tells."""
    for text in texts:
        match = _NUMERIC_DATE.match(text.strip())
        if not match or len(match.group(1)) == 4:
            continue
        a, b = int(match.group(1)), int(match.group(2))
        if a > 12 >= b:
            return True
        if b > 12 >= a:
            return False
    return None


def has_ambiguous(texts: list[str]) -> bool:
    for text in texts:
        match = _NUMERIC_DATE.match(text.strip())
        if match and len(match.group(1)) != 4:
            return True
    return False


@dataclass
class Opened:
    raw: io.BufferedReader
    text: io.TextIOWrapper
    encoding: str
    delimiter: str
    size: int


def open_table(path: Path, file_name: str, encoding: str | None, delimiter: str | None) -> Opened:
    try:
        size = path.stat().st_size
        raw = open(path, "rb")  # noqa: SIM115 - wrapped and closed by the caller
    except OSError:
        raise HealthImportError(file_name, "cannot be read (missing, a folder, or permission denied)") from None
    head = raw.read(SNIFF)
    raw.seek(0)
    if not head.strip():
        raw.close()
        raise HealthImportError(file_name, "is empty")
    enc = encoding or sniff_encoding(head)
    if b"\x00" in head and not enc.startswith("utf-16"):
        raw.close()
        raise HealthImportError(file_name, "is not a text table (it holds binary data)")
    text = io.TextIOWrapper(raw, encoding=enc, errors="replace", newline="")
    if delimiter is None:
        sample = head.decode(enc if enc != "utf-16" else "utf-16", errors="replace")
        lines = [line for line in sample.splitlines()[:50] if line.strip()]
        if len(lines) > 1 and len(head) == SNIFF:
            lines = lines[:-1]  # the last line of the sample may be cut
        delimiter = sniff_delimiter(lines)
    return Opened(raw, text, enc, delimiter, size)


def rows_of(opened: Opened, file_name: str) -> Iterator[list[str]]:
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(opened.text, delimiter=opened.delimiter)
    try:
        for row in reader:
            yield [cell.replace("\x00", "") for cell in row]
    except csv.Error:
        raise HealthImportError(
            file_name, f"has a cell longer than {MAX_FIELD >> 10} KB or broken quoting", reader.line_num
        ) from None


def parse_when(text: str, *, date_format: str | None, day_first: bool | None, assume_tz: tzinfo | None,
               time_text: str | None = None) -> datetime:
    """A table's date (and optional time) cell → an aware datetime; raises ValueError."""
    s = text.strip()
    if time_text:
        s = f"{s} {time_text.strip()}"
    if not s:
        raise ValueError("empty")
    if date_format:
        moment = datetime.strptime(s, date_format)
    else:
        try:
            moment = datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith("Z") else s)
        except ValueError:
            moment = _numeric_date(s, day_first)
    if moment.tzinfo is None:
        moment = common.attach_zone(moment, assume_tz)
    return moment


def _numeric_date(s: str, day_first: bool | None) -> datetime:
    match = _NUMERIC_DATE.match(s)
    if match is None:
        return _named_month_date(s)
    a, b, c, hh, mm, ss, ampm, zone = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        if day_first is None:
            if int(a) > 12 >= int(b):
                day_first = True
            elif int(b) > 12 >= int(a):
                day_first = False
            else:
                raise ValueError("ambiguous")
        day, month = (int(a), int(b)) if day_first else (int(b), int(a))
        year = int(c)
        if len(c) == 2:
            year += 2000 if year < 70 else 1900
    hour = int(hh or 0)
    if ampm:
        pm = ampm[0] in "Pp"
        if not 1 <= hour <= 12:
            raise ValueError("hour")
        hour = hour % 12 + (12 if pm else 0)
    moment = datetime(year, month, day, hour, int(mm or 0), int(ss or 0))
    if zone:
        iso = zone if zone == "Z" else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
        moment = datetime.fromisoformat(moment.isoformat() + ("+00:00" if iso == "Z" else iso))
    return moment


def _named_month_date(s: str) -> datetime:
    """``25 Apr 2026``, ``Apr 25, 2026`` and the same with a time."""
    parts = re.split(r"[\s,]+", s.strip())
    if len(parts) < 3:
        raise ValueError(s)
    a, b, c = parts[:3]
    if a[:3].lower() in _MONTHS:
        month, day, year = _MONTHS[a[:3].lower()], int(b), int(c)
    elif b[:3].lower() in _MONTHS:
        day, month, year = int(a), _MONTHS[b[:3].lower()], int(c)
    else:
        raise ValueError(s)
    moment = datetime(year, month, day)
    if len(parts) > 3:
        clock = datetime.strptime(parts[3], "%H:%M:%S" if parts[3].count(":") == 2 else "%H:%M").time()
        moment = datetime.combine(moment.date(), clock)
    return moment
