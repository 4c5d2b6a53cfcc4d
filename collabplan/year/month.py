"""The month view: a grid of one month's weeks with each day's items in its cell, as HTML
rendered through the reports' Jinja environment (autoescape: every title is text)."""

from __future__ import annotations

import calendar as pycal
import datetime as dt

from markupsafe import Markup

from collabplan.reports.render import render
from collabplan.year.calendar import on_day, span_edge
from collabplan.year.items import KINDS, CalendarItem

#: One colour-blind-safe colour per kind (Okabe-Ito, repeated); the kind is written beside it.
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#555555",
           "#999999"]
KIND_COLOR = {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(KINDS)}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def shift_month(first: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) ``first``'s month."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_weeks(year: int, month: int) -> list[list[dt.date]]:
    """The month's weeks, Monday first, with the days of the months around it that fill them."""
    return pycal.Calendar(firstweekday=0).monthdatescalendar(year, month)


def in_month(found: list[CalendarItem], first: dt.date) -> list[CalendarItem]:
    """The items with a day shown in ``first``'s month."""
    last = shift_month(first, 1) - dt.timedelta(days=1)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    seen: dict[str, CalendarItem] = {}
    for day in days:
        for item in on_day(found, day):
            seen.setdefault(item.uid, item)
    return list(seen.values())


def month_html(found: list[CalendarItem], first: dt.date, today: dt.date) -> Markup:
    """The grid of ``first``'s month: each day's items (kind in words, title, team; a span
    "starts", "continues" or "ends"), today marked, other months' days dimmed."""
    weeks = []
    for week in month_weeks(first.year, first.month):
        cells = []
        for day in week:
            shown = []
            if day.month == first.month:
                for item in on_day(found, day):
                    edge = span_edge(item, day)
                    shown.append({"kind": KINDS.get(item.kind, item.kind), "title": item.title,
                                  "team": item.team, "done": item.done, "edge": edge,
                                  "color": KIND_COLOR.get(item.kind, PALETTE[-1])})
            cells.append({"day": day.day, "date": day.isoformat(),
                          "in_month": day.month == first.month, "today": day == today,
                          "weekend": day.weekday() >= 5, "items": shown})
        weeks.append(cells)
    return render("year_month.html.j2", month=f"{first:%B %Y}", weekdays=WEEKDAYS, weeks=weeks)
