"""A goal's action plan: what the team will do, who, from when to when, and the evidence."""

from __future__ import annotations

from typing import Any

import pandas as pd

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.model import LOCAL, get_goal, record_revision
from collabplan.goals.values import none_if_missing, to_date
from collabplan.workspace.teams import goal_label
from collabplan.year.items import CalendarItem

ACTION_STATUSES = ("planned", "in progress", "done", "dropped")
ACTION_COLUMNS = ["id", "what", "who", "start_date", "due_date", "status", "evidence"]


def list_actions(db: Database, goal_id: int) -> pd.DataFrame:
    df = db.query(
        "SELECT id, what, who, start_date, due_date, status, evidence FROM action"
        " WHERE goal_id = ? ORDER BY start_date NULLS LAST, id",
        [goal_id],
    )
    for col in ("start_date", "due_date"):
        df[col] = df[col].map(lambda v: to_date(none_if_missing(v)))
    return df


def _clean_action(row: dict[str, Any]) -> dict[str, Any]:
    what = str(none_if_missing(row.get("what")) or "").strip()
    if not what:
        raise UserError("every action needs a 'what'", kind="input")
    status = str(none_if_missing(row.get("status")) or "planned").strip()
    if status not in ACTION_STATUSES:
        raise UserError(
            f"action status must be one of {', '.join(ACTION_STATUSES)}, not {status!r}",
            kind="input",
        )
    start, due = to_date(none_if_missing(row.get("start_date"))), to_date(none_if_missing(row.get("due_date")))
    if start and due and due < start:
        raise UserError(f"the action {what!r} is due before it starts", kind="input")
    return {
        "what": what,
        "who": str(none_if_missing(row.get("who")) or "").strip() or None,
        "start_date": start,
        "due_date": due,
        "status": status,
        "evidence": str(none_if_missing(row.get("evidence")) or "").strip() or None,
    }


def add_action(
    db: Database, goal_id: int, *, by_team_id: int | None = None, viewer: Viewer = LOCAL,
    **row: Any,
) -> int:
    """Add one action to a goal of the viewer's team (``added_by``: the viewer's email)."""
    clean = _clean_action(row)
    goal = get_goal(db, goal_id)
    viewer.require_goal_team(goal.team_id, by_team_id)
    with db.transaction() as cur:
        return int(
            cur.execute(
                "INSERT INTO action (goal_id, what, who, start_date, due_date, status, evidence,"
                " added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [goal_id, *clean.values(), viewer.who],
            ).fetchone()[0]
        )


def save_actions(
    db: Database, goal_id: int, table: pd.DataFrame, *, by_team_id: int | None = None,
    viewer: Viewer = LOCAL,
) -> int:
    """Replace a goal's action plan with the edited table (rows without an id are new).

    Returns the number of actions saved. Rows left blank are ignored; a row with no
    'what' but other cells filled is refused.
    """
    goal = get_goal(db, goal_id)
    viewer.require_goal_team(goal.team_id, by_team_id)
    rows = []
    for row in table.to_dict("records"):
        filled = [
            k for k in ("what", "who", "start_date", "due_date", "evidence") if none_if_missing(row.get(k))
        ]
        if not filled:
            continue
        clean = _clean_action(row)
        rid = none_if_missing(row.get("id"))
        rows.append((None if rid is None else int(rid), clean))
    before = len(list_actions(db, goal_id))
    with db.transaction() as cur:
        keep = [rid for rid, _ in rows if rid is not None]
        cur.execute(
            "DELETE FROM action WHERE goal_id = ? AND NOT list_contains(?, id)", [goal_id, keep]
        )
        for rid, c in rows:
            if rid is None:
                cur.execute(
                    "INSERT INTO action (goal_id, what, who, start_date, due_date, status,"
                    " evidence, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [goal_id, *c.values(), viewer.who],
                )
            else:
                cur.execute(
                    "UPDATE action SET what = ?, who = ?, start_date = ?, due_date = ?, status = ?,"
                    " evidence = ? WHERE id = ? AND goal_id = ?",
                    [*c.values(), rid, goal_id],
                )
        record_revision(
            cur,
            goal,
            by_team_id if by_team_id is not None else goal.team_id,
            f"action plan saved ({len(rows)} actions, {before} before)",
            viewer.who,
        )
    return len(rows)


def team_actions(db: Database, team_id: int | None = None) -> pd.DataFrame:
    """Actions across a team's goals (all teams when None), for the timeline chart."""
    df = db.query(
        "SELECT a.id, a.goal_id, t.name AS team, g.skill, a.what, a.who, a.start_date, a.due_date,"
        " a.status FROM action a JOIN goal g ON g.id = a.goal_id JOIN team t ON t.id = g.team_id"
        " WHERE ? IS NULL OR g.team_id = ? ORDER BY a.start_date NULLS LAST, a.id",
        [team_id, team_id],
    )
    for col in ("start_date", "due_date"):
        df[col] = df[col].map(lambda v: to_date(none_if_missing(v)))
    return df



def calendar_items(db: Database, viewer: Viewer | None) -> list[CalendarItem]:
    """Goal actions with a date (uid ``action-<id>``), from their start to their due date (or
    on the one date they have); dropped actions are left out. A teacher reads their own
    teams' (leaders, coaches and ``viewer=None`` read all)."""
    scope = None if viewer is None else viewer.team_scope
    out = []
    for aid, team_id, team, skill, metric, population, what, who, start, due, status in db.rows(
        "SELECT a.id, g.team_id, t.name, g.skill, g.metric, g.population, a.what, a.who,"
        " a.start_date, a.due_date, a.status FROM action a JOIN goal g ON g.id = a.goal_id"
        " LEFT JOIN team t ON t.id = g.team_id WHERE a.status <> 'dropped'"
        " AND (a.start_date IS NOT NULL OR a.due_date IS NOT NULL)"
        " ORDER BY coalesce(a.start_date, a.due_date), a.id"
    ):
        if scope is not None and team_id not in scope:
            continue
        start, due = to_date(start), to_date(due)
        first = start or due
        parts = [f"Goal: {goal_label(skill, metric, population)}", f"Who: {who}" if who else None,
                 f"Status: {status}"]
        out.append(CalendarItem(
            uid=f"action-{aid}", on=first, ends=due if due and due > first else None,
            kind="action", title=what, team=team, detail=". ".join(p for p in parts if p),
            page="goal_detail", done=status == "done"))
    return out
