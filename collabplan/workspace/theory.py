"""Theory of action: the condition a collective-leadership team works on, where it is and
wants to be, the "If we ..., then ..., which will lead to ..." statement, the action timeline
and the decision after the test. The guide's other steps (big questions, why the barrier
exists, brainstormed approaches, the purpose map's people and plan, the feedback plan) are in
:mod:`collabplan.workspace.theory_guide`; staff input in :mod:`~collabplan.workspace.staff_input`.

The approach is the brainstormed one chosen (``toa_approach``, migration 0018); saving
``approach`` here adds it to the brainstorm as the chosen one.

Reads return DataFrames or dicts; each write is one transaction; deletes return a
:class:`~collabplan.workspace.store.Removed` for Undo.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from collabplan.access import Viewer
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


LEADERS_ONLY = "Only school leaders can change the theory of action"
_LOCAL = Viewer.local_user()


def can_write(viewer: Viewer | None) -> bool:
    """May ``viewer`` change theories of action? A school-wide guide: leaders (the local user
    of an app without sign-in is one); coaches and teachers read, and give staff input."""
    return viewer is None or viewer.role == "leader"


def require_leader(viewer: Viewer | None) -> None:
    """Refuse a change to a theory of action by someone who is not a leader (one line)."""
    if not can_write(viewer):
        raise UserError(LEADERS_ONLY, kind="access")


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
    "data_gathered",
    "results",
    "decision",
    "next_condition",
)


def add_theory(db: Database, condition: str, *, viewer: Viewer = _LOCAL) -> int:
    require_leader(viewer)
    with store.transaction(db) as cur:
        return cur.execute(
            "INSERT INTO theory_of_action (condition) VALUES (?) RETURNING id",
            [store.need(condition, "the condition to work on")],
        ).fetchone()[0]


def save_theory(db: Database, toa_id: int, *, viewer: Viewer = _LOCAL, **fields: Any) -> None:
    """Save any of :data:`TOA_FIELDS` for one theory of action."""
    require_leader(viewer)
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
        if "approach" in fields:
            _choose_text(cur, toa_id, store.clean_text(fields["approach"]))


def _choose_text(cur: store.Cursor, toa_id: int, body: str | None) -> None:
    """Make ``body`` the chosen approach (added to the brainstorm if new); None: none chosen."""
    cur.execute("UPDATE toa_approach SET chosen = false WHERE toa_id = ?", [toa_id])
    if body is None:
        return
    found = cur.execute(
        "SELECT id FROM toa_approach WHERE toa_id = ? AND body = ? ORDER BY id LIMIT 1",
        [toa_id, body],
    ).fetchone()
    if found:
        cur.execute("UPDATE toa_approach SET chosen = true WHERE id = ?", [found[0]])
    else:
        cur.execute(
            "INSERT INTO toa_approach (toa_id, body, chosen) VALUES (?, ?, true)", [toa_id, body]
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
    found["approach"] = store.scalar(
        db,
        "SELECT body FROM toa_approach WHERE toa_id = ? AND chosen ORDER BY id LIMIT 1",
        [toa_id],
    )
    return found


def theory_statement(toa: dict[str, Any]) -> str | None:
    """The sentence "If we …, then …, which will lead to …" once all three parts are written."""
    if not (toa.get("if_we") and toa.get("then_") and toa.get("lead_to")):
        return None

    def part(text: str) -> str:
        return text.strip().rstrip(".,;")

    return f"If we {part(toa['if_we'])}, then {part(toa['then_'])}, which will lead to {part(toa['lead_to'])}."


#: Every table holding one theory's rows (its staff input rounds are removed with their own).
_THEORY_TABLES = ("toa_action", "toa_answer", "toa_reason", "toa_approach", "toa_person",
                  "toa_plan_step", "toa_feedback_plan")
_ROUND_TABLES = ("staff_input_tally", "staff_input_idea", "staff_input_answered",
                 "staff_input_key")


def delete_theory(db: Database, toa_id: int, *, viewer: Viewer = _LOCAL) -> store.Removed:
    """Delete a theory with everything of it (staff input rounds too); Undo brings all back."""
    require_leader(viewer)
    round_ids = [r[0] for r in store.rows(
        db, "SELECT id FROM staff_input_round WHERE toa_id = ?", [toa_id])]
    marks = ", ".join("?" for _ in round_ids) or "NULL"
    return store.delete(
        db,
        "The theory of action",
        [("theory_of_action", "id = ?", [toa_id])]
        + [(table, "toa_id = ?", [toa_id]) for table in _THEORY_TABLES]
        + [("staff_input_round", "toa_id = ?", [toa_id])]
        + [(table, f"round_id IN ({marks})", round_ids) for table in _ROUND_TABLES],
    )


def add_toa_action(
    db: Database,
    toa_id: int,
    what: str,
    by_when: date,
    who: str | None = None,
    how_we_know: str | None = None,
    starts_on: date | None = None,
    *,
    viewer: Viewer = _LOCAL,
) -> int:
    require_leader(viewer)
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


def set_toa_action_done(db: Database, action_id: int, done: bool, *,
                        viewer: Viewer = _LOCAL) -> None:
    require_leader(viewer)
    with store.transaction(db) as cur:
        cur.execute("UPDATE toa_action SET done = ? WHERE id = ?", [bool(done), action_id])


def toa_actions(db: Database, toa_id: int) -> pd.DataFrame:
    return store.query(
        db,
        "SELECT id, what, who, starts_on, by_when, how_we_know, done FROM toa_action"
        " WHERE toa_id = ? ORDER BY by_when, id",
        [toa_id],
    )


def delete_toa_action(db: Database, action_id: int, *, viewer: Viewer = _LOCAL) -> store.Removed:
    require_leader(viewer)
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
            bool(t["purpose_vision"])
            and bool(store.scalar(db, "SELECT count(*) FROM toa_person WHERE toa_id = ?", [toa_id]))
            and bool(store.scalar(
                db, "SELECT count(*) FROM toa_plan_step WHERE toa_id = ? AND due_on IS NOT NULL",
                [toa_id])),
            "vision, people and roles, dated plan",
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
