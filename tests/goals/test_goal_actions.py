"""The action plan: edits saved, refusals, the timeline's rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from collabplan.goals.actions import add_action, list_actions, save_actions, team_actions
from tests.goal_factories import (
    draft_goal,
    school_export,
)

D = dt.date


def test_action_plan_saves_edits_and_feeds_timeline(db):
    export = school_export(db)
    gid, team = draft_goal(db, export)
    add_action(
        db, gid, what="Word walls", who="Ms Lee", start_date="2026-02-01", due_date="2026-03-01"
    )
    table = list_actions(db, gid)
    table.loc[0, "status"] = "in progress"
    table = pd.concat(
        [
            table,
            pd.DataFrame(
                [
                    {
                        "what": "Vocabulary games",
                        "who": "Mr Diaz",
                        "start_date": dt.date(2026, 2, 10),
                        "status": "planned",
                    },
                    {"what": None},
                ]
            ),
        ],
        ignore_index=True,
    )
    assert save_actions(db, gid, table, by_team_id=team) == 2
    saved = list_actions(db, gid)
    assert saved["what"].tolist() == ["Word walls", "Vocabulary games"]
    assert saved["status"].tolist() == ["in progress", "planned"]
    bad = saved.copy()
    bad.loc[0, "due_date"] = dt.date(2026, 1, 1)
    with pytest.raises(ValueError, match="due before it starts"):
        save_actions(db, gid, bad)
    assert save_actions(db, gid, saved.iloc[1:]) == 1
    timeline = team_actions(db, team)
    assert (
        timeline["what"].tolist() == ["Vocabulary games"]
        and timeline["team"].iloc[0] == "Grade 3 team"
    )
