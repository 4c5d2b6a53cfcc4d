"""The goal itself: statement in plain words, lifecycle with every change kept, refusals that
leave the goal as it was, deleting drafts, history in words."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from collabplan.errors import UserError
from collabplan.goals.model import (
    delete_draft,
    get_goal,
    goal_history,
    history_rows,
    set_status,
    update_goal,
)
from collabplan.goals.statement import statement_text
from tests.goal_factories import (
    cli_goal,
    draft_goal,
    make_priority,
    make_team,
    school_export,
)

D = dt.date


def test_statement_in_plain_words():
    text = statement_text(
        "pct_below_proficient", "Vocabulary", {"grade": "3"}, 40.0, 25.0, dt.date(2027, 1, 29)
    )
    assert text == (
        "Reduce the share of grade 3 students below proficiency in vocabulary from 40% to 25% "
        "by 29 January 2027."
    )
    text = statement_text(
        "pct_proficient", "RL.3.4", {"group": "ELL", "class": "3A"}, 42.5, 60.0, dt.date(2026, 6, 1)
    )
    assert text == (
        "Raise the share of ELL students in class 3A proficient in RL.3.4 from 42.5% to 60% "
        "by 1 June 2026."
    )


def test_lifecycle_keeps_every_change_with_team(db):
    export = school_export(db)
    gid, team = draft_goal(db, export)
    other = make_team(db, "Leadership")
    pid = make_priority(db, "Reading success for every student")
    with pytest.raises(ValueError, match="say why.*priority.*target"):
        set_status(db, gid, "refined", by_team_id=team)
    update_goal(
        db,
        gid,
        by_team_id=team,
        why="Vocabulary holds back comprehension",
        priority_id=pid,
        target_value=10,
        target_date="2026-06-15",
    )
    set_status(db, gid, "refined", by_team_id=team)
    set_status(db, gid, "active", by_team_id=team)
    with pytest.raises(ValueError, match="being revised"):
        update_goal(db, gid, by_team_id=team, target_value=12)
    with pytest.raises(ValueError, match="can become"):
        set_status(db, gid, "draft", by_team_id=team)
    set_status(db, gid, "revised", by_team_id=other, note="new data")
    update_goal(db, gid, by_team_id=team, target_value=12)
    set_status(db, gid, "active", by_team_id=team)
    hist = goal_history(db, gid)
    assert list(hist["team"]) == ["Grade 3 team"] * 4 + [
        "Leadership",
        "Grade 3 team",
        "Grade 3 team",
    ]
    assert hist["change"].iloc[-3] == "being revised: new data"
    snap = json.loads(hist["snapshot"].iloc[-1])
    assert snap["status"] == "active" and snap["target_value"] == 12.0
    assert snap["priority"] == "Reading success for every student"
    assert get_goal(db, gid).status == "active"


def test_update_refuses_bad_target_and_keeps_goal(db):
    export = school_export(db)
    gid, team = draft_goal(db, export)
    with pytest.raises(ValueError, match="not better"):
        update_goal(db, gid, by_team_id=team, target_value=99, target_date="2026-06-01")
    assert get_goal(db, gid).target_value is None
    assert len(goal_history(db, gid)) == 1


def test_draft_refuses_small_population(db):
    export = school_export(db)
    with pytest.raises(ValueError, match="at least 10"):
        draft_goal(db, export, population={"class": "4B"})


def test_delete_draft_only(db):
    export = school_export(db)
    gid, team = draft_goal(db, export)
    delete_draft(db, gid)
    assert db.scalar("SELECT count(*) FROM goal_revision") == 0


def test_history_rows_show_each_version(db):
    export = school_export(db)
    gid, team = draft_goal(db, export)
    update_goal(db, gid, by_team_id=team, target_value=10, target_date="2026-06-01")
    update_goal(db, gid, by_team_id=team, target_value=8)
    rows = history_rows(db, gid)
    assert rows["target"].tolist() == ["–", "10%", "8%"]
    assert rows["by"].tolist() == ["–", "2026-06-01", "2026-06-01"]
    assert rows["status"].tolist() == ["draft"] * 3


def test_refusals_are_user_errors_that_name_their_kind(db):
    school_export(db)
    with pytest.raises(UserError) as refused:
        cli_goal(db, target=250)
    assert refused.value.kind == "input"
    with pytest.raises(UserError) as gone:
        get_goal(db, 999)
    assert gone.value.kind == "state"
