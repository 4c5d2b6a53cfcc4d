"""In a real browser: open the app, go to Upload results, drop a tracker, import it, see the counts."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import wait_for_app
from tests.tracker_factory import tracker_xlsx


@pytest.mark.e2e
def test_upload_a_tracker_and_import_it_in_the_browser(app_server, page, tmp_path) -> None:
    tracker = tmp_path / "grade3_cfa.xlsx"
    tracker.write_bytes(tracker_xlsx(12))

    page.goto(app_server.url)
    wait_for_app(page)
    page.get_by_role("link", name="Upload results").first.click()
    wait_for_app(page)
    page.get_by_role("heading", name="Upload results").wait_for()

    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(tracker))
    page.get_by_text("Teacher tracker (detected)").wait_for()
    wait_for_app(page)
    students_tile = page.locator('[data-testid="stMetric"]').filter(has_text="Students")
    assert "12" in students_tile.first.inner_text()

    page.get_by_label("or a new team").fill("Grade 3")
    page.get_by_label("Your name").fill("Ms Lee")
    page.get_by_role("button", name=re.compile(r"^Import 1 file")).click()
    page.get_by_text("imported 12 students, 24 scores").wait_for()
    wait_for_app(page)

    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("grade3_cfa.xlsx").first.is_visible()  # in the upload history


@pytest.mark.e2e
def test_see_our_results_opens_data_review_on_the_import(app_server, page, tmp_path) -> None:
    """After an import, one button opens Data review on that team, assessment and window."""
    tracker = tmp_path / "grade5_cfa.xlsx"
    tracker.write_bytes(tracker_xlsx(12, period="Period 5", seed=5))
    page.goto(f"{app_server.url}/upload")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(tracker))
    page.get_by_text("Teacher tracker (detected)").wait_for()
    wait_for_app(page)
    page.get_by_label("or a new team").fill("Grade 5")
    page.get_by_label("Your name").fill("Mr Diaz")
    page.get_by_role("button", name=re.compile(r"^Import 1 file")).click()
    page.get_by_role("button", name="See our results").click()
    page.get_by_role("heading", name="Data review").wait_for()
    wait_for_app(page)

    caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first
    # that team, the tracker's own assessment (named by its title) and its one testing window
    assert caption.inner_text().startswith("Grade 5 · Grade 3 Unit 4 CFA - Period 5 · ")
    assert "Oct 2025" in caption.inner_text() or "2025-10-14" in caption.inner_text()
    sidebar = page.locator('[data-testid="stSidebar"]')
    team = sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Team")
    assert team.locator('input[role="combobox"]').first.input_value() == "Grade 5"
    assert page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]').count() > 0
    assert page.locator('[data-testid="stException"]').count() == 0
