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
    out = metrics.add_status(df, ["administration_id", "by"], floor=0.0)  # relative only
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


def _one_window(rows: list[tuple[str, int, int]]):
    import pandas as pd

    df = pd.DataFrame(rows, columns=["skill", "students", "proficient"])
    df["administration_id"] = 1
    return df


def test_a_skill_under_the_floor_lags_whatever_the_median():
    # 32%, 35%, 38%, 40%: every skill low, none 10 points below the median (36.5)
    df = _one_window([("3.MD.1", 74, 24), ("3.MD.2", 74, 26), ("3.MD.3", 74, 28), ("3.MD.4", 74, 30)])
    assert metrics.add_status(df, ["administration_id"], floor=0.0)["status"].tolist() == \
        ["typical"] * 4
    out = metrics.add_status(df, ["administration_id"], floor=50.0)
    assert out["status"].tolist() == ["lagging"] * 4
    assert out["median"].iloc[0] == pytest.approx(36.5, abs=0.1)


def test_the_floor_beats_strength_and_the_median_still_makes_laggards_above_it():
    # 90%, 85%, 45% with a floor of 50: 45% is under the floor (and far below the median);
    # with a floor of 40, 60% is still lagging relative to a median of 85
    df = _one_window([("A", 20, 18), ("B", 20, 17), ("C", 20, 9)])
    assert metrics.add_status(df, ["administration_id"], floor=50.0)["status"].tolist() == \
        ["typical", "typical", "lagging"]
    low = _one_window([("A", 20, 4), ("B", 20, 5), ("C", 20, 9)])  # 20, 25, 45: median 25
    # C is a strength by the median (+20) but under the floor: it lags
    assert metrics.add_status(low, ["administration_id"], floor=50.0)["status"].tolist() == \
        ["lagging", "lagging", "lagging"]
    assert metrics.add_status(low, ["administration_id"], floor=0.0)["status"].tolist() == \
        ["typical", "typical", "strength"]
    mid = _one_window([("A", 20, 18), ("B", 20, 17), ("C", 20, 12)])  # 90, 85, 60
    assert metrics.add_status(mid, ["administration_id"], floor=40.0)["status"].tolist() == \
        ["typical", "typical", "lagging"]


def test_a_small_group_is_suppressed_even_under_the_floor():
    df = _one_window([("A", 20, 4), ("B", 3, 0), ("C", 20, 15)])
    out = metrics.add_status(df, ["administration_id"], floor=50.0)
    assert out["status"].tolist() == ["lagging", "suppressed", "strength"]
    assert out["median"].iloc[0] == pytest.approx(47.5)  # of the skills with enough students


def test_the_floor_is_a_strict_under():
    df = _one_window([("A", 20, 10), ("B", 20, 11)])  # 50% and 55%
    assert metrics.add_status(df, ["administration_id"], floor=50.0)["status"].tolist() == \
        ["typical", "typical"]
