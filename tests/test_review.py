from __future__ import annotations

import pytest

from collabplan import breakdowns, metrics, review
from collabplan.metrics import Filters
from tests import factories as f


@pytest.fixture
def school(db):
    """24 grade-7 students in two classes (ELL: every other one), a CFA given fall and winter."""
    return f.review_school(db)


def test_guided_review_answers_are_drafted_from_the_numbers(db, school):

    flt = Filters(administration_ids=(school["winter"],))
    summary = metrics.skill_summary(db, flt)
    growth = metrics.growth(db, Filters(), school["fall"], school["winter"])
    bands = breakdowns.skill_bands(db, Filters(), school["winter"])
    answers = review.review_answers(summary, growth, "Fall", bands)
    text = {a.question: a.answer for a in answers}
    assert text["Where are our students strong?"].startswith("Strongest: RL.7.1, 92% of 24 students.")
    # winter: 91.7, 58.3, 54.2, 83.3 -> median 70.8
    assert text["Which skills lag?"] == (
        "Lagging: L.7.4, 54% proficient, 17 points below the median; "
        "RI.7.6, 58% proficient, 12 points below the median.")
    assert text["Where has growth stalled?"] == "Stagnant: L.7.4, +4 points since Fall."
    assert text["Who needs re-teaching or extension?"].startswith(
        "Re-teach: 11 students not yet proficient on L.7.4.")
    assert text["Where do they need more?"].startswith("Lowest: L.7.4 54%, RI.7.6 58%.")


def test_guided_review_without_an_earlier_window_says_what_comes_next(db, school):

    summary = metrics.skill_summary(db, Filters(administration_ids=(school["fall"],)))
    answers = review.review_answers(summary)
    assert "second administration" in answers[3].answer
    assert review.review_answers(summary.iloc[0:0])[0].answer.startswith("No scores")


def test_review_notes_are_kept_per_team_and_administration(db, school):

    assert review.load_note(db, school["team"], school["fall"]) == ""
    review.save_note(db, school["team"], school["fall"], "Re-teach author's purpose.")
    review.save_note(db, school["team"], school["fall"], "Re-teach author's point of view.")
    review.save_note(db, None, school["fall"], "Coach: compare with grade 8.")
    assert review.load_note(db, school["team"], school["fall"]) == "Re-teach author's point of view."
    assert review.load_note(db, school["team"], school["winter"]) == ""
    assert review.load_note(db, None, school["fall"]) == "Coach: compare with grade 8."
    review.save_note(db, school["team"], school["fall"], "  ")
    assert review.load_note(db, school["team"], school["fall"]) == ""


def test_student_lists_download_cannot_run_formulas(db, school):
    from collabplan import exports

    sid = f.student(db, "=1+1", "=HYPERLINK(\"http://x\")", class_name="7A")
    f.scores(db, [{"upload_id": school["upload"], "administration_id": school["fall"],
                   "student_id": sid, "skill": "RI.7.6", "fraction": 0.1}])
    lists = review.student_lists(breakdowns.students_by_skill(db, Filters(), school["fall"], "RI.7.6"))
    assert list(lists.not_yet.columns) == ["Student", "ID", "Class", "Teacher", "Score"]
    assert lists.not_yet["Student"].iloc[0] == "=HYPERLINK(\"http://x\")"  # lowest score first
    csv = exports.to_csv_bytes(lists.combined).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "'=1+1" in csv
    assert "\n=" not in csv and ",=" not in csv


def _summary(rows, floor):
    import pandas as pd

    df = pd.DataFrame(rows, columns=["skill", "students", "proficient"])
    df["administration_id"] = 1
    return metrics.add_status(df, ["administration_id"], floor=floor)


def test_every_skill_under_the_floor_is_said_with_why_not_none():
    # the case of issue 17: 3.MD.1 at 32% (24 of 74) where every skill of the test is low
    summary = _summary([("3.MD.1", 74, 24), ("3.MD.2", 74, 30), ("3.MD.3", 74, 33)], 50)
    answer = review.lagging(summary, 50)
    assert answer == (
        "Every skill is under the school's floor of 50% proficient, so every skill lags, lowest "
        "first: 3.MD.1, 32% proficient, under the school's floor of 50%; 3.MD.2, 40% proficient, "
        "under the school's floor of 50%; 3.MD.3, 45% proficient, under the school's floor of 50%.")
    assert not answer.startswith("None")


def test_lagging_names_floor_and_median_reasons_and_says_when_nothing_lags():
    summary = _summary([("A", 20, 19), ("B", 20, 18), ("C", 20, 9), ("D", 20, 14)], 60)
    # 95, 90, 45, 70 -> median 80: C under the floor and 35 below; D only 10 below
    assert review.lagging(summary, 60) == (
        "Lagging: C, 45% proficient, under the school's floor of 60% and 35 points below the "
        "median; D, 70% proficient, 10 points below the median.")
    fine = _summary([("A", 20, 16), ("B", 20, 15)], 50)
    assert review.lagging(fine, 50) == (
        "No skill lags: every skill is within 10 points of the median (78%) and at or above "
        "the school's floor of 50% proficient.")
    assert review.review_answers(summary, floor=60)[2].answer.startswith("Lagging: C, 45%")


def _by(rows: list[tuple[str, str | None, int, float]]):
    """A skill_summary(..., by=...) frame: (skill, by, students, pct_proficient)."""
    import pandas as pd

    return pd.DataFrame([{"skill": s, "by": b, "students": n, "proficient": round(n * p / 100),
                          "pct_proficient": p, "status": "typical"} for s, b, n, p in rows],
                        columns=["skill", "by", "students", "proficient", "pct_proficient",
                                 "status"])


def test_a_breakdown_with_nothing_to_compare_says_why_and_what_to_do():
    none = review.breakdown_gap(_by([("Vocabulary", None, 30, 50.0)]), "teacher")
    assert "name no teacher" in none and "roster" in none and "Skills by class" in none
    assert review.breakdown_gap(_by([]), "class").startswith("These results name no class")
    one = review.breakdown_gap(_by([("Vocabulary", "Ms. Lee", 30, 50.0),
                                    ("Fluency", "Ms. Lee", 30, 70.0)]), "teacher")
    assert "one teacher (Ms. Lee)" in one and "repeat the skill chart" in one
    assert "compare teachers" in one
    small = review.breakdown_gap(_by([("Vocabulary", "A", 4, 50.0), ("Vocabulary", "B", 5, 60.0)]),
                                 "class")
    assert "fewer than 10 students" in small
    assert review.breakdown_gap(_by([("Vocabulary", "A", 14, 50.0),
                                     ("Vocabulary", "B", 15, 60.0)]), "class") is None


def _items(rows: list[tuple[str, str, float, float]]):
    """An item_analysis frame: (item, standard, points, max_points)."""
    import pandas as pd

    df = pd.DataFrame(rows, columns=["item", "standard", "points", "max_points"])
    df["students"] = 20
    df["pct_earned"] = 100 * df["points"] / df["max_points"]
    return df


def test_the_skill_chart_and_the_questions_say_what_each_ranks_and_where_they_differ():
    summary = _by([("RI.7.6 Author's point of view", None, 30, 30.0),
                   ("L.7.4 Word meaning", None, 30, 60.0)]).drop(columns="by")
    agree = review.skills_and_questions(summary, _items([("Q1", "RI.7.6", 5, 20),
                                                         ("Q2", "L.7.4", 15, 20)]))
    assert "share of students proficient" in agree and "average share of points earned" in agree
    assert "Both point to RI.7.6 Author's point of view." in agree
    differ = review.skills_and_questions(summary, _items([("Q1", "RI.7.6", 16, 20),
                                                          ("Q2", "L.7.4", 4, 20),
                                                          ("Q3", "L.7.4", 10, 20)]))
    assert differ.count(".") >= 2 and "point to different skills" in differ
    assert "RI.7.6 Author's point of view (30% proficient)" in differ
    assert "L.7.4 (35% of its points)" in differ
    assert "Both" not in review.skills_and_questions(summary, _items([]))
