"""Any table of measurements (CSV, TSV, semicolon-separated) through a column mapping.

The UI shows :func:`preview` (headers, first rows, what was sniffed) in a mapping dialog and
passes the chosen :class:`CsvMapping` to :func:`read`. Two shapes are read:

- *long*: one measurement a row — a date column, a value column, and the type either from a
  column (``Weight``, ``systolic``, ``heart rate``… see :data:`KIND_NAMES`) or fixed for the file;
  the unit from a column, fixed, or from the value column's header (``Weight (kg)``);
- *wide*: several measurements a row (Withings ``bp.csv``: ``Date,Heart rate,Systolic,Diastolic``)
  — ``values`` maps each value column to its type.

Sniffed, not asked: the encoding (UTF-8/UTF-16 with or without BOM, else Windows-1252), the
delimiter (``,`` ``;`` TAB ``|``), whether the first row is a header, the date order of
``03/04/2021`` (from rows where one part is above 12; when no row tells, the file is refused
until the mapping says), decimal commas. Rows whose date or value cannot be read are counted as
rejected with a reason, never raised.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from companion.lifestyle.importers import common
from companion.lifestyle.importers.common import CancelToken, Problems, Progress, Ticker, record_id
from companion.lifestyle.importers.csv_sniff import (
    date_order,
    has_ambiguous,
    open_table,
    parse_when,
    rows_of,
    sniff_header,
)
from companion.lifestyle.importers.errors import HealthImportError
from companion.lifestyle.records import RawRecord

SOURCE = "CSV"
PREVIEW_ROWS = 20
SCAN_ROWS = 5000

KINDS = (
    "weight", "height", "waist", "systolic_bp", "diastolic_bp", "heart_rate", "resting_heart_rate", "steps",
    "active_minutes", "sleep_hours", "alcohol_drinks", "smoking_status", "cigarettes_per_day",
    "fruit_veg_servings", "glucose", "hba1c", "total_cholesterol", "hdl", "ldl", "triglycerides", "creatinine",
)
KIND_NAMES: dict[str, str] = {k.replace("_", " "): k for k in KINDS} | {
    "body weight": "weight", "body mass": "weight", "mass": "weight", "gewicht": "weight", "poids": "weight",
    "body height": "height", "waist circumference": "waist",
    "systolic": "systolic_bp", "sys": "systolic_bp", "systolic blood pressure": "systolic_bp",
    "diastolic": "diastolic_bp", "dia": "diastolic_bp", "diastolic blood pressure": "diastolic_bp",
    "heart rate": "heart_rate", "pulse": "heart_rate", "hr": "heart_rate", "bpm": "heart_rate",
    "resting hr": "resting_heart_rate", "rhr": "resting_heart_rate", "resting pulse": "resting_heart_rate",
    "step count": "steps", "step": "steps", "exercise minutes": "active_minutes",
    "exercise": "active_minutes", "activity minutes": "active_minutes", "move minutes": "active_minutes",
    "sleep": "sleep_hours", "sleep duration": "sleep_hours", "hours of sleep": "sleep_hours",
    "alcohol": "alcohol_drinks", "drinks": "alcohol_drinks", "alcoholic drinks": "alcohol_drinks",
    "smoking": "smoking_status", "cigarettes": "cigarettes_per_day", "cigarettes per day": "cigarettes_per_day",
    "fruit and vegetables": "fruit_veg_servings", "fruit & vegetables": "fruit_veg_servings",
    "fruit and veg": "fruit_veg_servings", "blood glucose": "glucose", "blood sugar": "glucose",
    "a1c": "hba1c", "hemoglobin a1c": "hba1c", "haemoglobin a1c": "hba1c",
    "cholesterol": "total_cholesterol", "hdl cholesterol": "hdl", "ldl cholesterol": "ldl",
    "triglyceride": "triglycerides",
}

_HEADER_UNIT = re.compile(r"\(([^()]{1,20})\)\s*$")
Column = str | int
AMBIGUOUS_DATES = ("has dates such as 03/04 that could be day-first or month-first; "
                   "choose the date order in the column mapping")


def kind_of(name: str) -> str | None:
    """Our short type name for a type column's text (``Body weight`` → ``weight``), or None."""
    key = _HEADER_UNIT.sub("", name).strip().lower().replace("_", " ").replace("-", " ")
    key = " ".join(key.split())
    if key in KIND_NAMES:
        return KIND_NAMES[key]
    return KIND_NAMES.get(key.rstrip("s"))


def unit_in_header(header: str) -> str | None:
    match = _HEADER_UNIT.search(header)
    return match.group(1).strip() if match else None


@dataclass(frozen=True)
class CsvPreview:
    """What the mapping dialog shows: headers (or ``Column N``), the first rows, what was sniffed."""

    headers: list[str]
    rows: list[list[str]]
    delimiter: str
    encoding: str
    has_header: bool
    day_first: bool | None  # None: the rows shown do not tell (or dates are ISO)
    suggested: CsvMapping | None  # a guess from the headers, for the dialog to start from


@dataclass(frozen=True)
class CsvMapping:
    """Which columns mean what; a column is a header name or a 0-based index."""

    date_column: Column
    value_column: Column | None = None
    kind_column: Column | None = None
    kind: str | None = None  # the type of every row when there is no type column
    unit_column: Column | None = None
    unit: str | None = None  # the unit of every row; else from the unit column or the header
    time_column: Column | None = None  # a separate time-of-day column
    end_column: Column | None = None
    values: Mapping[Column, str] = field(default_factory=dict)  # wide tables: value column -> type
    kind_names: Mapping[str, str] = field(default_factory=dict)  # type-column text -> type
    date_format: str | None = None  # strptime format; None reads ISO 8601 and numeric dates
    day_first: bool | None = None
    decimal_comma: bool | None = None
    has_header: bool | None = None
    delimiter: str | None = None
    encoding: str | None = None


def preview(path: str | Path, rows: int = PREVIEW_ROWS) -> CsvPreview:
    """Headers and the first ``rows`` rows, with what was sniffed and a suggested mapping."""
    path = Path(path)
    opened = open_table(path, path.name, None, None)
    try:
        sample: list[list[str]] = []
        for row in rows_of(opened, path.name):
            if any(c.strip() for c in row):
                sample.append(row)
            if len(sample) > max(rows, 200):
                break
    finally:
        opened.text.close()
    if not sample:
        raise HealthImportError(path.name, "is empty")
    has_header = sniff_header(sample[:rows + 1])
    width = max(len(r) for r in sample)
    headers = [h.strip() for h in sample[0]] if has_header else [f"Column {i + 1}" for i in range(width)]
    body = sample[1:] if has_header else sample
    suggested = _suggest(headers, body) if has_header else None
    date_idx = _index(headers, suggested.date_column) if suggested else 0
    day_first = date_order([r[date_idx] for r in body if len(r) > date_idx])
    return CsvPreview(headers, body[:rows], opened.delimiter, opened.encoding, has_header, day_first, suggested)


def _suggest(headers: list[str], body: list[list[str]]) -> CsvMapping | None:
    date_col = next((h for h in headers if h.lower().split(" (")[0] in ("date", "datetime", "time", "timestamp",
                                                                        "date/time", "start", "start time",
                                                                        "day", "when")), None)
    if date_col is None:
        return None
    kind_col = next((h for h in headers if h.lower() in ("type", "kind", "measurement", "metric", "name")), None)
    value_col = next((h for h in headers if h.lower() in ("value", "amount", "reading", "result")), None)
    unit_col = next((h for h in headers if h.lower() in ("unit", "units", "uom")), None)
    if kind_col and value_col:
        return CsvMapping(date_column=date_col, value_column=value_col, kind_column=kind_col, unit_column=unit_col)
    values: dict[Column, str] = {h: k for h in headers if h != date_col and (k := kind_of(h)) is not None}
    if values:
        return CsvMapping(date_column=date_col, values=values)
    return None


# -- reading ------------------------------------------------------------------------------------------
def _index(headers: list[str], column: Column) -> int:
    if isinstance(column, int):
        return column
    try:
        return headers.index(column)
    except ValueError:
        lowered = [h.lower() for h in headers]
        if column.strip().lower() in lowered:
            return lowered.index(column.strip().lower())
        raise


class _Plan:
    """A mapping resolved against one file's headers."""

    def __init__(self, mapping: CsvMapping, headers: list[str], file_name: str) -> None:
        def idx(column: Column | None) -> int | None:
            if column is None:
                return None
            try:
                return _index(headers, column)
            except ValueError:
                raise HealthImportError(file_name, "has no column named as the mapping says") from None

        self.date = idx(mapping.date_column)
        self.time = idx(mapping.time_column)
        self.end = idx(mapping.end_column)
        self.kind_col = idx(mapping.kind_column)
        self.unit_col = idx(mapping.unit_column)
        names = {k.strip().lower(): v for k, v in mapping.kind_names.items()}
        self.kind_names = names
        self.columns: list[tuple[int, str | None, str | None]] = []  # (value index, kind, unit)
        if mapping.values:
            for column, kind in mapping.values.items():
                i = idx(column)
                assert i is not None
                header = headers[i] if i < len(headers) else ""
                self.columns.append((i, _checked_kind(kind, file_name), mapping.unit or unit_in_header(header)))
        else:
            if mapping.value_column is None:
                raise HealthImportError(file_name, "the column mapping names no value column")
            if mapping.kind_column is None and mapping.kind is None:
                raise HealthImportError(file_name, "the column mapping names neither a type column nor a type")
            i = idx(mapping.value_column)
            assert i is not None
            header = headers[i] if i < len(headers) else ""
            fixed = _checked_kind(mapping.kind, file_name) if mapping.kind else None
            self.columns.append((i, fixed, mapping.unit or unit_in_header(header)))
        self.width = max([c[0] for c in self.columns] + [x for x in (self.date, self.time, self.end,
                                                                     self.kind_col, self.unit_col) if x is not None])

    def kind_for(self, text: str) -> str | None:
        key = text.strip().lower()
        if key in self.kind_names:
            return self.kind_names[key]
        if key in KINDS:
            return key
        return kind_of(text)


def _checked_kind(kind: str, file_name: str) -> str:
    if kind in KINDS:
        return kind
    named = kind_of(kind)
    if named is None:
        raise HealthImportError(file_name, "the column mapping names a measurement type the app does not know")
    return named


def read(path: str | Path, mapping: CsvMapping, *, problems: Problems | None = None,
         progress: Progress | None = None, cancel: CancelToken | None = None,
         assume_tz: tzinfo | None = None) -> Iterator[RawRecord]:
    """Records of the table as mapped; bad rows go to ``problems`` with their line."""
    path = Path(path)
    file_name = path.name
    problems = problems if problems is not None else Problems()
    day_first = mapping.day_first
    if day_first is None and mapping.date_format is None:
        day_first = _scandate_order(path, mapping)
    opened = open_table(path, file_name, mapping.encoding, mapping.delimiter)
    ticker = Ticker(file_name, opened.size, progress, cancel)
    try:
        rows = rows_of(opened, file_name)
        first = next(rows, None)
        if first is None:
            raise HealthImportError(file_name, "is empty")
        has_header = mapping.has_header
        if has_header is None:
            has_header = isinstance(mapping.date_column, str)
        headers = [h.strip() for h in first] if has_header else [f"Column {i + 1}" for i in range(len(first))]
        if headers and headers[0].startswith("\ufeff"):
            headers[0] = headers[0][1:]
        plan = _Plan(mapping, headers, file_name)
        comma_decimal = mapping.decimal_comma
        if comma_decimal is None and opened.delimiter == ";":
            comma_decimal = True
        pending = [] if has_header else [first]
        line = 1 if has_header else 0
        for row in _chain(pending, rows):
            line += 1
            if line % 2048 == 0:
                ticker(opened.raw.tell())
            if not any(c.strip() for c in row):
                continue
            yield from _row_records(row, line, plan, mapping, day_first, assume_tz, problems, comma_decimal)
        ticker(opened.size)
    finally:
        opened.text.close()


def _chain(first: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from first
    yield from rest


def _row_records(row: list[str], line: int, plan: _Plan, mapping: CsvMapping, day_first: bool | None,
                 assume_tz: tzinfo | None, problems: Problems, comma_decimal: bool | None,
                 ) -> Iterator[RawRecord]:
    if len(row) <= plan.width:
        row = row + [""] * (plan.width + 1 - len(row))
    date_text = row[plan.date]  # type: ignore[index]
    time_text = row[plan.time] if plan.time is not None else None
    try:
        start = parse_when(date_text, date_format=mapping.date_format, day_first=day_first, assume_tz=assume_tz,
                           time_text=time_text)
        end = None
        if plan.end is not None and row[plan.end].strip():
            end = parse_when(row[plan.end], date_format=mapping.date_format, day_first=day_first,
                             assume_tz=assume_tz)
    except (ValueError, OverflowError):
        problems.add(common.BAD_DATE, line)
        return
    for index, fixed_kind, fixed_unit in plan.columns:
        value_text = row[index].strip()
        if not value_text:
            if len(plan.columns) == 1:
                problems.add(common.MISSING_VALUE, line)
            continue  # an empty cell in a wide table means "not measured"
        kind = fixed_kind
        if kind is None:
            kind = plan.kind_for(row[plan.kind_col]) if plan.kind_col is not None else None
            if kind is None:
                problems.add(common.UNKNOWN_TYPE, line)
                continue
        unit = row[plan.unit_col].strip() if plan.unit_col is not None else fixed_unit
        if not unit:
            unit = fixed_unit or ""
        try:
            value = common.parse_number(value_text, comma_decimal=comma_decimal)
        except ValueError:
            problems.add(common.BAD_VALUE, line)
            continue
        end_id = common.epoch(end) if end is not None else ""
        sid = record_id("csv", kind, common.epoch(start), end_id, repr(value), unit)
        yield RawRecord(kind, value, unit, start, end, SOURCE, sid)


def _scandate_order(path: Path, mapping: CsvMapping) -> bool | None:
    """Day-first or month-first from the first rows; refuses a file whose dates never tell."""
    opened = open_table(path, path.name, mapping.encoding, mapping.delimiter)
    try:
        rows = rows_of(opened, path.name)
        first = next(rows, None)
        if first is None:
            return None
        has_header = mapping.has_header if mapping.has_header is not None else isinstance(mapping.date_column, str)
        headers = [h.strip().lstrip("\ufeff") for h in first] if has_header else [str(i) for i in range(len(first))]
        try:
            date_idx = _index(headers, mapping.date_column) if has_header else int(mapping.date_column)
        except (ValueError, TypeError):
            return None
        texts: list[str] = [] if has_header else ([first[date_idx]] if len(first) > date_idx else [])
        for n, row in enumerate(rows):
            if n >= SCAN_ROWS:
                break
            if len(row) > date_idx:
                texts.append(row[date_idx])
    finally:
        opened.text.close()
    order = date_order(texts)
    if order is None and has_ambiguous(texts):
        raise HealthImportError(path.name, AMBIGUOUS_DATES)
    return order
