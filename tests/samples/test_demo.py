"""The demo school: teams, a full year of windows, several kinds of assessment, groups, stories."""

from __future__ import annotations

import datetime as dt

import pytest

from collabplan import metrics
from collabplan.samples.demo import load_demo
from tests.conftest import DEMO_TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo database for the module (loading it takes a few seconds), loaded twice."""
    from collabplan import db as db_module

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    database = db_module.connect(path)
    steps: list[tuple[float, str]] = []
    first = load_demo(database, progress=lambda f, m: steps.append((f, m)), today=DEMO_TODAY)
    second = load_demo(database, today=DEMO_TODAY)
    yield database, first, second, steps
    database.close()


def _grade_summary(db, assessment: str, grade: str):
    aid = db.scalar("SELECT id FROM assessment WHERE name = ?", [assessment])
    return metrics.skill_summary(db, metrics.Filters(assessment_id=aid, grade=grade))


def test_demo_has_three_teams_three_windows_and_several_assessments(demo):
    db, counts, _, _ = demo
    assert counts["teams"] >= 3
    assert {"Grade 3 Reading", "Grade 4 Math", "Grade 7 ELA"} <= {r[0] for r in db.rows("SELECT name FROM team")}
    dates = {r[0].isoformat() for r in db.rows("SELECT DISTINCT date FROM administration")}
    assert {"2025-09-15", "2026-01-20", "2026-05-12"} <= dates
    assert counts["assessments"] >= 5
    kinds = {r[0] for r in db.rows("SELECT DISTINCT kind FROM assessment")}
    assert {"level", "points"} <= kinds
    assert db.scalar("SELECT count(*) FROM score WHERE item IS NOT NULL") > 0  # item-level CFA


def test_demo_grades_have_60_to_120_students_with_classes_and_teachers(demo):
    db, _, _, _ = demo
    for grade, n in db.rows("SELECT grade, count(*) FROM student GROUP BY grade"):
        assert 60 <= n <= 120, grade
    assert db.scalar("SELECT count(DISTINCT teacher) FROM student WHERE teacher IS NOT NULL") >= 5
    assert db.scalar("SELECT count(DISTINCT class_name) FROM student WHERE class_name IS NOT NULL") >= 9


def test_demo_uploads_belong_to_their_teams(demo):
    db, _, _, _ = demo
    assert db.scalar("SELECT count(*) FROM upload WHERE team_id IS NULL") == 0
    per_team = dict(db.rows("SELECT t.name, count(*) FROM upload u JOIN team t ON t.id = u.team_id GROUP BY 1"))
    assert all(per_team.get(t, 0) >= 2 for t in ("Grade 3 Reading", "Grade 4 Math", "Grade 7 ELA"))


def test_demo_has_ell_sped_frl_groups_and_an_ell_gap_in_grade_3_vocabulary(demo):
    db, _, _, _ = demo
    groups = {r[0] for r in db.rows("SELECT DISTINCT group_name FROM student_group")}
    assert {"ELL", "SPED", "FRL"} <= groups
    aid = db.scalar("SELECT id FROM assessment WHERE name = 'i-Ready Diagnostic Reading'")
    everyone = metrics.skill_summary(db, metrics.Filters(assessment_id=aid, grade="3", skill="Vocabulary"))
    ell = metrics.skill_summary(db, metrics.Filters(assessment_id=aid, grade="3", skill="Vocabulary", group="ELL"))
    assert (ell["students"] >= 10).all()
    fall = everyone.sort_values("date").iloc[0]["pct_proficient"]
    assert ell.sort_values("date").iloc[0]["pct_proficient"] <= fall - 5


def test_demo_grade_3_vocabulary_lags_in_fall_and_grows_slowly(demo):
    db, _, _, _ = demo
    df = _grade_summary(db, "i-Ready Diagnostic Reading", "3").sort_values("date")
    vocab = df[df["skill"] == "Vocabulary"]
    assert vocab.iloc[0]["status"] == "lagging"
    growth = vocab.iloc[-1]["pct_proficient"] - vocab.iloc[0]["pct_proficient"]
    assert growth > 0


def test_demo_grade_7_ri76_lags_and_stays_stagnant(demo):
    db, _, _, _ = demo
    df = _grade_summary(db, "Grade 7 ELA Standards Tracker", "7").sort_values("date")
    ri = df[df["skill"] == "RI.7.6"]
    assert len(ri) == 3
    assert (ri["status"] == "lagging").all()
    assert ri.iloc[-1]["pct_proficient"] - ri.iloc[0]["pct_proficient"] < 5  # stagnant


def test_demo_grade_4_number_and_operations_grows(demo):
    db, _, _, _ = demo
    df = _grade_summary(db, "Mathematics", "4").sort_values("date")
    nbt = df[df["skill"] == "Number and Operations"]
    assert nbt.iloc[0]["status"] == "lagging"
    assert nbt.iloc[-1]["pct_proficient"] - nbt.iloc[0]["pct_proficient"] >= 15


def test_demo_has_priorities_and_goals_per_team(demo):
    db, counts, _, _ = demo
    titles = {r[0] for r in db.rows("SELECT title FROM priority")}
    assert "Reading success for every student" in titles
    assert counts["priorities"] >= 3
    if db.scalar("SELECT count(*) FROM goal"):
        teams = {r[0] for r in db.rows("SELECT DISTINCT team_id FROM goal")}
        assert len(teams) >= 3


def test_each_team_main_goal_has_actions_a_story_and_check_ins(demo):
    db, _, _, _ = demo
    rows = db.rows(
        """SELECT g.id, g.what_worked, g.next_step,
                  (SELECT count(*) FROM action a WHERE a.goal_id = g.id),
                  (SELECT count(*) FROM signpost c WHERE c.goal_id = g.id AND c.done)
           FROM goal g WHERE g.population NOT LIKE '%group%' ORDER BY g.id"""
    )
    assert len(rows) == 3  # loaded twice, still one of each
    for _, worked, next_step, actions, check_ins in rows:
        assert worked and next_step and actions >= 2 and check_ins == 2


def test_loading_the_demo_twice_adds_nothing(demo):
    _, first, second, _ = demo
    for key in ("teams", "students", "assessments", "administrations", "uploads", "scores", "priorities", "goals"):
        assert second[key] == first[key], key
    assert second["uploads_added"] == 0
    assert second["uploads_already_there"] == first["uploads_added"]


def test_demo_reports_progress_from_0_to_1(demo):
    _, _, _, steps = demo
    fractions = [f for f, _ in steps]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(message for _, message in steps)


@pytest.mark.parametrize("today", [dt.date(2026, 12, 5), dt.date(2028, 3, 1)])
def test_demo_is_built_in_the_school_year_of_today(tmp_path, today):
    from collabplan import db as db_module
    from collabplan.goals.advice import school_year

    database = db_module.connect(tmp_path / "demo.duckdb")
    load_demo(database, today=today)
    start, _ = school_year(today)
    dates = sorted(d for (d,) in database.rows("SELECT DISTINCT date FROM administration"))
    assert dates and all(start <= d <= today for d in dates)
    terms = {t for (t,) in database.rows("SELECT DISTINCT term FROM administration") if t}
    y = start.year
    expected = {f"Fall {y}-{y + 1}"} | ({f"Winter {y}-{y + 1}"} if today.month < 8 else set())
    assert expected <= terms
    assert not any(t.startswith("Spring") for t in terms)  # May has not come
    goals = database.rows("SELECT target_date, status FROM goal")
    assert goals and all(t > today and s == "active" for t, s in goals)
    if today == dt.date(2026, 12, 5):  # the fall results only: the first semester's end
        assert {t for t, _ in goals} == {dt.date(2027, 1, 31)}
    # nothing is done ahead of its day: future check-ins are scheduled, not written
    assert not database.scalar("SELECT count(*) FROM signpost WHERE done AND date > ?", [today])
    assert not database.scalar(
        "SELECT count(*) FROM action WHERE status <> 'planned' AND start_date > ?", [today])
    assert not database.scalar(
        "SELECT count(*) FROM action WHERE status = 'done' AND due_date > ?", [today])
    database.close()
