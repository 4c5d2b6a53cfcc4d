"""The theory of action's guided steps (issue 18): big questions, barrier → why → brainstorm
→ chosen, the purpose map as rows, the feedback plan beside the survey's trend, progress in
the guide's order, leaders-only writes, calendar items, and the migration keeping old text."""

from __future__ import annotations

from datetime import date

import pytest

from collabplan import db as db_module
from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.workspace import staff_input, store, survey, theory, theory_guide
from collabplan.year.items import KINDS
from tests import factories

TEACHER = Viewer(email="ana@school.example", role="teacher", team_ids=frozenset({1}))
COACH = Viewer(email="coach@school.example", role="coach")


def test_big_questions_are_saved_per_theory_and_a_blank_answer_clears_one(db):
    first = theory.add_theory(db, "Enabling work structures")
    second = theory.add_theory(db, "Trust among colleagues")
    theory_guide.save_answers(db, first, {"for_students": "  Every student reads  ",
                                          "who": "The principal"})
    theory_guide.save_answers(db, second, {"who": "Every team"})
    assert theory_guide.answers(db, first) == {"for_students": "Every student reads",
                                               "who": "The principal"}
    theory_guide.save_answers(db, first, {"who": "   "})
    assert theory_guide.answers(db, first) == {"for_students": "Every student reads"}
    assert theory_guide.answers(db, second) == {"who": "Every team"}
    with pytest.raises(ValueError):
        theory_guide.save_answers(db, first, {"favourite_colour": "blue"})
    steps = dict((n, d) for n, d, _ in theory_guide.guide_progress(db, first))
    assert steps["Big questions"] is False
    theory_guide.save_answers(db, first, dict.fromkeys(theory_guide.QUESTIONS, "yes"))
    assert dict((n, d) for n, d, _ in theory_guide.guide_progress(db, first))["Big questions"]


def test_reasons_then_brainstorm_then_the_chosen_one_is_the_theory_approach(db):
    toa = theory.add_theory(db, "Enabling work structures")
    theory.save_theory(db, toa, barrier="Duties sit in team time")
    theory_guide.add_reason(db, toa, "Duties were scheduled first")
    theory_guide.add_reason(db, toa, "Too few adults at lunch")
    assert theory_guide.reasons(db, toa)["body"].tolist() == [
        "Duties were scheduled first", "Too few adults at lunch"]
    with pytest.raises(UserError, match="why the barrier exists"):
        theory_guide.add_reason(db, toa, "  ")
    one = theory_guide.add_approach(db, toa, "Hire a lunch supervisor")
    two = theory_guide.add_approach(db, toa, "Rebuild the duty rota")
    with pytest.raises(UserError, match="already on the list"):
        theory_guide.add_approach(db, toa, "rebuild the duty rota")
    assert theory.theory(db, toa)["approach"] is None
    theory_guide.choose_approach(db, two)
    assert theory.theory(db, toa)["approach"] == "Rebuild the duty rota"
    theory_guide.choose_approach(db, one)  # changing one's mind: only one is chosen
    assert theory_guide.approaches(db, toa)["chosen"].tolist() == [True, False]
    assert theory.theory(db, toa)["approach"] == "Hire a lunch supervisor"
    # removing the chosen one leaves none chosen; Undo brings it back chosen
    removed = theory_guide.delete_approach(db, one)
    assert theory.theory(db, toa)["approach"] is None
    store.restore(db, removed)
    assert theory.theory(db, toa)["approach"] == "Hire a lunch supervisor"
    steps = dict((n, d) for n, d, _ in theory_guide.guide_progress(db, toa))
    assert steps["Barrier and why"] and steps["Approaches"]


def test_saving_an_approach_as_text_adds_it_to_the_brainstorm_chosen(db):
    toa = theory.add_theory(db, "Team leadership")
    theory_guide.add_approach(db, toa, "Rotate facilitators")
    theory.save_theory(db, toa, approach="Train two facilitators")
    frame = theory_guide.approaches(db, toa)
    assert frame["body"].tolist() == ["Rotate facilitators", "Train two facilitators"]
    assert frame["chosen"].tolist() == [False, True]
    theory.save_theory(db, toa, approach="Rotate facilitators")  # an existing one is reused
    assert theory_guide.approaches(db, toa)["chosen"].tolist() == [True, False]


def test_purpose_map_is_people_with_roles_and_dated_steps(db):
    toa = theory.add_theory(db, "Enabling work structures")
    theory.save_theory(db, toa, purpose_vision="Team time that is never taken")
    with pytest.raises(UserError, match="role"):
        theory_guide.add_person(db, toa, "Scheduling lead", "")
    theory_guide.add_person(db, toa, "Scheduling lead", "Rebuilds the rota")
    with pytest.raises(UserError, match="due"):
        theory_guide.add_plan_step(db, toa, "Share the rota", None)
    with pytest.raises(UserError, match="after"):
        theory_guide.add_plan_step(db, toa, "Share the rota", date(2026, 10, 1),
                                   starts_on=date(2026, 10, 5))
    theory_guide.add_plan_step(db, toa, "Try the rota", date(2026, 12, 1), "All teams",
                               date(2026, 11, 1))
    theory_guide.add_plan_step(db, toa, "Share the rota", date(2026, 10, 1), "Principal")
    assert theory_guide.plan_steps(db, toa)["step"].tolist() == ["Share the rota", "Try the rota"]
    assert theory_guide.people(db, toa)[["who", "role"]].values.tolist() == [
        ["Scheduling lead", "Rebuilds the rota"]]
    assert dict((n, d) for n, d, _ in theory_guide.guide_progress(db, toa))["Purpose map"]
    assert dict((n, d) for n, d, _ in theory.theory_progress(db, toa))["Purpose map"]


def test_feedback_plan_checks_its_choices_and_defaults_the_survey_area(db):
    toa = theory.add_theory(db, "Trust among colleagues")
    assert theory_guide.feedback_plan(db, toa)["survey_area"] == "trust"
    with pytest.raises(UserError):
        theory_guide.save_feedback_plan(db, toa, anonymity="sometimes")
    with pytest.raises(UserError):
        theory_guide.save_feedback_plan(db, toa, survey_area="weather")
    theory_guide.save_feedback_plan(db, toa, channel="A box in the staff room",
                                    anonymity="anonymous")
    theory_guide.save_feedback_plan(db, toa, readers="Principal", respond_within="A week",
                                    shared_how="Bulletin")  # a second save keeps the first
    plan = theory_guide.feedback_plan(db, toa)
    assert plan["channel"] == "A box in the staff room" and plan["anonymity"] == "anonymous"
    assert plan["readers"] == "Principal" and plan["survey_area"] == "trust"
    theory.save_theory(db, toa, results="Better", decision="revisit")
    assert dict((n, d) for n, d, _ in theory_guide.guide_progress(db, toa))["Impact"]


def _survey_round(db, label: str, opened: date, people: int, value: int) -> None:
    round_id = survey.open_round(db, label, opened)
    for _ in range(people):
        survey.submit_survey(db, round_id, dict.fromkeys(survey.SURVEY_ITEMS, value))
    survey.close_round(db, round_id)


def test_survey_trend_uses_only_closed_rounds_with_enough_answers(db):
    assert "Pick" in theory_guide.survey_trend(db, None)[1]
    assert "No closed survey round" in theory_guide.survey_trend(db, "trust")[1]
    _survey_round(db, "Fall", date(2026, 9, 1), 3, 5)  # too few: hidden
    frame, sentence = theory_guide.survey_trend(db, "trust")
    assert frame["suppressed"].tolist() == [True] and "no results" in sentence
    _survey_round(db, "Winter", date(2026, 11, 1), 12, 2)
    _survey_round(db, "Spring", date(2027, 2, 1), 12, 4)
    survey.open_round(db, "Summer", date(2027, 5, 1))  # open: not in the trend
    frame, sentence = theory_guide.survey_trend(db, "trust")
    assert frame["round"].tolist() == ["Fall", "Winter", "Spring"]
    assert sentence == ("Trust: 2 of 5 in Winter to 4 in Spring, up by 2 "
                        "(over 2 rounds with results).")


def test_only_leaders_change_the_theory_and_anyone_reads_it(db):
    toa = theory.add_theory(db, "Team leadership")
    for viewer in (TEACHER, COACH):
        with pytest.raises(UserError, match="leaders"):
            theory.save_theory(db, toa, where_now="x", viewer=viewer)
        with pytest.raises(UserError, match="leaders"):
            theory_guide.save_answers(db, toa, {"who": "x"}, viewer=viewer)
        with pytest.raises(UserError, match="leaders"):
            theory_guide.add_approach(db, toa, "x", viewer=viewer)
        with pytest.raises(UserError, match="leaders"):
            theory_guide.add_plan_step(db, toa, "x", date(2026, 1, 1), viewer=viewer)
        with pytest.raises(UserError, match="leaders"):
            theory.delete_theory(db, toa, viewer=viewer)
        with pytest.raises(UserError, match="leaders"):
            staff_input.open_round(db, toa, "Fall", viewer=viewer)
    leader = Viewer(email="head@school.example", role="leader")
    theory_guide.save_answers(db, toa, {"who": "Everyone"}, viewer=leader)
    assert theory_guide.answers(db, toa) == {"who": "Everyone"}


def test_deleting_a_theory_takes_every_step_and_its_input_and_undo_brings_all_back(db):
    toa = theory.add_theory(db, "Enabling work structures")
    theory_guide.save_answers(db, toa, {"who": "Everyone"})
    theory_guide.add_reason(db, toa, "Reason")
    theory_guide.choose_approach(db, theory_guide.add_approach(db, toa, "Idea"))
    theory_guide.add_person(db, toa, "Lead", "Leads")
    theory_guide.add_plan_step(db, toa, "Step", date(2026, 10, 1))
    theory_guide.save_feedback_plan(db, toa, channel="Box")
    round_id = staff_input.open_round(db, toa, "Fall")
    staff_input.submit(db, round_id, dict.fromkeys(staff_input.ITEMS, 4), "An idea")
    tables = ("toa_answer", "toa_reason", "toa_approach", "toa_person", "toa_plan_step",
              "toa_feedback_plan", "staff_input_round", "staff_input_tally", "staff_input_idea")
    before = {t: db.scalar(f"SELECT count(*) FROM {t}") for t in tables}  # noqa: S608 - fixed names
    removed = theory.delete_theory(db, toa)
    assert all(db.scalar(f"SELECT count(*) FROM {t}") == 0 for t in tables)  # noqa: S608
    store.restore(db, removed)
    assert {t: db.scalar(f"SELECT count(*) FROM {t}") for t in tables} == before  # noqa: S608
    assert theory.theory(db, toa)["approach"] == "Idea"


def test_calendar_items_are_input_rounds_and_dated_plan_steps(db):
    toa = theory.add_theory(db, "Enabling work structures")
    theory_guide.add_plan_step(db, toa, "Try the rota", date(2026, 12, 1), "All teams",
                               date(2026, 11, 1))
    theory_guide.add_plan_step(db, toa, "Share the rota", date(2026, 10, 1))
    db.rows("INSERT INTO toa_plan_step (toa_id, step) VALUES (?, 'An old plan')", [toa])
    open_id = staff_input.open_round(db, toa, "Fall", date(2026, 9, 1), date(2026, 9, 14))
    closed_id = staff_input.open_round(db, toa, "Spring", date(2027, 3, 1))
    staff_input.close_round(db, closed_id)
    items = theory_guide.calendar_items(db, TEACHER)
    assert {i.kind for i in items} <= set(KINDS)
    by_uid = {i.uid: i for i in items}
    assert len(by_uid) == len(items) == 4  # the undated old plan is not on the calendar
    fall = by_uid[f"staff-input-{open_id}"]
    assert (fall.kind, fall.on, fall.ends, fall.done) == ("staff_input", date(2026, 9, 1),
                                                          date(2026, 9, 14), False)
    assert by_uid[f"staff-input-{closed_id}"].done is True
    steps = [i for i in items if i.kind == "theory_action"]
    assert sorted((i.on, i.ends) for i in steps) == [(date(2026, 10, 1), None),
                                                     (date(2026, 11, 1), date(2026, 12, 1))]
    assert all(i.page == "theory_of_action" for i in items)
    assert theory_guide.calendar_items(db, None) == items  # school-wide: same for everyone


@pytest.mark.embedded_only
def test_migration_keeps_the_saved_approach_people_and_plan(tmp_path):
    path = tmp_path / "old.duckdb"
    con = factories.database_before(path, 18)
    con.execute(
        "INSERT INTO theory_of_action (condition, barrier, approach, purpose_people, purpose_plan)"
        " VALUES ('Enabling work structures', 'Duties in team time', 'Rebuild the rota',"
        " 'Principal, scheduling lead', 'Draft, share, try for six weeks'),"
        " ('Trust among colleagues', NULL, '  ', NULL, NULL)"
    )
    ids = [r[0] for r in con.execute("SELECT id FROM theory_of_action ORDER BY id").fetchall()]
    con.close()
    db = db_module.Database(path)
    try:
        first, second = ids
        t = theory.theory(db, first)
        assert t["barrier"] == "Duties in team time" and t["approach"] == "Rebuild the rota"
        assert theory_guide.approaches(db, first)["chosen"].tolist() == [True]
        assert theory_guide.people(db, first)["who"].tolist() == ["Principal, scheduling lead"]
        steps = theory_guide.plan_steps(db, first)
        assert steps["step"].tolist() == ["Draft, share, try for six weeks"]
        assert steps["due_on"].isna().all()
        assert theory.theory(db, second)["approach"] is None
        assert theory_guide.approaches(db, second).empty
    finally:
        db.close()
