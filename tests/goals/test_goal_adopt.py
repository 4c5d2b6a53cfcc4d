"""Adopting another team's action or a piece of feedback into a team's own goal, its undo,
and where the idea spread (both sides of the board)."""

from __future__ import annotations

import pytest

from collabplan import db as db_module
from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.goals import adopt, board
from collabplan.goals.actions import list_actions
from collabplan.goals.feedback import add_feedback
from collabplan.goals.model import goal_history
from tests import factories as f

READING, MATH, ELA = 1, 2, 3  # the demo school's teams
VOCABULARY, NUMBERS, POINT_OF_VIEW = 1, 3, 4  # one goal of each
MATH_TEACHER = Viewer("max@school.org", "teacher", name="Max", team_ids=frozenset({MATH}))


def _action_of(db, goal_id: int) -> int:
    return int(db.scalar("SELECT min(id) FROM action WHERE goal_id = ?", [goal_id]))


def test_adopting_an_action_copies_it_once_with_its_source(demo_db):
    source = _action_of(demo_db, VOCABULARY)
    before = len(list_actions(demo_db, NUMBERS))
    first = adopt.adopt_action(demo_db, source, NUMBERS, viewer=MATH_TEACHER)
    again = adopt.adopt_action(demo_db, source, NUMBERS, viewer=MATH_TEACHER)  # a double click
    assert again == first
    actions = list_actions(demo_db, NUMBERS)
    assert len(actions) == before + 1
    row = demo_db.rows("SELECT what, status, who, added_by, adopted_from_action_id, adopted_at"
                       " FROM action WHERE id = ?", [first])[0]
    what = demo_db.scalar("SELECT what FROM action WHERE id = ?", [source])
    assert row[:5] == (what, "planned", None, "max@school.org", source)
    assert row[5] is not None
    history = goal_history(demo_db, NUMBERS)
    assert history["change"].iloc[-1] == f"adopted an action from Grade 3 Reading's goal: {what}"
    assert history["who"].iloc[-1] == "max@school.org"
    audited = demo_db.rows("SELECT who, action, detail FROM audit WHERE action = 'adopt'")
    assert len(audited) == 1 and audited[0][0] == "max@school.org"
    assert f"action {first} on goal {NUMBERS}" in audited[0][2]


def test_the_spread_shows_on_both_cards(demo_db):
    source = _action_of(demo_db, VOCABULARY)
    new = adopt.adopt_action(demo_db, source, NUMBERS, viewer=MATH_TEACHER)
    cards = {c["goal_id"]: c for c in board.board_cards(demo_db, viewer=MATH_TEACHER)}
    src = next(a for a in cards[VOCABULARY]["actions"] if a["id"] == source)
    assert len(src["adopted_by"]) == 1 and src["adopted_by"][0].startswith("Grade 4 Math (")
    assert src["adopted_into"] == [NUMBERS]
    copy = next(a for a in cards[NUMBERS]["actions"] if a["id"] == new)
    assert copy["adopted_from"] == "from Grade 3 Reading's goal"
    assert copy["adopted_by"] == [] and copy["who"] is None and copy["due"] is None


def test_adopting_a_suggestion_from_feedback(demo_db):
    fid = add_feedback(demo_db, POINT_OF_VIEW, READING, "suggestion",
                       "  Try  debate cards\nwith sentence starters ")
    question = add_feedback(demo_db, POINT_OF_VIEW, READING, "question", "How often?")
    new = adopt.adopt_feedback(demo_db, fid, NUMBERS, viewer=MATH_TEACHER)
    assert adopt.adopt_feedback(demo_db, fid, NUMBERS, viewer=MATH_TEACHER) == new
    assert demo_db.scalar("SELECT what FROM action WHERE id = ?", [new]) == \
        "Try debate cards with sentence starters"
    with pytest.raises(UserError, match="a question is answered, not adopted"):
        adopt.adopt_feedback(demo_db, question, NUMBERS, viewer=MATH_TEACHER)
    cards = {c["goal_id"]: c for c in board.board_cards(demo_db)}
    thread = cards[POINT_OF_VIEW]["feedback"]
    assert [fb["kind"] for fb in thread] == ["suggestion", "question"]
    assert thread[0]["adoptable"] and not thread[1]["adoptable"]
    assert thread[0]["adopted_by"][0].startswith("Grade 4 Math (")
    copy = next(a for a in cards[NUMBERS]["actions"] if a["id"] == new)
    assert copy["adopted_from"] == "from a suggestion on Grade 7 ELA's goal"
    history = goal_history(demo_db, NUMBERS)["change"].iloc[-1]
    assert history.startswith("adopted an action from Grade 3 Reading's suggestion on Grade 7 ELA's")


def test_adoption_is_refused_outside_the_adopting_team(demo_db):
    source = _action_of(demo_db, VOCABULARY)
    with pytest.raises(UserError, match="Only the team's own teachers"):
        adopt.adopt_action(demo_db, source, POINT_OF_VIEW, viewer=MATH_TEACHER)
    coach = Viewer("cy@school.org", "coach")
    with pytest.raises(UserError):
        adopt.adopt_action(demo_db, source, NUMBERS, viewer=coach)
    with pytest.raises(UserError, match="already your team's"):
        adopt.adopt_action(demo_db, source, 2, viewer=MATH_TEACHER.__class__(
            "r@school.org", "teacher", team_ids=frozenset({READING})))
    with pytest.raises(UserError, match="no longer on the board"):
        adopt.adopt_action(demo_db, 999, NUMBERS, viewer=MATH_TEACHER)
    assert demo_db.scalar("SELECT count(*) FROM action WHERE adopted_at IS NOT NULL") == 0


def test_undo_takes_the_adopted_action_back_out(demo_db):
    source = _action_of(demo_db, VOCABULARY)
    new = adopt.adopt_action(demo_db, source, NUMBERS, viewer=MATH_TEACHER)
    with pytest.raises(UserError):
        adopt.undo_adoption(demo_db, new, viewer=Viewer("r@school.org", "teacher",
                                                        team_ids=frozenset({READING})))
    adopt.undo_adoption(demo_db, new, viewer=MATH_TEACHER)
    assert demo_db.scalar("SELECT count(*) FROM action WHERE id = ?", [new]) == 0
    assert goal_history(demo_db, NUMBERS)["change"].iloc[-1].startswith("undid an adopted action")
    assert demo_db.scalar("SELECT count(*) FROM audit WHERE action = 'undo adopt'") == 1
    with pytest.raises(UserError, match="already gone"):
        adopt.undo_adoption(demo_db, new, viewer=MATH_TEACHER)
    own = _action_of(demo_db, NUMBERS)  # the team's own action is removed on its goal page
    with pytest.raises(UserError, match="already gone"):
        adopt.undo_adoption(demo_db, own, viewer=MATH_TEACHER)
    # adopted again after the undo: a new copy
    assert adopt.adopt_action(demo_db, source, NUMBERS, viewer=MATH_TEACHER) != new


def test_a_removed_source_leaves_the_copy_with_its_team(demo_db):
    source = _action_of(demo_db, VOCABULARY)
    new = adopt.adopt_action(demo_db, source, NUMBERS, viewer=MATH_TEACHER)
    with demo_db.transaction() as cur:
        cur.execute("DELETE FROM action WHERE id = ?", [source])
    copy = next(a for a in board.card_actions(demo_db, NUMBERS) if a["id"] == new)
    assert copy["adopted_from"] == "from another team's goal"


@pytest.mark.embedded_only
def test_migration_0013_upgrades_an_existing_file(tmp_path):
    path = tmp_path / "old.duckdb"
    con = f.database_before(path, 13)
    con.execute("INSERT INTO team (id, name) VALUES (1, 'Grade 3')")
    con.execute("INSERT INTO assessment (id, name, kind) VALUES (1, 'CFA', 'points')")
    con.execute("INSERT INTO administration (id, assessment_id, label) VALUES (1, 1, 'Fall')")
    con.execute("INSERT INTO goal (id, team_id, assessment_id, skill, metric,"
                " baseline_administration_id) VALUES (1, 1, 1, 'L.3.4', 'pct_proficient', 1)")
    con.execute("INSERT INTO action (goal_id, what) VALUES (1, 'Word walls')")
    con.close()
    database = db_module.connect(path)
    assert 13 in {v for (v,) in database.rows("SELECT version FROM schema_version")}
    row = database.rows("SELECT what, adopted_from_action_id, adopted_from_feedback_id,"
                        " adopted_at FROM action")
    assert row == [("Word walls", None, None, None)]
    assert adopt.adoptions(database).empty
    database.close()
    # the file opens again without applying anything twice
    again = db_module.connect(path)
    assert again.migrate() == []
    again.close()
