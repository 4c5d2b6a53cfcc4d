"""The visioning guide in full (issue 18): the session, its agenda and rounds, consensus
marks per step, the eight-step progress, the calendar items and the demo's visioning."""

from __future__ import annotations

from datetime import date, time

import pytest

from collabplan import audit
from collabplan import db as db_module
from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.goals.advice import school_year
from collabplan.reports.workspace import vision_view
from collabplan.samples.demo_vision import seed_vision
from collabplan.samples.demo_workspace import seed_workspace
from collabplan.workspace import store, vision, vision_starts
from collabplan.workspace import vision_session as vs
from collabplan.year.items import KINDS
from tests import factories

TODAY = date(2026, 3, 20)
TEACHER = Viewer("ana@school.org", "teacher", team_ids=frozenset({1}))
COACH = Viewer("coach@school.org", "coach")


def _complete(db) -> None:
    """Every step's work, and the three agreements the guide asks for."""
    vision.add_stakeholder(db, "Dr. Alvarez", "Principal")
    vision.add_stakeholder(db, "Ms. Chen", "Instructional coach")
    vs.save_session(db, date(2026, 3, 3), time(15, 30), "Library")
    vision.save_vision(db, definition=vision_starts.GUIDE_DEFINITION)
    vs.mark_agreed(db, "where", date(2026, 3, 3), ["Dr. Alvarez", "Ms. Chen"], today=TODAY)
    for n, key in enumerate(vision.SUCCESS_CRITERIA):
        vision.rate_criterion(db, key, list(vision.RATINGS)[n % 3])
    vision.add_note(db, "is", "Looking at student work together", "student work")
    vision.add_draft(db, vision_starts.SAMPLE_STATEMENT, "Ms. Chen", ["future"])
    vision.save_vision(db, statement="Every child, every day, together.")
    vs.mark_agreed(db, "statement", date(2026, 3, 10), ["Dr. Alvarez"], today=TODAY)
    vs.add_values(db, vision_starts.SAMPLE_VALUES[:3])
    vs.mark_agreed(db, "values", date(2026, 3, 10), "Dr. Alvarez, Ms. Chen", today=TODAY)
    for n, way in enumerate(["Staff meeting", "Newsletter", "Hallway display"]):
        vision.add_communication(db, date(2026, 4, 1 + n), way)


def test_the_guide_has_eight_steps_whose_suggested_minutes_make_ninety(db):
    assert [s.number for s in vs.STEPS] == list(range(1, 9))
    assert {s.code: s.key for s in vs.STEPS if s.code} == {
        "2D": "where", "6E": "statement", "7D": "values"}
    assert sum(s.suggested_minutes for s in vs.STEPS) == vs.SESSION_MINUTES == 90
    assert [name for name, _, _ in vs.guide_progress(db)] == [s.label for s in vs.STEPS]
    assert not any(done for _, done, _ in vs.guide_progress(db))


def test_the_session_saves_and_reads_as_one_line(db):
    vs.save_session(db, date(2026, 11, 5), time(15, 30), "  Library ", 90)
    assert vs.session(db) == {
        "held_on": date(2026, 11, 5), "starts_at": time(15, 30), "place": "Library",
        "minutes": 90}
    assert vs.session_words(db) == "Thu 5 Nov 2026 at 3:30 pm · Library · 90 minutes"
    vs.save_session(db, date(2026, 11, 6), None, None, 60)
    assert vs.session_words(db) == "Fri 6 Nov 2026 · 60 minutes"


@pytest.mark.parametrize(("held_on", "minutes", "says"), [
    (None, 90, "Pick the day"),
    (date(2026, 11, 5), 5, "between 15 and 480"),
    (date(2026, 11, 5), None, "between 15 and 480"),
])
def test_a_session_without_a_day_or_a_sensible_length_is_refused(db, held_on, minutes, says):
    with pytest.raises(UserError, match=says):
        vs.save_session(db, held_on, None, None, minutes)
    assert vs.session(db)["held_on"] is None


def test_the_agenda_shows_suggestions_until_saved_and_checks_its_total(db):
    plan = vs.agenda(db)
    assert not plan["saved"].any() and plan["minutes"].sum() == 90
    assert vs.check_agenda(db).ok
    vs.save_agenda(db, {"brainstorm": 25})
    check = vs.check_agenda(db)
    assert (check.total, check.length, check.ok) == (100, 90, False)
    assert check.message == ("The agenda adds up to 100 minutes: 10 minutes more than the "
                             "90-minute session.")
    vs.save_session(db, date(2026, 11, 5), minutes=120)
    assert "20 minutes of the 120-minute session not yet given" in vs.check_agenda(db).message
    assert vs.agenda(db).set_index("step")["saved"].to_dict()["brainstorm"]
    with pytest.raises(UserError, match="step 4 between 0 and 240"):
        vs.save_agenda(db, {"brainstorm": -5})
    with pytest.raises(UserError, match="Unknown visioning step"):
        vs.save_agenda(db, {"lunch": 5})


def test_round_notes_keep_their_kind_and_come_back_after_undo(db):
    opening = vs.add_session_note(db, "opening", "We meet weekly but rarely plan.", "Ms. Patel")
    vs.add_session_note(db, "notice", "Teams with a protocol leave with a plan.")
    vs.add_session_note(db, "wonder", "What would families see?")
    assert vs.session_notes(db, ["notice", "wonder"])["kind"].tolist() == ["notice", "wonder"]
    assert vs.session_notes(db, ["opening"])["label"].tolist() == [
        "Ms. Patel: We meet weekly but rarely plan."]
    removed = vs.delete_session_note(db, opening)
    assert vs.session_notes(db, ["opening"]).empty
    store.restore(db, removed)
    assert vs.session_notes(db, ["opening"])["who"].tolist() == ["Ms. Patel"]
    with pytest.raises(UserError, match="Write the note"):
        vs.add_session_note(db, "notice", "   ")
    with pytest.raises(UserError, match="Unknown kind"):
        vs.add_session_note(db, "gripe", "x")


@pytest.mark.parametrize("viewer", [TEACHER, COACH], ids=["teacher", "coach"])
def test_only_a_leader_writes_the_visioning_guide(db, viewer):
    vision.save_vision(db, definition="Teachers planning together.")
    note = vs.add_session_note(db, "notice", "A note")
    writes = [
        lambda: vs.save_session(db, date(2026, 11, 5), viewer=viewer),
        lambda: vs.save_agenda(db, {"setup": 10}, viewer=viewer),
        lambda: vs.add_session_note(db, "wonder", "x", viewer=viewer),
        lambda: vs.delete_session_note(db, note, viewer=viewer),
        lambda: vs.mark_agreed(db, "where", TODAY, viewer=viewer, today=TODAY),
        lambda: vs.remove_agreement(db, "where", viewer=viewer),
        lambda: vs.add_values(db, [("Trust", None)], viewer=viewer),
    ]
    for write in writes:
        with pytest.raises(UserError, match="Only a leader") as refused:
            write()
        assert refused.value.kind == "access"
    assert vs.session(db)["held_on"] is None and len(vs.session_notes(db)) == 1
    assert vs.consensus_for(db, "where")["agreed_on"] is None


def test_a_step_is_agreed_with_its_day_and_who_was_there_and_audited(db):
    with pytest.raises(UserError, match="Save the definition first"):
        vs.mark_agreed(db, "where", TODAY, today=TODAY)
    vision.save_vision(db, definition="Teachers planning together from student work.")
    with pytest.raises(UserError, match="cannot be in the future"):
        vs.mark_agreed(db, "where", date(2026, 3, 21), today=TODAY)
    with pytest.raises(UserError, match="Pick the day"):
        vs.mark_agreed(db, "where", None, today=TODAY)
    vs.mark_agreed(db, "where", date(2026, 3, 3), " Dr. Alvarez, Ms. Chen, Dr. Alvarez ",
                   "Fist to five", who="lead@school.org", today=TODAY)
    mark = vs.consensus_for(db, "where")
    assert mark["agreed_on"] == date(2026, 3, 3) and mark["code"] == "2D"
    assert mark["present"] == ["Dr. Alvarez", "Ms. Chen"] and mark["note"] == "Fist to five"
    assert mark["agreed_text"] == "Teachers planning together from student work."
    assert not mark["changed"]
    assert vs.agreement_words(mark) == "Agreed on 3 Mar 2026 by 2 people (Dr. Alvarez, Ms. Chen)"
    logged = audit.recent(db)
    assert logged["action"].tolist()[0] == "vision agreed"
    assert logged["who"].tolist()[0] == "lead@school.org"
    assert "2D" in logged["detail"].tolist()[0]


def test_editing_agreed_words_shows_and_undoes_the_step(db):
    vision.save_vision(db, definition="Teachers planning together.")
    vs.mark_agreed(db, "where", TODAY, today=TODAY)
    assert dict((n, d) for n, d, _ in vs.guide_progress(db))["2 · Where we are"]
    vision.save_vision(db, definition="Teachers and aides planning together.")
    mark = vs.consensus_for(db, "where")
    assert mark["changed"] and vs.agreement_words(mark).endswith("changed since")
    steps = {n: (d, detail) for n, d, detail in vs.guide_progress(db)}
    assert steps["2 · Where we are"] == (
        False, "definition written, agreed 20 Mar 2026 (2D), changed since")
    vs.mark_agreed(db, "where", TODAY, today=TODAY)  # agreed again on the new words
    assert not vs.consensus_for(db, "where")["changed"]


def test_taking_an_agreement_off_can_be_undone_and_is_audited(db):
    vision.add_value(db, "Trust", "We can say what is not working.")
    vs.mark_agreed(db, "values", TODAY, ["Ms. Chen"], today=TODAY)
    removed = vs.remove_agreement(db, "values")
    assert vs.consensus_for(db, "values")["agreed_on"] is None
    assert audit.recent(db)["action"].tolist()[0] == "vision agreement removed"
    with pytest.raises(UserError, match="already deleted"):
        vs.remove_agreement(db, "values")
    store.restore(db, removed)
    mark = vs.consensus_for(db, "values")
    assert mark["agreed_on"] == TODAY and mark["present"] == ["Ms. Chen"]
    assert mark["agreed_text"] == "Trust: We can say what is not working."


def test_any_step_can_be_marked_once_it_has_its_work(db):
    expected = {
        "setup": "Name who takes part first.",
        "criteria": "Rate the criteria first.",
        "brainstorm": "Add the brainstorm notes first.",
        "drafts": "Add a draft first.",
        "share": "Plan when you will share the vision first.",
    }
    for step, says in expected.items():
        assert vs.missing_before_agreeing(db, step) == says
    vision.add_stakeholder(db, "Ms. Chen", "Instructional coach")
    vs.mark_agreed(db, "setup", TODAY, today=TODAY)
    steps = {n: detail for n, _, detail in vs.guide_progress(db)}
    assert steps["1 · Set up and opening round"] == "1 taking part, no date yet, agreed 20 Mar 2026"


def test_the_statement_agreement_and_save_vision_agreed_on_are_one_date(db):
    vision.save_vision(db, statement="Every child, every day.", agreed_on=date(2026, 3, 2))
    assert vs.consensus_for(db, "statement")["agreed_on"] == date(2026, 3, 2)
    vs.mark_agreed(db, "statement", date(2026, 3, 9), ["Ms. Chen"], today=TODAY)
    assert vision.vision(db)["agreed_on"] == date(2026, 3, 9)
    vision.save_vision(db, agreed_on=date(2026, 3, 10))
    mark = vs.consensus_for(db, "statement")
    assert mark["agreed_on"] == date(2026, 3, 10) and mark["present"] == ["Ms. Chen"]
    vision.save_vision(db, agreed_on=None)
    assert vs.consensus_for(db, "statement")["agreed_on"] is None


def test_sample_values_are_added_as_edited_skipping_ones_already_named(db):
    vision.add_value(db, "Trust", None)
    added = vs.add_values(db, [("trust", "x"), (" Equity ", " Every student gets what they need "),
                               ("Curiosity", "")])
    assert added == 2
    assert vision.shared_values(db)[["name", "meaning"]].values.tolist() == [
        ["Trust", None], ["Equity", "Every student gets what they need"], ["Curiosity", None]]
    with pytest.raises(UserError, match="Tick at least one"):
        vs.add_values(db, [])


def test_starting_texts_are_plain_words_and_never_stored_by_themselves(db):
    assert 6 <= len(vision_starts.SAMPLE_VALUES) <= 8
    assert all(name and meaning.endswith(".") for name, meaning in vision_starts.SAMPLE_VALUES)
    assert vision_starts.GUIDE_DEFINITION.startswith("Collaborative planning is")
    assert vision.vision(db)["definition"] is None and vision.shared_values(db).empty


def test_completing_every_step_marks_all_eight_done(db):
    _complete(db)
    steps = vs.guide_progress(db)
    assert all(done for _, done, _ in steps), steps
    assert steps[5][2] == "statement written, agreed 10 Mar 2026 (6E)"


def test_calendar_items_hold_the_session_and_each_agreement(db):
    assert vs.calendar_items(db, None) == []
    _complete(db)
    items = {i.uid: i for i in vs.calendar_items(db, TEACHER)}
    assert set(items) == {"vision-session", "vision-agreed-where", "vision-agreed-statement",
                          "vision-agreed-values"}
    assert all(i.kind in KINDS and i.team is None and i.page == "vision" for i in items.values())
    assert items["vision-session"].on == date(2026, 3, 3)
    assert items["vision-session"].detail == "Tue 3 Mar 2026 at 3:30 pm · Library · 90 minutes"
    assert items["vision-agreed-statement"].title == "Agreed: our vision statement"
    assert items["vision-agreed-values"].on == date(2026, 3, 10)


def test_the_vision_report_shows_the_session_rounds_and_agreements(db):
    _complete(db)
    vs.save_agenda(db, {"setup": 10})
    vs.add_session_note(db, "opening", "<b>We</b> rarely plan together", "Ms. Patel")
    vs.add_session_note(db, "notice", "Protocols help")
    vs.add_session_note(db, "wonder", "What would families see?")
    html = str(vision_view(db))
    for words in ["Tue 3 Mar 2026 at 3:30 pm", "The agenda adds up to 90 minutes",
                  "What we notice", "Protocols help", "What we wonder", "2D", "6E", "7D",
                  "Agreed on 3 Mar 2026 by 2 people", "&lt;b&gt;We&lt;/b&gt;"]:
        assert words in html, words
    assert "<b>We</b>" not in html


@pytest.mark.embedded_only
def test_migration_0016_keeps_an_agreed_statement_as_its_consensus(tmp_path):
    path = tmp_path / "old.duckdb"
    con = factories.database_before(path, 16)
    con.execute("INSERT INTO vision (id, definition, statement, agreed_on)"
                " VALUES (1, 'Planning together', 'Every child', DATE '2025-10-01')")
    con.close()
    database = db_module.connect(path)
    try:
        assert vision.vision(database)["agreed_on"] == date(2025, 10, 1)
        mark = vs.consensus_for(database, "statement")
        assert mark["agreed_text"] == "Every child" and not mark["changed"]
        assert vs.consensus_for(database, "where")["agreed_on"] is None
    finally:
        database.close()


def test_the_demo_shows_agreed_steps_with_dates_and_one_not_yet(db):
    today = date(2026, 6, 20)
    seed_workspace(db, today=today)
    seed_vision(db, today)  # a second call changes nothing
    start, _ = school_year(today)
    marks = vs.consensus(db).set_index("step")
    agreed = marks["agreed_on"].dropna()
    assert {"where", "values"} <= set(agreed.index)
    assert marks.loc["statement", "agreed_on"] is None
    assert all(start <= d <= today and d.weekday() < 5 for d in agreed)
    held_on = vs.session(db)["held_on"]
    assert start <= held_on <= today and held_on.weekday() < 5
    assert len(vs.session_notes(db, ["opening"])) == 3
    assert not vs.session_notes(db, ["notice"]).empty and not vs.session_notes(db, ["wonder"]).empty
    assert vs.check_agenda(db).ok and vs.agenda(db)["saved"].all()
    steps = {n: d for n, d, _ in vs.guide_progress(db)}
    assert steps["2 · Where we are"] and not steps["6 · Vision statement"]


def test_the_demo_keeps_its_dates_in_a_school_year_that_just_began(db):
    today = date(2026, 8, 4)  # the school year started on 1 August
    seed_workspace(db, today=today)
    start, _ = school_year(today)
    held_on = vs.session(db)["held_on"]
    assert start <= held_on <= today
    assert all(start <= d <= today for d in vs.consensus(db)["agreed_on"].dropna())


def test_the_demos_sample_agreements_are_not_in_the_audit_log(db):
    seed_workspace(db, today=date(2026, 6, 20))
    assert not vs.consensus(db)["agreed_on"].dropna().empty
    assert audit.recent(db).query("action == 'vision agreed'").empty
