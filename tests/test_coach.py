"""The coach view's data: filters by grade, subject and window, one standard across
assessments by its code, and the goals already aimed at a skill."""

from __future__ import annotations

import datetime as dt

import pytest

from collabplan import coach
from collabplan.access import Viewer
from collabplan.coach import CoachChoice
from collabplan.goals.model import create_goal
from tests import factories as f


@pytest.fixture
def school(db):
    """The review school (grade 7, a CFA fall and winter) plus a Canvas task that names the
    same standards with their words, and a grade-4 math team with its own CFA."""
    s = f.review_school(db)
    canvas = f.assessment(db, "Unit 2 Performance Task")
    nov = f.administration(db, canvas, None, "2025-11-03")
    for skill, n in {"RI.7.6 Author's point of view": 5, "RL.7.1 Cite textual evidence": 20,
                     "L.7.4 Word meaning from context": 18, "RL.7.2 Determine a theme": 19}.items():
        f.skill_scores(db, s["upload"], nov, s["a"] + s["b"], skill, n)
    math_team = f.team(db, "Grade 4 Math")
    up4 = f.upload(db, math_team, "g4.xlsx")
    fractions = f.assessment(db, "Grade 4 Unit 5 CFA")
    feb = f.administration(db, fractions, None, "2026-02-03")
    ids = [f.student(db, f"M{i}", f"Math{i}, Pat", grade="4", class_name="4A") for i in range(20)]
    for skill, n in {"4.NF.1": 4, "4.NF.2": 15, "4.NF.3": 16}.items():
        f.skill_scores(db, up4, feb, ids, skill, n)
    return {**s, "canvas": canvas, "nov": nov, "math_team": math_team, "fractions": fractions,
            "feb": feb}


def test_one_standard_is_one_skill_across_assessments(db, school):
    instances = coach.lagging_instances(db, CoachChoice())
    ri = instances[instances["key"] == "code:ri.7.6"]
    assert set(ri["assessment"]) == {"Unit 2 CFA", "Unit 2 Performance Task"}
    assert set(ri["skill"]) == {"RI.7.6", "RI.7.6 Author's point of view"}
    skills = coach.lagging_skills(instances)
    row = skills[skills["key"] == "code:ri.7.6"].iloc[0]
    assert row["skill"] == "RI.7.6 Author's point of view"
    assert row["code"] == "RI.7.6"
    assert row["assessments"] == "Unit 2 CFA, Unit 2 Performance Task"
    assert row["lags_in"] == len(ri) == 3  # fall, winter and the task in November
    assert (skills["key"] == "code:ri.7.6").sum() == 1
    assert list(skills["lags_in"]) == sorted(skills["lags_in"], reverse=True)


def test_the_subject_comes_from_the_file_its_name_its_standards_or_its_team(db, school):
    with db.transaction() as cur:
        cur.execute("UPDATE assessment SET subject = 'ELA' WHERE id = ?", [school["cfa"]])
        spelling = cur.execute("INSERT INTO assessment (name, kind) VALUES ('Spelling check',"
                               " 'points') RETURNING id").fetchone()[0]
        cur.execute("UPDATE team SET subject = 'Science' WHERE id = ?", [school["team"]])
    adm = f.administration(db, spelling, None, "2025-10-20")
    f.skill_scores(db, school["upload"], adm, school["a"] + school["b"], "Words", 12)
    subjects = coach.assessment_subjects(db).set_index("name")
    assert subjects.loc["Unit 2 CFA", ["subject", "subject_from"]].tolist() == ["Reading", "the file"]
    assert subjects.loc["Unit 2 Performance Task", ["subject", "subject_from"]].tolist() == \
        ["Reading", "its standards"]
    assert subjects.loc["Grade 4 Unit 5 CFA", ["subject", "subject_from"]].tolist() == \
        ["Math", "its standards"]
    assert subjects.loc["Spelling check", ["subject", "subject_from"]].tolist() == \
        ["Science", "its team"]


def test_filters_narrow_by_subject_grade_and_window(db, school):
    options = coach.coach_options(db)
    assert options["grades"] == ["4", "7"]
    assert options["subjects"] == ["Math", "Reading"]
    assert options["windows"] == ["Winter 2025-26", "Fall 2025"]
    math = coach.lagging_instances(db, CoachChoice(subject="Math"))
    assert set(math["team"]) == {"Grade 4 Math"} and set(math["skill"]) == {"4.NF.1"}
    grade7 = coach.lagging_instances(db, CoachChoice(grade="7"))
    assert set(grade7["team"]) == {"Grade 7 ELA"}
    fall = coach.lagging_instances(db, CoachChoice(window="Fall 2025"))
    assert set(fall["administration_id"]) == {school["fall"], school["nov"]}
    latest = coach.lagging_instances(db, CoachChoice(window=coach.LATEST))
    assert school["fall"] not in set(latest["administration_id"])
    assert {school["feb"], school["nov"]} <= set(latest["administration_id"])
    nothing = coach.lagging_instances(db, CoachChoice(subject="Math", grade="7"))
    assert nothing.empty and list(nothing.columns) == list(fall.columns)
    assert coach.lagging_skills(nothing).empty


def test_seasons_of_the_school_year():
    assert coach.season_of(dt.date(2025, 10, 14)) == ("Fall 2025", (2025, 0))
    assert coach.season_of(dt.date(2025, 12, 2)) == ("Winter 2025-26", (2025, 1))
    assert coach.season_of(dt.date(2026, 1, 20)) == ("Winter 2025-26", (2025, 1))
    assert coach.season_of(dt.date(2026, 5, 12)) == ("Spring 2026", (2025, 2))
    assert coach.season_of(None) is None


def test_goals_on_a_standard_are_found_by_its_code(db, school):
    create_goal(db, team_id=school["team"], assessment_id=school["canvas"],
                skill="RI.7.6 Author's point of view", metric="pct_proficient",
                baseline_administration_id=school["nov"], target_value=40,
                target_date="2026-05-29")
    goals = coach.goals_by_skill(db)
    assert list(goals) == ["code:ri.7.6"]
    line = goals["code:ri.7.6"][0]
    assert line.startswith("Grade 7 ELA: Raise the share of")
    assert "to 40% by 29 May 2026 (draft)" in line
    assert "21%" not in line  # no student figure (the baseline is 5 of 24)
    skills = coach.lagging_skills(coach.lagging_instances(db, CoachChoice()), goals)
    assert skills.set_index("key").loc["code:ri.7.6", "goals"] == 1
    assert skills.set_index("key").loc["code:rl.7.2", "goals"] == 0 if "code:rl.7.2" in \
        set(skills["key"]) else True


def test_a_teacher_sees_only_their_own_teams_windows(db, school):
    teacher = Viewer("t@school.org", "teacher", team_ids=frozenset({school["math_team"]}))
    instances = coach.lagging_instances(db, CoachChoice(), viewer=teacher)
    assert set(instances["team"]) == {"Grade 4 Math"}
    assert coach.coach_options(db, viewer=teacher)["grades"] == ["4"]
