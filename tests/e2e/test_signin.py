"""Signing in through a real OpenID Connect redirect, against a local provider started here.

The provider is ``oidc-provider-mock`` (a Flask app) on a free port in a thread; its authorize
page lets the test pick who signs in. The app runs with a temporary secrets.toml naming it
(``--secrets.files``; the project's own .streamlit folder is not touched). A leader, a teacher
and an anonymous visitor each walk in through the browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from collabplan import audit, people
from collabplan import db as db_module
from tests.e2e.conftest import (
    ROOT,
    STARTUP_TIMEOUT,
    AppServer,
    _free_port,
    _healthy,
    _stop,
    wait_for_app,
)

mock = pytest.importorskip("oidc_provider_mock")

LEADER = "boss@school.org"
TEACHER = "t.lee@school.org"
STRANGER = "stranger@school.org"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The local OpenID Connect provider's base URL."""
    users = [mock.User(sub=email, claims={"email": email, "email_verified": True, "name": name})
             for email, name in ((LEADER, "Ms Boss"), (TEACHER, "Mr Lee"), (STRANGER, "Who"))]
    with mock.run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def signin_app(tmp_path_factory, provider: str, demo_file: Path) -> Iterator[AppServer]:
    """The demo school with a leader and a teacher of one team, served with sign-in on."""
    tmp = tmp_path_factory.mktemp("signin")
    db_path = tmp / "e2e.duckdb"
    shutil.copy(demo_file, db_path)
    db = db_module.connect(db_path)
    team = db.rows("SELECT name FROM team ORDER BY id LIMIT 1")[0][0]
    people.add(db, LEADER, "leader", name="Ms Boss", who="test")
    people.add(db, TEACHER, "teacher", name="Mr Lee", teams=[team], who="test")
    db_module.close(db_path)

    port = _free_port()
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "e2e-cookie-secret-long-enough-to-be-safe-1234567890"\n'
        'client_id = "collabplan-e2e"\n'
        'client_secret = "e2e-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        "\n[collabplan]\n"
        'allowed_domains = ["school.org"]\n',
        encoding="utf-8",
    )
    log_path = tmp / "streamlit.log"
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--secrets.files", str(secrets)],
        cwd=ROOT, env=dict(os.environ, COLLABPLAN_DB=str(db_path)),
        stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    server = AppServer(f"http://127.0.0.1:{port}", db_path, process, log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not _healthy(server.url):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            raise RuntimeError(f"streamlit did not start:\n{server.log()}")
        time.sleep(0.25)
    try:
        yield server
    finally:
        _stop(process)


def _sign_in(page, server: AppServer, email: str) -> None:
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").click()
    # the provider's authorize page: pick the person
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_role("button", name=email, exact=True).click()
    page.wait_for_url(f"{server.url}/**")
    wait_for_app(page)


def _menu(page) -> list[str]:
    nav = page.locator('[data-testid="stSidebarNav"]')
    # each link reads "<icon name>\n\n<title>": keep the title
    return [t.strip().splitlines()[-1].strip()
            for t in nav.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()]


def _main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_an_anonymous_visitor_sees_only_the_sign_in_page(signin_app, page) -> None:
    for path in ("", "students", "review", "upload", "people", "reports"):
        page.goto(f"{signin_app.url}/{path}")
        # a first visit to a page address reruns once through the router: wait for the button
        page.get_by_role("button", name="Sign in").wait_for()
        wait_for_app(page)
        assert page.get_by_role("button", name="Sign in").count() == 1, path
        assert "Sign in with your school account" in _main_text(page)
        assert page.locator('[data-testid="stDataFrame"]').count() == 0, path
        assert page.locator('[data-testid="stMetric"]').count() == 0, path
        assert _menu(page) == [], path
    assert page.locator('[data-testid="stException"]').count() == 0, signin_app.log()


def test_a_leader_signs_in_and_gets_the_people_page(signin_app, page) -> None:
    _sign_in(page, signin_app, LEADER)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Signed in as Ms Boss (leader)" in sidebar
    assert "People & audit log" in _menu(page)
    page.get_by_role("link", name="People & audit log").click()
    wait_for_app(page)
    text = _main_text(page)
    assert "Add a person" in text and "Audit log" in text
    assert page.locator('[data-testid="stException"]').count() == 0, signin_app.log()


def test_a_teacher_signs_in_without_the_people_page(signin_app, page) -> None:
    _sign_in(page, signin_app, TEACHER)
    assert "Signed in as Mr Lee (teacher)" in page.locator('[data-testid="stSidebar"]').inner_text()
    menu = _menu(page)
    assert "Home" in menu and "People & audit log" not in menu
    page.goto(f"{signin_app.url}/people")  # a deep link: "page not found" and Home, never the list
    wait_for_app(page)
    assert LEADER not in page.locator('[data-testid="stApp"]').inner_text()
    assert "Add a person" not in page.locator('[data-testid="stApp"]').inner_text()
    page.goto(signin_app.url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign out").click()
    # Streamlit clears its cookie, then sends the browser to the provider's sign-out page
    page.wait_for_url(lambda url: not url.startswith(signin_app.url))
    page.goto(signin_app.url)
    page.get_by_role("button", name="Sign in").wait_for()
    wait_for_app(page)
    assert "Signed in as" not in page.locator('[data-testid="stApp"]').inner_text()


def test_someone_not_on_the_list_is_told_to_ask_a_leader(signin_app, page) -> None:
    _sign_in(page, signin_app, STRANGER)
    text = _main_text(page)
    assert "ask your school leader to add you" in text
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert _menu(page) == []


def test_the_sign_ins_are_in_the_audit_log(signin_app) -> None:
    _stop(signin_app.process)  # the app holds the database file: stop it, then read the log
    db = db_module.connect(signin_app.db_path)
    try:
        who = set(audit.recent(db, 200).query("action == 'sign in'")["who"])
    finally:
        db_module.close(signin_app.db_path)
    assert {LEADER, TEACHER} <= who
    assert STRANGER not in who
