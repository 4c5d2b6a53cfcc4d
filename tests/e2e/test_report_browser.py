"""The HTML report opens from a file, with no server, and draws every chart."""

from __future__ import annotations

import pytest

from collabplan.reports import html
from tests.progress_data import add_goal, load_school


@pytest.mark.e2e
def test_html_report_draws_its_charts_in_chromium(db, tmp_path, page):
    school = load_school(db)
    add_goal(db, school, target=85.0)
    add_goal(db, school, skill="Fluency", metric="pct_below_proficient", target=5.0)
    path = tmp_path / "report.html"
    path.write_text(html.html_report(db), encoding="utf-8")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
               else route.continue_())   # prove it needs nothing from a network
    page.goto(path.as_uri())
    charts = page.locator(".chart .js-plotly-plot")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
    assert charts.count() == 3
    assert page.locator(".js-plotly-plot").evaluate_all(
        "els => els.every(el => el.querySelector('.main-svg') && el.querySelectorAll('.scatterlayer .trace, .barlayer .trace').length > 0)")
    # the progress chart's points are drawn, and its hover text is there to show
    assert page.locator(".js-plotly-plot .scatterlayer .point").count() >= 6
    assert not errors
