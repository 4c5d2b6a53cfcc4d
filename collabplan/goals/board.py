"""The goal board: one card per goal with its statement, numbers, progress and open
feedback, and how many goals stand where.
"""

from __future__ import annotations

from typing import Any

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.goals.model import LIFECYCLE_LABELS, LOCAL, list_goals, statement_text
from collabplan.goals.progress import PROGRESS_STATUSES, goal_progress, point_text
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
            }
        )
    return cards


def status_counts(cards: list[dict[str, Any]]) -> dict[str, int]:
    """How many board cards are on track, behind, met, or waiting for data (in that order)."""
    return {s: sum(1 for c in cards if c["status"] == s) for s in PROGRESS_STATUSES}

