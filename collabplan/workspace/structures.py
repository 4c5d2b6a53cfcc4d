"""Collaboration structures: the seven structures of the school's guides, each with a short
how-to, and the school's record of it (does it run here, who owns it, when, its status and
next dated step, notes).

The record is school-wide: leaders write it (:func:`require_leader`), everyone reads it. The
professional learning communities' own work (protected time, agendas, stages, the health
survey) lives on Teams & norms and Collaboration health; this record only says whether the
school runs them and who looks after them. Every write is one transaction and is audited
with the person; clearing a record returns a :class:`~collabplan.workspace.store.Removed`
for Undo. :func:`calendar_items` gives the dated next steps and the coaching cycles' steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from collabplan import audit
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.workspace import mentoring, store
from collabplan.year.items import CalendarItem

LOCAL = Viewer.local_user()


@dataclass(frozen=True)
class Structure:
    """One structure of the guides: its name, what it is, how to run it well, a first step."""

    key: str
    title: str
    what: str
    how: str
    first_step: str


STRUCTURES: dict[str, Structure] = {
    s.key: s
    for s in [
        Structure(
            "plc",
            "Professional learning communities",
            "Small teams of teachers who meet on protected time to look at student work and "
            "plan from it, around the four PLC questions.",
            "Keep the time protected and the agenda on student learning; agree norms; rotate "
            "the facilitator; close every meeting with one clear next step.",
            "Give each team a weekly block and a first agenda on Teams & norms.",
        ),
        Structure(
            "common_planning",
            "Common planning time",
            "Time in the timetable when teachers who share students or a subject are free "
            "at the same time to plan lessons and assessments together.",
            "Build it into the master schedule first, not after; keep duties and "
            "announcements out of it; plan one real lesson or assessment each time.",
            "Find one period a week when a grade team is free together and name it.",
        ),
        Structure(
            "cross_role",
            "Cross-role teams",
            "Teams that bring together people in different roles (classroom and specialist "
            "teachers, support staff, leaders) around one shared problem.",
            "Pick a problem no single role can solve; give every role a voice and a task; "
            "meet less often but with a clear purpose and a record of decisions.",
            "Name one problem, such as attendance or ELL support, and invite one person per role.",
        ),
        Structure(
            "mentoring",
            "Mentoring and coaching cycles",
            "A mentor or coach works with a colleague in short cycles: observe, reflect, set a "
            "goal, follow up.",
            "Keep each cycle short (two to four weeks) and about one focus the colleague "
            "chooses; observe to learn, not to judge; always schedule the follow-up.",
            "Pair each new teacher with a mentor and plan the first observation.",
        ),
        Structure(
            "relationships",
            "Relationship building",
            "Deliberate time for staff to know and trust each other, the ground every other "
            "structure grows from.",
            "Make it regular and short rather than rare and long; mix people across teams; "
            "celebrate work publicly; follow up on what the health survey says about trust.",
            "Open the next staff meeting with ten minutes in mixed-team pairs.",
        ),
        Structure(
            "community",
            "Community and family partnerships",
            "Working with families and local partners as part of the plan for students, not "
            "only as an audience for news.",
            "Ask families what they see at home and what they need; share goals in plain "
            "words; invite partners to one concrete task; close the loop on what you heard.",
            "Share one team goal with families and ask one question back.",
        ),
        Structure(
            "distributed",
            "Distributed leadership",
            "Leadership shared across the staff: teacher leaders, facilitators and teams "
            "taking decisions, with a routine to share what works.",
            "Give real decisions, not only tasks; grow facilitators; make sharing a habit: "
            "each team brings one thing that worked to a staff meeting and others adopt it.",
            "Start the \"share what works\" log below and open each staff meeting with one entry.",
        ),
    ]
}

#: Does the school run it? (key -> how a teacher reads it)
RUNS: dict[str, str] = {"runs": "Runs", "planning": "Planning", "not_now": "Not now"}
#: How it is going (key -> how a teacher reads it), in order.
STATUSES: dict[str, str] = {
    "not_started": "Not started",
    "starting": "Starting",
    "running": "Running",
    "needs_attention": "Needs attention",
}
_FIELDS = ("runs", "owner", "time_text", "how_often", "status", "next_step", "next_step_on", "notes")


def require_leader(viewer: Viewer, what: str = "change the school's collaboration structures") -> None:
    """Refuse a school-wide write to anyone but a leader (one line the page shows)."""
    if viewer.role != "leader":
        raise UserError(f"Only school leaders can {what}", kind="access")


def structure(key: str) -> Structure:
    if key not in STRUCTURES:
        raise UserError(f"There is no structure called {key}", kind="input")
    return STRUCTURES[key]


def record(db: Database, key: str) -> dict[str, Any]:
    """The school's record of one structure (every field None when nothing is recorded)."""
    structure(key)
    found = store.record(
        db,
        f"SELECT {', '.join(_FIELDS)}, updated_at FROM school_structure WHERE structure = ?",  # noqa: S608 - fixed columns
        [key],
    )
    return found or dict.fromkeys((*_FIELDS, "updated_at"))


def save_record(
    db: Database,
    key: str,
    *,
    runs: str | None,
    owner: str | None = None,
    time_text: str | None = None,
    how_often: str | None = None,
    status: str | None = None,
    next_step: str | None = None,
    next_step_on: date | None = None,
    notes: str | None = None,
    viewer: Viewer = LOCAL,
    audited: bool = True,
) -> None:
    """Save the school's record of one structure (a leader's write, audited unless it is the
    demo school's seeding, which is nobody's act)."""
    require_leader(viewer)
    structure(key)
    if runs not in RUNS:
        raise UserError("Say whether the school runs it, is planning it, or not now", kind="input")
    if status is not None and status not in STATUSES:
        raise UserError(f"Status is one of {', '.join(STATUSES.values())}", kind="input")
    next_step = store.clean_text(next_step)
    if next_step_on is not None and not next_step:
        raise UserError("Write the next step that is due on that day", kind="input")
    values = [runs, store.clean_text(owner), store.clean_text(time_text),
              store.clean_text(how_often), status, next_step, next_step_on,
              store.clean_text(notes)]
    with store.transaction(db) as cur:
        cur.execute("DELETE FROM school_structure WHERE structure = ?", [key])
        cur.execute(
            f"INSERT INTO school_structure (structure, {', '.join(_FIELDS)}, updated_by)"  # noqa: S608 - fixed columns
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [key, *values, viewer.who],
        )
        if audited:
            audit.record(cur, viewer.who, "structure", f"{STRUCTURES[key].title}: {RUNS[runs]}"
                         + (f", {STATUSES[status]}" if status else ""))


def clear_record(db: Database, key: str, viewer: Viewer = LOCAL) -> store.Removed:
    """Remove the school's record of one structure (the how-to stays); Undo puts it back."""
    require_leader(viewer)
    removed = store.delete(db, f"The record of {structure(key).title}",
                           [("school_structure", "structure = ?", [key])])
    audit.record(db, viewer.who, "delete", f"record of {STRUCTURES[key].title}")
    return removed


def overview(db: Database) -> pd.DataFrame:
    """The seven structures in the guides' order with the school's record: key, structure,
    runs, owner, time_text, how_often, status, next_step, next_step_on, notes (runs and
    status in words; None where nothing is recorded)."""
    saved = {
        row[0]: row[1:]
        for row in store.rows(db, f"SELECT structure, {', '.join(_FIELDS)} FROM school_structure")  # noqa: S608 - fixed columns
    }
    shown = []
    for key, s in STRUCTURES.items():
        values = dict(zip(_FIELDS, saved.get(key, (None,) * len(_FIELDS)), strict=True))
        values["runs"] = RUNS.get(values["runs"])
        values["status"] = STATUSES.get(values["status"])
        shown.append({"key": key, "structure": s.title, **values})
    return store.blanks_as_none(pd.DataFrame(shown, columns=["key", "structure", *_FIELDS]))


def progress(db: Database) -> list[tuple[str, bool, str]]:
    """One line per structure for the page's progress: recorded or not, and how it stands."""
    lines = []
    for row in overview(db).itertuples():
        if row.runs is None:
            lines.append((row.structure, False, "not recorded"))
        else:
            lines.append((row.structure, True, row.runs if row.status is None
                          else f"{row.runs.lower()}, {row.status.lower()}"))
    return lines


def needs_attention(db: Database) -> list[str]:
    """Titles of the structures the school runs or plans whose status needs attention."""
    frame = overview(db)
    return frame.loc[frame["status"] == STATUSES["needs_attention"], "structure"].tolist()


def structure_items(db: Database) -> list[CalendarItem]:
    """Calendar items for each structure's dated next step (uid "structure-<key>")."""
    items = []
    for key, step, on, owner in store.rows(
        db,
        "SELECT structure, next_step, next_step_on, owner FROM school_structure"
        " WHERE next_step_on IS NOT NULL ORDER BY next_step_on, structure",
    ):
        if key not in STRUCTURES:  # a key no longer in the guides
            continue
        items.append(CalendarItem(
            uid=f"structure-{key}",
            on=on,
            kind="structure",
            title=f"{STRUCTURES[key].title}: {step}",
            detail=f"Owner: {owner}" if owner else None,
            page="structures",
        ))
    return items


def calendar_items(db: Database, viewer: Viewer | None = None) -> list[CalendarItem]:
    """Every dated thing of this guide (``collabplan.year.items.CalendarItem``): each
    structure's next step (kind "structure") and every coaching cycle step with a date (kind
    "coaching", see :func:`collabplan.workspace.mentoring.coaching_items`). The record is
    school-wide, so every viewer gets the same items; no item carries a note."""
    return structure_items(db) + mentoring.coaching_items(db, viewer)
