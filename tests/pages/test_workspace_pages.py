"""The collaboration workspace pages under AppTest: each renders empty and with the demo
workspace, each workspace is completed through its widgets, and survey answers are never
shown one by one."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import config
from collabplan import db as db_module
from collabplan.samples.demo_workspace import seed_workspace
from collabplan.workspace import survey, teams, theory, vision
from tests.apptest_tree import find, submit

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = ["pages/vision.py", "pages/teams.py", "pages/theory_of_action.py", "pages/health.py"]


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at




def messages(at: AppTest) -> list[str]:
    return [m.value for kind in ("success", "info", "warning", "error") for m in getattr(at, kind)]


@pytest.mark.parametrize("page", PAGES)
def test_workspace_page_renders_empty_with_what_to_do_next(db_path, page):
    at = open_page(page)
    assert at.info, "an empty state should say what to do next"


@pytest.mark.parametrize("page", PAGES)
def test_workspace_page_renders_the_demo_workspace(db, page):
    seed_workspace(db)
    at = open_page(page)
    assert len(at.tabs) >= 3


def test_vision_workspace_completed_through_the_widgets(db):
    at = open_page("pages/vision.py")
    find(at, "text_input", "Name", "stakeholder_add").input("Dr. Alvarez")
    find(at, "selectbox", "Role", "stakeholder_add").select("Principal")
    submit(at, "stakeholder_add", "Add to the group")
    assert "Dr. Alvarez added." in messages(at)
    # issue 18: the guide's eight steps need the session's day and three agreements
    find(at, "date_input", "Day of the session", "session").set_value(date(2025, 9, 1))
    submit(at, "session", "Save the session")

    find(at, "text_area", "Our definition of collaborative planning", "definition").input(
        "Teachers planning together from student work."
    )
    submit(at, "definition", "Save the definition")
    submit(at, "consensus_where", "Mark agreed")

    for n, key in enumerate(vision.SUCCESS_CRITERIA):
        at.radio(key=f"rating_{key}").set_value(list(vision.RATINGS)[n % 3])
    at.text_input(key="rating_note_roles").input("Unclear when the coach is out")
    submit(at, "criteria", "Save the ratings")
    assert (
        "7 of 7 criteria rated" in [m.value for m in at.markdown if "criteria rated" in m.value][0]
    )

    find(at, "radio", "Column", "note_add").set_value("matters_most")
    find(at, "text_input", "The note", "note_add").input("Trust to say what is not working")
    find(at, "text_input", "Themes (optional, separated by commas)", "note_add").input("trust")
    submit(at, "note_add", "Add the note")
    assert vision.theme_counts(db)["theme"].tolist() == ["trust"]

    find(at, "text_input", "Written by", "draft_add").input("Ms. Chen")
    find(at, "text_area", "Draft vision statement", "draft_add").input(
        "Together we will become a school where every student is seen."
    )
    submit(at, "draft_add", "Add the draft")
    draft_id = int(vision.drafts(db)["id"].iloc[0])
    at.checkbox(key=f"tick_{draft_id}_future").check()
    at.checkbox(key=f"tick_{draft_id}_unifying").check()
    submit(at, f"draft_{draft_id}", "Save the ticks")
    assert vision.drafts(db)["ticks"].iloc[0] == ["future", "unifying"]
    assert any("Word cues found" in c.value for c in at.caption)

    find(at, "text_area", "Our vision statement", "statement").input(
        "Every child, every day, together."
    )
    submit(at, "statement", "Save the statement")
    submit(at, "consensus_statement", "Mark agreed")

    find(at, "text_input", "Value", "value_add").input("Trust")
    submit(at, "value_add", "Add the value")
    submit(at, "consensus_values", "Mark agreed")

    for n, way in enumerate(["Staff meeting", "Newsletter", "Hallway display"]):
        find(at, "date_input", "When", "communication_add").set_value(
            date(2025, 9, 1) + timedelta(days=30 * n)
        )
        find(at, "text_input", "How", "communication_add").input(way)
        submit(at, "communication_add", "Add to the plan")
    assert vision.check_communication(db).ok
    assert all(done for _, done, _ in vision.vision_progress(db))
    assert "8 of 8 steps done" in at.get("progress")[0].proto.text


def test_deleting_in_the_vision_workspace_offers_undo(db):
    vision.add_stakeholder(db, "Ms. Chen", "Instructional coach")
    at = open_page("pages/vision.py")
    submit(at, "stakeholder_remove", "Remove")
    assert vision.stakeholders(db).empty
    assert any("was deleted" in m for m in messages(at))
    at.button(key="undo_vision").click()
    at.run()
    assert vision.stakeholders(db)["name"].tolist() == ["Ms. Chen"]
    assert "The stakeholder is back." in messages(at)


def test_teams_workspace_completed_through_the_widgets(db):
    at = open_page("pages/teams.py")
    find(at, "text_input", "Team name", "team_add").input("Grade 3 Team")
    submit(at, "team_add", "Add the team")
    team_id = int(teams.teams(db)["id"].iloc[0])

    for person in ("Ms. Patel", "Mr. Kim"):
        find(at, "text_input", "Name", f"member_add_{team_id}").input(person)
        submit(at, f"member_add_{team_id}", "Add to the team")
    find(at, "text_input", "Weekly protected time", f"time_{team_id}").input("Tuesdays 2:45–3:30")
    find(at, "number_input", "Minutes a week", f"time_{team_id}").set_value(45)
    submit(at, f"time_{team_id}", "Save the time")

    find(at, "text_input", "Norm", f"norm_add_{team_id}").input("Start and end on time.")
    submit(at, f"norm_add_{team_id}", "Add the norm")
    submit(at, f"norm_revisit_{team_id}", "Record that we revisited it")
    assert teams.norms(db, team_id)["revisited_on"].notna().all()

    find(at, "radio", "This team's stage", f"stage_{team_id}").set_value("norming")
    submit(at, f"stage_{team_id}", "Save the stage")
    at.text_area(key="support_norming").input("Facilitator training")
    submit(at, "stage_support", "Save the support plan")

    assert "Next facilitator in the rotation: **Ms. Patel**" in [m.value for m in at.markdown]
    form = f"meeting_{team_id}_0"
    for key, question in teams.PLC_QUESTIONS.items():
        find(at, "text_area", question, form).input(f"answer to {key}")
    find(at, "text_input", "What we will do next", form).input("Bring five exit tickets")
    submit(at, form, "Save the agenda")
    saved = teams.meetings(db, team_id).iloc[0]
    assert saved["facilitator"] == "Ms. Patel" and saved["already"] == "answer to already"
    assert saved["next_step"] == "Bring five exit tickets"
    assert "Next facilitator in the rotation: **Mr. Kim**" in [m.value for m in at.markdown]
    assert all(done for _, done, _ in teams.team_progress(db, team_id))
    assert teams.team_workspace(db, team_id) == {
        "protected_time": "Tuesdays 2:45–3:30",
        "minutes_per_week": 45,
        "stage": "norming",
    }


def test_meeting_without_a_next_step_is_not_saved_and_says_why(db):
    team_id = teams.add_team(db, "Grade 3 Team")
    at = open_page("pages/teams.py")
    find(at, "text_area", teams.PLC_QUESTIONS["learn"], f"meeting_{team_id}_0").input("Main idea")
    find(at, "button", "Save the agenda", f"meeting_{team_id}_0").click()
    at.run()
    assert "Close the meeting with a clear next step" in [e.value for e in at.error]
    assert teams.meetings(db, team_id).empty


def test_theory_of_action_completed_through_the_widgets(db):
    # Issue 18 split the barrier form (approach: brainstorm and choose) and the purpose map
    # (people and roles, dated plan steps) into their own steps; the walk follows them.
    at = open_page("pages/theory_of_action.py")
    find(at, "selectbox", "Condition", "toa_add").select("Enabling work structures")
    submit(at, "toa_add", "Start")
    toa = int(theory.theories(db)["id"].iloc[0])
    fill = {
        f"where_{toa}": ["Where we are now", "Where we want to be", "Why it matters"],
        f"barrier_{toa}": ["The biggest barrier within our control"],
        f"statement_{toa}": ["If we …", "then …", "which will lead to …"],
        f"purpose_{toa}": ["Vision"],
    }
    buttons = {
        f"where_{toa}": "Save",
        f"barrier_{toa}": "Save",
        f"statement_{toa}": "Save the theory of action",
        f"purpose_{toa}": "Save the vision",
    }
    for form, labels in fill.items():
        for label in labels:
            find(at, "text_area", label, form).input(f"{label.strip(' …')} text")
        submit(at, form, buttons[form])
    assert theory.theory_statement(theory.theory(db, toa)).startswith("If we If we text, then then text")
    find(at, "text_input", "An approach", f"approach_add_{toa}").input("Rebuild the rota")
    submit(at, f"approach_add_{toa}", "Add to the brainstorm")
    submit(at, f"approach_pick_{toa}", "Choose this one")
    assert theory.theory(db, toa)["approach"] == "Rebuild the rota"
    find(at, "text_input", "Person or group", f"person_add_{toa}").input("Scheduling lead")
    find(at, "text_input", "Their role in the work", f"person_add_{toa}").input("Rebuilds the rota")
    submit(at, f"person_add_{toa}", "Add")
    find(at, "text_input", "Step", f"plan_add_{toa}").input("Share the rota")
    submit(at, f"plan_add_{toa}", "Add the step")

    form = f"action_add_{toa}"
    find(at, "text_input", "What", form).input("Draft the new duty rota")
    find(at, "text_input", "Who", form).input("Scheduling lead")
    submit(at, form, "Add the action")
    assert at.get("plotly_chart"), "the action timeline chart is drawn"
    submit(at, f"action_edit_{toa}", "Mark done")
    assert theory.toa_actions(db, toa)["done"].all()

    form = f"impact_{toa}"
    find(at, "text_area", "Data we gathered", form).input("Meeting log")
    find(at, "text_area", "What the results show", form).input("Teams met 5 of 6 weeks")
    find(at, "radio", "Our decision", form).set_value("next_condition")
    submit(at, form, "Save the impact assessment")
    assert all(done for _, done, _ in theory.theory_progress(db, toa))

    at.button(key=f"toa_delete_{toa}").click()
    at.run()
    assert theory.theories(db).empty
    at.button(key="undo_toa").click()
    at.run()
    assert theory.toa_actions(db, toa)["what"].tolist() == ["Draft the new duty rota"]


def answer_survey(at: AppTest, value: int) -> None:
    for item in survey.SURVEY_ITEMS:
        at.radio(key=f"answer_{item}").set_value(value)
    form = at.radio(key="answer_trust_safe").proto.form_id
    submit(at, form, "Submit my answers")


def test_health_survey_answered_closed_and_shown_only_as_aggregates(db):
    at = open_page("pages/health.py")
    find(at, "text_input", "Round name", "round_open").input("Fall 2025")
    submit(at, "round_open", "Open the round")
    answer_survey(at, 5)
    answer_survey(at, 3)
    round_id = int(survey.rounds(db)["id"].iloc[0])
    for n in range(config.MIN_GROUP_SIZE - 2):  # the rest of the staff, without the page
        survey.submit_survey(db, round_id, {item: 5 if n % 2 else 3 for item in survey.SURVEY_ITEMS})
    assert any("counted anonymously" in m for m in messages(at))
    # The answer form is cleared after each submission: nothing of the last person remains.
    assert at.radio(key="answer_trust_safe").value is None

    # While open: a response count, no results.
    assert survey.survey_area_results(db).empty
    submit(at, "round_close", "Close the round")
    assert "Tick the box to confirm, then close the round." in [w.value for w in at.warning]
    find(
        at, "checkbox", "I understand no more answers will be taken and it cannot be reopened"
    ).check()
    submit(at, "round_close", "Close the round")

    tables = [t.value for t in at.dataframe]
    for table in tables:
        assert not {"value", "answers", "respondent"} & set(table.columns)
        assert len(table) <= max(len(survey.SURVEY_AREAS), len(survey.SURVEY_ITEMS), 1)
    areas = next(t for t in tables if "Area" in t.columns and "Round" in t.columns)
    assert areas["Responses"].tolist() == ["10"] * len(survey.SURVEY_AREAS)
    assert areas["Average (1–5)"].tolist() == ["4"] * len(survey.SURVEY_AREAS)
    assert at.get("plotly_chart")


def test_health_results_are_suppressed_under_the_minimum_group_size(db):
    round_id = survey.open_round(db, "Winter")
    for _ in range(config.MIN_GROUP_SIZE - 1):
        survey.submit_survey(db, round_id, {item: 2 for item in survey.SURVEY_ITEMS})
    survey.close_round(db, round_id)
    at = open_page("pages/health.py")
    areas = next(t.value for t in at.dataframe if "Area" in t.value.columns)
    assert set(areas["Responses"]) == {"fewer than 10 responses"}
    assert set(areas["Average (1–5)"]) == set(areas["Agree"]) == {"fewer than 10 responses"}
    assert not [m for m in at.markdown if "2.0" in m.value]


def test_incomplete_survey_is_refused_and_nothing_is_counted(db):
    round_id = survey.open_round(db, "Fall")
    at = open_page("pages/health.py")
    at.radio(key="answer_trust_safe").set_value(4)
    find(at, "button", "Submit my answers", f"survey_{round_id}").click()
    at.run()
    assert any("Answer every statement" in e.value for e in at.error)
    assert survey.rounds(db)["responses"].tolist() == [0]


def test_health_page_lists_goals_next_to_the_survey_even_without_progress_data(db):
    team = teams.add_team(db, "Grade 3 Team")
    db.rows(
        "INSERT INTO goal (team_id, assessment_id, skill, metric, baseline_administration_id)"
        " VALUES (?, 99, 'Main idea', 'pct_proficient', 99)",
        [team],
    )
    at = open_page("pages/health.py")
    goals = next(t.value for t in at.dataframe if "Goal" in t.value.columns)
    assert goals["Goal"].tolist() == ["Main idea (% proficient)"]
    assert goals["Status"].tolist() == ["not enough data yet"]


def test_summaries_are_read_only_and_downloadable(db):
    seed_workspace(db)
    for page in ("pages/vision.py", "pages/teams.py", "pages/theory_of_action.py"):
        at = open_page(page)
        assert at.get("html"), f"{page} has a read-only summary"
        assert at.get("download_button"), f"{page} offers the summary as a download"


def test_database_is_the_one_the_app_uses(db_path):
    # The fixture's COLLABPLAN_DB is what the pages open: writes through the page land here.
    at = open_page("pages/health.py")
    find(at, "text_input", "Round name", "round_open").input("Spring")
    submit(at, "round_open", "Open the round")
    assert survey.rounds(db_module.connect(db_path))["label"].tolist() == ["Spring"]


def test_saving_the_demo_forms_unchanged_never_stores_nan_for_blanks(db):
    seed_workspace(db)
    at = open_page("pages/vision.py")
    submit(at, "criteria", "Save the ratings")
    notes = vision.criteria_ratings(db)["notes"].tolist()
    assert "nan" not in notes and None in notes
    at = open_page("pages/teams.py")
    submit(at, "stage_support", "Save the support plan")
    assert "nan" not in teams.stage_supports(db)["support"].tolist()
