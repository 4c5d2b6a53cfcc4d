"""Server memory across large uploads: does the app give it back when the sessions close?

    python benchmarks/memory_bench.py [--sessions 5] [--uploads 4] [--students 33000]
                                      [--ttl 30] [--settle 45] [--app-root PATH]

Starts the real app (``streamlit run app.py`` on a free port, a fresh database holding a saved
mapping for the files), then drives it with headless Debian Chromium through Playwright:
``--sessions`` browser sessions (own contexts, all kept open until the end) each drop
``--uploads`` large csv files one after the other (``collabplan.samples.large.large_long_csv``,
about 10 MB each at the default size, every one different), pick the saved mapping, see the
report and press Import. Then every session is closed, and after Streamlit's
``server.disconnectedSessionTTL`` (``--ttl`` seconds, set for this run; the app's default is
120) plus the sweep interval, one new visit to Home lets the server drop the expired sessions.

The server's resident memory (VmRSS of its process, sampled every 0.2 s) is reported:
before (started, Home and the upload page shown once, so the modules are loaded), peak, with
every session still open, and after the sessions closed. ``--app-root`` runs another checkout (e.g. the main branch) for comparison.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
MAPPING_NAME = "Benchmark long"
TIMEOUT_MS = 240_000
#: Seconds given, past the TTL, for the app's sweep (every 30 s) to run.
SETTLE = 45.0


def rss_mb(pid: int) -> float:
    """The process's resident memory in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


class Sampler(threading.Thread):
    """Samples a process's VmRSS until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self._done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.2)

    def stop(self) -> None:
        self._done.set()
        self.join()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(app_root: Path, db_path: Path, ttl: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, COLLABPLAN_DB=str(db_path), PYTHONPATH=str(app_root))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         "--server.disconnectedSessionTTL", str(ttl)],
        cwd=app_root, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"the app did not start:\n{log.read_text()[-3000:]}")


def wait_for_app(page, timeout: float = TIMEOUT_MS) -> None:
    """Until the script run has finished (as tests/e2e/conftest.py waits)."""
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout)
    page.wait_for_timeout(400)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.getAttribute('data-test-script-state') === 'running') return false;
            if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')) return false;
            return !document.querySelector('[data-testid="stSkeleton"]');
        }""",
        timeout=timeout,
    )


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the visible select box labelled ``label``."""
    boxes = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label))
    field = boxes.first.locator('input[role="combobox"]').first
    field.click()
    field.press("ArrowDown")
    page.locator('[role="listbox"] [role="option"]', has_text=option).first.click()


def upload_and_import(page, path: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    wait_for_app(page)
    choose(page, "Start from", f"Saved mapping: {MAPPING_NAME}")
    wait_for_app(page)
    page.get_by_role("button", name=re.compile(r"^Import 1 file")).click()
    page.get_by_text(f"{path.name}: imported").wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page)
    errors = page.locator('[data-testid="stException"]')
    if errors.count():
        raise RuntimeError(errors.first.inner_text())


def prepare_inputs(work: Path, app_root: Path, count: int, students: int) -> list[Path]:
    """``count`` different large csv files and a database holding the mapping that reads them."""
    sys.path.insert(0, str(app_root))
    from collabplan import db as db_module
    from collabplan.ingest.load import save_mapping
    from collabplan.ingest.mapping import Mapping
    from collabplan.samples.large import large_long_csv

    files = []
    mapping = None
    for k in range(count):
        made = large_long_csv(students, 10, seed=100 + k, file_name=f"results_{k + 1:02d}.csv")
        path = work / made.file_name
        path.write_bytes(made.data)
        files.append(path)
        mapping = made.mapping_toml
    db = db_module.connect(work / "bench.duckdb")
    save_mapping(db, MAPPING_NAME, Mapping.from_toml(mapping or "", name=MAPPING_NAME))
    db.close()
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--uploads", type=int, default=4, help="uploads per session")
    parser.add_argument("--students", type=int, default=33_000, help="x 10 skills = rows per file")
    parser.add_argument("--ttl", type=int, default=30, help="server.disconnectedSessionTTL for the run")
    parser.add_argument("--settle", type=float, default=SETTLE,
                        help="seconds past the TTL for the sweep of closed sessions")
    parser.add_argument("--app-root", type=Path, default=ROOT)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="collabplan-memory-"))
    try:
        files = prepare_inputs(work, args.app_root, args.sessions * args.uploads, args.students)
        size = sum(p.stat().st_size for p in files) / len(files) / 1e6
        proc, url = start_server(args.app_root, work / "bench.duckdb", args.ttl, work / "server.log")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                home = browser.new_context()
                first = home.new_page()
                for path in ("", "upload"):  # every module the uploads use is loaded
                    first.goto(f"{url}/{path}")
                    wait_for_app(first)
                home.close()
                time.sleep(2)
                before = rss_mb(proc.pid)
                sampler = Sampler(proc.pid)
                sampler.start()
                contexts = []
                started = time.monotonic()
                for s in range(args.sessions):
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    context.set_default_timeout(TIMEOUT_MS)
                    contexts.append(context)
                    page = context.new_page()
                    page.goto(f"{url}/upload")
                    wait_for_app(page)
                    for k in range(args.uploads):
                        path = files[s * args.uploads + k]
                        upload_and_import(page, path)
                        print(f"session {s + 1} upload {k + 1}: {path.name} imported; "
                              f"server {rss_mb(proc.pid):,.0f} MB", flush=True)
                took = time.monotonic() - started
                time.sleep(2)
                while_open = rss_mb(proc.pid)
                for context in contexts:
                    context.close()
                wait = args.ttl + args.settle
                print(f"sessions closed; waiting {wait:.0f} s for them to expire", flush=True)
                time.sleep(wait)
                later = browser.new_context().new_page()
                later.goto(url)  # a new session: the server drops the expired ones
                wait_for_app(later)
                later.context.close()
                time.sleep(args.settle)
                sampler.stop()
                after = rss_mb(proc.pid)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        uploads = args.sessions * args.uploads
        print(f"\n{uploads} uploads of {size:.1f} MB csv ({args.students * 10:,} rows each) in "
              f"{args.sessions} sessions, {took:.0f} s; app at {args.app_root}")
        print(f"server resident memory: before {before:,.0f} MB, peak {sampler.peak:,.0f} MB, "
              f"sessions open {while_open:,.0f} MB, after they closed {after:,.0f} MB "
              f"(+{after - before:,.0f} MB over before)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
