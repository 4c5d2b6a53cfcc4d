from __future__ import annotations

import pytest

from collabplan import breakdowns, metrics
from collabplan.metrics import Filters
from tests import factories as f
from tests.factories import REVIEW_FALL as FALL


@pytest.fixture
def school(db):
    """24 grade-7 students in two classes (ELL: every other one), a CFA given fall and winter."""
    return f.review_school(db)


def test_level_distribution_keeps_the_assessments_level_order(db):
    levels = ["Well Below Benchmark", "Below Benchmark", "At or Above Benchmark"]
    a = f.assessment(db, "DIBELS", kind="level", levels=levels,
                     proficient_level="At or Above Benchmark")
    adm = f.administration(db, a, "BOY", "2025-09-10")
    up = f.upload(db)
    ids = f.class_of_students(db, 10, "3A", "Ms. Ray")
    picks = ["At or Above Benchmark"] * 5 + ["Well Below Benchmark"] * 3 + ["Below Benchmark"] * 2
    f.scores(db, [{"upload_id": up, "administration_id": adm, "student_id": s, "skill": "ORF",
                   "level": lv, "proficient": lv == levels[2]} for s, lv in zip(ids, picks, strict=True)])
    df = breakdowns.level_distribution(db, Filters(), adm)
    assert df["level"].tolist() == levels
    assert df["pct"].tolist() == [30.0, 20.0, 50.0]
    assert df["order"].tolist() == [0, 1, 2]


def test_level_distribution_bands_points_scores_around_the_cut(db, school):
    df = breakdowns.level_distribution(db, Filters(), school["fall"])
    ri = df[df["skill"] == "RI.7.6"]
    assert ri["level"].tolist() == ["Under 60%", "80% and up"]  # 0.5 and 0.9 only
    assert ri["students"].tolist() == [18, 6]


def test_item_analysis_puts_the_most_missed_question_first(db, school):
    sids = school["a"]
    rows = []
    for i, sid in enumerate(sids):
        rows += [
            {"upload_id": school["upload"], "administration_id": school["fall"], "student_id": sid,
             "skill": "3.NF.1", "item": "Q1", "points": 1.0, "max_points": 1.0, "fraction": 1.0},
            {"upload_id": school["upload"], "administration_id": school["fall"], "student_id": sid,
             "skill": "3.NF.2", "item": "Q10", "points": 0.0 if i % 4 else 2.0, "max_points": 2.0,
             "fraction": 0.0},
            {"upload_id": school["upload"], "administration_id": school["fall"], "student_id": sid,
             "skill": "3.NF.2", "item": "Q2", "points": 1.0, "max_points": 2.0, "fraction": 0.5},
        ]
    f.scores(db, rows)
    df = breakdowns.item_analysis(db, Filters(), school["fall"])
    assert df["item"].tolist() == ["Q10", "Q2", "Q1"]
    assert df["standard"].tolist() == ["3.NF.2", "3.NF.2", "3.NF.1"]
    assert df["pct_earned"].tolist() == [25.0, 50.0, 100.0]
    assert df["students"].tolist() == [12, 12, 12]
    # item rows never leak into skill summaries
    summary = metrics.skill_summary(db, Filters(administration_ids=(school["fall"],)))
    assert set(summary["skill"]) == set(FALL)


def test_students_by_skill_splits_not_yet_and_well_past(db, school):
    f.scores(db, [{"upload_id": f.upload(db, school["team"], "b.xlsx"),
                   "administration_id": school["fall"], "student_id": school["a"][0],
                   "skill": "RI.7.6", "fraction": 0.82}])
    df = breakdowns.students_by_skill(db, Filters(), school["fall"], "RI.7.6")
    counts = df["band"].value_counts().to_dict()
    assert counts == {"not yet": 18, "well past": 5, "proficient": 1}
    assert df["band"].iloc[0] == "not yet" and df["band"].iloc[-1] == "well past"
    assert df.loc[df["band"] == "proficient", "score"].item() == "82%"
    assert set(df.columns) >= {"student", "local_id", "class", "teacher", "score"}
    bands = breakdowns.skill_bands(db, Filters(), school["fall"]).set_index("skill")
    assert bands.loc["RI.7.6", ["not_yet", "proficient", "well_past"]].tolist() == [18, 1, 5]


def test_students_by_skill_level_scores_well_past_above_proficient_level(db):
    levels = ["Low", "LoAvg", "Avg", "HiAvg", "High"]
    a = f.assessment(db, "Reading", kind="level", levels=levels, proficient_level="Avg")
    adm = f.administration(db, a, "Fall", "2025-09-20")
    up = f.upload(db)
    ids = f.class_of_students(db, 5, "4A", "Ms. Ray")
    f.scores(db, [{"upload_id": up, "administration_id": adm, "student_id": s, "skill": "Lit",
                   "level": lv, "proficient": levels.index(lv) >= 2}
                  for s, lv in zip(ids, levels, strict=True)])
    df = breakdowns.students_by_skill(db, Filters(), adm, "Lit")
    assert df["score"].tolist() == ["Low", "LoAvg", "Avg", "High", "HiAvg"]
    assert df["band"].tolist() == ["not yet", "not yet", "proficient", "well past", "well past"]


def test_coach_lagging_ranks_across_teams_and_calls_out_repeats(db, school):
    team2 = f.team(db, "Grade 8 ELA")
    up2 = f.upload(db, team2, "g8.xlsx")
    ids = f.class_of_students(db, 20, "8A", "Mr. Oak", start=100)
    for skill, n in {"RL.7.1": 15, "RI.7.6": 6, "L.7.4": 14, "RL.7.2": 14}.items():
        f.skill_scores(db, up2, school["fall"], ids, skill, n)
    df = breakdowns.coach_lagging(db)
    assert set(df["team"]) == {"Grade 7 ELA", "Grade 8 ELA"}
    ri = df[df["skill"] == "RI.7.6"]
    # fall in both teams, and winter in grade 7 (58% against a 71% median)
    assert len(ri) == 3 and ri["repeated"].all() and (ri["lags_in"] == 3).all()
    assert ri["teams"].iloc[0] == "Grade 7 ELA, Grade 8 ELA"
    assert df["below"].is_monotonic_decreasing


def test_band_rule_says_what_well_past_means():
    points = {"kind": "points", "levels": [], "proficient_level": None, "cut": 0.8}
    assert breakdowns.band_rule(points) == "Proficient from 80%; well past: 90% or more."
    levels = {"kind": "level", "levels": ["Low", "LoAvg", "Avg", "HiAvg", "High"],
              "proficient_level": "Avg", "cut": 0.8}
    assert breakdowns.band_rule(levels) == "Proficient from Avg; well past: HiAvg, High."
