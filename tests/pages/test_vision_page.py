"""The Vision & values page under AppTest (issue 18): each of the eight steps saves through
its widgets, the starting texts fill a box but store nothing until the team saves, a
consensus mark keeps its day and who was there (and comes back after Undo), and anyone but a
leader reads the guide without a form."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import ui
from collabplan.access import Viewer
from collabplan.samples.demo_workspace import seed_workspace
from collabplan.workspace import vision, vision_starts
from collabplan.workspace import vision_session as vs
from tests.apptest_tree import find, submit

APP = str(Path(__file__).resolve().parents[2] / "app.py")
AGREED = date.today() - timedelta(days=3)


def _open() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/vision.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _said(at: AppTest) -> list[str]:
    return [m.value for kind in ("success", "info", "warning", "error") for m in getattr(at, kind)]


def _progress(at: AppTest) -> str:
    return at.get("progress")[0].proto.text


def test_the_page_shows_eight_steps_and_a_summary(db):
    at = _open()
    assert [t.label for t in at.tabs][:9] == [
        "1 · Set up", "2 · Where we are", "3 · Criteria", "4 · Brainstorm", "5 · Drafts",
        "6 · Vision statement", "7 · Shared values", "8 · Share it", "Summary"]
    assert _progress(at) == "0 of 8 steps done"
    shown = " ".join(c.value for c in at.caption)
    assert "(2D)" in shown and "(6E)" in shown and "(7D)" in shown


def test_step_one_saves_the_session_agenda_and_opening_round(db):
    at = _open()
    find(at, "date_input", "Day of the session", "session").set_value(date(2026, 11, 5))
    find(at, "time_input", "Starts at", "session").set_value(time(16, 0))
    find(at, "text_input", "Where", "session").input("Library")
    find(at, "number_input", "Length (minutes)", "session").set_value(75)
    submit(at, "session", "Save the session")
    assert vs.session(db) == {"held_on": date(2026, 11, 5), "starts_at": time(16, 0),
                              "place": "Library", "minutes": 75}
    assert "Thu 5 Nov 2026 at 4:00 pm · Library · 75 minutes" in [c.value for c in at.caption]
    assert any("15 minutes more than the 75-minute session" in m for m in _said(at))

    at.number_input(key="agenda_brainstorm").set_value(5)
    at.number_input(key="agenda_statement").set_value(10)
    submit(at, "agenda", "Save the agenda")
    assert vs.check_agenda(db).ok
    assert "The agenda adds up to 75 minutes, the length of the session." in _said(at)

    find(at, "text_input", "Who (optional)", "opening_add").input("Ms. Patel")
    find(at, "text_input", "What they shared", "opening_add").input("We meet but rarely plan.")
    submit(at, "opening_add", "Add to the opening round")
    assert vs.session_notes(db, ["opening"])["label"].tolist() == [
        "Ms. Patel: We meet but rarely plan."]
    assert at.text_input(key="opening_body").value == ""  # ready for the next person


def test_step_two_saves_notice_and_wonder_and_a_note_comes_back_after_undo(db):
    at = _open()
    find(at, "text_input", vs.NOTE_KINDS["notice"], "notice_add").input("Protocols help")
    submit(at, "notice_add", "Add what we notice")
    find(at, "text_input", vs.NOTE_KINDS["wonder"], "wonder_add").input("What do families see?")
    submit(at, "wonder_add", "Add what we wonder")
    assert vs.session_notes(db)["kind"].tolist() == ["notice", "wonder"]
    submit(at, "notice_wonder_remove", "Remove")
    assert vs.session_notes(db)["kind"].tolist() == ["wonder"]
    assert any("was deleted" in m for m in _said(at))
    at.button(key="undo_vision").click()
    at.run()
    assert vs.session_notes(db)["kind"].tolist() == ["notice", "wonder"]


def test_the_guides_definition_fills_the_box_but_is_saved_only_when_saved(db):
    at = _open()
    at.button(key="fill_definition").click()
    at.run()
    box = at.text_area(key="definition_text")
    assert box.value == vision_starts.GUIDE_DEFINITION
    assert vision.vision(db)["definition"] is None  # filled, not saved
    assert any("not saved yet" in c.value for c in at.caption)
    box.input(vision_starts.GUIDE_DEFINITION.replace("teachers and support staff",
                                                     "our grade teams"))
    submit(at, "definition", "Save the definition")
    assert vision.vision(db)["definition"].startswith(
        "Collaborative planning is our grade teams meeting regularly")
    assert not any("not saved yet" in c.value for c in at.caption)


def test_consensus_marks_a_step_with_its_day_and_who_was_there_then_undo(db):
    vision.add_stakeholder(db, "Dr. Alvarez", "Principal")
    vision.add_stakeholder(db, "Mr. Brooks", "Parent or family member")
    at = _open()
    assert "Save the definition first. Then the group can mark it agreed." in _said(at)
    vision.save_vision(db, definition="Teachers planning together.")
    at = _open()
    at.date_input(key="agreed_on_where").set_value(AGREED)
    at.multiselect(key="present_where").unselect("Mr. Brooks")
    at.text_input(key="agreed_note_where").input("Fist to five")
    submit(at, "consensus_where", "Mark agreed")
    mark = vs.consensus_for(db, "where")
    assert (mark["agreed_on"], mark["present"], mark["note"]) == (
        AGREED, ["Dr. Alvarez"], "Fist to five")
    assert f"Step 2 marked agreed on {AGREED.day} {AGREED:%b %Y}." in _said(at)
    assert _progress(at) == "1 of 8 steps done"

    submit(at, "consensus_remove_where", "Take the agreement off")
    assert vs.consensus_for(db, "where")["agreed_on"] is None
    at.button(key="undo_vision").click()
    at.run()
    assert vs.consensus_for(db, "where")["agreed_on"] == AGREED


def test_drafts_and_the_statement_start_from_the_sample_and_the_statement_is_agreed(db):
    at = _open()
    at.button(key="fill_draft").click()
    at.run()
    assert at.text_area(key="draft_body").value == vision_starts.SAMPLE_STATEMENT
    assert vision.drafts(db).empty
    find(at, "text_input", "Written by", "draft_add").input("Ms. Chen")
    submit(at, "draft_add", "Add the draft")
    assert vision.drafts(db)["body"].tolist() == [vision_starts.SAMPLE_STATEMENT]
    assert at.text_area(key="draft_body").value == ""

    draft_id = int(vision.drafts(db)["id"].iloc[0])
    at.selectbox(key="statement_start").set_value(f"draft_{draft_id}")
    at.run()
    at.button(key="fill_statement").click()
    at.run()
    assert at.text_area(key="statement_text").value == vision_starts.SAMPLE_STATEMENT
    assert vision.vision(db)["statement"] is None
    at.text_area(key="statement_text").input("Every child, every day, together.")
    submit(at, "statement", "Save the statement")
    assert vision.vision(db)["statement"] == "Every child, every day, together."
    at.date_input(key="agreed_on_statement").set_value(AGREED)
    submit(at, "consensus_statement", "Mark agreed")
    assert vision.vision(db)["agreed_on"] == AGREED


def test_sample_values_are_added_only_when_ticked_and_as_edited(db):
    vision.add_value(db, "Trust", "We say what is not working.")
    at = _open()
    assert at.checkbox(key="sample_pick_0").disabled  # Trust is already named
    at.checkbox(key="sample_pick_2").check()
    at.text_input(key="sample_meaning_2").input("Every student gets what they need here.")
    at.checkbox(key="sample_pick_3").check()
    assert len(vision.shared_values(db)) == 1  # ticked, not saved
    submit(at, "value_samples", "Add the ticked values")
    assert vision.shared_values(db)[["name", "meaning"]].values.tolist() == [
        ["Trust", "We say what is not working."],
        ["Equity", "Every student gets what they need here."],
        list(vision_starts.SAMPLE_VALUES[3]),
    ]
    assert "2 values added." in _said(at)
    at.date_input(key="agreed_on_values").set_value(AGREED)
    submit(at, "consensus_values", "Mark agreed")
    assert vs.consensus_for(db, "values")["agreed_text"].startswith("Trust: We say")


def test_an_optional_step_can_be_marked_agreed_too(db):
    seed_workspace(db, today=date.today())
    at = _open()
    assert vs.consensus_for(db, "drafts")["agreed_on"] is None
    at.date_input(key="agreed_on_drafts").set_value(AGREED)
    submit(at, "consensus_drafts", "Mark agreed")
    assert vs.consensus_for(db, "drafts")["agreed_on"] == AGREED


@pytest.mark.parametrize("role", ["teacher", "coach"])
def test_anyone_but_a_leader_reads_the_guide_without_a_form(demo_db, monkeypatch, role):
    monkeypatch.setattr(ui, "viewer", lambda: Viewer(f"{role}@school.org", role,
                                                     team_ids=frozenset({1})))
    at = _open()
    assert not at.get("form") and not at.tabs
    assert "A leader runs the visioning session" in " ".join(_said(at))
    html = at.get("html")[0].proto.body
    assert "Where the group agreed" in html and "What we wonder" in html


def test_after_the_agreed_words_change_the_form_offers_a_new_agreement_today(db):
    vision.save_vision(db, definition="Teachers planning together.")
    vs.mark_agreed(db, "where", AGREED, ["Ms. Chen"])
    at = _open()
    assert at.date_input(key="agreed_on_where").value == AGREED
    at.text_area(key="definition_text").input("Teachers and aides planning together.")
    submit(at, "definition", "Save the definition")
    assert any("edited after the group agreed" in m for m in _said(at))
    assert at.date_input(key="agreed_on_where").value == date.today()
    submit(at, "consensus_where", "Mark agreed again")
    mark = vs.consensus_for(db, "where")
    assert mark["agreed_on"] == date.today() and mark["present"] == ["Ms. Chen"]
    assert not mark["changed"]
