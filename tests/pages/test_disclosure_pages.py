"""Projection mode on the demo school with narrow filters: the Levels, Questions and Students
by skill views say "fewer than 10 students" instead of a small group's numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
SMALL = "fewer than 10 students"


def narrowed(page: str, db, assessment: str, window: str, class_name: str, group: str,
             present: bool = True) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if present:
        at.query_params["present"] = "1"
    at.run()
    at.switch_page(page).run()
    assessment_id = int(db.scalar("SELECT id FROM assessment WHERE name = ?", [assessment]))
    at.selectbox(key="review_filter_assessment_id").set_value(assessment_id).run()
    admin = int(db.scalar("SELECT id FROM administration WHERE assessment_id = ? AND term = ?",
                          [assessment_id, window]) or db.scalar(
        "SELECT max(id) FROM administration WHERE assessment_id = ?", [assessment_id]))
    at.selectbox(key="review_filter_administration_id").set_value(admin).run()
    at.selectbox(key="review_filter_class_name").set_value(class_name).run()
    at.selectbox(key="review_filter_group").set_value(group).run()
    assert not at.exception, at.exception
    return at


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def look_closer(at: AppTest, view: str) -> dict:
    at.button_group(key="review_view").set_value(view).run()
    assert not at.exception, at.exception
    return chart_specs(at)[-1]


def test_levels_of_one_class_and_group_say_fewer_than_ten_not_one_student(demo_db):
    at = narrowed("pages/review.py", demo_db, "Mathematics", "Winter", "Room 21",
                  "Ethnicity: Asian")
    spec = look_closer(at, "Levels")
    text = json.dumps(spec)
    assert SMALL in text
    # no level of any skill shows a count or a percent: every bar is the grey "hidden" one
    shown = [t for t in spec["data"] if t.get("name") != f"Levels with {SMALL}"]
    assert all(not any(t.get("x") or []) for t in shown)
    assert all(c == 0 for t in shown for c in t.get("customdata") or [])
    assert "Levels not shown" in spec["layout"]["title"]["text"]
    assert not re.search(r"\b1 students?\b", text)


def test_levels_outside_projection_mode_still_show_the_counts(demo_db):
    at = narrowed("pages/review.py", demo_db, "Mathematics", "Winter", "Room 21",
                  "Ethnicity: Asian", present=False)
    spec = look_closer(at, "Levels")
    assert any(c for t in spec["data"] for c in t.get("customdata") or [])


def test_questions_of_a_small_group_show_no_result(demo_db):
    at = narrowed("pages/review.py", demo_db, "Grade 3 Context Clues CFA", "", "Room 12", "SPED")
    spec = look_closer(at, "Questions")
    bars = spec["data"][0]
    assert bars["text"] and all(t == SMALL for t in bars["text"])
    assert not any(bars["x"])
    assert not re.search(r"n=\d\b", json.dumps(spec))
    assert any("answered by fewer than 10 students" in c.value for c in at.caption)


def test_students_by_skill_in_projection_says_fewer_than_ten_not_yet_proficient(demo_db):
    at = narrowed("pages/students.py", demo_db, "Mathematics", "Winter", "Room 21",
                  "Ethnicity: Asian")
    info = " ".join(i.value for i in at.info)
    assert "Student lists are hidden in projection mode" in info
    assert f"{SMALL} not yet proficient" in info
    assert not re.search(r"\b[1-9] students? not yet", info)
    assert not at.dataframe


def test_review_answers_in_projection_give_no_count_under_ten(demo_db):
    at = narrowed("pages/review.py", demo_db, "Mathematics", "Winter", "Room 21", "ELL")
    answers = " ".join(m.value for m in at.markdown)
    assert not re.search(r"\b[1-9] (of \d+ )?students\b", answers)
