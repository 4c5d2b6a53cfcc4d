"""The workspace store: its migration, deleting with Undo, and deleting twice."""

from __future__ import annotations

import pytest

from collabplan.errors import UserError
from collabplan.workspace import store, vision


def test_workspace_migration_is_applied_and_recorded(db):
    assert db.scalar("SELECT count(*) FROM schema_version WHERE version = 2") == 1
    for table in ("vision", "team_meeting", "theory_of_action", "survey_round", "survey_tally"):
        assert db.scalar(f"SELECT count(*) FROM {table}") == 0  # noqa: S608 - fixed names



def test_deleting_a_note_can_be_undone_with_the_same_id_and_themes(db):
    note = vision.add_note(db, "is", "Trust", "trust, safety")
    removed = vision.delete_note(db, note)
    assert vision.notes(db).empty
    store.restore(db, removed)
    frame = vision.notes(db)
    assert frame.loc[0, "id"] == note and frame.loc[0, "themes"] == ["trust", "safety"]


def test_deleting_twice_says_it_was_already_deleted(db):
    value = vision.add_value(db, "Trust")
    vision.delete_value(db, value)
    with pytest.raises(UserError, match="already deleted"):
        vision.delete_value(db, value)
