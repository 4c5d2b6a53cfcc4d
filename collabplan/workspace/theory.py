"""Theory of action: the condition a collective-leadership team works on, where it is and
wants to be, the "If we ..., then ..., which will lead to ..." statement, the purpose map, the
action timeline and the decision after the test.

Reads return DataFrames or dicts; each write is one transaction; deletes return a
:class:`~collabplan.workspace.store.Removed` for Undo.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.text import count
from collabplan.workspace import store

#: Conditions a collective-leadership team may choose to work on (free text allowed).
CONDITIONS = [
    "Enabling work structures",
    "Orientation to improve",
    "Supportive administration",
    "Shared vision and goals",
    "Trust among colleagues",
    "Team leadership",
]

DECISIONS: dict[str, str] = {
    "revisit": "Revisit this condition (adjust the approach and test again)",
    "next_condition": "Move on to another condition",
}


TOA_FIELDS = (
    "condition",
    "where_now",
    "where_next",
    "why",
    "barrier",
    "approach",
    "if_we",
    "then_",
    "lead_to",
    "purpose_vision",
    "purpose_people",
    "purpose_plan",
    "data_gathered",
    "results",
    "decision",
    "next_condition",
)


def add_theory(db: Database, condition: str) -> int:
    with store.transaction(db) as cur:
        return cur.execute(
            "INSERT INTO theory_of_action (condition) VALUES (?) RETURNING id",
            [store.need(condition, "the condition to work on")],
        ).fetchone()[0]


def save_theory(db: Database, toa_id: int, **fields: Any) -> None:
    """Save any of :data:`TOA_FIELDS` for one theory of action."""
    unknown = set(fields) - set(TOA_FIELDS)
    if unknown:
        raise ValueError(f"unknown theory fields: {sorted(unknown)}")
    if "decision" in fields and fields["decision"] not in (None, *DECISIONS):
        raise UserError("The decision is revisit or move on to another condition")
    if "condition" in fields:
        fields["condition"] = store.need(fields["condition"], "the condition to work on")
    if not fields:
        return
    sets = ", ".join(f"{name} = ?" for name in fields)
    with store.transaction(db) as cur:
        cur.execute(
            f"UPDATE theory_of_action SET {sets}, updated_at = current_timestamp WHERE id = ?",  # noqa: S608 - column names checked against TOA_FIELDS
            [store.clean_text(v) if isinstance(v, str) else v for v in fields.values()] + [toa_id],
        )


def theories(db: Database) -> pd.DataFrame:
    return store.query(
        db, "SELECT id, condition, decision, created_at FROM theory_of_action ORDER BY id"
    )


def theory(db: Database, toa_id: int) -> dict[str, Any]:
    found = store.record(
        db,
        f"SELECT id, {', '.join(TOA_FIELDS)} FROM theory_of_action WHERE id = ?",  # noqa: S608 - fixed column list
        [toa_id],
    )
    if found is None:
        raise UserError("That theory of action was deleted", kind="state")
    return found


def theory_statement(toa: dict[str, Any]) -> str | None:
    """The sentence "If we …, then …, which will lead to …" once all three parts are written."""
    if not (toa.get("if_we") and toa.get("then_") and toa.get("lead_to")):
        return None

    def part(text: str) -> str:
        return text.strip().rstrip(".,;")

    return f"If we {part(toa['if_we'])}, then {part(toa['then_'])}, which will lead to {part(toa['lead_to'])}."


def delete_theory(db: Database, toa_id: int) -> store.Removed:
    return store.delete(
        db,
        "The theory of action",
        [("theory_of_action", "id = ?", [toa_id]), ("toa_action", "toa_id = ?", [toa_id])],
    )


def add_toa_action(
    db: Database,
    toa_id: int,
    what: str,
    by_when: date,
    who: str | None = None,
    how_we_know: str | None = None,
    starts_on: date | None = None,
) -> int:
    if by_when is None:
        raise UserError("Pick the date it will be done by")
    if starts_on is not None and starts_on > by_when:
        raise UserError("The start date is after the date it is due")
    with store.transaction(db) as cur:
        return cur.execute(
            "INSERT INTO toa_action (toa_id, what, who, starts_on, by_when, how_we_know) VALUES (?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            [
                toa_id,
                store.need(what, "what will happen"),
                store.clean_text(who),
                starts_on,
                by_when,
                store.clean_text(how_we_know),
            ],
        ).fetchone()[0]


def set_toa_action_done(db: Database, action_id: int, done: bool) -> None:
    with store.transaction(db) as cur:
        cur.execute("UPDATE toa_action SET done = ? WHERE id = ?", [bool(done), action_id])


def toa_actions(db: Database, toa_id: int) -> pd.DataFrame:
    return store.query(
        db,
        "SELECT id, what, who, starts_on, by_when, how_we_know, done FROM toa_action"
        " WHERE toa_id = ? ORDER BY by_when, id",
        [toa_id],
    )


def delete_toa_action(db: Database, action_id: int) -> store.Removed:
    return store.delete(db, "The action", [("toa_action", "id = ?", [action_id])])


def theory_progress(db: Database, toa_id: int) -> list[tuple[str, bool, str]]:
    t = theory(db, toa_id)
    actions = toa_actions(db, toa_id)
    return [
        (
            "Where we are",
            bool(t["where_now"] and t["where_next"]),
            "now and next written" if t["where_now"] and t["where_next"] else "not yet",
        ),
        (
            "Barrier and approach",
            bool(t["barrier"] and t["approach"]),
            "chosen" if t["barrier"] and t["approach"] else "not yet",
        ),
        ("Theory statement", theory_statement(t) is not None, "If … then … which will lead to …"),
        (
            "Purpose map",
            bool(t["purpose_vision"] and t["purpose_people"] and t["purpose_plan"]),
            "vision, people, plan",
        ),
        (
            "Action timeline",
            len(actions) > 0,
            f"{count(len(actions), 'action')}, {int(actions['done'].sum()) if len(actions) else 0} done",
        ),
        (
            "Impact",
            bool(t["results"] and t["decision"]),
            DECISIONS.get(t["decision"], "after the test"),
        ),
    ]
