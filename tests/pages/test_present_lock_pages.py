"""The staff-meeting lock under AppTest: the switch cannot leave projection mode, every page
opened with the lock is in projection mode (no student named), a bad or expired token does
nothing harmful and says so in one line, and only a deliberate unlock ends it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.errors import AppTestError

from collabplan import db as db_module
from collabplan import present_lock, ui
from collabplan.access import Viewer
from collabplan.ui import present
from tests.pages.test_privacy_walk import PAGES, _assert_private, _forbidden

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def run(at: AppTest) -> AppTest:
    """Run through app.py's router, as a browser's run is.

    AppTest drops back into Streamlit's legacy pages mode on every run, where a page runs
    without app.py (``ui.page_setup`` reroutes once per session); asking it to reroute each
    time keeps the sidebar and the lock under test on every run.
    """
    at.session_state["_routed"] = False
    at.run()
    assert not at.exception, at.exception
    return at


def switch(at: AppTest):
    return at.sidebar.toggle(key=ui.PRESENT_KEY)


def test_the_switch_cannot_turn_a_locked_session_off(db):
    token = present_lock.mint(db, None)
    at = open_app(present="1", lock=token)
    assert switch(at).value is True and switch(at).proto.disabled
    assert any("Locked for the staff meeting" in c.value for c in at.sidebar.caption)
    with pytest.raises(AppTestError, match="disabled"):
        switch(at).set_value(False)
    at.session_state[ui.PRESENT_KEY] = False   # as a forged message from the browser would
    run(at)
    assert at.session_state[ui.PRESENT_KEY] is True and switch(at).value is True
    # the address keeps the lock, so in-app moves, reloads and copied links stay locked
    assert at.query_params["lock"] == [token] or at.query_params["lock"] == token


def test_the_lock_alone_in_the_address_locks_and_puts_present_back(db):
    token = present_lock.mint(db, None)
    at = open_app(lock=token)
    assert at.session_state[ui.PRESENT_KEY] is True and switch(at).proto.disabled
    assert str(at.query_params["present"]).strip("[]'") == "1"


@pytest.mark.parametrize("state", ["expired", "ended", "unknown"])
def test_a_link_that_does_not_lock_says_so_in_one_line_and_keeps_projection_on(db, state):
    token = present_lock.mint(db, None, hours=1, now=datetime.now() - timedelta(hours=2))
    if state == "ended":
        token = present_lock.mint(db, None)
        present_lock.end_token(db, token)
    elif state == "unknown":
        token = "not-a-token-at-all-but-long-enough"
    at = open_app(present="1", lock=token)
    assert [w.value for w in at.warning] == [present_lock.PROBLEMS[state]]
    assert at.session_state[ui.PRESENT_KEY] is True   # nothing harmful: names stay hidden
    assert present.LOCK_KEY not in at.session_state
    assert not any("Locked for the staff meeting" in c.value for c in at.sidebar.caption)
    run(at)
    assert not at.warning   # said once, not on every click


def test_the_local_user_unlocks_only_after_confirming(db):
    token = present_lock.mint(db, None)
    at = open_app(present="1", lock=token)
    unlock = at.sidebar.button(key="present_unlock")
    assert unlock.proto.disabled
    at.sidebar.checkbox(key="present_unlock_sure").check()
    run(at)
    at.sidebar.button(key="present_unlock").click()
    run(at)
    assert not at.exception, at.exception
    assert not switch(at).proto.disabled          # the switch works again ...
    assert "lock" not in at.query_params
    assert present_lock.check(db, token) == "ended"   # ... and the link locks no new tab
    switch(at).set_value(False)
    run(at)
    assert at.session_state[ui.PRESENT_KEY] is False


def test_a_signed_in_teacher_cannot_unlock(db, monkeypatch):
    monkeypatch.setattr(ui, "viewer", lambda: Viewer(email="t@school.example", role="teacher"))
    at = open_app(present="1", lock=present_lock.mint(db, None))
    assert not [b for b in at.sidebar.button if b.key == "present_unlock"]
    assert any("Only a leader can unlock it" in c.value for c in at.sidebar.caption)


def test_a_leader_makes_a_link_on_the_staff_meeting_page(db):
    at = open_app()
    at.switch_page("pages/staff_meeting.py")
    run(at)
    submit = next(b for b in at.button if b.label == "Make a staff-meeting link")
    submit.click()
    at.run()   # the page's own form: a plain run keeps the click (see run())
    assert not at.exception, at.exception
    link = next(c.value for c in at.code if "lock=" in c.value)
    token = link.split("lock=", 1)[1]
    assert "present=1" in link and present_lock.check(db, token) == "valid"
    assert len(present_lock.active(db)) == 1


def test_a_coach_is_not_offered_a_link(db, monkeypatch):
    monkeypatch.setattr(ui, "viewer", lambda: Viewer(email="c@school.example", role="coach"))
    at = open_app()
    at.switch_page("pages/staff_meeting.py")
    run(at)
    assert not [b for b in at.button if b.label == "Make a staff-meeting link"]


@pytest.fixture(scope="module")
def locked_school(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[tuple]:
    path = tmp_path_factory.mktemp("locked") / "demo.duckdb"
    shutil.copy(demo_file, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLLABPLAN_DB", str(path))
        db = db_module.connect(path)
        yield db, _forbidden(db), present_lock.mint(db, None)
        db.close()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opened_with_only_the_lock_names_no_student(locked_school, page):
    """A deep link that carries the lock but not ``present=1`` is still projected."""
    _db, forbidden, token = locked_school
    at = open_app(lock=token)
    at.switch_page(page)
    run(at)
    assert at.session_state[ui.PRESENT_KEY] is True
    _assert_private(at, forbidden, page)
