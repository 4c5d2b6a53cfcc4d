"""The demo school's planning workspace."""

from __future__ import annotations

from collabplan.reports.workspace import workspace_sections
from collabplan.samples.demo_workspace import seed_workspace
from collabplan.workspace import survey, teams, theory, vision


def test_seed_workspace_fills_a_partly_completed_workspace_once(db):
    seed_workspace(db)
    seed_workspace(db)
    assert len(vision.stakeholders(db)) == 6
    steps = {name: done for name, done, _ in vision.vision_progress(db)}
    assert steps["Stakeholders named"] and not steps["Agreed statement"]
    assert len(teams.teams(db)) >= 1 and len(theory.theories(db)) == 1
    areas = survey.survey_area_results(db)
    assert areas["suppressed"].any() and (~areas["suppressed"]).any()
    assert len(survey.open_rounds(db)) == 1
    assert all(html for _, html in workspace_sections(db))


def test_seed_workspace_uses_the_demo_schools_existing_teams(db):
    team = teams.add_team(db, "Kindergarten Team")
    seed_workspace(db)
    assert teams.teams(db)["name"].tolist() == ["Kindergarten Team"]
    assert len(teams.members(db, team)) == 3
