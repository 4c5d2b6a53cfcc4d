"""The school's calendar: every dated thing the app keeps, gathered from each part that keeps
dates, scoped to the person looking and filtered by date, kind and team.

A source is ``fn(db, viewer) -> list[CalendarItem]``, kept beside the rows it reads; adding
one is one line in :data:`SOURCES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import pandas as pd

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.goals import actions, signposts
from collabplan.workspace import structures, survey, teams, theory_guide, vision_session
from collabplan.year import plan, sources
from collabplan.year.items import KINDS, CalendarItem

Source = Callable[[Database, Viewer | None], list[CalendarItem]]

#: Every part of the app that keeps dates, in the order the calendar asks them.
SOURCES: list[Source] = [
    sources.testing_windows,
    signposts.calendar_items,
    sources.goal_targets,
    actions.calendar_items,
    teams.calendar_items,
    plan.calendar_items,
    survey.calendar_items,
    sources.communication_steps,
    sources.theory_actions,
    theory_guide.calendar_items,
    vision_session.calendar_items,
    structures.calendar_items,
]

ITEM_COLUMNS = ["uid", "on", "ends", "kind", "kind_label", "title", "team", "detail", "page",
                "done"]
_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def last_day(item: CalendarItem) -> dt.date:
    """The item's last day (its ``ends``, else its one day)."""
    return item.ends or item.on


def items(db: Database, viewer: Viewer | None, *, start: dt.date | None = None,
          end: dt.date | None = None, kinds: Iterable[str] | None = None,
          team_id: int | None = None) -> list[CalendarItem]:
    """Every dated item ``viewer`` may read (None: the whole school, for the report and the
    command line), earliest first.

    ``start``/``end``: only items overlapping those days (inclusive). ``kinds``: only those
    kinds (keys of KINDS). ``team_id``: that team's items and the school's own (items without a
    team: testing windows several teams share, survey rounds, the communication plan), which
    is what a team puts in its own calendar.
    """
    wanted = None if kinds is None else set(kinds)
    team = None
    if team_id is not None:
        team = db.scalar("SELECT name FROM team WHERE id = ?", [int(team_id)])
    out = []
    for source in SOURCES:
        for item in source(db, viewer):
            if item.on is None:
                continue
            if wanted is not None and item.kind not in wanted:
                continue
            if start is not None and last_day(item) < start:
                continue
            if end is not None and item.on > end:
                continue
            if team_id is not None and item.team is not None and item.team != team:
                continue
            out.append(item)
    return sorted(out, key=lambda i: (i.on, _ORDER.get(i.kind, len(_ORDER)), i.team or "",
                                      i.title, i.uid))


def as_frame(found: list[CalendarItem]) -> pd.DataFrame:
    """Items as a table (ITEM_COLUMNS; ``kind_label`` in words), for the list and the chart."""
    return pd.DataFrame(
        [{"uid": i.uid, "on": i.on, "ends": i.ends, "kind": i.kind,
          "kind_label": KINDS.get(i.kind, i.kind), "title": i.title, "team": i.team,
          "detail": i.detail, "page": i.page, "done": i.done} for i in found],
        columns=ITEM_COLUMNS,
    )


def on_day(found: list[CalendarItem], day: dt.date) -> list[CalendarItem]:
    """The items a month view shows in ``day``'s cell: a single-day item on its day; a span
    (a testing window, a survey round, an action from September to January) on its first and
    last day, and once in each week and month between (on Mondays and on the 1st), so every
    row of the grid that it covers names it once instead of filling each day."""
    out = []
    for item in found:
        end = last_day(item)
        if item.on == day or end == day or (
            item.on < day < end and (day.weekday() == 0 or day.day == 1)
        ):
            out.append(item)
    return out


def span_edge(item: CalendarItem, day: dt.date) -> str:
    """How a span reads in ``day``'s cell: "starts", "ends", "continues" (a one-day item:
    "")."""
    end = last_day(item)
    if end == item.on:
        return ""
    return "starts" if day == item.on else "ends" if day == end else "continues"
