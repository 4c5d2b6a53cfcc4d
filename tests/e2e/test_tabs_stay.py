"""In a real browser: a save on a later step of a guide leaves the team on that step.

The save's message appears above the tabs and the page reruns; without keyed tabs Streamlit
redrew them with the first step open, sending the team back to step 1 after every save.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import _start_app, _stop, wait_for_app


@pytest.mark.e2e
def test_a_save_on_the_norms_step_stays_on_the_norms_step(tmp_path: Path, demo_file: Path,
                                                          page) -> None:
    shutil.copy(demo_file, tmp_path / "e2e.duckdb")
    server = _start_app(tmp_path)
    try:
        page.goto(f"{server.url}/teams")
        wait_for_app(page)
        page.get_by_role("tab", name="2 · Norms").click()
        wait_for_app(page)
        panel = page.locator('[role="tabpanel"]:visible')
        panel.get_by_role("textbox", name="Norm", exact=True).fill("We bring student work to every meeting.")
        panel.get_by_role("button", name="Add the norm").click()
        wait_for_app(page)
        page.get_by_text("Norm added.").first.wait_for()
        selected = page.get_by_role("tab", selected=True)
        assert selected.inner_text().strip() == "2 · Norms"
        # the new norm is in the open step's table (its cells are drawn on a canvas; their text
        # is in the grid's hidden cells a moment later)
        visible = page.locator('[role="tabpanel"]:visible')
        visible.get_by_text("We bring student work to every meeting.").first.wait_for(
            state="attached")
    finally:
        _stop(server.process)
