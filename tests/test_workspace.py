"""The collaboration workspace store: visioning, teams, theory of action, the anonymous survey."""

from __future__ import annotations

from datetime import date

import pytest

from collabplan import config
from collabplan import workspace as ws
from collabplan.errors import UserError


def all_answers(value: int) -> dict[str, int]:
    return {item: value for item in ws.SURVEY_ITEMS}


# -- migration --------------------------------------------------------------------------


def test_workspace_migration_is_applied_and_recorded(db):
    assert db.scalar("SELECT count(*) FROM schema_version WHERE version = 2") == 1
    for table in ("vision", "team_meeting", "theory_of_action", "survey_round", "survey_tally"):
        assert db.scalar(f"SELECT count(*) FROM {table}") == 0  # noqa: S608 - fixed names


# -- visioning --------------------------------------------------------------------------


def test_criteria_ratings_list_all_seven_and_save_a_rating_with_notes(db):
    ws.rate_criterion(db, "protocols", "opportunity", "  Some teams use one  ")
    ratings = ws.criteria_ratings(db)
    assert len(ratings) == 7
    row = ratings.set_index("criterion").loc["protocols"]
    assert (row["rating"], row["rating_label"], row["notes"]) == (
        "opportunity",
        "An opportunity",
        "Some teams use one",
    )
    assert ratings["rating"].notna().sum() == 1


def test_rating_a_criterion_again_replaces_it(db):
    ws.rate_criterion(db, "roles", "challenging")
    ws.rate_criterion(db, "roles", "already_true")
    assert ws.criteria_ratings(db).set_index("criterion").loc["roles", "rating"] == "already_true"


def test_rating_rejects_an_unknown_rating(db):
    with pytest.raises(UserError):
        ws.rate_criterion(db, "roles", "maybe")


def test_theme_counts_count_notes_per_theme_by_column_most_first(db):
    ws.add_note(db, "is", "Looking at student work", "Student Work, planning")
    ws.add_note(db, "is_not", "Announcements", "time")
    ws.add_note(db, "matters_most", "Every student", ["student work", " student  work "])
    ws.add_note(db, "is", "Untagged idea")
    counts = ws.theme_counts(db)
    assert counts["theme"].tolist() == ["student work", "planning", "time"]
    top = counts.iloc[0]
    assert (top["notes"], top["is"], top["is_not"], top["matters_most"]) == (2, 1, 0, 1)


def test_tagging_a_note_later_changes_the_counts(db):
    note = ws.add_note(db, "is", "Sharing resources")
    assert ws.theme_counts(db).empty
    ws.tag_note(db, note, "resources")
    assert ws.theme_counts(db)["theme"].tolist() == ["resources"]


def test_statement_check_explains_word_cues_but_only_ticks_count_as_met():
    checks = {
        c.key: c
        for c in ws.check_statement(
            "Together we will become a school where every student is seen.", ticks=["future"]
        )
    }
    assert checks["future"].met and "will" in checks["future"].cues
    assert "Met: the group ticked it" in checks["future"].explanation
    assert not checks["high_standards"].met
    assert checks["high_standards"].cues == ("every",)
    assert "Word cues found: “every”" in checks["high_standards"].explanation
    assert checks["unique"].cues == ()
    assert "no word cues found" in checks["unique"].explanation


def test_statement_check_uses_the_school_name_and_named_values_as_cues():
    checks = {
        c.key: c
        for c in ws.check_statement(
            "Lincoln Elementary plans with curiosity.",
            school_name="Lincoln Elementary",
            values=["Curiosity"],
        )
    }
    assert "lincoln elementary" in checks["unique"].cues
    assert "curiosity" in checks["shared_values"].cues


def test_statement_cues_match_whole_words_not_parts_of_words():
    checks = {c.key: c for c in ws.check_statement("We use a small wellness tally.")}
    # "all" is not in "small", "us" is not in "use", "we" matches as a word.
    assert checks["high_standards"].cues == ()
    assert checks["unifying"].cues == ("we",)


def test_drafts_keep_the_groups_ticks_and_count_criteria_met(db):
    draft = ws.add_draft(
        db, "All students will thrive.", "Ms. Chen", ["future", "bogus", "high_standards"]
    )
    frame = ws.drafts(db)
    assert frame.loc[0, "ticks"] == ["high_standards", "future"]
    assert frame.loc[0, "met"] == 2
    ws.update_draft(db, draft, "All students will thrive together.", "Ms. Chen", ["unifying"])
    checks = {c.key: c for c in ws.draft_checks(db, draft)}
    assert checks["unifying"].met and not checks["future"].met


def test_agreed_statement_and_definition_save_separately(db):
    ws.save_vision(db, definition="Planning together from evidence.")
    ws.save_vision(db, statement="Every child, every day.", agreed_on=date(2025, 10, 1))
    assert ws.vision(db) == {
        "definition": "Planning together from evidence.",
        "statement": "Every child, every day.",
        "agreed_on": date(2025, 10, 1),
    }


def test_communication_plan_needs_three_times_and_three_ways(db):
    ws.add_communication(db, date(2025, 9, 1), "Staff meeting")
    ws.add_communication(db, date(2025, 9, 1), "Newsletter")
    check = ws.check_communication(db)
    assert (check.times, check.ways, check.ok) == (1, 2, False)
    assert "2 more date(s)" in check.message and "1 more way(s)" in check.message
    ws.add_communication(db, date(2025, 10, 1), "staff  MEETING")  # same way, new date
    ws.add_communication(db, date(2025, 11, 1), "Hallway display", "Students", "done")
    check = ws.check_communication(db)
    assert (check.times, check.ways, check.done, check.ok) == (3, 3, 1, True)


def test_vision_progress_counts_rated_criteria(db):
    ws.rate_criterion(db, "roles", "challenging")
    steps = {name: (done, detail) for name, done, detail in ws.vision_progress(db)}
    assert steps["Criteria rated"] == (False, "1 of 7 criteria rated")


def test_deleting_a_note_can_be_undone_with_the_same_id_and_themes(db):
    note = ws.add_note(db, "is", "Trust", "trust, safety")
    removed = ws.delete_note(db, note)
    assert ws.notes(db).empty
    ws.restore(db, removed)
    frame = ws.notes(db)
    assert frame.loc[0, "id"] == note and frame.loc[0, "themes"] == ["trust", "safety"]


def test_deleting_twice_says_it_was_already_deleted(db):
    value = ws.add_value(db, "Trust")
    ws.delete_value(db, value)
    with pytest.raises(UserError, match="already deleted"):
        ws.delete_value(db, value)


def test_blank_inputs_are_refused_with_what_to_write(db):
    with pytest.raises(UserError, match="Write the value"):
        ws.add_value(db, "   ")
    with pytest.raises(UserError, match="role"):
        ws.add_stakeholder(db, "Ms. Chen", "")


# -- teams ------------------------------------------------------------------------------


def test_team_workspace_saves_time_and_stage_per_team(db):
    team = ws.add_team(db, "Grade 3 Team", "3", "Reading")
    ws.save_team_workspace(db, team, "Tuesdays 2:45", 45, "norming")
    assert ws.team_workspace(db, team) == {
        "protected_time": "Tuesdays 2:45",
        "minutes_per_week": 45,
        "stage": "norming",
    }
    with pytest.raises(UserError):
        ws.save_team_workspace(db, team, None, None, "storming")


def test_norms_are_revisited_with_a_date(db):
    team = ws.add_team(db, "Grade 3 Team")
    norm = ws.add_norm(db, team, "Start on time.", date(2025, 9, 1))
    ws.revisit_norm(db, norm, "Start and end on time.", date(2025, 11, 1))
    row = ws.norms(db, team).iloc[0]
    assert row["body"] == "Start and end on time."
    assert row["agreed_on"].date() == date(2025, 9, 1) and row["revisited_on"].date() == date(
        2025, 11, 1
    )


def test_facilitator_rotates_to_the_member_after_the_last_meetings_facilitator(db):
    team = ws.add_team(db, "Grade 3 Team")
    assert ws.next_facilitator(db, team) is None
    for name in ("Ana", "Ben", "Cal"):
        ws.add_member(db, team, name, "Teacher")
    assert ws.next_facilitator(db, team) == "Ana"
    ws.save_meeting(db, team, date(2025, 9, 2), "Ana", next_step="Bring exit tickets")
    assert ws.next_facilitator(db, team) == "Ben"
    ws.save_meeting(db, team, date(2025, 9, 9), "Cal", next_step="Reteach")
    assert ws.next_facilitator(db, team) == "Ana"


def test_meeting_needs_a_next_step_and_links_to_the_teams_goal(db):
    team = ws.add_team(db, "Grade 3 Team")
    with pytest.raises(UserError, match="next step"):
        ws.save_meeting(db, team, date(2025, 9, 2), learn="Main idea")
    db.rows(
        "INSERT INTO goal (team_id, assessment_id, skill, metric, baseline_administration_id)"
        " VALUES (?, 1, 'Main idea', 'pct_proficient', 1)",
        [team],
    )
    goals = ws.team_goals(db, team)
    assert len(goals) == 1 and "Main idea" in goals.loc[0, "label"]
    meeting = ws.save_meeting(
        db,
        team,
        date(2025, 9, 2),
        "Ana",
        goal_id=goals.loc[0, "id"],
        learn="Main idea",
        know="Exit ticket",
        not_yet="Small group",
        already="Compare texts",
        next_step="Bring five exit tickets",
        next_step_who="Everyone",
        next_step_by=date(2025, 9, 9),
    )
    saved = ws.meetings(db, team).iloc[0]
    assert saved["id"] == meeting and saved["goal_id"] == goals.loc[0, "id"]
    assert (saved["learn"], saved["already"], saved["next_step"]) == (
        "Main idea",
        "Compare texts",
        "Bring five exit tickets",
    )
    ws.save_meeting(db, team, date(2025, 9, 2), "Ana", meeting_id=meeting, next_step="Changed")
    assert ws.meetings(db, team)["next_step"].tolist() == ["Changed"]


def test_removing_a_member_can_be_undone(db):
    team = ws.add_team(db, "Grade 3 Team")
    ws.add_member(db, team, "Ana", "Teacher")
    removed = ws.remove_member(db, team, "Ana")
    assert ws.members(db, team).empty
    ws.restore(db, removed)
    assert ws.members(db, team)["name"].tolist() == ["Ana"]


def test_stage_supports_list_every_stage_with_the_schools_support(db):
    ws.save_stage_support(db, "forming", "Coach co-facilitates")
    frame = ws.stage_supports(db)
    assert frame["stage"].tolist() == list(ws.STAGES)
    assert frame.set_index("stage").loc["forming", "support"] == "Coach co-facilitates"


# -- theory of action --------------------------------------------------------------------


def test_theory_statement_reads_if_then_which_will_lead_to(db):
    toa = ws.add_theory(db, "Enabling work structures")
    assert ws.theory_statement(ws.theory(db, toa)) is None
    ws.save_theory(db, toa, if_we="protect team time.", then_="teams study work", lead_to="growth")
    assert ws.theory_statement(ws.theory(db, toa)) == (
        "If we protect team time, then teams study work, which will lead to growth."
    )


def test_theory_decision_must_be_revisit_or_move_on(db):
    toa = ws.add_theory(db, "Orientation to improve")
    with pytest.raises(UserError):
        ws.save_theory(db, toa, decision="give up")
    ws.save_theory(db, toa, results="Meetings held 5 of 6 weeks", decision="next_condition")
    steps = {name: done for name, done, _ in ws.theory_progress(db, toa)}
    assert steps["Impact"] is True and steps["Purpose map"] is False


def test_deleting_a_theory_takes_its_actions_and_undo_brings_both_back(db):
    toa = ws.add_theory(db, "Supportive administration")
    ws.add_toa_action(
        db, toa, "Draft rota", date(2025, 10, 1), "Lead", "Rota shared", date(2025, 9, 1)
    )
    removed = ws.delete_theory(db, toa)
    assert ws.theories(db).empty and ws.toa_actions(db, toa).empty
    ws.restore(db, removed)
    assert ws.theory(db, toa)["condition"] == "Supportive administration"
    assert ws.toa_actions(db, toa)["what"].tolist() == ["Draft rota"]


def test_action_start_after_due_date_is_refused(db):
    toa = ws.add_theory(db, "Supportive administration")
    with pytest.raises(UserError, match="after"):
        ws.add_toa_action(db, toa, "Draft", date(2025, 9, 1), starts_on=date(2025, 10, 1))


# -- survey anonymity and suppression --------------------------------------------------------


def test_survey_stores_no_respondent_no_time_and_no_individual_rows(db):
    round_id = ws.open_round(db, "Fall", date(2025, 10, 1))
    ws.submit_survey(db, round_id, all_answers(4))
    columns = set(db.query("SELECT * FROM survey_tally LIMIT 0").columns)
    assert columns == {"round_id", "item", "value", "answers"}
    round_columns = set(db.query("SELECT * FROM survey_round LIMIT 0").columns)
    assert not {c for c in round_columns if "time" in c or "who" in c or "user" in c}
    # Only counters: one row per (item, value) whether 1 or 100 people answered.
    before = db.scalar("SELECT count(*) FROM survey_tally")
    ws.submit_survey(db, round_id, all_answers(2))
    assert db.scalar("SELECT count(*) FROM survey_tally") == before == len(ws.SURVEY_ITEMS) * 5


def test_submit_survey_returns_nothing_that_could_identify_the_response(db):
    round_id = ws.open_round(db, "Fall")
    assert ws.submit_survey(db, round_id, all_answers(3)) is None


def test_survey_results_hide_open_rounds(db):
    round_id = ws.open_round(db, "Fall")
    for _ in range(config.MIN_GROUP_SIZE + 2):
        ws.submit_survey(db, round_id, all_answers(4))
    assert ws.survey_results(db).empty and ws.survey_area_results(db).empty
    ws.close_round(db, round_id)
    assert not ws.survey_results(db).empty


def test_survey_results_are_suppressed_under_the_minimum_group_size(db):
    round_id = ws.open_round(db, "Fall")
    for _ in range(config.MIN_GROUP_SIZE - 1):
        ws.submit_survey(db, round_id, all_answers(5))
    ws.close_round(db, round_id)
    for frame in (ws.survey_results(db), ws.survey_area_results(db)):
        assert frame["suppressed"].all()
        assert frame["mean"].isna().all() and frame["pct_agree"].isna().all()
        assert (frame["n"] == config.MIN_GROUP_SIZE - 1).all()


def test_survey_results_give_aggregates_with_n_at_the_minimum_group_size(db):
    round_id = ws.open_round(db, "Fall")
    for n in range(config.MIN_GROUP_SIZE):
        ws.submit_survey(db, round_id, all_answers(5 if n < 4 else 2))
    ws.close_round(db, round_id)
    items = ws.survey_results(db)
    assert len(items) == len(ws.SURVEY_ITEMS)
    first = items.iloc[0]
    assert first["item"] == "trust_safe" and first["area_label"] == "Trust"
    assert first["n"] == 10 and not first["suppressed"]
    assert first["mean"] == pytest.approx((4 * 5 + 6 * 2) / 10)
    assert first["pct_agree"] == pytest.approx(40.0)
    areas = ws.survey_area_results(db)
    assert areas["area"].tolist() == list(ws.SURVEY_AREAS)
    assert (areas["n"] == 10).all()


def test_latest_statement_results_skip_suppressed_rounds(db):
    big = ws.open_round(db, "Fall", date(2025, 10, 1))
    for _ in range(config.MIN_GROUP_SIZE):
        ws.submit_survey(db, big, all_answers(4))
    ws.close_round(db, big)
    small = ws.open_round(db, "Winter", date(2026, 1, 10))
    ws.submit_survey(db, small, all_answers(1))
    ws.close_round(db, small)
    label, rows = ws.latest_statement_results(db)
    assert label == "Fall" and len(rows) == len(ws.SURVEY_ITEMS)
    assert (rows["mean"] == 4.0).all()


def test_survey_results_never_carry_per_person_columns(db):
    round_id = ws.open_round(db, "Fall")
    for _ in range(12):
        ws.submit_survey(db, round_id, all_answers(4))
    ws.close_round(db, round_id)
    for frame in (ws.survey_results(db), ws.survey_area_results(db)):
        assert not {"value", "answers", "respondent"} & set(frame.columns)


def test_closed_round_takes_no_more_answers(db):
    round_id = ws.open_round(db, "Fall")
    ws.close_round(db, round_id)
    with pytest.raises(UserError, match="closed"):
        ws.submit_survey(db, round_id, all_answers(3))


def test_incomplete_or_out_of_scale_answers_are_refused_and_nothing_counted(db):
    round_id = ws.open_round(db, "Fall")
    partial = all_answers(3)
    partial.pop("cte_lift")
    with pytest.raises(UserError, match="Answer every statement"):
        ws.submit_survey(db, round_id, partial)
    with pytest.raises(UserError):
        ws.submit_survey(db, round_id, {**all_answers(3), "cte_lift": 6})
    assert ws.rounds(db).loc[0, "responses"] == 0
    assert db.scalar("SELECT sum(answers) FROM survey_tally") == 0


def test_round_names_are_unique(db):
    ws.open_round(db, "Fall")
    with pytest.raises(UserError, match="already"):
        ws.open_round(db, "fall")


def test_deleting_a_round_can_be_undone_with_its_counts(db):
    round_id = ws.open_round(db, "Fall")
    ws.submit_survey(db, round_id, all_answers(4))
    removed = ws.delete_round(db, round_id)
    assert ws.rounds(db).empty and db.scalar("SELECT count(*) FROM survey_tally") == 0
    ws.restore(db, removed)
    assert ws.rounds(db).loc[0, "responses"] == 1
    assert db.scalar("SELECT sum(answers) FROM survey_tally") == len(ws.SURVEY_ITEMS)


# -- report and demo -----------------------------------------------------------------------


def test_report_sections_cover_every_workspace_and_escape_text(db):
    ws.save_vision(db, statement="<script>alert(1)</script> & more")
    sections = ws.report_sections(db)
    assert [t for t, _ in sections] == [
        "Vision and values",
        "Teams and norms",
        "Theory of action",
        "Collaboration health",
    ]
    vision_html = sections[0][1]
    assert (
        "<script>" not in vision_html
        and "&lt;script&gt;" in vision_html
        and "&amp; more" in vision_html
    )


def test_report_shows_suppressed_rounds_without_numbers(db):
    round_id = ws.open_round(db, "Fall")
    for _ in range(3):
        ws.submit_survey(db, round_id, all_answers(1))
    ws.close_round(db, round_id)
    health = dict(ws.report_sections(db))["Collaboration health"]
    assert "fewer than 10 responses" in health and "1.00" not in health


def test_seed_demo_fills_a_partly_completed_workspace_once(db):
    ws.seed_demo(db)
    ws.seed_demo(db)
    assert len(ws.stakeholders(db)) == 6
    steps = {name: done for name, done, _ in ws.vision_progress(db)}
    assert steps["Stakeholders named"] and not steps["Agreed statement"]
    assert len(ws.teams(db)) >= 1 and len(ws.theories(db)) == 1
    areas = ws.survey_area_results(db)
    assert areas["suppressed"].any() and (~areas["suppressed"]).any()
    assert len(ws.open_rounds(db)) == 1
    assert all(html for _, html in ws.report_sections(db))


def test_seed_demo_uses_the_demo_schools_existing_teams(db):
    team = ws.add_team(db, "Kindergarten Team")
    ws.seed_demo(db)
    assert ws.teams(db)["name"].tolist() == ["Kindergarten Team"]
    assert len(ws.members(db, team)) == 3
