from __future__ import annotations

import json

import pytest

from collabplan import breakdowns, metrics
from collabplan.metrics import Filters
from tests import factories as f


@pytest.fixture
def school(db):
    """24 grade-7 students in two classes (ELL: every other one), a CFA given fall and winter."""
    return f.review_school(db)


def test_skill_summary_counts_and_status_follow_the_median_rule(db, school):
    df = metrics.skill_summary(db, Filters(administration_ids=(school["fall"],)))
    got = df.set_index("skill")
    assert got["students"].tolist() == [24] * 4
    assert got.loc["RI.7.6", "pct_proficient"] == 25.0
    assert got.loc["RL.7.1", "pct_proficient"] == 83.3
    # median of 83.3, 25, 50, 58.3 is 54.15: 10 points either side decides the status
    assert got.loc["RI.7.6", "median"] == pytest.approx(54.15)
    assert got["status"].to_dict() == {
        "L.7.4": "typical", "RI.7.6": "lagging", "RL.7.1": "strength", "RL.7.2": "typical",
    }


@pytest.mark.parametrize("by", ["class", "teacher", "grade", "group:ELL"])
def test_skill_summary_by_column_works_for_every_choice(db, school, by):
    df = metrics.skill_summary(db, Filters(administration_ids=(school["fall"],)), by=by)
    assert "by" in df.columns
    # every student counted once per skill whatever the split
    assert (df.groupby("skill")["students"].sum() == 24).all()


def test_skill_summary_by_class_counts_each_class(db, school):
    df = metrics.skill_summary(db, Filters(administration_ids=(school["fall"],)), by="class")
    got = df.set_index(["skill", "by"])["proficient"].to_dict()
    # the first n of the 24 students are proficient: class 7A holds students 1-12
    assert got[("RI.7.6", "7A")] == 6 and got[("RI.7.6", "7B")] == 0
    assert got[("RL.7.1", "7A")] == 12 and got[("RL.7.1", "7B")] == 8


def test_later_upload_wins_when_a_student_is_scored_twice(db, school):
    flt = Filters(administration_ids=(school["fall"],), skill="RI.7.6")
    assert metrics.skill_summary(db, flt)["proficient"].item() == 6  # no duplicates yet
    up2 = f.upload(db, school["team"], "again.xlsx")
    sid = school["b"][-1]
    f.scores(db, [{"upload_id": up2, "administration_id": school["fall"], "student_id": sid,
                   "skill": "RI.7.6", "fraction": 1.0}])
    df = metrics.skill_summary(db, flt)
    assert df["students"].item() == 24 and df["proficient"].item() == 7
    coach = breakdowns.coach_lagging(db)
    assert coach.loc[coach["skill"] == "RI.7.6", "students"].tolist() == [24, 24]


def test_growth_uses_matched_students_and_flags_stagnant_skills(db, school):
    extra = f.student(db, "X1", "New, Kid", class_name="7A")
    f.scores(db, [{"upload_id": school["upload"], "administration_id": school["winter"],
                   "student_id": extra, "skill": "L.7.4", "fraction": 1.0}])
    df = metrics.growth(db, Filters(), school["fall"], school["winter"]).set_index("skill")
    assert df.loc["L.7.4", "students"] == 24  # the winter-only student is not matched
    assert df.loc["L.7.4", "growth"] == pytest.approx(4.2)
    assert bool(df.loc["L.7.4", "stagnant"]) is True
    assert df.loc["RI.7.6", "growth"] == pytest.approx(33.3)
    assert bool(df.loc["RI.7.6", "stagnant"]) is False


def test_equity_gap_compares_group_with_everyone_else(db, school):
    df = metrics.equity_gap(db, Filters(), school["fall"], "ELL").set_index("skill")
    # ELL = even-numbered students; RI.7.6 proficient = students 1..6 -> ELL 3 of 12, others 3 of 12
    assert df.loc["RI.7.6", "group_students"] == 12
    assert df.loc["RI.7.6", "others_students"] == 12
    assert df.loc["RI.7.6", "gap"] == 0.0
    summary = metrics.skill_summary(
        db, Filters(administration_ids=(school["fall"],)), by="group:ELL"
    ).set_index(["skill", "by"])
    assert df.loc["L.7.4", "group_pct"] == summary.loc[("L.7.4", "ELL"), "pct_proficient"]


def test_equity_gap_marks_small_groups_suppressed(db, school):
    f.student(db, "Y1", "Small, Group", groups=["SPED"])
    df = metrics.equity_gap(db, Filters(), school["fall"], "ELL")
    assert not df["suppressed"].any()
    sped = f.student(db, "Y2", "Other, One", groups=["SPED"])
    f.scores(db, [{"upload_id": school["upload"], "administration_id": school["fall"],
                   "student_id": sped, "skill": "RI.7.6", "fraction": 0.9}])
    df = metrics.equity_gap(db, Filters(), school["fall"], "SPED").set_index("skill")
    assert df.loc["RI.7.6", "group_students"] == 1 and bool(df.loc["RI.7.6", "suppressed"])


def test_filters_narrow_by_class_teacher_grade_group_and_team(db, school):
    base = Filters(administration_ids=(school["fall"],), skill="RL.7.1")
    n = lambda flt: int(metrics.skill_summary(db, flt)["students"].sum())  # noqa: E731
    from dataclasses import replace

    assert n(replace(base, class_name="7A")) == 12
    assert n(replace(base, teacher="Mr. Kim")) == 12
    assert n(replace(base, grade="7")) == 24
    assert n(replace(base, group="ELL")) == 12
    assert n(replace(base, team_id=school["team"])) == 24
    assert n(replace(base, team_id=school["team"] + 99)) == 0


def test_metric_value_matches_skill_summary(db, school):
    value, n = metrics.metric_value(db, school["fall"], "RI.7.6", "pct_below_proficient",
                                    {"class": "7A"})
    assert (value, n) == (50.0, 12)
    assert json.dumps(value)  # plain float


def test_status_copes_with_missing_by_values_and_fully_suppressed_groups():
    import pandas as pd

    df = pd.DataFrame({
        "administration_id": [1, 1, 1, 1, 1],
        "by": ["7A", "7A", "7A", None, None],
        "skill": ["A", "B", "C", "A", "B"],
        "students": [20, 20, 20, 3, 4],
        "proficient": [18, 10, 9, 1, 2],
    })
    out = metrics.add_status(df, ["administration_id", "by"])
    assert out["status"].tolist() == ["strength", "typical", "typical", "suppressed", "suppressed"]
    assert out["median"].iloc[0] == 50.0 and out["median"].isna().iloc[3:].all()


def test_skill_summary_by_groups_gives_each_groups_own_students(db, school):
    f.student(db, "Z1", "Only, Sped", groups=["SPED"])
    df = metrics.skill_summary_by_groups(db, Filters(administration_ids=(school["fall"],)),
                                         ["ELL", "SPED"])
    assert set(df["by"]) == {"ELL"}  # the SPED student has no scores
    ell = metrics.skill_summary(db, Filters(administration_ids=(school["fall"],), group="ELL"))
    assert df.set_index("skill")["proficient"].to_dict() == \
        ell.set_index("skill")["proficient"].to_dict()
    assert metrics.skill_summary_by_groups(db, Filters(), []).empty
