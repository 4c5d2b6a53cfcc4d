"""Board cards show each goal's current version and filter by priority."""

from __future__ import annotations

import datetime as dt

from collabplan import text
from collabplan.goals.board import board_cards
from collabplan.goals.model import update_goal
from tests.goal_factories import (
    draft_goal,
    expected_metric,
    make_priority,
    make_team,
    school_export,
)

D = dt.date


def test_board_cards_show_current_version_and_filter_by_priority(db):
    export = school_export(db)
    p1, p2 = make_priority(db, "Reading"), make_priority(db, "Math")
    gid, team = draft_goal(
        db,
        export,
        priority_id=p1,
        baseline_administration_id=export.windows["Fall"],
        target_value=5,
        target_date="2026-06-01",
    )
    draft_goal(
        db, export, team_id=make_team(db, "Grade 4 team"), priority_id=p2, population={"grade": "4"}
    )
    update_goal(db, gid, target_value=4)
    cards = board_cards(db, priority_id=p1)
    assert [c["goal_id"] for c in cards] == [gid]
    card = cards[0]
    base, _ = expected_metric(export, "Fall", "Vocabulary", "pct_below_proficient", {"grade": "3"})
    assert card["target"] == "4%" and card["baseline"] == text.pct_exact(base)
    assert "to 4% by 1 June 2026" in card["statement"]
    assert len(board_cards(db)) == 2
    assert len(board_cards(db, include_drafts=False)) == 0
