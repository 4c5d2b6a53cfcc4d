"""Feedback comes from other teams; the owning team answers it."""

from __future__ import annotations

import datetime as dt

import pytest

from collabplan.goals.feedback import add_feedback, answer_feedback, list_feedback
from tests.goal_factories import (
    draft_goal,
    make_team,
    school_export,
)

D = dt.date


def test_feedback_from_other_teams_and_owner_answers(db):
    export = school_export(db)
    gid, team = draft_goal(db, export)
    other = make_team(db, "Grade 4 team")
    with pytest.raises(ValueError, match="other teams"):
        add_feedback(db, gid, team, "suggestion", "try word walls")
    with pytest.raises(ValueError, match="suggestion"):
        add_feedback(db, gid, other, "rant", "x")
    fid = add_feedback(
        db, gid, other, "resource", "Frayer model templates in the shared drive"
    )
    with pytest.raises(ValueError, match="only the team"):
        answer_feedback(db, fid, "thanks", by_team_id=other)
    answer_feedback(db, fid, "Using them from Monday", by_team_id=team)
    fb = list_feedback(db, gid)
    assert fb.iloc[0][["team", "kind", "answered", "answer"]].tolist() == [
        "Grade 4 team",
        "resource",
        True,
        "Using them from Monday",
    ]
