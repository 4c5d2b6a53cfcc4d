from __future__ import annotations

import json

import pytest

from collabplan import metrics
from collabplan.metrics import Filters
from tests import factories as f

FALL = {"RL.7.1": 20, "RI.7.6": 6, "L.7.4": 12, "RL.7.2": 14}
WINTER = {"RL.7.1": 22, "RI.7.6": 14, "L.7.4": 13, "RL.7.2": 20}


@pytest.fixture
def school(db):
    """24 grade-7 students in two classes (ELL: every other one), a CFA given fall and winter."""
    team = f.team(db, "Grade 7 ELA")
    up = f.upload(db, team)
    cfa = f.assessment(db, "Unit 2 CFA")
    fall = f.administration(db, cfa, "Fall", "2025-10-01")
    winter = f.administration(db, cfa, "Winter", "2026-01-15")
    a = f.class_of_students(db, 12, "7A", "Ms. Lee", start=1, groups_every={"ELL": 2})
    b = f.class_of_students(db, 12, "7B", "Mr. Kim", start=13, groups_every={"ELL": 2})
    for admin, counts in ((fall, FALL), (winter, WINTER)):
        for skill, n in counts.items():
            f.skill_scores(db, up, admin, a + b, skill, n)
    return {"team": team, "upload": up, "cfa": cfa, "fall": fall, "winter": winter,
            "a": a, "b": b}


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
    coach = metrics.coach_lagging(db)
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
    df = metrics.level_distribution(db, Filters(), adm)
    assert df["level"].tolist() == levels
    assert df["pct"].tolist() == [30.0, 20.0, 50.0]
    assert df["order"].tolist() == [0, 1, 2]


def test_level_distribution_bands_points_scores_around_the_cut(db, school):
    df = metrics.level_distribution(db, Filters(), school["fall"])
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
    df = metrics.item_analysis(db, Filters(), school["fall"])
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
    df = metrics.students_by_skill(db, Filters(), school["fall"], "RI.7.6")
    counts = df["band"].value_counts().to_dict()
    assert counts == {"not yet": 18, "well past": 5, "proficient": 1}
    assert df["band"].iloc[0] == "not yet" and df["band"].iloc[-1] == "well past"
    assert df.loc[df["band"] == "proficient", "score"].item() == "82%"
    assert set(df.columns) >= {"student", "local_id", "class", "teacher", "score"}
    bands = metrics.skill_bands(db, Filters(), school["fall"]).set_index("skill")
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
    df = metrics.students_by_skill(db, Filters(), adm, "Lit")
    assert df["score"].tolist() == ["Low", "LoAvg", "Avg", "High", "HiAvg"]
    assert df["band"].tolist() == ["not yet", "not yet", "proficient", "well past", "well past"]


def test_coach_lagging_ranks_across_teams_and_calls_out_repeats(db, school):
    team2 = f.team(db, "Grade 8 ELA")
    up2 = f.upload(db, team2, "g8.xlsx")
    ids = f.class_of_students(db, 20, "8A", "Mr. Oak", start=100)
    for skill, n in {"RL.7.1": 15, "RI.7.6": 6, "L.7.4": 14, "RL.7.2": 14}.items():
        f.skill_scores(db, up2, school["fall"], ids, skill, n)
    df = metrics.coach_lagging(db)
    assert set(df["team"]) == {"Grade 7 ELA", "Grade 8 ELA"}
    ri = df[df["skill"] == "RI.7.6"]
    # fall in both teams, and winter in grade 7 (58% against a 71% median)
    assert len(ri) == 3 and ri["repeated"].all() and (ri["lags_in"] == 3).all()
    assert ri["teams"].iloc[0] == "Grade 7 ELA, Grade 8 ELA"
    assert df["below"].is_monotonic_decreasing


def test_filter_options_list_what_the_assessment_holds(db, school):
    opts = metrics.filter_options(db, school["team"], school["cfa"])
    assert opts["teams"]["name"].tolist() == ["Grade 7 ELA"]
    assert opts["assessments"]["name"].tolist() == ["Unit 2 CFA"]
    assert opts["administrations"]["id"].tolist() == [school["fall"], school["winter"]]
    assert opts["classes"] == ["7A", "7B"]
    assert opts["teachers"] == ["Mr. Kim", "Ms. Lee"]
    assert opts["grades"] == ["7"]
    assert opts["groups"] == ["ELL"]
    empty = metrics.filter_options(db, None, None)
    assert empty["administrations"].empty and empty["classes"] == []


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


def test_guided_review_answers_are_drafted_from_the_numbers(db, school):
    from collabplan import review

    flt = Filters(administration_ids=(school["winter"],))
    summary = metrics.skill_summary(db, flt)
    growth = metrics.growth(db, Filters(), school["fall"], school["winter"])
    bands = metrics.skill_bands(db, Filters(), school["winter"])
    answers = review.review_answers(summary, growth, "Fall", bands)
    text = {a.question: a.answer for a in answers}
    assert text["Where are our students strong?"].startswith("Strongest: RL.7.1, 92% (n=24).")
    # winter: 91.7, 58.3, 54.2, 83.3 -> median 70.8
    assert text["Which skills lag?"] == (
        "Lagging: L.7.4, 54%, 17 points below the median; "
        "RI.7.6, 58%, 12 points below the median.")
    assert text["Where has growth stalled?"] == "Stagnant: L.7.4, +4 points since Fall."
    assert text["Who needs re-teaching or extension?"].startswith(
        "Re-teach: 11 students not yet proficient on L.7.4.")
    assert text["Where do they need more?"].startswith("Lowest: L.7.4 54%, RI.7.6 58%.")


def test_guided_review_without_an_earlier_window_says_what_comes_next(db, school):
    from collabplan import review

    summary = metrics.skill_summary(db, Filters(administration_ids=(school["fall"],)))
    answers = review.review_answers(summary)
    assert "second administration" in answers[3].answer
    assert review.review_answers(summary.iloc[0:0])[0].answer.startswith("No scores")


def test_review_notes_are_kept_per_team_and_administration(db, school):
    from collabplan import review

    assert review.load_note(db, school["team"], school["fall"]) == ""
    review.save_note(db, school["team"], school["fall"], "Re-teach author's purpose.")
    review.save_note(db, school["team"], school["fall"], "Re-teach author's point of view.")
    review.save_note(db, None, school["fall"], "Coach: compare with grade 8.")
    assert review.load_note(db, school["team"], school["fall"]) == "Re-teach author's point of view."
    assert review.load_note(db, school["team"], school["winter"]) == ""
    assert review.load_note(db, None, school["fall"]) == "Coach: compare with grade 8."
    review.save_note(db, school["team"], school["fall"], "  ")
    assert review.load_note(db, school["team"], school["fall"]) == ""


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


def test_student_lists_download_cannot_run_formulas(db, school):
    from collabplan import exports, review

    sid = f.student(db, "=1+1", "=HYPERLINK(\"http://x\")", class_name="7A")
    f.scores(db, [{"upload_id": school["upload"], "administration_id": school["fall"],
                   "student_id": sid, "skill": "RI.7.6", "fraction": 0.1}])
    lists = review.student_lists(metrics.students_by_skill(db, Filters(), school["fall"], "RI.7.6"))
    assert list(lists.not_yet.columns) == ["Student", "ID", "Class", "Teacher", "Score"]
    assert lists.not_yet["Student"].iloc[0] == "=HYPERLINK(\"http://x\")"  # lowest score first
    csv = exports.to_csv_bytes(lists.combined).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "'=1+1" in csv
    assert "\n=" not in csv and ",=" not in csv


def test_skill_summary_by_groups_gives_each_groups_own_students(db, school):
    f.student(db, "Z1", "Only, Sped", groups=["SPED"])
    df = metrics.skill_summary_by_groups(db, Filters(administration_ids=(school["fall"],)),
                                         ["ELL", "SPED"])
    assert set(df["by"]) == {"ELL"}  # the SPED student has no scores
    ell = metrics.skill_summary(db, Filters(administration_ids=(school["fall"],), group="ELL"))
    assert df.set_index("skill")["proficient"].to_dict() == \
        ell.set_index("skill")["proficient"].to_dict()
    assert metrics.skill_summary_by_groups(db, Filters(), []).empty


def test_band_rule_says_what_well_past_means():
    points = {"kind": "points", "levels": [], "proficient_level": None, "cut": 0.8}
    assert metrics.band_rule(points) == "Proficient from 80%; well past: 90% or more."
    levels = {"kind": "level", "levels": ["Low", "LoAvg", "Avg", "HiAvg", "High"],
              "proficient_level": "Avg", "cut": 0.8}
    assert metrics.band_rule(levels) == "Proficient from Avg; well past: HiAvg, High."
