"""The calendar as an iCalendar (.ics) file teachers import into their own calendars.

Built with the ``icalendar`` library (it folds long lines and escapes commas, semicolons and
new lines), never by joining text. Every item is an all-day VEVENT: DTSTART its first day and
DTEND the day after its last (iCalendar's end is exclusive), so a testing window spans its
days. The UID is the item's stable uid, so importing the file again updates the events instead
of adding copies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event

from collabplan.db import Database
from collabplan.year.calendar import last_day
from collabplan.year.items import KINDS, CalendarItem

PRODID = "-//collabplan//School year//EN"
UID_DOMAIN = "collabplan"


def summary(item: CalendarItem) -> str:
    """What a calendar program shows on the day, kind and title (and team):
    "Grade 3 Reading: Signpost: Mid-year, with leadership"."""
    said = f"{KINDS.get(item.kind, item.kind)}: {item.title}"
    return f"{item.team}: {said}" if item.team else said


def description(item: CalendarItem) -> str:
    """The event's notes: the detail, what kind of item it is, and whether it is done."""
    lines = [item.detail] if item.detail else []
    lines.append(KINDS.get(item.kind, item.kind) + (" (done)" if item.done else ""))
    return "\n".join(lines)


def calendar_ics(found: Iterable[CalendarItem], name: str,
                 stamp: dt.datetime | None = None) -> bytes:
    """``found`` as one .ics file named ``name`` (X-WR-CALNAME, the name a calendar program
    gives the imported calendar). ``stamp``: DTSTAMP of every event (default: now, UTC)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # a calendar's name is one line; X- properties are not escaped by the library
    cal.add("x-wr-calname", " ".join(name.split()) or "School year")
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    for item in found:
        event = Event()
        event.add("uid", f"{item.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.on)
        event.add("dtend", last_day(item) + dt.timedelta(days=1))
        event.add("summary", summary(item))
        event.add("description", description(item))
        categories = [KINDS.get(item.kind, item.kind)] + ([item.team] if item.team else [])
        event.add("categories", categories)
        event.add("transp", "TRANSPARENT")  # an all-day reminder, not a busy block
        cal.add_component(event)
    return cal.to_ical()


def file_name(team: str | None = None) -> str:
    """ "school-year.ics", or "school-year-grade-3-reading.ics" for one team."""
    if not team:
        return "school-year.ics"
    slug = "".join(ch if ch.isalnum() else "-" for ch in team.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"school-year-{slug or 'team'}.ics"


def school_name(db: Database) -> str | None:
    """The school's name, for the calendar's name (None before a school is set up)."""
    return db.scalar("SELECT name FROM school ORDER BY id LIMIT 1")


def calendar_name(school: str | None, team: str | None = None) -> str:
    """ "Lincoln Community School: school year", with " (Grade 3 Reading)" for one team."""
    name = f"{school}: school year" if school else "School year"
    return f"{name} ({team})" if team else name
