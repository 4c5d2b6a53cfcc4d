"""?present=1 must hold even when a page is the first thing a fresh server serves.

Streamlit's legacy pages/ mode would run a deep-linked page without app.py (no router, no
projection-mode set-up); every page calls ``ui.page_setup()`` to leave that mode first.
"""

from __future__ import annotations

import pytest

from collabplan import db as db_module
from tests.e2e.conftest import _start_app, _stop, wait_for_app
from tests.progress_data import add_goal, load_school


def _fresh_server_text(tmp_path, page, path: str) -> tuple[str, object]:
    db_file = tmp_path / "e2e.duckdb"
    db = db_module.connect(db_file)
    school = load_school(db)
    add_goal(db, school)
    db.close()
    server = _start_app(tmp_path)
    try:
        page.goto(f"{server.url}/{path}")
        wait_for_app(page)
        page.wait_for_timeout(1500)
        wait_for_app(page)
        return page.inner_text("body"), school
    finally:
        _stop(server.process)


@pytest.mark.e2e
def test_staff_meeting_deep_link_runs_inside_the_router_on_a_fresh_server(tmp_path, page):
    text, _ = _fresh_server_text(tmp_path, page, "staff_meeting?present=1")
    assert "How our goals are going" in text
    assert "Projection mode" in text          # app.py's sidebar ran: the session is locked on
    assert "Reports & exports" in text        # the router's menu, not the legacy file list


@pytest.mark.e2e
def test_students_deep_link_with_present_hides_lists_on_a_fresh_server(tmp_path, page):
    text, school = _fresh_server_text(tmp_path, page, "students?present=1")
    assert "Students by skill" in text
    # the student tables draw on a canvas, so read the page's own words instead
    assert "hidden in projection mode" in text
    assert not [n for n in school.names + school.local_ids if n in text]
