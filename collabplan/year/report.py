"""The school year in the HTML report: every dated item, month by month, and the staff-meeting
shares (rendered through the reports' templates, every text escaped)."""

from __future__ import annotations

from markupsafe import Markup

from collabplan.db import Database
from collabplan.reports.render import render
from collabplan.text import short_date
from collabplan.year.calendar import items
from collabplan.year.items import KINDS, CalendarItem
from collabplan.year.plan import staff_shares


def _when(item: CalendarItem) -> str:
    if item.ends and item.ends != item.on:
        return f"{short_date(item.on)} to {short_date(item.ends)}"
    return short_date(item.on)


def year_view(db: Database) -> Markup:
    """The whole school's calendar (as a leader reads it: the report is the school's)."""
    months: dict[str, list[tuple]] = {}
    for item in items(db, None):
        months.setdefault(f"{item.on:%B %Y}", []).append(
            (_when(item), KINDS.get(item.kind, item.kind), item.title,
             item.team or "Whole school", "yes" if item.done else "not yet"))
    shares = staff_shares(db)
    return render(
        "year.html.j2",
        months=list(months.items()),
        shares=[(short_date(r.on_date), r.staff_meeting, r.team, r.title)
                for r in shares.itertuples(index=False)],
    )
