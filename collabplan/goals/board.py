"""The goal board: one card per goal with its statement, why, numbers, progress, action
plan and feedback thread, where each idea spread (adopted by other teams, or adopted from
one), and how many goals stand where.

Goals, their actions and feedback are shared with every team (docs/security.md, "Who sees
what"): a card carries no student, and its figures count only the students ``viewer`` may
read.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.goals.actions import list_actions
from collabplan.goals.adopt import ADOPTABLE_FEEDBACK, adoptions
from collabplan.goals.feedback import list_feedback
from collabplan.goals.model import LIFECYCLE_LABELS, LOCAL, list_goals
from collabplan.goals.progress import PROGRESS_STATUSES, goal_progress, point_text
from collabplan.goals.statement import statement_text
from collabplan.goals.values import none_if_missing
from collabplan.text import long_date, when
from collabplan.text import pct_exact as pct


def board_cards(
    db: Database,
    priority_id: int | None = None,
    team_id: int | None = None,
    include_drafts: bool = True,
    *,
    viewer: Viewer = LOCAL,
) -> list[dict[str, Any]]:
    """One card per goal (its current version): statement, priority, numbers, progress, feedback.

    Every team's goals are on the board for everyone; their figures count the students
    ``viewer`` may read."""
    cards = []
    spread = adoptions(db)
    for goal in list_goals(db, team_id=team_id, priority_id=priority_id):
        if goal.status == "draft" and not include_drafts:
            continue
        prog = goal_progress(db, goal.id, viewer=viewer)
        open_fb = db.scalar(
            "SELECT count(*) FROM feedback WHERE goal_id = ? AND NOT answered", [goal.id]
        )
        cards.append(
            {
                "goal_id": goal.id,
                "team_id": goal.team_id,
                "team": goal.team,
                "priority": goal.priority,
                "statement": statement_text(
                    goal.metric,
                    goal.skill,
                    goal.population,
                    prog.baseline.value,
                    goal.target_value,
                    goal.target_date,
                ),
                "lifecycle": LIFECYCLE_LABELS[goal.status],
                "status": prog.status,
                "baseline": point_text(prog.baseline),
                "latest": point_text(prog.latest),
                "target": pct(goal.target_value),
                "metric": goal.metric,
                "open_feedback": int(open_fb or 0),
                "progress": prog,
                "why": goal.why,
                "actions": card_actions(db, goal.id, spread),
                "feedback": card_feedback(db, goal.id, spread),
            }
        )
    return cards


def status_counts(cards: list[dict[str, Any]]) -> dict[str, int]:
    """How many board cards are on track, behind, met, or waiting for data (in that order)."""
    return {s: sum(1 for c in cards if c["status"] == s) for s in PROGRESS_STATUSES}



def _adopted_by(spread: pd.DataFrame, column: str, source_id: int) -> list[str]:
    """"Grade 4 Math (5 December 2026)" for each team that adopted this idea."""
    rows = spread[spread[column] == source_id]
    return [f"{r.team} ({long_date(pd.Timestamp(r.adopted_at).date())})"
            for r in rows.itertuples()]


def _adopted_into(spread: pd.DataFrame, column: str, source_id: int) -> list[int]:
    """The goals this idea was adopted into (so the board says "In your plan")."""
    return [int(g) for g in spread.loc[spread[column] == source_id, "goal_id"]]


def _adopted_from(spread: pd.DataFrame, action_id: int) -> str | None:
    """"from Grade 3 Reading's goal" for an adopted action; None for the team's own."""
    rows = spread[spread["action_id"] == action_id]
    if rows.empty:
        return None
    r = rows.iloc[0]
    team = r["source_team"] if isinstance(r["source_team"], str) else "another team"
    what = "a suggestion on " if pd.notna(r["from_feedback_id"]) else ""
    return f"from {what}{team}'s goal"


def card_actions(db: Database, goal_id: int, spread: pd.DataFrame | None = None
                 ) -> list[dict[str, Any]]:
    """A goal's actions for its card: id, what, who, status, due (text), adopted_from
    ("from Grade 3 Reading's goal" or None), adopted_by (["Grade 4 Math (5 December 2026)"]),
    adopted_into (the ids of the goals it was adopted into)."""
    spread = adoptions(db) if spread is None else spread
    out = []
    for r in list_actions(db, goal_id).to_dict("records"):
        aid = int(r["id"])
        out.append({
            "id": aid, "what": r["what"], "who": none_if_missing(r["who"]), "status": r["status"],
            "due": long_date(r["due_date"]) if r["due_date"] else None,
            "adopted_from": _adopted_from(spread, aid),
            "adopted_by": _adopted_by(spread, "from_action_id", aid),
            "adopted_into": _adopted_into(spread, "from_action_id", aid),
        })
    return out


def feedback_author(team: Any, posted_by: Any) -> str:
    """Who wrote a piece of feedback: the team, with the person when sign-in names them
    ("Grade 4 Math (ana@school.org)"); a coach's, posted as themselves, their email."""
    team = team if isinstance(team, str) and team else None
    person = posted_by if isinstance(posted_by, str) and posted_by else None
    if team and person:
        return f"{team} ({person})"
    return team or person or "someone at the school"


def card_feedback(db: Database, goal_id: int, spread: pd.DataFrame | None = None
                  ) -> list[dict[str, Any]]:
    """A goal's feedback thread, oldest first: id, kind, body, by (:func:`feedback_author`),
    when, answered, answer, adoptable (a suggestion or resource), adopted_by, adopted_into."""
    spread = adoptions(db) if spread is None else spread
    thread = list_feedback(db, goal_id).sort_values("id")
    out = []
    for r in thread.to_dict("records"):
        fid = int(r["id"])
        answer = r["answer"] if isinstance(r["answer"], str) and r["answer"] else None
        out.append({
            "id": fid, "kind": r["kind"], "body": r["body"],
            "by": feedback_author(r["team"], r["who"]), "when": when(r["created_at"]),
            "answered": bool(r["answered"]), "answer": answer,
            "adoptable": r["kind"] in ADOPTABLE_FEEDBACK,
            "adopted_by": _adopted_by(spread, "from_feedback_id", fid),
            "adopted_into": _adopted_into(spread, "from_feedback_id", fid),
        })
    return out
