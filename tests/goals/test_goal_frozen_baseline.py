"""A posted goal keeps the baseline agreed when it became active (issue 13): freezing,
baseline_now / baseline_changed, accept or keep, targets that are never on the wrong side,
"met" only at or past the target, the share of the gap held between 0 and 100 %, and old
database files whose posted goals are frozen as they open."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from collabplan import db as db_module
from collabplan.errors import UserError
from collabplan.goals.agreed import accept_new_baseline, keep_agreed_baseline, notice_text
from collabplan.goals.as_json import goal_json
from collabplan.goals.model import (
    create_goal,
    get_goal,
    goal_history,
    set_status,
    update_goal,
)
from collabplan.goals.progress import gap_share, goal_overview, goal_progress
from collabplan.goals.statement import goal_statement, statement_text
from tests import factories as f
from tests.goal_factories import make_priority

SKILL = "Inference"


@pytest.fixture
def school(db):
    """20 students: Fall 8 proficient (40%), Winter 12 (60%)."""
    a = f.assessment(db, "Unit CFA", kind="percent")
    up = f.upload(db)
    fall = f.administration(db, a, "Fall", "2025-09-15")
    winter = f.administration(db, a, "Winter", "2026-01-20")
    ids = f.class_of_students(db, 20, "7A", "Ms Lee")
    f.skill_scores(db, up, fall, ids, SKILL, 8)
    f.skill_scores(db, up, winter, ids, SKILL, 12)
    return {"assessment": a, "fall": fall, "winter": winter, "ids": ids, "team": f.team(db),
            "priority": make_priority(db, "Reading to learn")}


def more_fall(db, school, n: int, proficient: int, start: int) -> int:
    """Another upload: ``n`` new students scored in Fall, ``proficient`` of them proficient."""
    up = f.upload(db, name=f"more-{start}.xlsx")
    ids = f.class_of_students(db, n, "7B", "Mr Diaz", start=start)
    f.skill_scores(db, up, school["fall"], ids, SKILL, proficient)
    return up


def goal(db, school, status: str = "active", target: float = 70.0) -> int:
    gid = create_goal(
        db, team_id=school["team"], assessment_id=school["assessment"], skill=SKILL,
        metric="pct_proficient", baseline_administration_id=school["fall"],
        priority_id=school["priority"], why="they cannot yet infer", target_value=target,
        target_date=dt.date(2026, 6, 1),
    )
    if status == "active":
        set_status(db, gid, "refined")
        set_status(db, gid, "active")
    return gid


def test_activation_freezes_the_baseline_and_a_later_upload_does_not_move_it(db, school):
    gid = goal(db, school)
    g = get_goal(db, gid)
    assert (g.baseline_value, g.baseline_students) == (40.0, 20)
    assert "agreed" in goal_history(db, gid)["change"].iloc[-1]
    more_fall(db, school, 10, 0, start=100)  # Fall is now 8 of 30: 26.7%
    prog = goal_progress(db, gid)
    assert (prog.baseline.value, prog.baseline.students) == (40.0, 20)
    assert (prog.baseline_now_value, prog.baseline_now_students) == (26.7, 30)
    assert prog.baseline_changed and prog.baseline_notice
    assert "from 40% to 70%" in goal_statement(db, get_goal(db, gid))
    out = goal_json(db, gid)
    assert out["baseline"]["value"] == 40.0 and out["baseline"]["students"] == 20
    assert out["baseline_now"] == {"value": 26.7, "students": 30}
    assert out["baseline_changed"] is True
    assert "from 40% to 70%" in out["statement"]
    # the line to the target starts from the agreed baseline
    winter = prog.checkpoints[0]
    share = (dt.date(2026, 1, 20) - dt.date(2025, 9, 15)).days / (
        dt.date(2026, 6, 1) - dt.date(2025, 9, 15)).days
    assert winter.expected == round(40.0 + 30.0 * share, 1)
    assert goal_overview(db)[0].set_index("goal_id").loc[gid, "baseline_value"] == 40.0
    assert notice_text(prog) == (
        "Baseline 40% (agreed, 20 students) · the data now says 26.7% (30 students)"
    )


def test_a_draft_follows_the_data_and_says_nothing_changed(db, school):
    gid = goal(db, school, status="draft")
    more_fall(db, school, 10, 0, start=100)
    out = goal_json(db, gid)
    assert out["baseline"]["value"] == 26.7 and out["baseline"]["students"] == 30
    assert out["baseline_now"] == {"value": 26.7, "students": 30}
    assert out["baseline_changed"] is False
    assert get_goal(db, gid).baseline_value is None


def test_unchanged_data_gives_baseline_now_equal_and_not_changed(db, school):
    out = goal_json(db, goal(db, school))
    assert out["baseline_now"] == {"value": 40.0, "students": 20}
    assert out["baseline_changed"] is False


def test_accept_makes_the_new_baseline_the_one_in_force_with_old_and_new_in_history(db, school):
    gid = goal(db, school)
    more_fall(db, school, 10, 0, start=100)
    g = accept_new_baseline(db, gid, by_team_id=school["team"])
    assert g.status == "active" and (g.baseline_value, g.baseline_students) == (26.7, 30)
    change = goal_history(db, gid)["change"].iloc[-1]
    assert change == "accepted the new baseline: 40% (20 students) → 26.7% (30 students)"
    prog = goal_progress(db, gid)
    assert prog.baseline.value == 26.7 and not prog.baseline_changed
    assert "from 26.7% to 70%" in goal_json(db, gid)["statement"]
    with pytest.raises(UserError, match="nothing to decide"):
        accept_new_baseline(db, gid)


def test_accepting_a_baseline_the_target_no_longer_beats_sends_the_goal_back(db, school):
    gid = goal(db, school)
    more_fall(db, school, 40, 40, start=100)  # Fall is now 48 of 60: 80%, past the 70% target
    prog = goal_progress(db, gid)
    assert prog.baseline.value == 40.0 and prog.baseline_now_value == 80.0
    g = accept_new_baseline(db, gid)
    assert g.status == "revised"
    change = goal_history(db, gid)["change"].iloc[-1]
    assert "40% (20 students) → 80% (60 students)" in change
    assert "the target 70% is not above the new baseline" in change
    assert "back in refinement" in change
    # being revised, it follows the data: it can be posted again only with a new target
    with pytest.raises(UserError, match="not better than the baseline 80%"):
        set_status(db, gid, "active")
    statement = goal_json(db, gid)["statement"]
    assert "from 80% to 70%" not in statement and "is not above the baseline 80%" in statement
    update_goal(db, gid, target_value=90)
    assert set_status(db, gid, "active").baseline_value == 80.0


def test_keep_records_the_choice_and_the_notice_returns_only_when_the_data_changes(db, school):
    gid = goal(db, school)
    more_fall(db, school, 10, 0, start=100)
    g = keep_agreed_baseline(db, gid, by_team_id=school["team"])
    assert (g.baseline_value, g.baseline_students) == (40.0, 20)
    assert goal_history(db, gid)["change"].iloc[-1] == (
        "kept the agreed baseline 40% (20 students); the data now says 26.7% (30 students)"
    )
    prog = goal_progress(db, gid)
    assert prog.baseline_changed and not prog.baseline_notice
    assert goal_json(db, gid)["baseline"]["value"] == 40.0
    with pytest.raises(UserError, match="already kept"):
        keep_agreed_baseline(db, gid)
    more_fall(db, school, 10, 10, start=200)  # the data moves again: 18 of 40
    prog = goal_progress(db, gid)
    assert prog.baseline_notice and prog.baseline_now_value == 45.0


def test_accept_and_keep_are_refused_for_a_draft_or_without_a_new_baseline(db, school):
    draft = goal(db, school, status="draft")
    with pytest.raises(UserError, match="follows the data"):
        accept_new_baseline(db, draft)
    posted = goal(db, school)
    with pytest.raises(UserError, match="nothing to decide"):
        keep_agreed_baseline(db, posted)
    # the results behind the baseline are gone: nothing to accept, the agreed one stays
    with db.transaction() as cur:
        f.delete_scores(cur, "si.administration_id = ?", [school["fall"]])
    with pytest.raises(UserError, match="no new baseline to accept"):
        accept_new_baseline(db, posted)
    assert goal_json(db, posted)["baseline"]["value"] == 40.0
    assert goal_json(db, posted)["baseline_now"] == {"value": None, "students": 0}


def test_a_target_on_the_wrong_side_is_refused_at_create_update_and_activate(db, school):
    with pytest.raises(UserError, match="not better than the baseline 40%"):
        goal(db, school, status="draft", target=30.0)
    gid = goal(db, school, status="draft")
    with pytest.raises(UserError, match="not better than the baseline"):
        update_goal(db, gid, target_value=40.0)
    more_fall(db, school, 40, 40, start=100)  # the draft follows the data to 80%
    with pytest.raises(UserError, match="not better than the baseline 80%"):
        set_status(db, gid, "refined")
    with pytest.raises(UserError, match="must be above"):
        create_goal(db, team_id=school["team"], assessment_id=school["assessment"], skill=SKILL,
                    metric="pct_proficient", baseline_administration_id=school["fall"],
                    target_value=75, target_date=dt.date(2026, 6, 1), status="active")


def test_a_statement_never_puts_the_target_on_the_wrong_side():
    text = statement_text("pct_below_proficient", "Vocabulary", {"grade": "4"}, 52.1, 60.0,
                          dt.date(2026, 5, 29))
    assert "from 52.1% to 60%" not in text
    assert text == ("Reduce the share of grade 4 students below proficiency in vocabulary: the "
                    "target 60% is not below the baseline 52.1%, so the team sets a new target.")
    ok = statement_text("pct_below_proficient", "Vocabulary", {}, 80.0, 60.0, dt.date(2026, 5, 29))
    assert "from 80% to 60% by 29 May 2026" in ok


def test_met_needs_the_latest_value_at_or_past_the_target(db, school):
    gid = goal(db, school)
    assert goal_progress(db, gid).status != "met"  # Winter 60% < 70%
    with pytest.raises(UserError, match="not met: the latest result is 60%"):
        set_status(db, gid, "met")
    spring = f.administration(db, school["assessment"], "Spring", "2026-05-20")
    f.skill_scores(db, f.upload(db, name="spring.xlsx"), spring, school["ids"], SKILL, 15)
    assert goal_progress(db, gid).status == "met"  # 75% >= 70%
    assert set_status(db, gid, "met").status == "met"


def test_met_is_refused_without_a_checkpoint(db):
    a = f.assessment(db, "Unit CFA", kind="percent")
    fall = f.administration(db, a, "Fall", "2025-09-15")
    ids = f.class_of_students(db, 20, "7A", "Ms Lee")
    f.skill_scores(db, f.upload(db), fall, ids, SKILL, 8)
    gid = create_goal(db, team_id=f.team(db), assessment_id=a, skill=SKILL,
                      metric="pct_proficient", baseline_administration_id=fall, why="w",
                      priority_id=make_priority(db, "P"), target_value=70,
                      target_date=dt.date(2026, 6, 1), status="active")
    with pytest.raises(UserError, match="no later testing window"):
        set_status(db, gid, "met")


def test_a_draft_past_its_target_is_not_called_met(db, school):
    gid = goal(db, school, status="draft")
    spring = f.administration(db, school["assessment"], "Spring", "2026-05-20")
    f.skill_scores(db, f.upload(db, name="spring.xlsx"), spring, school["ids"], SKILL, 15)
    more_fall(db, school, 40, 40, start=100)  # baseline (followed) 80%, target 70%, latest 75%
    prog = goal_progress(db, gid)
    assert prog.baseline.value == 80.0 and prog.latest.value == 75.0
    assert prog.status != "met" and prog.gap_closed is None


@pytest.mark.parametrize(
    ("metric", "base", "target", "latest", "expected"),
    [
        ("pct_proficient", 40.0, 70.0, 55.0, (0.5, None)),
        ("pct_proficient", 40.0, 70.0, 85.0, (1.0, "past the target")),
        ("pct_proficient", 40.0, 70.0, 30.0, (0.0, "moved away")),
        ("pct_below_proficient", 80.0, 60.0, 52.1, (1.0, "past the target")),
        ("pct_below_proficient", 80.0, 60.0, 95.0, (0.0, "moved away")),
        ("pct_below_proficient", 52.1, 60.0, 55.0, (None, None)),  # target on the wrong side
        ("pct_proficient", 40.0, 70.0, None, (None, None)),
    ],
)
def test_the_share_of_the_gap_stays_between_0_and_1_and_says_why(metric, base, target, latest,
                                                                 expected):
    assert gap_share(metric, base, target, latest) == expected


@pytest.mark.embedded_only
def test_an_old_database_file_freezes_its_posted_goals_as_it_opens(db_path, school, db):
    posted, draft = goal(db, school), goal(db, school, status="draft")
    db_module.close(db_path)
    con = duckdb.connect(str(db_path))  # as the app left it before migration 0007
    for column in ("baseline_value", "baseline_students", "baseline_frozen_at",
                   "baseline_kept_value", "baseline_kept_students"):
        con.execute(f"ALTER TABLE goal DROP COLUMN {column}")
    con.execute("DELETE FROM schema_version WHERE version = 7")
    con.close()
    reopened = db_module.connect(db_path)
    assert reopened.schema_version() >= 7
    assert (get_goal(reopened, posted).baseline_value,
            get_goal(reopened, posted).baseline_students) == (40.0, 20)
    assert get_goal(reopened, draft).baseline_value is None
    more_fall(reopened, school, 10, 0, start=100)
    assert goal_json(reopened, posted)["baseline"]["value"] == 40.0
    assert goal_json(reopened, posted)["baseline_changed"] is True
    assert goal_json(reopened, draft)["baseline"]["value"] == 26.7
