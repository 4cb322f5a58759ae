"""Goals (issue 5): "150 active minutes a week", "blood pressure under 130/80", a weight target.

A goal is a type, a kind of target and a value (stored in the type's canonical unit):

- ``at_most`` / ``at_least``: the average of the last 7 days should be at most / at least the
  value (one reading of blood pressure says little); for weight, the latest reading;
- ``daily_total``: today's total should reach the value (10 000 steps a day);
- ``weekly_total``: this week's total (Monday to today) should reach it (150 active minutes).

Blood pressure under 130/80 is two goals: systolic_bp at_most 130, diastolic_bp at_most 80,
followed together. Setting a goal replaces the current one of the same type and kind. This
module stores goals; how far along one is has one definition, :func:`today.goal_progress`.
"""
from __future__ import annotations

from typing import Any

from companion.errors import CompanionError
from companion.lifestyle import units
from companion.lifestyle import types as types_
from companion.lifestyle.today import Goal
from companion.vault import keyslots

TARGETS = ("at_most", "at_least", "daily_total", "weekly_total")
_TOTALS = ("daily_total", "weekly_total")


class GoalNotFound(CompanionError):
    def __init__(self, goal_id: int) -> None:
        super().__init__(f"there is no goal {goal_id} in this profile")


def _goal(row: tuple[Any, ...]) -> Goal:
    return Goal(int(row[0]), row[1], row[2], float(row[3]), float(row[4]), row[5], row[6])


_COLUMNS = "id, type, target, value, entered_value, unit, created_at"


def set_goal(session: Any, kind: str, target: str, value: float, unit: str | None = None) -> Goal:
    """Set (or replace) the goal of ``kind`` and ``target``; ``unit`` defaults to the canonical one."""
    otype = types_.registry().resolve(kind)
    if target not in TARGETS:
        raise CompanionError(f"a goal is one of: {', '.join(TARGETS)}")
    if otype.coded or otype.unit is None or otype.range is None:
        raise CompanionError(f"{otype.label.lower()} is an answer, not a number: it cannot have a target value")
    if target in _TOTALS and otype.aggregate != "sum":
        raise CompanionError(f"{otype.label.lower()} has no daily or weekly total; use at_most or at_least")
    if not units.is_number(value) or value <= 0:
        raise CompanionError("a goal needs a number above zero")
    entered_unit = unit or otype.unit
    canonical = units.to_canonical(otype, value, entered_unit)
    # Totals may exceed one reading's range (a week of steps), but never by more than 7 days' worth.
    ceiling = otype.range.max * (7 if target == "weekly_total" else 1)
    if not otype.range.min <= canonical <= ceiling:
        raise CompanionError(f"{value:g} {entered_unit} is not a possible target for {otype.label.lower()}")
    now = keyslots.now_iso()
    with session.transaction() as conn:
        conn.execute("UPDATE goal SET deleted_at = ? WHERE type = ? AND target = ? AND deleted_at IS NULL",
                     (now, otype.name, target))  # fmt: skip
        cur = conn.execute(
            "INSERT INTO goal (type, target, value, entered_value, unit, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (otype.name, target, canonical, float(value), entered_unit, now),
        )
        goal_id = int(cur.lastrowid)
    return get_goal(session, goal_id)


def get_goal(session: Any, goal_id: int) -> Goal:
    row = session.connection.execute(f"SELECT {_COLUMNS} FROM goal WHERE id = ?", (int(goal_id),)).fetchone()
    if row is None:
        raise GoalNotFound(goal_id)
    return _goal(row)


def goals(session: Any) -> list[Goal]:
    """The current goals, in the order they were set."""
    rows = session.connection.execute(f"SELECT {_COLUMNS} FROM goal WHERE deleted_at IS NULL ORDER BY id").fetchall()
    return [_goal(r) for r in rows]


def remove_goal(session: Any, goal_id: int) -> Goal:
    goal = get_goal(session, goal_id)
    with session.transaction() as conn:
        conn.execute("UPDATE goal SET deleted_at = ? WHERE id = ?", (keyslots.now_iso(), int(goal_id)))
    return goal
