"""The HTML report and the goals workbook."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl

from collabplan import report
from collabplan.goals import actions, signposts
from tests.progress_data import add_goal, expected, load_school


def _school_with_goals(db):
    school = load_school(db)
    latest, _ = expected(school, "MAP Reading", "Spring", "Vocabulary")
    met = add_goal(db, school, target=latest - 1, what_worked="=HYPERLINK(\"http://x\")",
                   next_step="Share word walls with grade 4")
    behind = add_goal(db, school, skill="Fluency", target=99.0)
    actions.add_action(db, met, what="Daily word wall <b>routine</b>", who="Ms Lee", status="done")
    signposts.add_signpost(db, behind, dt.date(2026, 2, 1), how_going="slow start",
                           resources="-1 extra coach hour", decisions="regroup weekly")
    return school, met, behind


def test_html_report_has_every_goal_and_plotly_once_inline(db):
    school, met, behind = _school_with_goals(db)
    text = report.html_report(db)
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
    _school_with_goals(db)
    monkeypatch.setattr(report, "workspace_sections",
                        lambda _db: [("Theory of action", "<p>If we model, then they read.</p>")])
    text = report.html_report(db)
    assert "<h2>Theory of action</h2><p>If we model, then they read.</p>" in text


def test_html_report_without_goals_says_what_to_do(db):
    text = report.html_report(db)
    assert "No goals yet" in text and 'class="chart"' not in text


def test_goals_workbook_is_formula_safe_with_checkpoints(db):
    school, met, behind = _school_with_goals(db)
    wb = openpyxl.load_workbook(io.BytesIO(report.goals_xlsx(db)))
    assert wb.sheetnames == ["Goals", "Checkpoints", "Signposts"]
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    goals_ws = wb["Goals"]
    header = [c.value for c in goals_ws[1]]
    worked = [r[header.index("what worked")] for r in goals_ws.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in worked
    cp = wb["Checkpoints"]
    head = [c.value for c in cp[1]]
    rows = [dict(zip(head, r, strict=True)) for r in cp.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 6   # two goals × (baseline + two checkpoints)
    winter = next(r for r in rows if r["skill"] == "Fluency" and r["window"] == "Winter 2026")
    assert (winter["value %"], winter["students"]) == expected(school, "MAP Reading", "Winter", "Fluency")
    assert winter["on track"] in ("yes", "no")
    posts = list(wb["Signposts"].iter_rows(min_row=2, values_only=True))
    assert posts[0][3] == "'-1 extra coach hour"
