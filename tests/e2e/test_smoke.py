"""The app starts and its home page renders in a real browser."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app


@pytest.mark.e2e
def test_home_page_renders_in_browser(app_server, page) -> None:
    page.goto(app_server.url)
    wait_for_app(page)
    assert page.locator('[data-testid="stApp"]').count() == 1
    assert page.get_by_text("collabplan").first.is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
