"""In a real browser, on the demo school: the coach picks a skill by its row in the table,
sees where it lags, and opens that team's Data review on that assessment, window and skill
(the address carries the choice)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import _start_app, _stop, wait_for_app


def _no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def _skill_box(page) -> str:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Skill").last
    return box.locator('input[role="combobox"]').first.input_value().strip()


@pytest.mark.e2e
def test_a_row_opens_the_skill_and_its_teams_review(tmp_path: Path, demo_file: Path,
                                                    page) -> None:
    shutil.copy(demo_file, tmp_path / "e2e.duckdb")
    server = _start_app(tmp_path)
    try:
        page.goto(f"{server.url}/coach")
        wait_for_app(page)
        _no_exception(page)
        first = _skill_box(page)
        # pick the second row of the table (the row-marker column at its left edge)
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 12, box["y"] + 35 * 2 + 17)
        wait_for_app(page)
        _no_exception(page)
        picked = _skill_box(page)
        assert picked and picked != first
        page.get_by_role("heading", name=picked).first.wait_for()

        page.get_by_role("button", name="Open in Data review").first.click()
        wait_for_app(page)
        _no_exception(page)
        query = parse_qs(urlparse(page.url).query)
        assert urlparse(page.url).path.endswith("/review")
        assert {"team", "assessment", "window", "skill"} <= set(query)
        page.get_by_text("Opened from the coach view on").first.wait_for()
        caption = page.locator('[data-testid="stCaptionContainer"]').first.inner_text()
        assert not caption.startswith("All teams")
    finally:
        _stop(server.process)
