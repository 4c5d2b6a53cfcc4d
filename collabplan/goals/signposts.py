"""Signposts: dates through the year when leadership joins a team's conversation.

Each signpost (a row of the ``signpost`` table) records how progress is going, the
resources the team needs and the decisions taken. The home page lists the next ones and
every goal that has fallen behind its straight line.

A *checkpoint* is something else: a later testing window at which a goal's progress is
measured (see ``collabplan.goals.progress``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from collabplan import audit
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.model import LOCAL
from collabplan.goals.progress import goal_overview
from collabplan.goals.values import to_date
from collabplan.workspace.teams import goal_label
from collabplan.year.items import CalendarItem

NOTE_FIELDS = ("how_going", "resources", "decisions")
SIGNPOST_COLUMNS = ["id", "goal_id", "date", "how_going", "resources", "decisions", "done"]


def _clean_text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _check_team(db: Database, goal_id: int, viewer: Viewer) -> None:
    """Refuse a signpost change on a goal whose team ``viewer`` does not belong to."""
    found = db.rows("SELECT team_id FROM goal WHERE id = ?", [int(goal_id)])
    if not found:
        raise UserError(f"there is no goal {goal_id}", kind="state")
    viewer.require_team(found[0][0], "plan this team's signposts")


def add_signpost(db: Database, goal_id: int, date: Any, *, how_going: str | None = None,
                 resources: str | None = None, decisions: str | None = None,
                 done: bool = False, viewer: Viewer = LOCAL) -> int:
    """Schedule a check-in on a goal of ``viewer``'s team (notes may be filled in now or on
    the day)."""
    day = to_date(date)
    if day is None:
        raise UserError("give the signpost a date (YYYY-MM-DD)", kind="input")
    _check_team(db, goal_id, viewer)
    with db.transaction() as cur:
        return int(cur.execute(
            "INSERT INTO signpost (goal_id, date, how_going, resources, decisions, done)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [int(goal_id), day, _clean_text(how_going), _clean_text(resources),
             _clean_text(decisions), bool(done)],
        ).fetchone()[0])


def schedule_signposts(db: Database, goal_id: int, start: Any, end: Any,
                       every_weeks: int = 6, *, viewer: Viewer = LOCAL) -> list[int]:
    """Signposts every ``every_weeks`` weeks from ``start`` up to ``end`` (dates already
    taken by this goal are skipped); returns the new ids."""
    first, last = to_date(start), to_date(end)
    if first is None or last is None or last < first:
        raise UserError("choose a first date on or before the last date", kind="input")
    if every_weeks < 1:
        raise UserError("signposts need at least a week between them", kind="input")
    _check_team(db, goal_id, viewer)
    taken = {to_date(d) for (d,) in db.rows(
        "SELECT date FROM signpost WHERE goal_id = ?", [int(goal_id)])}
    ids = []
    day = first
    while day <= last:
        if day not in taken:
            ids.append(add_signpost(db, goal_id, day, viewer=viewer))
        day += dt.timedelta(weeks=every_weeks)
    return ids


def update_signpost(
    db: Database, signpost_id: int, *, viewer: Viewer = LOCAL, **changes: Any
) -> None:
    """Change a signpost's date, notes (how_going, resources, decisions) or done flag."""
    unknown = set(changes) - {"date", "done", *NOTE_FIELDS}
    if unknown:
        raise UserError(f"a signpost has no {', '.join(sorted(unknown))}", kind="input")
    current = signpost(db, signpost_id)
    _check_team(db, current["goal_id"], viewer)
    new = {**current, **changes}
    day = to_date(new["date"])
    if day is None:
        raise UserError("a signpost needs a date", kind="input")
    with db.transaction() as cur:
        cur.execute(
            "UPDATE signpost SET date = ?, how_going = ?, resources = ?, decisions = ?, done = ?"
            " WHERE id = ?",
            [day, *(_clean_text(new[f]) for f in NOTE_FIELDS), bool(new["done"]), int(signpost_id)],
        )


def delete_signpost(db: Database, signpost_id: int, who: str | None = None,
                    *, viewer: Viewer = LOCAL) -> dict[str, Any]:
    """Remove a signpost (audited: ``who``, else the viewer's email) and return its row, so
    the page can offer to put it back."""
    row = signpost(db, signpost_id)
    _check_team(db, row["goal_id"], viewer)
    who = who or viewer.who
    with db.transaction() as cur:
        cur.execute("DELETE FROM signpost WHERE id = ?", [int(signpost_id)])
        audit.record(cur, who, "delete", f"signpost {signpost_id} of goal {row['goal_id']} "
                                         f"on {row['date']}")
    return row


def restore_signpost(db: Database, row: dict[str, Any], *, viewer: Viewer = LOCAL) -> int:
    """Put back a signpost that ``delete_signpost`` returned (the undo of a delete)."""
    return add_signpost(db, row["goal_id"], row["date"], done=bool(row["done"]), viewer=viewer,
                        **{f: row.get(f) for f in NOTE_FIELDS})


def signpost(db: Database, signpost_id: int) -> dict[str, Any]:
    """One signpost as a dict (columns SIGNPOST_COLUMNS, date as a date)."""
    df = db.query(
        "SELECT id, goal_id, date, how_going, resources, decisions, done FROM signpost"
        " WHERE id = ?", [int(signpost_id)])
    if df.empty:
        raise UserError(f"there is no signpost {signpost_id}", kind="state")
    row = {k: None if pd.isna(v) else v for k, v in df.iloc[0].to_dict().items()}
    row["date"] = to_date(row["date"])
    return row


def signposts_for_goal(db: Database, goal_id: int) -> pd.DataFrame:
    """A goal's signposts, earliest first (columns SIGNPOST_COLUMNS)."""
    df = db.query(
        "SELECT id, goal_id, date, how_going, resources, decisions, done FROM signpost"
        " WHERE goal_id = ? ORDER BY date, id", [int(goal_id)])
    df["date"] = df["date"].map(to_date)
    return df


def upcoming_signposts(db: Database, days: int = 60, today: dt.date | None = None) -> pd.DataFrame:
    """Signposts not yet done, from any overdue ones up to ``days`` ahead, soonest first.

    Columns: id, goal_id, team, skill, date, days_away (negative: overdue), when (in words).
    """
    today = today or dt.date.today()
    df = db.query(
        """
        SELECT c.id, c.goal_id, t.name AS team, g.skill, c.date
        FROM signpost c
        JOIN goal g ON g.id = c.goal_id
        LEFT JOIN team t ON t.id = g.team_id
        WHERE NOT c.done AND c.date <= ?
        ORDER BY c.date, t.name, c.id
        """,
        [today + dt.timedelta(days=int(days))],
    )
    df["date"] = df["date"].map(to_date)
    df["days_away"] = [(d - today).days for d in df["date"]]
    df["when"] = df["days_away"].map(when_words)
    return df


def when_words(days_away: int) -> str:
    """ "overdue by 3 days", "today", "tomorrow", "in 12 days"."""
    if days_away < 0:
        return f"overdue by {-days_away} day{'s' if days_away != -1 else ''}"
    if days_away == 0:
        return "today"
    if days_away == 1:
        return "tomorrow"
    return f"in {days_away} days"


def goals_behind(db: Database, *, viewer: Viewer = LOCAL) -> pd.DataFrame:
    """Goals whose latest checkpoint is below their straight line to the target (figures
    counting the students ``viewer`` may read).

    Columns: goal_id, goal, team, skill, statement, latest_label, latest_value,
    latest_expected, target_value, target_date.
    """
    overview, _ = goal_overview(db, viewer=viewer)
    behind = overview[overview["status"] == "behind"].rename(columns={"name": "goal"})
    return behind[["goal_id", "goal", "team", "skill", "statement", "latest_label",
                   "latest_value", "latest_expected", "target_value", "target_date"]
                  ].reset_index(drop=True)


def calendar_items(db: Database, viewer: Viewer | None) -> list[CalendarItem]:
    """Every signpost as a calendar item (uid ``signpost-<id>``); a teacher reads their own
    teams' (leaders, coaches and ``viewer=None`` read all). The notes stay on the Signposts
    page: they are the team's conversation, not a calendar entry."""
    scope = None if viewer is None else viewer.team_scope
    out = []
    for sid, team_id, team, skill, metric, population, day, done in db.rows(
        "SELECT c.id, g.team_id, t.name, g.skill, g.metric, g.population, c.date, c.done"
        " FROM signpost c JOIN goal g ON g.id = c.goal_id LEFT JOIN team t ON t.id = g.team_id"
        " ORDER BY c.date, c.id"
    ):
        if scope is not None and team_id not in scope:
            continue
        out.append(CalendarItem(
            uid=f"signpost-{sid}", on=to_date(day), kind="signpost",
            title=goal_label(skill, metric, population), team=team,
            detail="Leadership joins the team: how is progress going, what resources are "
                   "needed, what is decided.", page="signposts", done=bool(done)))
    return out
