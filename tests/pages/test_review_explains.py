"""Data review says why, instead of drawing nothing (issue 17's defects).

"Skills by teacher" on results that name no teacher, or only one, draws no empty grey box but
says why and what to do; the Questions view says what it ranks and what the skill chart
ranks, and names both weakest skills when they differ.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import ui
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


def _review(view: str, **filters) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    # a team picked already (All teams), as the sidebar records it: the opening seed keeps off
    at.session_state[ui.FILTERS_KEY] = {"view": view, "team_id": None, **filters}
    at.run()
    at.switch_page("pages/review.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


def _school(db, teacher_of: dict[str, str | None]) -> None:
    """Two classes of 12 (teachers as given), scored on two skills in one window."""
    up = f.upload(db, f.team(db))
    admin = f.administration(db, f.assessment(db, "Unit 2 CFA"), "Fall", "2025-10-01")
    ids = []
    for n, (room, teacher) in enumerate(teacher_of.items()):
        ids += f.class_of_students(db, 12, room, teacher, start=1 + 12 * n)
    for skill, proficient in (("RL.7.1", 18), ("RI.7.6", 8)):
        f.skill_scores(db, up, admin, ids, skill, proficient)


def test_skills_by_teacher_without_any_teacher_says_why_not_an_empty_box(db):
    _school(db, {"7A": None, "7B": None})
    at = _review("Skills by teacher")
    said = " ".join(i.value for i in at.info)
    assert "name no teacher" in said and "roster" in said and "Skills by class" in said
    assert _charts(at) == 1, "only the skill chart: no empty skills × teacher chart"
    at = _review("Skills by class")
    assert _charts(at) == 2 and not at.info, "by class there are two classes to compare"


def test_skills_by_teacher_of_one_teacher_says_it_would_repeat_the_skill_chart(db):
    _school(db, {"7A": "Ms. Lee", "7B": "Mr. Kim"})
    at = _review("Skills by teacher", teacher="Ms. Lee")
    said = " ".join(i.value for i in at.info)
    assert "one teacher (Ms. Lee)" in said and "choose All for Teacher" in said
    assert _charts(at) == 1
    at = _review("Skills by teacher")
    assert _charts(at) == 2 and not at.info


def test_questions_view_says_what_each_view_ranks_and_names_both_when_they_differ(
        tmp_path, demo_file, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_file, path)
    monkeypatch.setenv("COLLABPLAN_DB", str(path))
    from collabplan import db as db_module

    db = db_module.connect(path)
    cfa = int(db.scalar("SELECT id FROM assessment WHERE name = 'Grade 3 Context Clues CFA'"))
    windows = [int(i) for (i,) in db.rows(
        "SELECT id FROM administration WHERE assessment_id = ? ORDER BY id", [cfa])]
    at = _review("Questions", assessment_id=cfa, administration_id=windows[0])
    said = [c.value for c in at.caption if "points earned" in c.value]
    assert said, "the Questions view explains itself"
    assert "ranks skills by the share of students proficient" in said[0]
    assert "ranks questions by the average share of points earned" in said[0]
    # The demo's context-clues test: L.3.5 has the fewest students proficient, but L.3.4's
    # questions lose the most points; the sentence names both.
    assert "point to different skills" in said[0]
    assert "L.3.5 (" in said[0] and "L.3.4 (" in said[0]
    db.close()
