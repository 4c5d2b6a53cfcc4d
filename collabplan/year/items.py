"""One dated thing on the school's calendar, whatever part of the app it comes from.

Every part that keeps dates (uploads' testing windows, signposts, actions, the year plan,
staff-meeting shares, survey rounds, the communication plan, theory-of-action steps, coaching
cycles, staff input rounds) offers its own ``calendar_items(db, viewer)`` returning these; the
calendar page, the report and the .ics export read them through
:func:`collabplan.year.calendar.items`. No item carries a student's name or id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CalendarItem:
    """One dated thing.

    ``uid`` is stable across runs (e.g. ``"signpost-12"``) so a calendar program that imported
    the .ics updates the event instead of adding a copy. ``kind`` is a key of
    :data:`KINDS`. ``ends`` is the last day (inclusive) of a span such as a testing window or a
    survey round; None for a single day. ``page`` is the url path of the page where the item is
    kept (``"signposts"``), so the calendar can send a person there.
    """

    uid: str
    on: date
    kind: str
    title: str
    team: str | None = None
    detail: str | None = None
    ends: date | None = None
    page: str | None = None
    done: bool = False


#: kind -> how a teacher reads it (legend, filters, .ics category), in calendar order.
KINDS: dict[str, str] = {
    "testing_window": "Testing window",
    "checkin": "Team check-in",
    "signpost": "Signpost",
    "target": "Goal target date",
    "action": "Goal action",
    "next_step": "Team meeting next step",
    "staff_share": "Share at a staff meeting",
    "survey_round": "Collaboration survey",
    "communication": "Sharing the vision",
    "vision": "Visioning",
    "theory_action": "Theory-of-action step",
    "staff_input": "Staff input",
    "coaching": "Coaching cycle",
    "structure": "Collaboration structure",
    "plan": "Year plan",
}
