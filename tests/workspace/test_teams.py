"""Teams: protected time and stage, norms, the facilitator rotation, meetings, members."""

from __future__ import annotations

from datetime import date

import pytest

from collabplan.errors import UserError
from collabplan.workspace import store, teams


def test_team_workspace_saves_time_and_stage_per_team(db):
    team = teams.add_team(db, "Grade 3 Team", "3", "Reading")
    teams.save_team_workspace(db, team, "Tuesdays 2:45", 45, "norming")
    assert teams.team_workspace(db, team) == {
        "protected_time": "Tuesdays 2:45",
        "minutes_per_week": 45,
        "stage": "norming",
    }
    with pytest.raises(UserError):
        teams.save_team_workspace(db, team, None, None, "storming")


def test_norms_are_revisited_with_a_date(db):
    team = teams.add_team(db, "Grade 3 Team")
    norm = teams.add_norm(db, team, "Start on time.", date(2025, 9, 1))
    teams.revisit_norm(db, norm, "Start and end on time.", date(2025, 11, 1))
    row = teams.norms(db, team).iloc[0]
    assert row["body"] == "Start and end on time."
    assert row["agreed_on"].date() == date(2025, 9, 1) and row["revisited_on"].date() == date(
        2025, 11, 1
    )


def test_facilitator_rotates_to_the_member_after_the_last_meetings_facilitator(db):
    team = teams.add_team(db, "Grade 3 Team")
    assert teams.next_facilitator(db, team) is None
    for name in ("Ana", "Ben", "Cal"):
        teams.add_member(db, team, name, "Teacher")
    assert teams.next_facilitator(db, team) == "Ana"
    teams.save_meeting(db, team, date(2025, 9, 2), "Ana", next_step="Bring exit tickets")
    assert teams.next_facilitator(db, team) == "Ben"
    teams.save_meeting(db, team, date(2025, 9, 9), "Cal", next_step="Reteach")
    assert teams.next_facilitator(db, team) == "Ana"


def test_meeting_needs_a_next_step_and_links_to_the_teams_goal(db):
    team = teams.add_team(db, "Grade 3 Team")
    with pytest.raises(UserError, match="next step"):
        teams.save_meeting(db, team, date(2025, 9, 2), learn="Main idea")
    db.rows(
        "INSERT INTO goal (team_id, assessment_id, skill, metric, baseline_administration_id)"
        " VALUES (?, 1, 'Main idea', 'pct_proficient', 1)",
        [team],
    )
    goals = teams.team_goals(db, team)
    assert len(goals) == 1 and "Main idea" in goals.loc[0, "label"]
    meeting = teams.save_meeting(
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
    saved = teams.meetings(db, team).iloc[0]
    assert saved["id"] == meeting and saved["goal_id"] == goals.loc[0, "id"]
    assert (saved["learn"], saved["already"], saved["next_step"]) == (
        "Main idea",
        "Compare texts",
        "Bring five exit tickets",
    )
    teams.save_meeting(db, team, date(2025, 9, 2), "Ana", meeting_id=meeting, next_step="Changed")
    assert teams.meetings(db, team)["next_step"].tolist() == ["Changed"]


def test_removing_a_member_can_be_undone(db):
    team = teams.add_team(db, "Grade 3 Team")
    teams.add_member(db, team, "Ana", "Teacher")
    removed = teams.remove_member(db, team, "Ana")
    assert teams.members(db, team).empty
    store.restore(db, removed)
    assert teams.members(db, team)["name"].tolist() == ["Ana"]


def test_stage_supports_list_every_stage_with_the_schools_support(db):
    teams.save_stage_support(db, "forming", "Coach co-facilitates")
    frame = teams.stage_supports(db)
    assert frame["stage"].tolist() == list(teams.STAGES)
    assert frame.set_index("stage").loc["forming", "support"] == "Coach co-facilitates"
