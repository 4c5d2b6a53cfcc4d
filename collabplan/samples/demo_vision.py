"""The demo school's visioning session: held a few weeks ago, with its agenda, the opening
round and the notice/wonder notes; the definition and the values agreed with their dates,
the vision statement not agreed yet (so the page shows both kinds of step).

Runs after :func:`collabplan.samples.demo_workspace.seed_workspace` has named the
stakeholders, the definition and the values; dates lie inside the school year of ``today``.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from collabplan.db import Database
from collabplan.goals.advice import school_year
from collabplan.workspace import vision, vision_session


def seed_vision(db: Database, today: date | None = None) -> None:
    """Fill the visioning session for the demo school; does nothing once a session exists."""
    if vision_session.session(db)["held_on"] is not None:
        return
    today = today or date.today()
    start, _ = school_year(today)
    # about four weeks ago, never before the school year began (nor after today)
    held_on = _weekday(min(today, max(start + timedelta(days=7), today - timedelta(days=28))), start)
    values_day = _weekday(min(today, held_on + timedelta(days=7)), held_on)
    vision_session.save_session(db, held_on, time(15, 30), "Library", vision_session.SESSION_MINUTES)
    vision_session.save_agenda(db, {s.key: s.suggested_minutes for s in vision_session.STEPS})
    for kind, body, who in [
        ("opening", "Our grade team meets every week, but it is mostly announcements.", "Ms. Patel"),
        ("opening", "When we looked at exit tickets together, my small groups changed.", "Mrs. Rivera"),
        ("opening", "I am not sure what teachers plan together; I would like to know.", "Mr. Brooks"),
        ("notice", "Teams that use the data protocol leave with a plan.", None),
        ("notice", "Planning time is often lost to duty coverage.", None),
        ("notice", "New teachers rarely lead a meeting.", None),
        ("wonder", "What would it take for every team to look at student work each week?", None),
        ("wonder", "How could families see what we are working on?", None),
    ]:
        vision_session.add_session_note(db, kind, body, who)
    people = vision.stakeholders(db)["name"].tolist()
    there = [p for p in people if p != "Mr. Brooks"]  # the parent member could not come
    for step in ("setup", "where", "criteria", "brainstorm"):
        vision_session.mark_agreed(db, step, held_on, there, today=today, audited=False)
    vision_session.mark_agreed(
        db, "values", values_day, people[:4], "Agreed at the follow-up meeting.", today=today,
        audited=False,
    )


def _weekday(day: date, earliest: date) -> date:
    """The weekday on or before ``day`` but not before ``earliest`` (a session is not held at
    the weekend); ``day`` itself when there is none."""
    back = day
    while back.weekday() >= 5 and back > earliest:
        back -= timedelta(days=1)
    return back if back.weekday() < 5 else day
