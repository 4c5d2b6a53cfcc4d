"""The staff-meeting lock in a real browser on the demo school: the locked link, a second
tab to another page with the link's parameters, a page reached through the menu, a tab opened
from that page's address and a tab opened with no parameters at all all stay in projection
mode: the switch is disabled and no student is named."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest

from collabplan import db as db_module
from collabplan import present_lock
from tests.e2e.conftest import RUN_TIMEOUT_MS, AppServer, _start_app, _stop, wait_for_app

pytestmark = pytest.mark.e2e


@pytest.fixture
def locked_demo(tmp_path_factory, demo_file) -> Iterator[tuple[AppServer, str, list[str]]]:
    """The demo school behind a running app, a valid lock token, and every student's names."""
    folder = tmp_path_factory.mktemp("lock")
    shutil.copy(demo_file, folder / "e2e.duckdb")
    db = db_module.connect(folder / "e2e.duckdb")
    token = present_lock.mint(db, "lead@school.example")
    names = {v.strip() for (v,) in db.rows(
        "SELECT display_name FROM student UNION SELECT local_id FROM student") if v}
    db.close()
    assert len(names) > 100
    server = _start_app(folder)
    try:
        yield server, token, sorted(names)
    finally:
        _stop(server.process)


def _switch(page):
    return page.locator('[data-testid="stSidebar"] label:has-text("Projection mode") input').first


def _assert_locked(page, names: list[str], where: str) -> None:
    wait_for_app(page)
    switch = _switch(page)
    assert switch.is_checked(), f"{where}: projection mode is off"
    assert switch.is_disabled(), f"{where}: the projection switch can be turned off"
    text = page.inner_text("body")
    assert "Locked for the staff meeting" in text, where
    shown = [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)]
    assert not shown, f"{where} names students: {shown[:5]}"


def _open(context, url: str):
    tab = context.new_page()
    tab.set_default_timeout(RUN_TIMEOUT_MS)
    tab.goto(url)
    wait_for_app(tab)
    return tab


def test_every_tab_from_a_locked_link_stays_in_projection_mode(locked_demo, browser):
    server, token, names = locked_demo
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        link = f"{server.url}/staff_meeting?present=1&lock={token}"
        first = _open(context, link)
        _assert_locked(first, names, "the locked link")

        second = _open(context, f"{server.url}/students?present=1&lock={token}")
        _assert_locked(second, names, "a second tab with the link's parameters")
        assert "hidden in projection mode" in second.inner_text("body")

        # moving inside the app keeps the lock in the address ...
        first.locator('[data-testid="stSidebarNav"]').get_by_text("Students by skill").click()
        first.wait_for_url(re.compile(r"/students\?"), timeout=RUN_TIMEOUT_MS)
        _assert_locked(first, names, "a page reached through the menu")
        assert f"lock={token}" in first.url
        # ... so a tab opened from that address is locked too
        _assert_locked(_open(context, first.url), names, "a tab from the moved-to address")

        # a tab opened without any parameter: the lock cookie of this browser keeps it on
        bare = _open(context, f"{server.url}/students")
        _assert_locked(bare, names, "a tab opened without the link's parameters")
        assert "hidden in projection mode" in bare.inner_text("body")
    finally:
        context.close()

    # another browser (no link, no cookie) is not locked: the checks above can tell
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        free = _open(other, f"{server.url}/students")
        assert not _switch(free).is_disabled()
        assert "Locked for the staff meeting" not in free.inner_text("body")
    finally:
        other.close()


def test_an_expired_link_says_so_and_keeps_the_tab_projected(locked_demo, page):
    server, _token, names = locked_demo
    page.goto(f"{server.url}/students?present=1&lock=expired-or-made-up-token-123")
    wait_for_app(page)
    page.wait_for_timeout(1500)   # a fresh server's first page reroutes once (ui.page_setup)
    wait_for_app(page)
    text = page.inner_text("body")
    assert "This staff-meeting link is not valid" in text
    assert "hidden in projection mode" in text
    assert _switch(page).is_checked()
    assert not [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)]
