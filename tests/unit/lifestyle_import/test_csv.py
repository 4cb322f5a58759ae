"""Any CSV through a column mapping: preview, sniffing, long and wide tables, bad rows, fuzzing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.lifestyle.importers import (
    CSV,
    CsvMapping,
    CsvMappingRequired,
    HealthImportError,
    Problems,
    csv_import,
    csv_sniff,
    preview,
    read_health_file,
)
from tests.unit.lifestyle_import.conftest import read_all

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")


def table(tmp_path: Path, text: str, name: str = "log.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


LONG = ("date,type,value,unit\n"
        "2024-03-01 08:00,Weight,80.5,kg\n"
        "2024-03-01 08:01,systolic,128,mmHg\n"
        "2024-03-01 08:01,Diastolic,82,mmHg\n"
        "2024-03-02T07:30:00+01:00,heart rate,61,bpm\n")


def test_csv_needs_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(CsvMappingRequired) as info:
        read_health_file(table(tmp_path, LONG))
    assert isinstance(info.value, HealthImportError) and "log.csv" in str(info.value)


def test_preview_and_suggestion(tmp_path: Path) -> None:
    shown = preview(table(tmp_path, LONG))
    assert shown.headers == ["date", "type", "value", "unit"] and shown.has_header
    assert shown.rows[0] == ["2024-03-01 08:00", "Weight", "80.5", "kg"] and len(shown.rows) == 4
    assert (shown.delimiter, shown.encoding) == (",", "utf-8")
    assert shown.suggested == CsvMapping(date_column="date", value_column="value", kind_column="type",
                                         unit_column="unit")


def test_long_table(tmp_path: Path) -> None:
    path = table(tmp_path, LONG)
    stream, records = read_all(path, csv_mapping=preview(path).suggested, assume_tz=LONDON)
    assert stream.format == CSV
    assert [(r.kind, r.value, r.unit) for r in records] == [
        ("weight", 80.5, "kg"), ("systolic_bp", 128.0, "mmHg"), ("diastolic_bp", 82.0, "mmHg"),
        ("heart_rate", 61.0, "bpm")]
    assert records[0].start == datetime(2024, 3, 1, 8, 0, tzinfo=LONDON)
    assert records[3].start == datetime(2024, 3, 2, 6, 30, tzinfo=UTC)
    assert all(r.source == "CSV" for r in records)


def test_wide_withings_blood_pressure(tmp_path: Path) -> None:
    path = table(tmp_path, 'Date,Heart rate,Systolic,Diastolic,Comments\n'
                           '"2026-04-25 08:11:51",64,121,79,\n'
                           '"2026-04-26 08:03:10",,118,,after coffee\n')
    shown = preview(path)
    assert shown.suggested is not None and dict(shown.suggested.values) == {
        "Heart rate": "heart_rate", "Systolic": "systolic_bp", "Diastolic": "diastolic_bp"}
    stream, records = read_all(path, csv_mapping=CsvMapping(
        date_column="Date", values={"Heart rate": "heart_rate", "Systolic": "systolic_bp",
                                    "Diastolic": "diastolic_bp"}, unit=None), assume_tz=UTC)
    assert [(r.kind, r.value) for r in records] == [("heart_rate", 64.0), ("systolic_bp", 121.0),
                                                   ("diastolic_bp", 79.0), ("systolic_bp", 118.0)]
    assert stream.rejected == 0  # empty cells in a wide table are "not measured"


def test_unit_from_header_and_fixed_type(tmp_path: Path) -> None:
    path = table(tmp_path, 'Date,"Weight (kg)","Fat mass (kg)",Comments\n"2026-04-25 08:11:51",80.90,16.02,\n')
    _, records = read_all(path, csv_mapping=CsvMapping(date_column="Date", value_column="Weight (kg)",
                                                       kind="weight"), assume_tz=UTC)
    assert [(r.kind, r.value, r.unit) for r in records] == [("weight", 80.9, "kg")]


def test_semicolons_decimal_commas_bom_and_day_first(tmp_path: Path) -> None:
    text = "Datum;Gewicht\n25.04.2026;80,9\n03.05.2026;81,2\n"
    path = table(tmp_path, text, encoding="utf-8-sig")
    shown = preview(path)
    assert (shown.delimiter, shown.encoding, shown.headers) == (";", "utf-8-sig", ["Datum", "Gewicht"])
    assert shown.day_first is True
    _, records = read_all(path, csv_mapping=CsvMapping(date_column="Datum", value_column="Gewicht",
                                                       kind="weight", unit="kg"), assume_tz=UTC)
    assert [(r.start.date().isoformat(), r.value) for r in records] == [("2026-04-25", 80.9), ("2026-05-03", 81.2)]


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    path = table(tmp_path, "date\tmeasurement\tvalue\tnote\n2024-03-01\tsteps\t8164\tcafé\n", encoding=encoding)
    shown = preview(path)
    assert shown.delimiter == "\t" and shown.rows[0][3] == "café"
    _, records = read_all(path, csv_mapping=CsvMapping(date_column="date", value_column="value",
                                                       kind_column="measurement", unit="count"), assume_tz=UTC)
    assert [(r.kind, r.value) for r in records] == [("steps", 8164.0)]


def test_month_first_and_thousands(tmp_path: Path) -> None:
    path = table(tmp_path, 'Date,Steps\n"04/25/2026","8,164"\n"05/01/2026","10,002"\n')
    _, records = read_all(path, csv_mapping=CsvMapping(date_column="Date", value_column="Steps", kind="steps",
                                                       unit="count"), assume_tz=UTC)
    assert [(r.start.date().isoformat(), r.value) for r in records] == [("2026-04-25", 8164.0),
                                                                        ("2026-05-01", 10002.0)]


def test_ambiguous_dates_need_the_order(tmp_path: Path) -> None:
    path = table(tmp_path, "Date,Weight\n03/04/2026,80\n05/06/2026,81\n")
    mapping = CsvMapping(date_column="Date", value_column="Weight", kind="weight", unit="kg")
    with pytest.raises(HealthImportError, match="day-first or month-first"):
        read_all(path, csv_mapping=mapping, assume_tz=UTC)
    _, records = read_all(path, csv_mapping=CsvMapping(date_column="Date", value_column="Weight", kind="weight",
                                                       unit="kg", day_first=True), assume_tz=UTC)
    assert records[0].start.date().isoformat() == "2026-04-03"


def test_no_header_columns_by_index(tmp_path: Path) -> None:
    path = table(tmp_path, "2024-03-01 08:00,72.5\n2024-03-02 08:00,72.1\n")
    shown = preview(path)
    assert not shown.has_header and shown.headers == ["Column 1", "Column 2"]
    _, records = read_all(path, csv_mapping=CsvMapping(date_column=0, value_column=1, kind="weight", unit="kg",
                                                       has_header=False), assume_tz=UTC)
    assert [r.value for r in records] == [72.5, 72.1]


def test_bad_rows_are_counted_with_their_line(tmp_path: Path) -> None:
    path = table(tmp_path, "date,type,value,unit\n"
                           "2024-03-01,weight,80,kg\n"
                           "someday,weight,80,kg\n"
                           "2024-03-02,weight,eighty,kg\n"
                           "2024-03-03,mood,5,\n"
                           "2024-03-04,weight,,kg\n"
                           "\n"
                           "2024-03-05,weight,inf,kg\n"
                           "2024-03-06\n")
    mapping = CsvMapping(date_column="date", value_column="value", kind_column="type", unit_column="unit")
    stream, records = read_all(path, csv_mapping=mapping, assume_tz=UTC)
    assert len(records) == 1
    assert stream.problems.counts == {"date or time could not be read": 1, "value is not a number": 2,
                                      "measurement type not recognised": 1, "value is missing": 2}
    assert stream.problems.first_line == {"date or time could not be read": 3, "value is not a number": 4,
                                          "measurement type not recognised": 5, "value is missing": 6}


def test_mapping_naming_a_missing_column(tmp_path: Path) -> None:
    path = table(tmp_path, LONG)
    with pytest.raises(HealthImportError, match="no column named"):
        read_all(path, csv_mapping=CsvMapping(date_column="when", value_column="value", kind="weight"))
    with pytest.raises(HealthImportError, match="type the app does not know"):
        read_all(path, csv_mapping=CsvMapping(date_column="date", value_column="value", kind="mood"))


def test_huge_cell_is_refused(tmp_path: Path) -> None:
    path = table(tmp_path, "date,value\n2024-03-01," + "9" * (200 * 1024) + "\n")
    with pytest.raises(HealthImportError, match="longer than 128 KB"):
        read_all(path, csv_mapping=CsvMapping(date_column="date", value_column="value", kind="steps"))


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(HealthImportError, match="binary"):
        read_health_file(path)


def test_progress_and_ids(tmp_path: Path) -> None:
    rows = "".join(f"2024-03-01 {h:02d}:{m:02d},{70 + m % 5}\n" for h in range(24) for m in range(60))
    path = table(tmp_path, "time,pulse\n" + rows)
    seen: list[tuple[int, int]] = []
    mapping = CsvMapping(date_column="time", value_column="pulse", kind="heart_rate", unit="bpm")
    with read_health_file(path, csv_mapping=mapping, assume_tz=UTC, progress=lambda d, t: seen.append((d, t))) as s:
        first = [r.source_id for r in s.records()]
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    _, again = read_all(path, csv_mapping=mapping, assume_tz=UTC)
    assert first == [r.source_id for r in again] and len(set(first)) == 1440


# -- Hypothesis -----------------------------------------------------------------------------------
measurement = st.tuples(
    st.sampled_from(csv_import.KINDS),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda v: round(v, 3)),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 12, 31)).map(
        lambda d: d.replace(microsecond=0)),
    st.sampled_from(["kg", "mmHg", "count", "mg/dL", "%", "h", "min", ""]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(measurement, min_size=1, max_size=30), delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       iso=st.booleans(), crlf=st.booleans())
def test_round_trip(tmp_path: Path, rows: list, delimiter: str, encoding: str, iso: bool, crlf: bool) -> None:
    end = "\r\n" if crlf else "\n"
    lines = [delimiter.join(["When", "What", "Amount", "Unit"])]
    for kind, value, when, unit in rows:
        stamp = when.isoformat(sep=" ") if iso else when.strftime("%d/%m/%Y %H:%M:%S")
        number = repr(value)
        if delimiter == ";":
            number = number.replace(".", ",")
        lines.append(delimiter.join([stamp, kind.replace("_", " ").title(), number, unit]))
    path = tmp_path / "fuzz.csv"
    path.write_bytes((end.join(lines) + end).encode(encoding))
    mapping = CsvMapping(date_column="When", value_column="Amount", kind_column="What", unit_column="Unit",
                         day_first=True)
    problems = Problems()
    records = list(csv_import.read(path, mapping, problems=problems, assume_tz=UTC))
    assert problems.total == 0, problems.counts
    assert [(r.kind, r.value, r.unit, r.start) for r in records] == [
        (kind, value, unit, when.replace(tzinfo=UTC)) for kind, value, when, unit in rows]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000) | st.text(max_size=600).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_bytes_only_raise_our_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    mapping = CsvMapping(date_column=0, value_column=1, kind_column=2, unit_column=3, has_header=False,
                         day_first=True)
    try:
        shown = preview(path)
        assert shown.delimiter in csv_sniff.DELIMITERS
        problems = Problems()
        for record in csv_import.read(path, mapping, problems=problems, assume_tz=UTC):
            assert record.kind in csv_import.KINDS and record.start.tzinfo is not None
    except HealthImportError:
        pass


def test_parse_when_forms() -> None:
    def when(text: str, **kw: object) -> datetime:
        return csv_sniff.parse_when(text, date_format=None, day_first=kw.get("day_first"),  # type: ignore[arg-type]
                                     assume_tz=UTC)

    assert when("2024-03-01") == datetime(2024, 3, 1, tzinfo=UTC)
    assert when("2024-03-01T08:00:00Z") == datetime(2024, 3, 1, 8, tzinfo=UTC)
    assert when("25/04/2026 8:11 PM") == datetime(2026, 4, 25, 20, 11, tzinfo=UTC)
    assert when("04/25/26 12:05 am") == datetime(2026, 4, 25, 0, 5, tzinfo=UTC)
    assert when("25 Apr 2026") == datetime(2026, 4, 25, tzinfo=UTC)
    assert when("Apr 25, 2026 07:30") == datetime(2026, 4, 25, 7, 30, tzinfo=UTC)
    assert when("2026/04/25 07:30:00 +0200") == datetime(2026, 4, 25, 5, 30, tzinfo=UTC)
    assert when("01/02/2026", day_first=False) == datetime(2026, 1, 2, tzinfo=UTC)
    for bad in ("", "yesterday", "31/31/2026", "2026-13-01", "13/13/13"):
        with pytest.raises(ValueError):
            when(bad, day_first=True)
    assert when("2026-04-25 08:00", day_first=None).tzinfo is UTC
    assert when("2026-04-25T08:00:00+05:30").utcoffset() == timedelta(hours=5, minutes=30)
