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
