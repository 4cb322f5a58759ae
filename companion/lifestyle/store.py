"""Observations inside the vault: add (typed or imported), edit and delete with undo, queries.

Schema: migration 3 (``companion.vault.migrations._v3``). Values are stored in the type's
canonical unit, with what was entered kept beside them. Writes go through
``session.transaction()``, which refuses caregivers (read-only) with ``ReadOnlyAccess``.
:func:`add_many` is what importers call: one transaction for a whole file, bad records skipped
and counted by reason, duplicates (same source, type and source id) skipped and counted.
"""
from __future__ import annotations

import itertools
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Protocol

from companion.errors import CompanionError
from companion.lifestyle import types as types_
from companion.lifestyle import units, validate
from companion.lifestyle.records import RawRecord
from companion.lifestyle.types import ObservationType
from companion.vault import keyslots
from companion.vault.errors import ReadOnlyAccess

TYPED = "typed"
CHUNK = 5_000  # records validated and inserted at a time; also how often progress and cancel are seen
Progress = Callable[[int, int], None]
Clock = Callable[[], datetime]


class CancelToken(Protocol):
    @property
    def cancelled(self) -> bool: ...


class ObservationNotFound(CompanionError):
    def __init__(self, obs_id: int) -> None:
        super().__init__(f"there is no entry {obs_id} in this profile")


class InvalidObservation(CompanionError):
    """A typed entry that cannot be stored; the message says why, in the words of validate."""

    def __init__(self, otype: ObservationType | None, reason: str) -> None:
        self.reason = reason
        what = otype.label.lower() if otype else "this entry"
        hint = ""
        if otype is not None and reason == validate.IMPOSSIBLE_VALUE and otype.range is not None:
            hint = f" (it must be between {otype.range.min:g} and {otype.range.max:g} {otype.unit})"
        elif otype is not None and reason == validate.UNKNOWN_UNIT:
            hint = f" (use {', '.join(otype.accepted_units()[:6])})"
        super().__init__(f"{what} not saved: {reason}{hint}")


class ImportCancelled(CompanionError):
    def __init__(self) -> None:
        super().__init__("the import was cancelled; nothing from it was saved")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Observation:
    """One stored observation. ``value``/``unit`` are canonical; ``entered_*`` as typed or imported."""

    id: int
    type: str
    loinc: str | None
    value: float | None  # None for coded types
    unit: str | None  # the type's canonical unit; None for coded types
    answer: str | None  # coded types: the answer key ("never", …)
    code: str | None  # coded types: its SNOMED CT code
    entered_value: float | None
    entered_unit: str
    start: datetime  # in the UTC offset the source gave
    end: datetime | None
    source: str
    source_id: str
    batch: int | None
    created_at: str
    updated_at: str | None
    deleted_at: str | None

    def to_json(self) -> dict[str, Any]:
        """The public shape of ``companion logs --json`` (keys are a contract)."""
        return {
            "type": self.type,
            "loinc": self.loinc,
            "value": self.answer if self.answer is not None else None if self.value is None else round(self.value, 6),
            "unit": self.unit,
            "at": self.start.isoformat(),
            "source": self.source,
        }


@dataclass(frozen=True)
class ImportCounts:
    """What :func:`add_many` did: stored, skipped as already there, refused (reason, count)."""

    imported: int
    skipped_duplicates: int
    rejected: list[tuple[str, int]]  # most frequent reason first
    batch: int | None = None  # undo the whole import with delete_batch(session, batch)

    @property
    def rejected_total(self) -> int:
        return sum(n for _, n in self.rejected)

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "skipped_duplicates": self.skipped_duplicates,
            "rejected": [{"reason": reason, "count": n} for reason, n in self.rejected],
        }


# ---- reading rows ----------------------------------------------------------------------------

_COLUMNS = (
    "id, type, loinc, value, value_code, entered_value, unit, start_utc, end_utc, utc_offset, "
    "source, source_id, batch, created_at, updated_at, deleted_at"
)
_INSERT = (
    "INSERT OR IGNORE INTO observation (type, loinc, value, value_code, entered_value, unit, start_utc, "
    "end_utc, utc_offset, source, source_id, batch, created_at, device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _moment(text: str, offset_minutes: int) -> datetime:
    utc = datetime.fromisoformat(text)  # "…Z" is UTC (Python ≥ 3.11)
    return utc.astimezone(timezone(timedelta(minutes=offset_minutes)))


def _row(row: Sequence[Any]) -> Observation:
    (obs_id, kind, loinc, value, code, entered, unit, start, end, offset, source, source_id, batch,
     created, updated, deleted) = row  # fmt: skip
    otype = types_.registry().get(kind)
    answer = otype.answer_by_code(code) if (otype and code) else None
    return Observation(
        id=int(obs_id), type=kind, loinc=loinc, value=value,
        unit=otype.unit if otype else None, answer=answer.key if answer else None, code=code,
        entered_value=entered, entered_unit=unit, start=_moment(start, offset),
        end=None if end is None else _moment(end, offset), source=source, source_id=source_id,
        batch=batch, created_at=created, updated_at=updated, deleted_at=deleted,
    )  # fmt: skip


def get(session: Any, obs_id: int) -> Observation:
    row = session.connection.execute(f"SELECT {_COLUMNS} FROM observation WHERE id = ?", (int(obs_id),)).fetchone()
    if row is None:
        raise ObservationNotFound(obs_id)
    return _row(row)


def observations(
    session: Any,
    *,
    types: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    newest_first: bool = False,
    include_deleted: bool = False,
) -> list[Observation]:
    """Observations with ``since <= start < until``, oldest first (or newest first), optionally of some types."""
    where, params = [], []
    if not include_deleted:
        where.append("deleted_at IS NULL")
    if types is not None:
        names = [types_.get(t).name for t in types]
        where.append(f"type IN ({', '.join('?' * len(names))})" if names else "0")
        params += names
    if since is not None:
        where.append("start_utc >= ?")
        params.append(validate.utc_text(since))
    if until is not None:
        where.append("start_utc < ?")
        params.append(validate.utc_text(until))
    sql = f"SELECT {_COLUMNS} FROM observation"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY start_utc {'DESC' if newest_first else 'ASC'}, id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_row(r) for r in session.connection.execute(sql, tuple(params)).fetchall()]


def latest(session: Any, types: Iterable[str] | None = None) -> dict[str, Observation]:
    """The most recent observation of each type that has one (one indexed lookup per type)."""
    names = [types_.get(t).name for t in types] if types is not None else [t.name for t in types_.registry()]
    found = {}
    for name in names:
        row = session.connection.execute(
            f"SELECT {_COLUMNS} FROM observation WHERE type = ? AND deleted_at IS NULL "
            "ORDER BY start_utc DESC, id DESC LIMIT 1",
            (name,),
        ).fetchone()
        if row is not None:
            found[name] = _row(row)
    return found


# ---- typed entries ---------------------------------------------------------------------------

def _checker(session: Any, now: datetime | None) -> validate.Checker:
    birth = session.profile().birth_date
    return validate.Checker(types_.registry(), date.fromisoformat(birth) if birth else None, now or utc_now())


def _local_now(now: datetime | None) -> datetime:
    return (now or utc_now()).astimezone()


def _typed_row(session: Any, otype: ObservationType, value: float | str, unit: str | None,
               at: datetime, end: datetime | None, source: str, source_id: str | None,
               now: datetime | None) -> tuple[Any, ...]:  # fmt: skip
    checker = _checker(session, now)
    if otype.coded:
        answer = otype.answer(str(value))
        times = checker.when(at, end)
        if isinstance(times, str):
            raise InvalidObservation(otype, times)
        return (otype.name, otype.loinc, None, answer.snomed, None, "", *times, source,
                source_id or uuid.uuid4().hex, None, keyslots.now_iso(), None)  # fmt: skip
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            raise InvalidObservation(otype, validate.NOT_A_NUMBER) from None
    record = RawRecord(otype.name, value, unit or otype.unit or "", at, end, source, source_id or uuid.uuid4().hex)
    checked = checker.check(record, None, keyslots.now_iso())
    if isinstance(checked, str):
        raise InvalidObservation(otype, checked)
    return checked


def add(
    session: Any,
    kind: str,
    value: float | str,
    unit: str | None = None,
    at: datetime | None = None,
    *,
    end: datetime | None = None,
    source: str = TYPED,
    source_id: str | None = None,
    now: datetime | None = None,
) -> Observation:
    """Store one entry. ``kind``: short name or LOINC; ``value``: a number, or an answer for coded types.

    ``at`` defaults to now (local time); naive times are taken as local time. Raises
    :class:`InvalidObservation` with the reason, ``UnknownType``, or ``ReadOnlyAccess``.
    """
    return add_together(session, [(kind, value, unit)], at, end=end, source=source, source_id=source_id, now=now)[0]


def add_together(
    session: Any,
    entries: Sequence[tuple[str, float | str, str | None]],
    at: datetime | None = None,
    *,
    end: datetime | None = None,
    source: str = TYPED,
    source_id: str | None = None,
    now: datetime | None = None,
) -> list[Observation]:
    """Several entries at one time, all or none (a blood pressure is systolic + diastolic)."""
    if session.read_only:
        raise ReadOnlyAccess()
    moment = _aware(at) if at is not None else _local_now(now)
    finish = _aware(end) if end is not None else None
    rows = []
    for i, (kind, value, unit) in enumerate(entries):
        otype = types_.registry().resolve(kind)
        sid = None if source_id is None else (source_id if len(entries) == 1 else f"{source_id}#{i}")
        rows.append(_typed_row(session, otype, value, unit, moment, finish, source, sid, now))
    ids = []
    with session.transaction() as conn:
        for row in rows:
            cur = conn.execute(_INSERT, row)
            if cur.rowcount != 1:
                raise InvalidObservation(types_.registry().get(row[0]), "an entry with this source id is already stored")
            ids.append(int(cur.lastrowid))
    return [get(session, i) for i in ids]


def add_blood_pressure(
    session: Any, systolic: float, diastolic: float, unit: str = "mmHg", at: datetime | None = None,
    *, now: datetime | None = None,
) -> tuple[Observation, Observation]:  # fmt: skip
    """A reading like 128/82 as two observations, refused whole if either value or the pair is impossible."""
    if not (units.is_number(systolic) and units.is_number(diastolic)) or systolic <= diastolic:
        raise InvalidObservation(types_.get("systolic_bp"), f"{validate.IMPOSSIBLE_VALUE} (systolic must be above diastolic)")
    sys_obs, dia_obs = add_together(session, [("systolic_bp", systolic, unit), ("diastolic_bp", diastolic, unit)], at, now=now)
    return sys_obs, dia_obs


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.astimezone()  # naive: the machine's local time


# ---- edit, delete, undo ----------------------------------------------------------------------

def edit(
    session: Any,
    obs_id: int,
    *,
    value: float | str | None = None,
    unit: str | None = None,
    at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[Observation, Observation]:
    """Change an entry's value (in ``unit``, default: as entered) and/or time; returns (before, after).

    Undo with :func:`restore_version` (``before``).
    """
    before = get(session, obs_id)
    if before.deleted_at is not None:
        raise ObservationNotFound(obs_id)
    otype = types_.get(before.type)
    new_value: float | str = value if value is not None else (
        before.answer if otype.coded else before.entered_value)  # type: ignore[assignment]  # fmt: skip
    new_unit = unit if unit is not None else before.entered_unit
    moment = _aware(at) if at is not None else before.start
    row = _typed_row(session, otype, new_value, new_unit, moment, before.end, before.source, before.source_id, now)
    with session.transaction() as conn:
        conn.execute(
            "UPDATE observation SET value = ?, value_code = ?, entered_value = ?, unit = ?, start_utc = ?, "
            "end_utc = ?, utc_offset = ?, updated_at = ? WHERE id = ?",
            (row[2], row[3], row[4], row[5], row[6], row[7], row[8], keyslots.now_iso(), int(obs_id)),
        )
    return before, get(session, obs_id)


def restore_version(session: Any, before: Observation) -> Observation:
    """Undo an :func:`edit`: put the row back exactly as ``before`` had it."""
    offset = int(before.start.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    with session.transaction() as conn:
        cur = conn.execute(
            "UPDATE observation SET value = ?, value_code = ?, entered_value = ?, unit = ?, start_utc = ?, "
            "end_utc = ?, utc_offset = ?, updated_at = ?, deleted_at = ? WHERE id = ?",
            (before.value, before.code, before.entered_value, before.entered_unit, validate.utc_text(before.start),
             None if before.end is None else validate.utc_text(before.end), offset, before.updated_at,
             before.deleted_at, before.id),
        )  # fmt: skip
        if cur.rowcount != 1:
            raise ObservationNotFound(before.id)
    return get(session, before.id)


def delete(session: Any, obs_id: int) -> Observation:
    """Mark an entry deleted (hidden everywhere); :func:`restore` undoes it. Returns the entry as it was."""
    before = get(session, obs_id)
    with session.transaction() as conn:
        conn.execute("UPDATE observation SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                     (keyslots.now_iso(), int(obs_id)))  # fmt: skip
    return before


def restore(session: Any, obs_id: int) -> Observation:
    with session.transaction() as conn:
        cur = conn.execute("UPDATE observation SET deleted_at = NULL WHERE id = ?", (int(obs_id),))
        if cur.rowcount != 1:
            raise ObservationNotFound(obs_id)
    return get(session, obs_id)


def delete_batch(session: Any, batch: int) -> int:
    """Undo an import: mark every entry it added deleted. Returns how many."""
    with session.transaction() as conn:
        cur = conn.execute("UPDATE observation SET deleted_at = ? WHERE batch = ? AND deleted_at IS NULL",
                           (keyslots.now_iso(), int(batch)))  # fmt: skip
        _audit(conn, session, "observations_import_undone", {"batch": int(batch), "deleted": cur.rowcount})
    return int(cur.rowcount)


def restore_batch(session: Any, batch: int) -> int:
    with session.transaction() as conn:
        cur = conn.execute("UPDATE observation SET deleted_at = NULL WHERE batch = ? AND deleted_at IS NOT NULL",
                           (int(batch),))  # fmt: skip
    return int(cur.rowcount)


# ---- importing -------------------------------------------------------------------------------

def _audit(conn: Any, session: Any, event: str, detail: dict[str, int]) -> None:
    # Counts only: never a value, a time, a file name or a device.
    conn.execute(
        "INSERT INTO audit (at, event, actor_role, detail) VALUES (?, ?, ?, ?)",
        (keyslots.now_iso(), event, session.role, json.dumps(detail, sort_keys=True)),
    )


def add_many(
    session: Any,
    records: Iterable[RawRecord],
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    *,
    now: datetime | None = None,
) -> ImportCounts:
    """Store ``records`` (read lazily, in bounded memory) in ONE transaction: all of the import or none.

    Records failing :mod:`~companion.lifestyle.validate` are skipped and counted by reason; ones
    already stored (same source, type and source id; also earlier in the same stream) are skipped
    and counted. An exception from the iterator (a bad file) or a cancel rolls everything back.
    ``progress(done, total)`` gets ``total = 0`` when ``records`` has no length.
    """
    if session.read_only:
        raise ReadOnlyAccess()
    checker = _checker(session, now)
    total = len(records) if isinstance(records, Sized) else 0
    rejected: Counter[str] = Counter()

    def checked() -> Iterator[list[validate.CompactRow]]:
        iterator = iter(records)
        done = 0
        check = checker.check_compact
        while chunk := list(itertools.islice(iterator, CHUNK)):
            rows = []
            for record in chunk:
                row = check(record)
                if isinstance(row, str):
                    rejected[row] += 1
                else:
                    rows.append(row)
            yield rows
            done += len(chunk)
            if progress is not None:
                progress(done, total)

    return add_checked(session, checked(), rejected, cancel)


IMPORT_CACHE_KIB = 64 << 10  # SQLite's default 2 MB cache made a 500k-row insert ~25 % slower (index pages)


def add_checked(
    session: Any,
    chunks: Iterable[list[validate.CompactRow]],
    rejected: Counter[str],
    cancel: CancelToken | None = None,
) -> ImportCounts:
    """Store rows already checked (by :meth:`validate.Checker.check_compact`, here or in the import
    worker) in ONE transaction. ``rejected`` is read after the last chunk: the checker's counts."""
    if session.read_only:
        raise ReadOnlyAccess()
    created = keyslots.now_iso()
    imported = attempted = 0
    finish = validate.finish_row
    with session.transaction() as conn:
        batch = int(conn.execute("SELECT coalesce(max(batch), 0) + 1 FROM observation").fetchone()[0])
        conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        try:
            for rows in chunks:
                if cancel is not None and cancel.cancelled:
                    raise ImportCancelled()
                if rows:
                    imported += int(conn.executemany(_INSERT, [finish(r, batch, created) for r in rows]).rowcount)
                    attempted += len(rows)
            if cancel is not None and cancel.cancelled:
                raise ImportCancelled()
        finally:
            conn.execute("PRAGMA cache_size = -2000")  # SQLite's default: give the memory back
        counts = ImportCounts(imported, attempted - imported, rejected.most_common(), batch if imported else None)
        _audit(conn, session, "observations_imported", {
            "imported": counts.imported,
            "skipped_duplicates": counts.skipped_duplicates,
            "rejected": counts.rejected_total,
        })  # fmt: skip
    return counts
