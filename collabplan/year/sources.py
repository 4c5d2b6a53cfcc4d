"""Calendar sources whose rows no single module here owns, or whose module another part of the
issue is rewriting: testing windows (read from the uploads), goals' target dates, the vision's
communication plan and the theory-of-action steps. Each is ``fn(db, viewer) -> list[CalendarItem]``
like every other source (see :data:`collabplan.year.calendar.SOURCES`).
"""

from __future__ import annotations

from collections import defaultdict

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.goals.advice import school_year
from collabplan.goals.values import to_date
from collabplan.text import metric_phrase, short_date
from collabplan.workspace import store
from collabplan.workspace.teams import goal_label
from collabplan.year.items import CalendarItem

#: Benchmark names some vendors give their windows (DIBELS), read as the season they are.
SEASON_WORDS = {"fall": "fall", "autumn": "fall", "boy": "fall", "winter": "winter",
                "moy": "winter", "spring": "spring", "eoy": "spring", "summer": "summer"}


def _scope(viewer: Viewer | None) -> frozenset[int] | None:
    return None if viewer is None else viewer.team_scope


def season_of(term: str | None) -> str | None:
    """ "fall" for "Fall", "Fall 2025-26", "BOY"; None for a window without a season."""
    first = (term or "").strip().split(" ")[0].lower()
    return SEASON_WORDS.get(first)


def testing_windows(db: Database, viewer: Viewer | None) -> list[CalendarItem]:
    """The testing windows the uploads show (those of uploads ``viewer`` may read).

    Administrations named by a season ("Fall", "BOY", "Winter 2025-2026") are one window per
    season and school year, spanning from the first to the last day the uploads date them, and
    say which assessment sat when; an administration without a season (a unit CFA, a tracker
    export) is a window of its own on its day. An item names its team when one team's uploads
    hold it all, else it is the school's.
    """
    scope = _scope(viewer)
    found = store.rows(
        db,
        """
        SELECT a.id, s.name, a.term, a.label, a.date,
               list(DISTINCT t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL)
        FROM administration a
        JOIN assessment s ON s.id = a.assessment_id
        JOIN (SELECT DISTINCT upload_id, administration_id FROM sitting) x
          ON x.administration_id = a.id
        JOIN upload u ON u.id = x.upload_id
        LEFT JOIN team t ON t.id = u.team_id
        WHERE a.date IS NOT NULL AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], u.team_id))
        GROUP BY a.id, s.name, a.term, a.label, a.date
        ORDER BY a.date, s.name, a.id
        """,
        [None if scope is None else sorted(scope)] * 2,
    )
    seasons: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    out = []
    for adm_id, assessment, term, label, day, teams in found:
        day = to_date(day)
        season = season_of(term)
        if season is not None:
            seasons[(school_year(day)[0].year, season)].append((assessment, label, day, teams))
            continue
        out.append(CalendarItem(
            uid=f"window-{adm_id}", on=day, kind="testing_window", title=assessment,
            team=teams[0] if teams and len(teams) == 1 else None,
            detail=f"{assessment}, {label}", page="review"))
    for (year, season), rows in seasons.items():
        first, last = min(r[2] for r in rows), max(r[2] for r in rows)
        teams = sorted({t for r in rows for t in (r[3] or [])})
        detail = "; ".join(f"{a} ({w}) {short_date(d)}" for a, w, d, _ in rows)
        out.append(CalendarItem(
            uid=f"window-{year}-{season}", on=first, ends=last if last > first else None,
            kind="testing_window", title=f"{season.capitalize()} {year}-{str(year + 1)[2:]}",
            team=teams[0] if len(teams) == 1 else None, detail=detail, page="review"))
    return sorted(out, key=lambda i: (i.on, i.uid))


def goal_targets(db: Database, viewer: Viewer | None) -> list[CalendarItem]:
    """Each goal's target date (uid ``target-<goal id>``); a teacher reads their own teams'."""
    scope = _scope(viewer)
    out = []
    for gid, team_id, team, skill, metric, population, value, day, status in store.rows(
        db,
        "SELECT g.id, g.team_id, t.name, g.skill, g.metric, g.population, g.target_value,"
        " g.target_date, g.status FROM goal g LEFT JOIN team t ON t.id = g.team_id"
        " WHERE g.target_date IS NOT NULL ORDER BY g.target_date, g.id",
    ):
        if scope is not None and team_id not in scope:
            continue
        aim = "" if value is None else f": {metric_phrase(value, metric)}"
        out.append(CalendarItem(
            uid=f"target-{gid}", on=to_date(day), kind="target",
            title=goal_label(skill, metric, population), team=team,
            detail=f"The goal aims at its target{aim}", page="goal_detail",
            done=status in ("met", "not_met")))
    return out


def communication_steps(db: Database, viewer: Viewer | None) -> list[CalendarItem]:
    """The vision's communication plan (school-wide; uid ``communication-<id>``)."""
    return [
        CalendarItem(uid=f"communication-{sid}", on=to_date(day), kind="communication",
                     title=way,
                     detail=f"With {audience}" if audience else None, page="vision",
                     done=status == "done")
        for sid, day, way, audience, status in store.rows(
            db, "SELECT id, planned_on, way, audience, status FROM communication_step"
                " ORDER BY planned_on, id")
    ]


def theory_actions(db: Database, viewer: Viewer | None) -> list[CalendarItem]:
    """The theory-of-action steps (school-wide; uid ``toa-<id>``), from their start (when
    given) to their "by when"."""
    out = []
    for aid, what, who, starts, by_when, done, condition in store.rows(
        db,
        "SELECT a.id, a.what, a.who, a.starts_on, a.by_when, a.done, t.condition"
        " FROM toa_action a LEFT JOIN theory_of_action t ON t.id = a.toa_id"
        " ORDER BY a.by_when, a.id",
    ):
        starts, by_when = to_date(starts), to_date(by_when)
        parts = [f"Theory of action: {condition}" if condition else None,
                 f"Who: {who}" if who else None]
        out.append(CalendarItem(
            uid=f"toa-{aid}", on=starts if starts and starts < by_when else by_when,
            ends=by_when if starts and starts < by_when else None, kind="theory_action",
            title=what, detail=". ".join(p for p in parts if p) or None,
            page="theory_of_action", done=bool(done)))
    return out
