"""Mentoring pairs and their coaching cycles (observe, reflect, set a goal, follow up).

Who writes (docs/workspace.md, "Collaboration structures"): leaders add and remove pairs and
may record any cycle. The pair's mentor (a coach, usually), recognised by the sign-in address
a leader recorded for the pair, may start and record the cycles of that pair, since the
coach is the one who observes and follows up. Everyone reads who is paired and the steps'
dates; a step's note is read only by leaders, the mentor and the mentee (by their sign-in
addresses), since it is about one colleague's teaching. Without sign-in the one local user
is a leader and reads and writes everything.

A cycle is complete when its four steps are done; the next step due is the first step not
done yet. A step is done on a day that has come, and only after the steps before it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from collabplan import audit
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.text import short_date
from collabplan.workspace import store
from collabplan.year.items import CalendarItem

LOCAL = Viewer.local_user()

#: The four steps of a coaching cycle, in order (key -> how a teacher reads it).
STEPS: dict[str, str] = {
    "observe": "Observe",
    "reflect": "Reflect",
    "set_goal": "Set a goal",
    "follow_up": "Follow up",
}
#: What each step is, in a line (the page's help).
STEP_HELP: dict[str, str] = {
    "observe": "The mentor watches part of a lesson on the focus the colleague chose.",
    "reflect": "Together, what went well, what the students did, what to try.",
    "set_goal": "One small, concrete goal for the next weeks.",
    "follow_up": "Back in the room or a short talk: did the goal happen, what next?",
}
HIDDEN_NOTE = "kept for the pair"


def step_after(step: str) -> str:
    """The step that follows ``step`` (the last step stays itself)."""
    order = list(STEPS)
    return order[min(order.index(step) + 1, len(order) - 1)]


def _email(value: str | None) -> str | None:
    value = store.clean_text(value)
    if value is None:
        return None
    if "@" not in value or " " in value:
        raise UserError(f"{value} is not an e-mail address", kind="input")
    return value.lower()


def _same(email: str | None, other: str | None) -> bool:
    return bool(email) and bool(other) and email.strip().lower() == other.strip().lower()


def pair(db: Database, pair_id: int) -> dict[str, Any]:
    found = store.record(
        db,
        "SELECT id, mentor, mentee, focus, started_on, mentor_email, mentee_email"
        " FROM mentoring_pair WHERE id = ?",
        [pair_id],
    )
    if found is None:
        raise UserError("That mentoring pair was removed", kind="state")
    return found


def can_write_cycles(viewer: Viewer, found: dict[str, Any]) -> bool:
    """Leaders, and the pair's mentor by sign-in address (see the module's docstring)."""
    return viewer.role == "leader" or _same(viewer.email, found.get("mentor_email"))


def can_read_notes(viewer: Viewer | None, found: dict[str, Any]) -> bool:
    """Leaders, the mentor and the mentee (by sign-in address) read the steps' notes."""
    if viewer is None or viewer.projection:
        return False
    return (viewer.role == "leader" or _same(viewer.email, found.get("mentor_email"))
            or _same(viewer.email, found.get("mentee_email")))


def _require_leader(viewer: Viewer) -> None:
    if viewer.role != "leader":
        raise UserError("Only school leaders can add or remove mentoring pairs", kind="access")


def _require_cycles(viewer: Viewer, found: dict[str, Any]) -> None:
    if not can_write_cycles(viewer, found):
        raise UserError("Only school leaders and this pair's mentor can record its coaching "
                        "cycles", kind="access")


def add_pair(
    db: Database,
    mentor: str,
    mentee: str,
    focus: str | None = None,
    started_on: date | None = None,
    mentor_email: str | None = None,
    mentee_email: str | None = None,
    *,
    viewer: Viewer = LOCAL,
    audited: bool = True,
) -> int:
    """Add a mentor and mentee (a leader's write, audited unless the demo seeds it); returns
    the pair's id."""
    _require_leader(viewer)
    mentor = store.need(mentor, "the mentor's name")
    mentee = store.need(mentee, "the mentee's name")
    if mentor.lower() == mentee.lower():
        raise UserError("A mentor and mentee are two different people", kind="input")
    if store.scalar(db, "SELECT count(*) FROM mentoring_pair WHERE lower(mentor) = lower(?)"
                    " AND lower(mentee) = lower(?)", [mentor, mentee]):
        raise UserError(f"{mentor} already mentors {mentee}", kind="input")
    emails = [_email(mentor_email), _email(mentee_email)]
    with store.transaction(db) as cur:
        new_id = cur.execute(
            "INSERT INTO mentoring_pair (mentor, mentee, focus, started_on, mentor_email,"
            " mentee_email, added_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [mentor, mentee, store.clean_text(focus), started_on or date.today(), *emails,
             viewer.who],
        ).fetchone()[0]
        if audited:
            audit.record(cur, viewer.who, "mentoring pair", f"pair {new_id} added")
    return int(new_id)


def delete_pair(db: Database, pair_id: int, viewer: Viewer = LOCAL) -> store.Removed:
    """Remove a pair with its cycles and their steps; Undo puts them all back."""
    _require_leader(viewer)
    removed = store.delete(db, "The mentoring pair", [
        ("coaching_step", "cycle_id IN (SELECT id FROM coaching_cycle WHERE pair_id = ?)",
         [pair_id]),
        ("coaching_cycle", "pair_id = ?", [pair_id]),
        ("mentoring_pair", "id = ?", [pair_id]),
    ])
    audit.record(db, viewer.who, "delete", f"mentoring pair {pair_id}")
    return removed


def start_cycle(db: Database, pair_id: int, started_on: date | None = None, *,
                viewer: Viewer = LOCAL, audited: bool = True) -> int:
    """Start a new coaching cycle for a pair; refused while its last cycle is unfinished."""
    found = pair(db, pair_id)
    _require_cycles(viewer, found)
    open_cycles = [c for c in cycles(db, pair_id, viewer) if not c["complete"]]
    if open_cycles:
        raise UserError("Finish the current coaching cycle (or remove it) before starting "
                        "another", kind="state")
    with store.transaction(db) as cur:
        new_id = cur.execute(
            "INSERT INTO coaching_cycle (pair_id, started_on) VALUES (?, ?) RETURNING id",
            [pair_id, started_on or date.today()],
        ).fetchone()[0]
        if audited:
            audit.record(cur, viewer.who, "coaching cycle",
                         f"cycle {new_id} of pair {pair_id} started")
    return int(new_id)


def _cycle_pair(db: Database, cycle_id: int) -> dict[str, Any]:
    pair_id = store.scalar(db, "SELECT pair_id FROM coaching_cycle WHERE id = ?", [cycle_id])
    if pair_id is None:
        raise UserError("That coaching cycle was removed", kind="state")
    return pair(db, pair_id)


def delete_cycle(db: Database, cycle_id: int, viewer: Viewer = LOCAL) -> store.Removed:
    """Remove one cycle and its steps; Undo puts them back."""
    _require_cycles(viewer, _cycle_pair(db, cycle_id))
    removed = store.delete(db, "The coaching cycle", [
        ("coaching_step", "cycle_id = ?", [cycle_id]),
        ("coaching_cycle", "id = ?", [cycle_id]),
    ])
    audit.record(db, viewer.who, "delete", f"coaching cycle {cycle_id}")
    return removed


def save_step(
    db: Database,
    cycle_id: int,
    step: str,
    planned_on: date | None = None,
    done_on: date | None = None,
    note: str | None = None,
    *,
    viewer: Viewer = LOCAL,
    today: date | None = None,
    audited: bool = True,
) -> None:
    """Plan a step (a day), or record it as done (a day that has come), with a short note.

    A step is done only after the steps before it; a step with neither date nor note is
    refused (there is nothing to save).
    """
    if step not in STEPS:
        raise UserError(f"A coaching step is one of {', '.join(STEPS.values())}", kind="input")
    found = _cycle_pair(db, cycle_id)
    _require_cycles(viewer, found)
    note = store.clean_text(note)
    if planned_on is None and done_on is None and note is None:
        raise UserError(f"Give {STEPS[step]} a planned day, the day it was done, or a note",
                        kind="input")
    if done_on is not None:
        if done_on > (today or date.today()):
            raise UserError("A step is done on a day that has come: plan it for that day instead",
                            kind="input")
        done = _done_steps(db, cycle_id)
        missing = [STEPS[s] for s in STEPS if s != step and s not in done
                   and list(STEPS).index(s) < list(STEPS).index(step)]
        if missing:
            raise UserError(f"Record {missing[0]} as done first: the steps go in order",
                            kind="state")
    with store.transaction(db) as cur:
        cur.execute("DELETE FROM coaching_step WHERE cycle_id = ? AND step = ?", [cycle_id, step])
        cur.execute(
            "INSERT INTO coaching_step (cycle_id, step, planned_on, done_on, note, updated_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [cycle_id, step, planned_on, done_on, note, viewer.who],
        )
        if audited:
            audit.record(cur, viewer.who, "coaching step",
                         f"cycle {cycle_id}: {STEPS[step]} {'done' if done_on else 'planned'}")


def _done_steps(db: Database, cycle_id: int) -> set[str]:
    return {s for (s,) in store.rows(
        db, "SELECT step FROM coaching_step WHERE cycle_id = ? AND done_on IS NOT NULL",
        [cycle_id])}


def cycles(db: Database, pair_id: int, viewer: Viewer | None = LOCAL) -> list[dict[str, Any]]:
    """The pair's cycles, oldest first: id, started_on, steps (one dict per step in order:
    step, label, planned_on, done_on, note), complete, next_step (the label of the first step
    not done, None when complete) and next_on (its planned day). Notes the viewer may not
    read (:func:`can_read_notes`) are replaced by a line saying they are kept for the pair."""
    found = pair(db, pair_id)
    notes_ok = can_read_notes(viewer, found)
    saved: dict[int, dict[str, tuple]] = {}
    for cycle_id, step, planned, done, note in store.rows(
        db,
        "SELECT s.cycle_id, s.step, s.planned_on, s.done_on, s.note FROM coaching_step s"
        " JOIN coaching_cycle c ON c.id = s.cycle_id WHERE c.pair_id = ?",
        [pair_id],
    ):
        saved.setdefault(cycle_id, {})[step] = (planned, done, note)
    shown = []
    for cycle_id, started_on in store.rows(
        db, "SELECT id, started_on FROM coaching_cycle WHERE pair_id = ? ORDER BY started_on, id",
        [pair_id],
    ):
        steps = []
        for key, label in STEPS.items():
            planned, done, note = saved.get(cycle_id, {}).get(key, (None, None, None))
            if note is not None and not notes_ok:
                note = HIDDEN_NOTE
            steps.append({"step": key, "label": label, "planned_on": planned,
                          "done_on": done, "note": note})
        upcoming = next((s for s in steps if s["done_on"] is None), None)
        shown.append({
            "id": int(cycle_id),
            "started_on": started_on,
            "steps": steps,
            "complete": upcoming is None,
            "next_step": upcoming["label"] if upcoming else None,
            "next_key": upcoming["step"] if upcoming else None,
            "next_on": upcoming["planned_on"] if upcoming else None,
        })
    return shown


def next_step_words(cycle: dict[str, Any], today: date | None = None) -> str:
    """ "Next: Reflect, planned 12 Dec 2026" (or "overdue since", "not planned yet");
    "Complete" once the four steps are done."""
    if cycle["complete"]:
        return "Complete: all four steps done"
    on = cycle["next_on"]
    if on is None:
        return f"Next: {cycle['next_step']}, not planned yet"
    late = on < (today or date.today())
    return f"Next: {cycle['next_step']}, {'overdue since' if late else 'planned'} {short_date(on)}"


def pairs(db: Database, viewer: Viewer | None = LOCAL) -> pd.DataFrame:
    """Every pair: id, mentor, mentee, focus, started_on, cycles (how many), now (the
    latest cycle's next step in words, or "no cycle yet"), label (for a picker)."""
    frame = store.query(
        db,
        "SELECT id, mentor, mentee, focus, started_on FROM mentoring_pair ORDER BY started_on, id",
    )
    counts, now = [], []
    for pair_id in frame["id"].tolist():
        found = cycles(db, pair_id, viewer)
        counts.append(len(found))
        now.append(next_step_words(found[-1]) if found else "No cycle yet")
    frame["cycles"] = counts
    frame["now"] = now
    frame["label"] = [f"{m} mentoring {e}" for m, e in zip(frame["mentor"], frame["mentee"],
                                                            strict=True)]
    return frame


def coaching_items(db: Database, viewer: Viewer | None = None) -> list[CalendarItem]:
    """One calendar item per cycle step with a date (the day done, else the day planned):
    uid "coaching-<cycle>-<step>", kind "coaching", the pair's names in the title, never a
    note (it is the pair's)."""
    items = []
    for cycle_id, step, planned, done, mentor, mentee in store.rows(
        db,
        "SELECT s.cycle_id, s.step, s.planned_on, s.done_on, p.mentor, p.mentee"
        " FROM coaching_step s JOIN coaching_cycle c ON c.id = s.cycle_id"
        " JOIN mentoring_pair p ON p.id = c.pair_id"
        " WHERE s.planned_on IS NOT NULL OR s.done_on IS NOT NULL ORDER BY s.cycle_id",
    ):
        if step not in STEPS:
            continue
        items.append(CalendarItem(
            uid=f"coaching-{cycle_id}-{step}",
            on=done or planned,
            kind="coaching",
            title=f"{STEPS[step]} ({mentor} with {mentee})",
            page="structures",
            done=done is not None,
        ))
    return sorted(items, key=lambda i: (i.on, i.uid))


def steps_table(cycle: dict[str, Any]) -> pd.DataFrame:
    """One cycle's four steps as a table to show: label, planned_on, done_on, note."""
    return store.blanks_as_none(pd.DataFrame(
        cycle["steps"], columns=["step", "label", "planned_on", "done_on", "note"]
    )[["label", "planned_on", "done_on", "note"]])
