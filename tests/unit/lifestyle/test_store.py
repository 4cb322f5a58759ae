"""Observations in the vault: typed entries, imports in one transaction, undo, queries, caregivers."""
from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from companion.lifestyle import store, validate
from companion.lifestyle.records import RawRecord
from companion.lifestyle.store import ImportCancelled, InvalidObservation
from companion.lifestyle.types import UnknownType
from companion.vault.errors import ReadOnlyAccess
from companion.vault.migrations import LATEST
from companion.vault.secrets_input import Secret
from tests.conftest import PASSPHRASE
from tests.unit.lifestyle.conftest import CEST, NOW

CAREGIVER = "violet kettle mountain harbour"
MORNING = datetime(2024, 6, 1, 8, 30, tzinfo=CEST)


def rec(kind="steps", value=100.0, unit="count", start=MORNING, end=None, source="Apple Health", sid=None, i=0):
    return RawRecord(kind, value, unit, start + timedelta(minutes=i), end, source, sid or f"{kind}-{i}")


def rows(session, table="observation"):
    return session.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def audit(session, event):
    return [e for e in session.audit_events(100) if e.event == event]


class Cancel:
    def __init__(self, after=None):
        self.after, self.seen = after, 0

    @property
    def cancelled(self):
        self.seen += 1
        return self.after is not None and self.seen > self.after


def test_the_schema_is_at_version_5_with_strict_tables(session):
    assert LATEST == 5
    assert session.connection.execute("PRAGMA user_version").fetchone()[0] == 5
    sql = dict(session.connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
    assert sql["observation"].rstrip().endswith("STRICT") and sql["goal"].rstrip().endswith("STRICT")
    indexes = {r[0] for r in session.connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "observation_type_time" in indexes and "goal_current" in indexes


# ---- typed entries ---------------------------------------------------------------------------

def test_a_typed_entry_keeps_the_canonical_value_and_what_was_entered(session):
    obs = store.add(session, "weight", 180, "lb", MORNING, now=NOW)
    assert obs.type == "weight" and obs.loinc == "29463-7" and obs.unit == "kg"
    assert obs.value == pytest.approx(81.6466266)
    assert (obs.entered_value, obs.entered_unit, obs.source) == (180.0, "lb", "typed")
    assert obs.start == MORNING and obs.start.utcoffset() == timedelta(hours=2)
    assert obs.to_json() == {"type": "weight", "loinc": "29463-7", "value": pytest.approx(81.6466266),
                             "unit": "kg", "at": "2024-06-01T08:30:00+02:00", "source": "typed"}  # fmt: skip
    stored = session.connection.execute("SELECT start_utc, utc_offset FROM observation").fetchone()
    assert stored == ("2024-06-01T06:30:00Z", 120)


def test_typed_entries_by_loinc_code_default_unit_and_text_values(session):
    assert store.add(session, "8867-4", 64, None, MORNING, now=NOW).type == "heart_rate"
    assert store.add(session, "glucose", "5,5", "mmol/L", MORNING, now=NOW).value == pytest.approx(99.09, abs=0.01)
    naive = store.add(session, "steps", 10, "count", datetime(2024, 6, 1, 9, 0), now=NOW)
    assert naive.start.utcoffset() is not None  # a naive time is the machine's local time


@pytest.mark.parametrize(
    ("kind", "value", "unit", "at", "reason"),
    [
        ("weight", 0, "kg", MORNING, validate.IMPOSSIBLE_VALUE),
        ("weight", 2000, "kg", MORNING, validate.IMPOSSIBLE_VALUE),
        ("systolic_bp", 400, "mmHg", MORNING, validate.IMPOSSIBLE_VALUE),
        ("diastolic_bp", 20, "mmHg", MORNING, validate.IMPOSSIBLE_VALUE),
        ("weight", 70, "furlong", MORNING, validate.UNKNOWN_UNIT),
        ("weight", "seventy", "kg", MORNING, validate.NOT_A_NUMBER),
        ("weight", 70, "kg", NOW + timedelta(days=1), validate.IN_FUTURE),
        ("weight", 70, "kg", datetime(1979, 12, 31, 12, tzinfo=UTC), validate.BEFORE_BIRTH),
    ],
)
def test_impossible_typed_entries_are_refused_with_the_reason(session, kind, value, unit, at, reason):
    with pytest.raises(InvalidObservation) as caught:
        store.add(session, kind, value, unit, at, now=NOW)
    assert caught.value.reason == reason and reason in caught.value.message
    assert rows(session) == 0


def test_a_blood_pressure_is_two_entries_saved_together_or_not_at_all(session):
    systolic, diastolic = store.add_blood_pressure(session, 128, 82, at=MORNING, now=NOW)
    assert (systolic.type, systolic.value, diastolic.type, diastolic.value) == ("systolic_bp", 128, "diastolic_bp", 82)
    assert systolic.start == diastolic.start
    for high, low in ((400, 20), (120, 20), (80, 120), (120, 120)):
        with pytest.raises(InvalidObservation):
            store.add_blood_pressure(session, high, low, at=MORNING, now=NOW)
    assert rows(session) == 2


def test_smoking_status_is_stored_as_its_snomed_answer(session):
    obs = store.add(session, "smoking_status", "never", at=MORNING, now=NOW)
    assert (obs.value, obs.code, obs.answer) == (None, "266919005", "never")
    assert obs.to_json()["value"] == "never" and obs.to_json()["unit"] is None
    with pytest.raises(Exception, match="must be one of"):
        store.add(session, "smoking_status", "maybe", at=MORNING, now=NOW)
    with pytest.raises(UnknownType):
        store.add(session, "mood", 5, "count", MORNING, now=NOW)


# ---- edit, delete, undo ----------------------------------------------------------------------

def test_edit_and_undo_the_edit(session):
    obs = store.add(session, "weight", 80, "kg", MORNING, now=NOW)
    before, after = store.edit(session, obs.id, value=176, unit="lb", now=NOW)
    assert before == obs and after.value == pytest.approx(79.832, abs=1e-3) and after.entered_unit == "lb"
    assert after.updated_at is not None
    moved = store.edit(session, obs.id, at=MORNING - timedelta(days=1), now=NOW)[1]
    assert moved.start == MORNING - timedelta(days=1) and moved.entered_value == 176
    with pytest.raises(InvalidObservation):
        store.edit(session, obs.id, value=0, now=NOW)
    assert store.restore_version(session, before) == obs


def test_delete_hides_an_entry_until_restored(session):
    obs = store.add(session, "weight", 80, "kg", MORNING, now=NOW)
    deleted = store.delete(session, obs.id)
    assert deleted == obs
    assert store.observations(session) == [] and store.latest(session) == {}
    assert store.observations(session, include_deleted=True)[0].deleted_at is not None
    with pytest.raises(store.ObservationNotFound):
        store.edit(session, obs.id, value=81, now=NOW)
    assert store.restore(session, obs.id) == obs
    with pytest.raises(store.ObservationNotFound):
        store.restore(session, 999)


# ---- importing -------------------------------------------------------------------------------

def test_add_many_stores_counts_and_skips_duplicates_on_reimport(session):
    records = [rec(i=i, value=100 + i) for i in range(50)]
    first = store.add_many(session, iter(records), now=NOW)
    assert (first.imported, first.skipped_duplicates, first.rejected) == (50, 0, [])
    again = store.add_many(session, records, now=NOW)
    assert (again.imported, again.skipped_duplicates, again.batch) == (0, 50, None)
    assert rows(session) == 50
    # The same id twice in one stream, and the same id from another source, or of another type.
    mixed = [rec(sid="x"), rec(sid="x", value=5), rec(sid="x", source="Fitbit"), rec("heart_rate", 60, "bpm", sid="x")]
    assert store.add_many(session, mixed, now=NOW).to_json() == {"imported": 3, "skipped_duplicates": 1, "rejected": []}


def test_bad_records_are_skipped_and_counted_by_reason(session):
    good = rec(i=1)
    bad = [
        rec("mood"), rec("weight", 0, "kg"), rec("weight", 2000, "kg"), rec("systolic_bp", 400, "mmHg"),
        rec("diastolic_bp", 20, "mmHg"), rec("weight", 70, "stones of the moon"), rec("steps", math.nan),
        rec("steps", math.inf), rec(start=NOW + timedelta(hours=1)), rec(start=datetime(1975, 5, 5, tzinfo=CEST)),
        rec(start=datetime(2024, 6, 1, 8, 30)), rec(end=MORNING - timedelta(minutes=1)), rec("smoking_status", 1, ""),
        RawRecord("steps", 1, "count", MORNING, None, "CSV", ""), rec("weight", True, "kg"),
    ]  # fmt: skip
    counts = store.add_many(session, [good, *bad], now=NOW)
    assert counts.imported == 1 and counts.rejected_total == len(bad)
    assert dict(counts.rejected) == {
        validate.UNKNOWN_TYPE: 1, validate.IMPOSSIBLE_VALUE: 4, validate.UNKNOWN_UNIT: 1, validate.NOT_A_NUMBER: 3,
        validate.IN_FUTURE: 1, validate.BEFORE_BIRTH: 1, validate.NO_TIME_ZONE: 1, validate.END_BEFORE_START: 1,
        validate.CODED_TYPE: 1, validate.NO_SOURCE_ID: 1,
    }  # fmt: skip
    assert counts.rejected[0] == (validate.IMPOSSIBLE_VALUE, 4)  # most frequent first


def test_a_few_minutes_of_clock_skew_is_not_the_future(session):
    assert store.add_many(session, [rec(start=NOW + timedelta(minutes=5))], now=NOW).imported == 1


def test_the_import_audit_row_holds_counts_only(session):
    store.add_many(session, [rec(i=0), rec("weight", 0, "kg")], now=NOW)
    (event,) = audit(session, "observations_imported")
    assert event.detail == {"imported": 1, "skipped_duplicates": 0, "rejected": 1}


def test_a_failing_file_leaves_nothing(session):
    def stream():
        for i in range(12_000):  # more than two chunks are written before the failure
            yield rec(i=i)
        raise ValueError("malformed XML at line 12001")

    with pytest.raises(ValueError):
        store.add_many(session, stream(), now=NOW)
    assert rows(session) == 0 and audit(session, "observations_imported") == []


def test_cancel_leaves_nothing(session):
    records = [rec(i=i) for i in range(12_000)]
    with pytest.raises(ImportCancelled):
        store.add_many(session, records, cancel=Cancel(after=1), now=NOW)
    assert rows(session) == 0
    with pytest.raises(ImportCancelled):
        store.add_many(session, records[:10], cancel=Cancel(after=0), now=NOW)
    assert rows(session) == 0
    assert store.add_many(session, records, cancel=Cancel(), now=NOW).imported == 12_000


def test_progress_reports_records_read(session):
    seen = []
    store.add_many(session, [rec(i=i) for i in range(12_000)], progress=lambda done, total: seen.append((done, total)),
                   now=NOW)  # fmt: skip
    assert seen == [(5_000, 12_000), (10_000, 12_000), (12_000, 12_000)]
    seen.clear()
    store.add_many(session, (rec(i=i, source="Fitbit") for i in range(7)), progress=lambda d, t: seen.append((d, t)),
                   now=NOW)  # fmt: skip
    assert seen == [(7, 0)]  # a stream has no length


def test_an_import_can_be_undone_as_a_whole_and_stays_deleted_on_reimport(session):
    records = [rec(i=i) for i in range(20)]
    counts = store.add_many(session, records, now=NOW)
    typed = store.add(session, "weight", 70, "kg", MORNING, now=NOW)
    assert store.delete_batch(session, counts.batch) == 20
    assert store.observations(session) == [typed]
    assert store.add_many(session, records, now=NOW).skipped_duplicates == 20  # deleted stays deleted
    assert store.restore_batch(session, counts.batch) == 20
    assert len(store.observations(session)) == 21
    assert audit(session, "observations_import_undone")[0].detail == {"batch": counts.batch, "deleted": 20}


# ---- queries ---------------------------------------------------------------------------------

def test_queries_by_type_and_time_range_and_latest_per_type(session):
    store.add_many(session, [rec(i=60 * i, value=i + 1) for i in range(48)], now=NOW)  # hourly for two days
    store.add(session, "weight", 72, "kg", MORNING + timedelta(hours=5), now=NOW)
    store.add(session, "weight", 71, "kg", MORNING + timedelta(hours=1), now=NOW)
    day = store.observations(session, types=["steps"], since=MORNING, until=MORNING + timedelta(days=1))
    assert len(day) == 24 and [o.value for o in day[:2]] == [1, 2]
    newest = store.observations(session, types=["steps", "weight"], newest_first=True, limit=3)
    assert [o.value for o in newest] == [48, 47, 46]
    assert len(store.observations(session)) == 50
    assert store.observations(session, types=[]) == []
    latest = store.latest(session)
    assert set(latest) == {"steps", "weight"} and latest["weight"].value == 72 and latest["steps"].value == 48
    assert store.latest(session, ["glucose"]) == {}


def test_a_caregiver_can_read_but_not_write(request, profile):
    profiles = request.getfixturevalue("store")  # the ProfileStore fixture (this module's "store" is the code)
    with profiles.unlock(profile.id, Secret.passphrase(PASSPHRASE)) as owner:
        owner.add_caregiver(PASSPHRASE, "Maria", CAREGIVER)
        obs = store.add(owner, "weight", 70, "kg", MORNING, now=NOW)
        batch = store.add_many(owner, [rec()], now=NOW).batch
    with profiles.unlock(profile.id, Secret.passphrase(CAREGIVER)) as caregiver:
        assert caregiver.read_only and len(store.observations(caregiver)) == 2
        attempts = [
            lambda: store.add(caregiver, "weight", 71, "kg", MORNING, now=NOW),
            lambda: store.add_blood_pressure(caregiver, 120, 80, at=MORNING, now=NOW),
            lambda: store.add_many(caregiver, [rec(i=5)], now=NOW),
            lambda: store.edit(caregiver, obs.id, value=72, now=NOW),
            lambda: store.delete(caregiver, obs.id),
            lambda: store.restore(caregiver, obs.id),
            lambda: store.delete_batch(caregiver, batch),
        ]
        for attempt in attempts:
            with pytest.raises(ReadOnlyAccess):
                attempt()
        assert [o.value for o in store.observations(caregiver)] == [70, 100]
