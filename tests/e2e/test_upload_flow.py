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
