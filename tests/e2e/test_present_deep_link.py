"""?present=1 must hide students even when a page is the first thing a fresh server serves."""

from __future__ import annotations

import pytest

from collabplan import db as db_module
from tests.e2e.conftest import _start_app, _stop, wait_for_app
from tests.progress_data import add_goal, load_school


@pytest.mark.e2e
@pytest.mark.xfail(strict=True, reason=(
    "a deep link opened before any session has run app.py is served by Streamlit's legacy "
    "pages/ discovery: app.py (and ui.init_projection_mode) never runs, so ?present=1 is "
    "ignored; fix in app.py / the pages folder, then drop this mark"))
def test_deep_link_with_present_hides_names_on_a_fresh_server(tmp_path, page):
    path = tmp_path / "e2e.duckdb"
    db = db_module.connect(path)
    school = load_school(db)
    add_goal(db, school)
    db_module._OPEN.pop(str(path), None)
    db._con.close()
    server = _start_app(tmp_path)
    try:
        page.goto(f"{server.url}/students?present=1")
        wait_for_app(page)
        page.wait_for_timeout(1500)
        text = page.inner_text("body")
        assert "Students by skill" in text
        # the student tables draw on a canvas, so read the page's own words: in projection
        # mode it says the lists are hidden, and the session's projection switch is locked on
        assert "hidden in projection mode" in text
        leaks = [n for n in school.names + school.local_ids if n in text]
        assert not leaks, leaks[:5]
    finally:
        _stop(server.process)
