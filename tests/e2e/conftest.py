"""Browser-test fixtures: a real ``streamlit run`` on a free port and headless Chromium.

Every test in this folder drives the app the way a teacher does. Chromium is the Debian
package at /usr/bin/chromium (never a downloaded browser); without it these tests skip.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
STARTUP_TIMEOUT = 60.0
#: How long wait_for_app waits for a script run to finish (ms); the machine is shared and slow.
RUN_TIMEOUT_MS = 60_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is a browser test, marked or not."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@dataclass
class AppServer:
    url: str
    db_path: Path
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        """What the server printed so far (for failure messages)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _start_app(tmp_dir: Path) -> AppServer:
    port = _free_port()
    db_path = tmp_dir / "e2e.duckdb"
    log_path = tmp_dir / "streamlit.log"
    env = dict(os.environ, COLLABPLAN_DB=str(db_path))
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    server = AppServer(f"http://127.0.0.1:{port}", db_path, process, log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{server.log()}")
        if _healthy(server.url):
            return server
        time.sleep(0.25)
    _stop(process)
    raise RuntimeError(f"streamlit did not answer /_stcore/health in time:\n{server.log()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """``streamlit run app.py`` on a free port with a fresh database; ``.url``, ``.db_path``.

    Module-scoped: the tests of one file share the server (and its database).
    Use ``fresh_app_server`` for a server of your own.
    """
    server = _start_app(tmp_path_factory.mktemp("app"))
    try:
        yield server
    finally:
        _stop(server.process)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[AppServer]:
    """``streamlit run app.py`` on a copy of the demo school (copied before the app opens the
    file). Module-scoped, like ``app_server``."""
    folder = tmp_path_factory.mktemp("demo_app")
    shutil.copy(demo_file, folder / "e2e.duckdb")
    server = _start_app(folder)
    try:
        yield server
    finally:
        _stop(server.process)


@pytest.fixture
def fresh_app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """Like ``app_server`` but one server (and empty database) per test."""
    server = _start_app(tmp_path_factory.mktemp("app"))
    try:
        yield server
    finally:
        _stop(server.process)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright (skips when it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser page (own context: no cookies or session state shared between tests)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(RUN_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def choose_option(page, box, option: str | re.Pattern[str], *, exact: bool = False) -> None:
    """Pick ``option`` in the select box ``box`` (a combobox locator), then wait for the rerun.

    A click only focuses Streamlit's box when it already had focus, so an arrow key opens the
    list when the click did not. The open list can be drawn again while it settles (its option
    detached under the pointer); then the list is closed and opened once more.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    listbox = page.locator('[role="listbox"]')
    for attempt in range(3):
        box.click()
        try:
            listbox.first.wait_for(timeout=2_000)
        except PlaywrightTimeout:
            box.press("ArrowDown")
        try:
            listbox.get_by_role("option", name=option, exact=exact).first.click(timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            wait_for_app(page)
    wait_for_app(page)


#: True in the page once the app is on screen and idle: no script run going on (nor about
#: to start: the app marked stale), no running indicator, no skeleton left.
APP_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return false;
    if (app.getAttribute('data-test-script-state') === 'running') return false;
    const status = document.querySelector('[data-testid="stStatusWidget"]');
    if (status && /running/i.test(status.innerText || '')) return false;
    if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    return true;
}"""


def wait_for_app(page, timeout: float = RUN_TIMEOUT_MS) -> None:
    """Wait until the Streamlit app is on screen and its script run has finished.

    The app is there when ``stApp`` is; a run is in progress while the status widget shows
    its running indicator (or the app is marked stale). A short settle lets a rerun that a
    click triggered start before we decide it has finished.
    """
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_function(
        APP_IDLE_JS,
        timeout=timeout,
    )


@pytest.fixture
def open_app(page):
    """``open_app(server, path="")`` loads a page of the app and waits for it to finish running."""

    def _open(server: AppServer, path: str = "") -> object:
        page.goto(f"{server.url}/{path.lstrip('/')}")
        wait_for_app(page)
        return page

    return _open
