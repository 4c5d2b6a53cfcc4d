"""AppTest of the goal board as a teacher of another team: every card's why, actions and
feedback thread are readable; one click adopts an action into the teacher's own goal, once;
the spread shows on both cards; undo takes it back out."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import ui
from collabplan.access import Viewer
from collabplan.goals.feedback import add_feedback
from tests import roles_data
from tests.apptest_tree import open_app_page, rendered_text

READING, MATH, ELA = 1, 2, 3  # the demo school's teams
VOCABULARY, NUMBERS = 1, 3  # Grade 3 Reading's and Grade 4 Math's goals
MATH_TEACHER = Viewer("max@school.org", "teacher", name="Max", team_ids=frozenset({MATH}))
ELA_TEACHER = Viewer("eve@school.org", "teacher", name="Eve", team_ids=frozenset({ELA}))


@pytest.fixture
def board(demo_db, monkeypatch) -> AppTest:
    add_feedback(demo_db, VOCABULARY, ELA, "resource", "Our Frayer-model template",
                 viewer=ELA_TEACHER)
    monkeypatch.setattr(ui, "viewer", lambda: MATH_TEACHER)
    return open_app_page("pages/goal_board.py", timeout=120)


def _text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                     + [s.value for s in at.success])


def _button(at: AppTest, key: str):
    found = [b for b in at.button if b.key == key]
    assert found, f"no button {key}: {[b.key for b in at.button]}"
    return found[0]


def test_a_teacher_of_another_team_reads_why_actions_and_feedback(board, demo_db):
    text = _text(board)
    why = demo_db.scalar("SELECT why FROM goal WHERE id = ?", [VOCABULARY])
    assert f"**Why:** {why}" in text
    assert ("**Teach three Tier 2 words a day with student-friendly definitions** · "
            "All grade 3 teachers · done · due 16 January 2026") in text
    assert "**Resource** from Grade 7 ELA (eve\\@school.org): Our Frayer-model template" in text
    assert "None" not in text and "nan" not in text
    # nothing of another team's students on the board
    forbidden, _ = roles_data.other_teams(demo_db, MATH)
    assert not roles_data.leaks(rendered_text(board, sidebar=True), forbidden)


def test_adopt_once_shows_the_spread_and_undoes(board, demo_db):
    at = board
    assert at.selectbox(key="gb_adopt_goal").value == NUMBERS  # its active goal
    source = int(demo_db.scalar("SELECT min(id) FROM action WHERE goal_id = ?", [VOCABULARY]))
    before = int(demo_db.scalar("SELECT count(*) FROM action WHERE goal_id = ?", [NUMBERS]))
    _button(at, f"gb_adopt_action_{source}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert demo_db.scalar("SELECT count(*) FROM action WHERE goal_id = ?", [NUMBERS]) == before + 1
    after = _button(at, f"gb_adopt_action_{source}")
    assert after.label == "In your plan" and after.disabled  # a second click adds nothing
    text = _text(at)
    assert "to Grade 4 Math's plan" in at.success[0].value
    assert "Adopted by Grade 4 Math (" in text
    assert "From Grade 3 Reading's goal" in text
    # the feedback resource too, into the same goal
    fid = int(demo_db.scalar("SELECT id FROM feedback"))
    _button(at, f"gb_adopt_feedback_{fid}").click().run()
    assert demo_db.scalar("SELECT what FROM action WHERE adopted_from_feedback_id = ?",
                          [fid]) == "Our Frayer-model template"
    # undo takes the one just adopted back out
    _button(at, "gb_undo_adopt").click().run()
    assert not at.exception
    assert demo_db.scalar("SELECT count(*) FROM action WHERE adopted_from_feedback_id = ?",
                          [fid]) == 0
    assert demo_db.scalar("SELECT count(*) FROM action WHERE adopted_from_action_id = ?",
                          [source]) == 1
    assert not at.success


def test_a_coach_reads_the_board_and_adopts_nothing(demo_db, monkeypatch):
    monkeypatch.setattr(ui, "viewer", lambda: Viewer("cy@school.org", "coach"))
    at = open_app_page("pages/goal_board.py", timeout=120)
    assert "**Why:**" in _text(at)
    assert not [b for b in at.button if b.key and b.key.startswith("gb_adopt_")]
    assert "Ideas you adopt go into" not in [s.label for s in at.selectbox]

