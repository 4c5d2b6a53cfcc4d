"""Collaboration structures under AppTest: the page empty and on the demo school, a structure
recorded, a mentoring pair added and a coaching cycle stepped through its widgets, the share
log fed by an adoption and written by hand, Undo, and what a teacher and a coach may do."""

from __future__ import annotations

from datetime import date

import pytest

from collabplan import ui
from collabplan.access import Viewer
from collabplan.goals import adopt
from collabplan.workspace import mentoring, share_log, structures
from tests.apptest_tree import find, open_app_page, rendered_text

PAGE = "pages/structures.py"
TEACHER = Viewer("ana@school.org", "teacher", team_ids=frozenset({1}))
MENTOR = Viewer("chen@school.org", "coach")



def ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def click(at, label: str, form: str | None = None) -> None:
    find(at, "button", label, form).click()
    at.run()
    ok(at)


def successes(at) -> list[str]:
    return [m.value for m in at.success]


def test_the_empty_page_says_what_to_do_and_lists_the_seven(db_path):
    at = open_app_page(PAGE)
    assert len(at.tabs) == 5
    shown = rendered_text(at)
    assert "Nothing recorded yet" in shown
    assert "No mentoring pairs yet" in shown and "Nothing shared yet" in shown
    for s in structures.STRUCTURES.values():
        assert s.title in shown
    assert "0 of 7 structures recorded" in shown


def test_the_demo_school_shows_its_structures_pairs_and_log(demo_db):
    at = open_app_page(PAGE)
    ok(at)
    shown = rendered_text(at)
    assert "Tuesdays 2:45–3:30" in shown and "Needs attention: Common planning time." in shown
    assert "Ms. Chen mentoring Ms. Nguyen" in shown
    assert "Exit tickets sorted into three piles" in shown
    assert "Collaboration structures" in shown  # the summary's download
    assert at.get("download_button")


def test_the_plc_entry_links_to_teams_and_the_health_survey(demo_db):
    at = open_app_page(PAGE)
    links = [p.proto.page for p in at.get("page_link")]
    assert any("teams" in link for link in links) and any("health" in link for link in links)


def test_a_leader_records_a_structure_through_the_form(db):
    at = open_app_page(PAGE)
    at.selectbox(key="structures_pick").set_value("common_planning").run()
    form = "structure_common_planning"
    find(at, "radio", "Does the school run it?", form).set_value("runs")
    find(at, "text_input", "Owner", form).input("Mr. Okafor")
    find(at, "text_input", "Time", form).input("Thursdays 8:00–8:45")
    find(at, "text_input", "How often", form).input("Weekly")
    find(at, "selectbox", "Status", form).set_value("running")
    find(at, "text_input", "Next step", form).input("Move bus duty")
    find(at, "date_input", "Due", form).set_value(date(2026, 9, 14))
    click(at, "Save the record", form)
    assert "Common planning time saved." in successes(at)
    saved = structures.record(db, "common_planning")
    assert (saved["owner"], saved["status"], saved["next_step_on"]) == (
        "Mr. Okafor", "running", date(2026, 9, 14))
    assert "1 of 7 structures recorded" in rendered_text(at)

    click(at, "Clear this record")
    assert structures.record(db, "common_planning")["runs"] is None
    click(at, "Undo")
    assert structures.record(db, "common_planning")["owner"] == "Mr. Okafor"


def test_a_record_without_an_answer_is_refused_and_kept_on_screen(db):
    at = open_app_page(PAGE)
    find(at, "text_input", "Owner", "structure_plc").input("Dr. Alvarez")
    find(at, "button", "Save the record", "structure_plc").click()
    at.run()
    assert [e.value for e in at.error] == [
        "Say whether the school runs it, is planning it, or not now"]
    assert find(at, "text_input", "Owner", "structure_plc").value == "Dr. Alvarez"
    assert structures.record(db, "plc")["runs"] is None


def test_a_pair_is_added_and_a_coaching_step_completed(db):
    at = open_app_page(PAGE)
    find(at, "text_input", "Mentor", "pair_add").input("Ms. Chen")
    find(at, "text_input", "Mentee", "pair_add").input("Mr. Kim")
    find(at, "text_input", "Focus", "pair_add").input("Hinge questions")
    click(at, "Add the pair", "pair_add")
    assert "Ms. Chen and Mr. Kim paired." in successes(at)
    click(at, "Start a coaching cycle")
    pair_id = int(mentoring.pairs(db)["id"].iloc[0])
    cycle = mentoring.cycles(db, pair_id)[-1]
    form = f"coaching_{cycle['id']}_observe"
    find(at, "date_input", "Done on", form).set_value(date.today())
    find(at, "text_area", "Short note", form).input("Watched the mini-lesson")
    click(at, "Save the step", form)
    assert "Observe saved." in successes(at)
    cycle = mentoring.cycles(db, pair_id)[-1]
    assert cycle["steps"][0]["done_on"] == date.today() and cycle["next_step"] == "Reflect"
    # the picker moved on to the next step, and the page says what is due
    assert at.radio(key=f"coaching_step_{cycle['id']}").value == "reflect"
    assert "Next: Reflect, not planned yet" in rendered_text(at)


def test_a_step_out_of_order_is_refused_on_the_page(db):
    pair_id = mentoring.add_pair(db, "Ms. Chen", "Mr. Kim")
    cycle = mentoring.start_cycle(db, pair_id)
    at = open_app_page(PAGE)
    at.radio(key=f"coaching_step_{cycle}").set_value("reflect").run()
    find(at, "date_input", "Done on", f"coaching_{cycle}_reflect").set_value(date.today())
    find(at, "button", "Save the step", f"coaching_{cycle}_reflect").click()
    at.run()
    assert [e.value for e in at.error] == ["Record Observe as done first: the steps go in order"]


def test_the_log_shows_an_adoption_and_takes_an_entry_by_hand(demo_db):
    idea = "Teach three Tier 2 words a day with student-friendly definitions"
    action = int(demo_db.scalar("SELECT id FROM action WHERE what = ?", [idea]))
    adopt.adopt_action(demo_db, action, 3)
    at = open_app_page(PAGE)
    assert f"Grade 4 Math adopted Grade 3 Reading's idea: {idea}" in rendered_text(at)
    find(at, "text_area", "What worked", "share_add").input("Number talks on Mondays")
    find(at, "selectbox", "Which team", "share_add").set_value(2)
    find(at, "text_input", "Shared where", "share_add").input("Staff meeting")
    click(at, "Add to the log", "share_add")
    assert "Added to the log." in successes(at)
    hand = share_log.hand_entries(demo_db)
    assert "Number talks on Mondays" in hand["what"].tolist()
    # the same again is refused, with the form kept
    find(at, "text_area", "What worked", "share_add").input("Number talks on Mondays")
    find(at, "selectbox", "Which team", "share_add").set_value(2)
    find(at, "button", "Add to the log", "share_add").click()
    at.run()
    assert [e.value for e in at.error] == ["This is already in the log for that team"]


@pytest.mark.parametrize("viewer", [TEACHER, MENTOR])
def test_teachers_and_coaches_read_the_record_without_the_leaders_forms(demo_db, monkeypatch,
                                                                        viewer):
    monkeypatch.setattr(ui, "viewer", lambda: viewer)
    at = open_app_page(PAGE)
    ok(at)
    forms = {w.proto.form_id for w in at.button if w.proto.form_id}
    assert not forms & {"structure_plc", "pair_add", "share_add", "share_remove"}
    shown = rendered_text(at)
    assert "School leaders keep this record." in shown
    assert "Dr. Alvarez" in shown  # the record itself is read
    # a coach not named as the pair's mentor reads no notes
    assert "yes/no" not in shown


def test_the_pairs_mentor_records_steps_when_signed_in(demo_db, monkeypatch):
    pair_id = int(mentoring.pairs(demo_db)["id"].iloc[0])
    demo_db.rows("UPDATE mentoring_pair SET mentor_email = ? WHERE id = ?",
                 [MENTOR.email, pair_id])
    monkeypatch.setattr(ui, "viewer", lambda: MENTOR)
    at = open_app_page(PAGE)
    shown = rendered_text(at)
    assert "yes/no" in shown  # the mentor reads the pair's notes
    cycle = mentoring.cycles(demo_db, pair_id, MENTOR)[-1]
    assert find(at, "button", "Save the step", f"coaching_{cycle['id']}_set_goal")


def test_a_projected_screen_shows_no_notes_and_no_step_form(demo_db, monkeypatch):
    monkeypatch.setattr(ui, "viewer", lambda: Viewer.local_user(projection=True))
    at = open_app_page(PAGE)
    shown = rendered_text(at)
    assert "yes/no" not in shown and mentoring.HIDDEN_NOTE in shown
    assert not [b for b in at.button if b.label == "Save the step"]
    assert "Projection mode is on: turn it off to record" in shown
