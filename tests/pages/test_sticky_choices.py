"""AppTest: on the goal pages a person's pick in a select box is shown and used, on the next
rerun and after visiting another page (issue 13: a goal was saved under the wrong team, and
another goal could not be opened)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan.goals.model import create_goal, get_goal, list_goals
from tests.goal_factories import make_priority, make_team, school_export

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TEAM_BOX = "goal_acting_team_widget_None"


@pytest.fixture
def school(db):
    export = school_export(db)
    reading = make_team(db, "Grade 3 Reading")
    math = make_team(db, "Grade 3 Math")
    make_priority(db, "Reading success for every student")
    return export, reading, math


def _open(page: str, at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(str(x.value) for x in [*at.markdown, *at.caption, *at.info, *at.error])


def _draft(db, export, team: int, skill: str) -> int:
    return create_goal(
        db, team_id=team, assessment_id=export.assessment_id, skill=skill,
        metric="pct_below_proficient", baseline_administration_id=export.windows["Winter"],
        population={"grade": "3"},
    )


def test_draft_saves_the_goal_under_the_team_picked(db, school):
    export, reading, math = school
    at = _open("pages/goal_draft.py")
    team_box = at.selectbox(key=TEAM_BOX)
    assert team_box.value == math  # the first team by name, until one is picked
    team_box.set_value(reading).run()
    assert not at.exception, at.exception
    assert at.selectbox(key=TEAM_BOX).value == reading  # the pick is shown after the rerun
    at.run()
    assert at.selectbox(key=TEAM_BOX).value == reading  # and on every rerun after it
    next(b for b in at.button if b.label == "Save this draft").click().run()
    assert not at.exception, at.exception
    (goal,) = list_goals(db)
    assert goal.team_id == reading and goal.team == "Grade 3 Reading"


def test_draft_choices_survive_a_visit_to_another_page(db, school):
    export, reading, math = school
    at = _open("pages/goal_draft.py")
    at.selectbox(key=TEAM_BOX).set_value(reading).run()
    at.selectbox(key="gd_skill").set_value("Phonics").run()
    at.selectbox(key="gd_class").set_value("3B").run()
    at.radio(key="gd_metric").set_value("pct_proficient").run()
    at.selectbox(key="gd_baseline").set_value(export.windows["Fall"]).run()
    at = _open("pages/goal_board.py", at)
    at = _open("pages/goal_draft.py", at)
    assert at.selectbox(key=TEAM_BOX).value == reading
    assert at.selectbox(key="gd_skill").value == "Phonics"
    assert at.selectbox(key="gd_class").value == "3B"
    assert at.radio(key="gd_metric").value == "pct_proficient"
    assert at.selectbox(key="gd_baseline").value == export.windows["Fall"]
    next(b for b in at.button if b.label == "Save this draft").click().run()
    assert not at.exception, at.exception
    (goal,) = list_goals(db)
    assert (goal.team_id, goal.skill, goal.metric) == (reading, "Phonics", "pct_proficient")
    assert goal.population.get("class") == "3B"
    assert goal.baseline_administration_id == export.windows["Fall"]


def test_working_on_opens_the_draft_picked(db, school):
    export, reading, math = school
    first = _draft(db, export, reading, "Vocabulary")
    second = _draft(db, export, math, "Phonics")
    at = _open("pages/goal_draft.py")
    assert at.selectbox(key="gd_mode").value == 0  # a new goal until one is picked
    at.selectbox(key="gd_mode").set_value(second).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="gd_mode").value == second
    assert "Grade 3 Math · Grade 3 Reading CFA" in _texts(at)
    at.selectbox(key="gd_mode").set_value(first).run()
    assert at.selectbox(key="gd_mode").value == first
    assert "Grade 3 Reading · Grade 3 Reading CFA" in _texts(at)
    # what is saved goes to the draft on screen
    at.text_area[0].input("Phonics first")
    at.selectbox(key="gd_mode").set_value(second).run()
    at.text_area[0].input("Phonics first")
    next(b for b in at.button if b.label == "Save why and priority").click().run()
    assert not at.exception, at.exception
    assert get_goal(db, second).why == "Phonics first"
    assert get_goal(db, first).why is None


def test_goal_and_actions_opens_the_goal_picked(db, school):
    export, reading, math = school
    first = _draft(db, export, reading, "Vocabulary")
    second = _draft(db, export, math, "Phonics")
    at = _open("pages/goal_detail.py")
    box = at.selectbox(key="goal_detail_pick")
    assert box.value == second  # the newest goal by default
    box.set_value(first).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="goal_detail_pick").value == first
    assert "Grade 3 Reading · " in _texts(at) and "vocabulary" in _texts(at)
    # the team making changes defaults to the goal's team, and a pick of another sticks
    assert at.selectbox(key=f"gdt_by_{first}").value == reading
    at.selectbox(key=f"gdt_by_{first}").set_value(math).run()
    assert at.selectbox(key=f"gdt_by_{first}").value == math
    at.run()
    assert at.selectbox(key="goal_detail_pick").value == first
    assert at.selectbox(key=f"gdt_by_{first}").value == math


def test_goal_named_in_the_address_opens_and_another_can_still_be_picked(db, school):
    export, reading, math = school
    first = _draft(db, export, reading, "Vocabulary")
    second = _draft(db, export, math, "Phonics")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["goal"] = str(first)
    at.run()
    at = _open("pages/goal_detail.py", at)
    assert at.selectbox(key="goal_detail_pick").value == first
    at.selectbox(key="goal_detail_pick").set_value(second).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="goal_detail_pick").value == second
    assert "Grade 3 Math · " in _texts(at)
    at.run()
    assert at.selectbox(key="goal_detail_pick").value == second


def test_the_board_opens_the_goal_whose_button_was_pressed(db, school):
    export, reading, math = school
    make_priority(db, "Numeracy")
    first = create_goal(
        db, team_id=reading, assessment_id=export.assessment_id, skill="Vocabulary",
        metric="pct_below_proficient", baseline_administration_id=export.windows["Fall"],
        population={"grade": "3"}, priority_id=1, why="Because", target_value=1,
        target_date=dt.date(2026, 6, 1), status="active",
    )
    at = _open("pages/goal_detail.py")
    assert at.selectbox(key="goal_detail_pick").value == first
    at = _open("pages/goal_board.py", at)
    at.selectbox(key="gb_team").set_value(reading).run()
    at = _open("pages/goal_detail.py", at)
    at = _open("pages/goal_board.py", at)
    assert at.selectbox(key="gb_team").value == reading  # the board's filter is kept
    next(b for b in at.button if b.key == f"gb_open_{first}").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="goal_detail_pick").value == first
