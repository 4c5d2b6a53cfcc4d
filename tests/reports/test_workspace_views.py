"""The workspace views in the goal report: every workspace, escaped, suppression kept."""

from __future__ import annotations

from collabplan.reports.workspace import workspace_sections
from collabplan.workspace import survey, vision


def all_answers(value: int) -> dict[str, int]:
    return {item: value for item in survey.SURVEY_ITEMS}


def test_report_sections_cover_every_workspace_and_escape_text(db):
    vision.save_vision(db, statement="<script>alert(1)</script> & more")
    sections = workspace_sections(db)
    assert [t for t, _ in sections] == [
        "Vision and values",
        "Teams and norms",
        "Theory of action",
        "Collaboration structures",
        "Collaboration health",
        "The school year",
    ]
    vision_html = sections[0][1]
    assert (
        "<script>" not in vision_html
        and "&lt;script&gt;" in vision_html
        and "&amp; more" in vision_html
    )


def test_report_shows_suppressed_rounds_without_numbers(db):
    round_id = survey.open_round(db, "Fall")
    for _ in range(3):
        survey.submit_survey(db, round_id, all_answers(1))
    survey.close_round(db, round_id)
    health = dict(workspace_sections(db))["Collaboration health"]
    assert "fewer than 10 responses" in health and "1.00" not in health


def test_report_school_year_lists_every_item_by_month_as_text(demo_db):
    from collabplan.year import calendar, plan

    team_id = int(demo_db.scalar("SELECT min(id) FROM team"))
    plan.add_share(demo_db, team_id, "2026-03-04", "<b>Our</b> & routine")
    year = dict(workspace_sections(demo_db))["The school year"]
    assert "&lt;b&gt;Our&lt;/b&gt; &amp; routine" in year and "<b>Our</b>" not in year
    assert "March staff meeting" in year
    for item in calendar.items(demo_db, None):
        assert f"{item.on:%B %Y}" in year
    assert "January 2026" in year and "Mid-year, with leadership" in year
