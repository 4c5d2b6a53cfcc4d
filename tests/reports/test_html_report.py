"""The HTML report: every goal, plotly.js once inline, escaped text, the workspace sections."""

from __future__ import annotations

import re

from markupsafe import Markup

from collabplan.reports import html
from tests.progress_data import expected, school_with_goals


def test_html_report_has_every_goal_and_plotly_once_inline(db):
    school, met, behind = school_with_goals(db)
    text = html.html_report(db)
    # one chart per goal plus the summary; plotly.js inline exactly once, nothing fetched
    assert text.count('class="chart"') == 3
    assert len(re.findall(r"\* plotly\.js v\d", text)) == 1
    assert "<script src=" not in text
    assert "Grade 3 team: Vocabulary ★" in text and "Grade 3 team: Fluency" in text
    assert "Share word walls with grade 4" in text
    assert "Daily word wall &lt;b&gt;routine&lt;/b&gt;" in text     # escaped, not markup
    assert "regroup weekly" in text
    value, _ = expected(school, "MAP Reading", "Spring", "Vocabulary")
    assert f"{value:.1f}%".replace(".0%", "%") in text
    for name in school.names[:6] + school.local_ids[:3]:
        assert name not in text


def test_html_report_includes_workspace_sections(db, monkeypatch):
    school_with_goals(db)
    # the sections come rendered (and escaped) by the workspace templates
    monkeypatch.setattr(html, "workspace_sections",
                        lambda _db: [("Theory of action", Markup("<p>If we model, then they read.</p>"))])
    text = html.html_report(db)
    assert "<h2>Theory of action</h2><p>If we model, then they read.</p>" in text


def test_html_report_without_goals_says_what_to_do(db):
    text = html.html_report(db)
    assert "No goals yet" in text and 'class="chart"' not in text


def test_html_report_says_the_gap_in_words_and_a_changed_baseline(db):
    from collabplan.goals.model import set_status

    school, met, behind = school_with_goals(db)
    text = html.html_report(db)
    assert "Share of the gap closed: 100% of the gap: past the target" in text
    shares = [int(n) for n in re.findall(r"(-?\d+)% of the gap", text)]
    assert shares and all(0 <= n <= 100 for n in shares)
    # freeze the behind goal, then a later upload moves its baseline window
    with db.transaction() as cur:
        cur.execute("UPDATE goal SET status = 'refined' WHERE id = ?", [behind])
    set_status(db, behind, "active")
    with db.transaction() as cur:
        cur.execute("UPDATE goal SET baseline_value = baseline_value - 5 WHERE id = ?", [behind])
    text = html.html_report(db)
    assert "The baseline agreed when the goal was posted is" in text
    assert "the data now says" in text


def test_html_report_shows_the_teams_focus_ratings_beside_the_goal(db):
    from collabplan.access import Viewer
    from collabplan.goals import focus

    school, met, behind = school_with_goals(db)
    assert "chosen focus" not in html.html_report(db)
    with db.transaction() as cur:  # ratings as the focus step saves them (any skill it scored)
        for skill, interest, capacity in (("Vocabulary", 5, 4), ("Fluency", 2, 3)):
            cur.execute("INSERT INTO focus_rating (team_id, assessment_id, skill, interest,"
                        " capacity) VALUES (?, ?, ?, ?, ?)",
                        [school.team_id, school.benchmark_id, skill, interest, capacity])
        cur.execute("INSERT INTO focus_choice (team_id, assessment_id, skill, administration_id)"
                    " VALUES (?, ?, 'Vocabulary', ?)",
                    [school.team_id, school.benchmark_id, school.windows[("MAP Reading", "Fall")]])
    text = html.html_report(db, viewer=Viewer.local_user())
    assert ("The team&#39;s chosen focus: interest 5 and capacity for growth 4 (of 5), among "
            "2 skills the team rated.") in text
    assert ("Rated by the team when choosing a focus: interest 2 and capacity for growth 3 "
            "(of 5)") in text
    assert focus.focus_for_goal(db, school.team_id, school.benchmark_id, "Fluency")["chosen"] is False
