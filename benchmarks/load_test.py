"""A district under load: two app servers on one shared store, many teachers at once.

    python benchmarks/load_test.py [--sessions 20] [--seconds 180] [--servers 2] [--json OUT]
    python benchmarks/load_test.py --quick          # 4 sessions for 60 s, to try it

Everything runs on loopback and is started here and stopped again: a throwaway PostgreSQL
server (tests/pgserver.py) holding the demo school as the shared store, a local OpenID Connect
provider (``oidc-provider-mock``), ``--servers`` app servers (``streamlit run app.py``, each on
its own port with its own ``redirect_uri``, the same cookie secret and the same store), and one
headless Chromium with one browser context per session (Playwright's async API).

Each session is a teacher of one of the demo school's teams, assigned to one server (round
robin: the sticky routing the proxy does). It signs in through the provider once, then, until
the time is up, moves through the app by its sidebar as a person does: Data review; an import
of a class's results file of its own (the first ``--uploads`` rounds; every file distinct);
*Start a goal* from Data review, *Save this draft* and the goal's purpose saved with a mark of
its own; a suggestion with a mark of its own on another team's card on the Goal board;
Progress. Every step is timed from the click (or the file dropped) until the page shows what
it should and the app is idle (the e2e tests' idle check, ``APP_IDLE_JS``).

Meanwhile each server process's resident memory is sampled every second (with its child
processes: the guarded parser). Afterwards the store is read and every write the browser saw
confirmed must be there exactly once: uploads (by file name), their audit rows, drafted goals
(per team, one "drafted" revision each, the purpose's mark once), feedback (by its mark) and
the sign-in audit rows (one per page load of a signed-in session). A write whose confirmation
did not come in time counts as uncertain: it may be there once or not at all, never twice.
The exit status is 1 when a write is missing, doubled or unexplained.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tests import pgserver  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    APP_IDLE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    STARTUP_TIMEOUT,
    _free_port,
    _healthy,
    _stop,
)

#: How long one step may take before it counts as failed (ms): 20 sessions share 2 cores.
STEP_TIMEOUT_MS = 180_000
COOKIE_SECRET = "load-test-cookie-secret-long-enough-to-be-safe-0123456789"
DOMAIN = "school.org"
MARK = "load-test"


# ---------------------------------------------------------------- the exact-once check
@dataclass
class Ledger:
    """Writes of one kind: those the browser saw confirmed, those whose confirmation did not
    come (they may have landed), and what the store holds afterwards; each a multiset of keys."""

    confirmed: Counter = field(default_factory=Counter)
    uncertain: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)


def exact_once(kind: str, ledger: Ledger) -> list[str]:
    """The problems of one kind of write: for every key, the store must hold at least the
    confirmed writes and at most the confirmed and uncertain ones together."""
    problems = []
    for key in sorted(set(ledger.confirmed) | set(ledger.uncertain) | set(ledger.found), key=str):
        want, maybe, got = ledger.confirmed[key], ledger.uncertain[key], ledger.found[key]
        if got < want:
            problems.append(f"{kind} {key!r}: {want} confirmed, {got} in the store (lost)")
        elif got > want + maybe:
            what = "doubled" if want + maybe else "not made by any session"
            problems.append(f"{kind} {key!r}: {want} confirmed"
                            + (f" and {maybe} uncertain" if maybe else "")
                            + f", {got} in the store ({what})")
    return problems


def check_all(ledgers: dict[str, Ledger]) -> list[str]:
    return [p for kind, ledger in ledgers.items() for p in exact_once(kind, ledger)]


# ---------------------------------------------------------------- what a session does
@dataclass
class Session:
    number: int
    email: str
    team: str
    server: int
    url: str
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    page_loads: int = 0
    uploads: list[str] = field(default_factory=list)
    uploads_uncertain: list[str] = field(default_factory=list)
    goals: int = 0
    goals_uncertain: int = 0
    whys: list[str] = field(default_factory=list)
    whys_uncertain: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    feedback_uncertain: list[str] = field(default_factory=list)
    exceptions_shown: int = 0

    def timed(self, kind: str, seconds: float) -> None:
        self.times.setdefault(kind, []).append(seconds)


def class_file(session: int, round_: int) -> tuple[str, bytes]:
    """One class's NWEA MAP results of its own: new students, a distinct file name and bytes."""
    from ui_bench import class_file as ui_class_file

    run = 100 + session * 10 + round_
    name, data = ui_class_file(run, 24)
    return f"load_s{session:02d}_r{round_}_{name}", data


async def _idle(page, timeout: float = STEP_TIMEOUT_MS) -> None:
    await page.wait_for_function(APP_IDLE_JS, timeout=timeout)


async def _settled(page, target=None, timeout: float = STEP_TIMEOUT_MS) -> None:
    """``target`` shown (a locator), then the app idle; without a target a short settle lets
    the rerun start first."""
    if target is not None:
        await target.first.wait_for(state="visible", timeout=timeout)
    else:
        await page.wait_for_timeout(300)
    await _idle(page, timeout)


async def _exceptions(page) -> int:
    return await page.locator('[data-testid="stException"]').count()


async def _nav(page, session: Session, link: str, heading: str, kind: str) -> None:
    start = time.perf_counter()
    await page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=link).first.click()
    await _settled(page, page.get_by_role("heading", name=heading, exact=True))
    session.timed(kind, time.perf_counter() - start)


async def sign_in(page, session: Session) -> None:
    start = time.perf_counter()
    await page.goto(session.url, timeout=STEP_TIMEOUT_MS)
    sign = page.get_by_role("button", name="Sign in")
    await sign.wait_for(timeout=STEP_TIMEOUT_MS)
    await _idle(page)
    await sign.click()
    await page.wait_for_url("**/oauth2/authorize**", timeout=STEP_TIMEOUT_MS)
    await page.get_by_role("button", name=session.email, exact=True).click()
    await page.wait_for_url(f"{session.url}/**", timeout=STEP_TIMEOUT_MS)
    session.page_loads += 1
    await _settled(page, page.locator('[data-testid="stSidebarNav"]'))
    session.timed("sign in (button → home, via the provider)", time.perf_counter() - start)


async def upload(page, session: Session, round_: int, folder: Path) -> None:
    name, data = class_file(session.number, round_)
    path = folder / name
    path.write_bytes(data)
    await _nav(page, session, "Upload results", "Upload results", "open Upload results")
    start = time.perf_counter()
    await page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    button = page.get_by_role("button", name=re.compile(r"^Import 1 file"))
    await _settled(page, button)
    session.timed("drop a file → preview", time.perf_counter() - start)
    start = time.perf_counter()
    session.uploads_uncertain.append(name)
    await button.first.click()
    await _settled(page, page.get_by_role("button", name="See our results"))
    session.uploads_uncertain.remove(name)
    session.uploads.append(name)
    session.timed("import → imported", time.perf_counter() - start)


async def draft_goal(page, session: Session, round_: int) -> None:
    """Data review's *Start a goal*, *Save this draft*, then the purpose saved with a mark."""
    if not await page.get_by_role("heading", name="Data review", exact=True).count():
        await _nav(page, session, "Data review", "Data review", "open Data review")
    start = time.perf_counter()
    await page.get_by_role("button", name=re.compile(r"^Start a goal: ")).first.click()
    save = page.get_by_role("button", name="Save this draft")
    await _settled(page, save)
    session.timed("Start a goal → draft page", time.perf_counter() - start)
    start = time.perf_counter()
    session.goals_uncertain += 1
    await save.first.click()
    await _settled(page, page.get_by_role("heading", name="1. Why this goal?"))
    session.goals_uncertain -= 1
    session.goals += 1
    session.timed("save a draft goal", time.perf_counter() - start)
    why = f"{MARK} s{session.number:02d} goal {round_}"
    await page.get_by_label("The team's purpose").fill(why)
    start = time.perf_counter()
    session.whys_uncertain.append(why)
    gap = page.get_by_text("say why the team chose this goal")
    await gap.first.wait_for()  # "Before posting: say why …" while the goal has no purpose
    await page.get_by_role("button", name="Save why and priority").click()
    # confirmed: the rerun after the save no longer asks for the purpose
    await gap.first.wait_for(state="detached", timeout=STEP_TIMEOUT_MS)
    await _idle(page)
    session.whys_uncertain.remove(why)
    session.whys.append(why)
    session.timed("save the goal's purpose", time.perf_counter() - start)


async def leave_feedback(page, session: Session, round_: int) -> None:
    await _nav(page, session, "Goal board", "Goal board", "open Goal board")
    forms = page.locator('[data-testid="stExpander"]').filter(
        has_text="Offer a suggestion, resource or question").filter(
        has=page.get_by_label("Your note"))
    count = await forms.count()
    if not count:
        raise RuntimeError("no other team's card to leave feedback on")
    card = forms.nth((session.number + round_) % count)
    await card.locator("summary").first.click()
    body = f"{MARK} s{session.number:02d} note {round_}: try a word wall"
    await card.get_by_label("Your note").fill(body)
    start = time.perf_counter()
    session.feedback_uncertain.append(body)
    await card.get_by_role("button", name=re.compile(r"^Send to ")).click()
    # confirmed: the card lists it ("**Suggestion** from <team>: <body>"); the text area
    # holding the same words does not count
    await _settled(page, page.locator('[data-testid="stMarkdownContainer"]').filter(has_text=body))
    session.feedback_uncertain.remove(body)
    session.feedback.append(body)
    session.timed("send feedback", time.perf_counter() - start)


async def run_session(browser, session: Session, deadline: float, uploads: int,
                      folder: Path) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = await context.new_page()
    step = "sign in"
    try:
        await sign_in(page, session)
        round_ = 0
        while time.monotonic() < deadline:
            writes = [
                ("draft a goal", lambda r=round_: draft_goal(page, session, r)),
                ("feedback", lambda r=round_: leave_feedback(page, session, r)),
            ]
            if round_ < uploads:
                writes.append(("import", lambda r=round_: upload(page, session, r, folder)))
            # the sessions start their rounds on different writes: a short run has each kind
            turn = session.number % len(writes)
            steps = [("Data review", lambda: _nav(page, session, "Data review", "Data review",
                                                  "open Data review")),
                     *writes[turn:], *writes[:turn],
                     ("Progress", lambda: _nav(page, session, "Progress", "Progress",
                                               "open Progress"))]
            for step, work in steps:
                if time.monotonic() >= deadline:
                    break
                try:
                    await work()
                except Exception as exc:  # noqa: BLE001 - a failed step is reported, the session goes on
                    session.errors.append(f"{step}: {type(exc).__name__}: {str(exc)[:300]}")
                    session.page_loads += 1  # start again from a fresh page load
                    await page.goto(session.url, timeout=STEP_TIMEOUT_MS)
                    await _settled(page, page.locator('[data-testid="stSidebarNav"]'))
                session.exceptions_shown += await _exceptions(page)
            round_ += 1
    except Exception as exc:  # noqa: BLE001
        session.errors.append(f"{step} (session ended): {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        await context.close()


# ---------------------------------------------------------------- servers and memory
def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            child = int(stat.parent.name)
            found += [child, *_children(child)]
    return found


def _cpu_ticks(pid: int, *, reaped: bool = True) -> int:
    """A process's CPU time in clock ticks (user and system; with ``reaped``, also that of
    its children already ended and waited for)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    ticks = int(fields[11]) + int(fields[12])
    return ticks + (int(fields[13]) + int(fields[14]) if reaped else 0)


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its children, ended or running."""
    return sum(_cpu_ticks(p) for p in [pid, *_children(pid)]) / os.sysconf("SC_CLK_TCK")


def browser_seconds(servers: list[int]) -> float:
    """CPU time of this script's children other than the app servers: Playwright's driver
    and Chromium."""
    skip = set(servers)
    for pid in servers:
        skip.update(_children(pid))
    mine = [p for p in _children(os.getpid()) if p not in skip]
    return sum(_cpu_ticks(p) for p in mine) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy since boot (every core; /proc/stat)."""
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return (sum(parts[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def postmaster_pid(pg: Path) -> int:
    try:
        return int((pg / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


class MemorySampler(threading.Thread):
    """Every second: each server's own resident memory and with its child processes (MB)."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.own: dict[int, list[float]] = {p: [] for p in pids}
        self.tree: dict[int, list[float]] = {p: [] for p in pids}
        self.halt = threading.Event()

    def sample(self) -> None:
        for pid in self.pids:
            own = _rss_kb(pid)
            self.own[pid].append(own / 1024)
            self.tree[pid].append((own + sum(_rss_kb(c) for c in _children(pid))) / 1024)

    def run(self) -> None:
        while not self.halt.wait(1.0):
            self.sample()


@dataclass
class Server:
    number: int
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(number: int, folder: Path, store: str, provider: str) -> Server:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    secrets = folder / f"secrets{number}.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        'client_id = "collabplan-load"\n'
        'client_secret = "load-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        f'\n[collabplan]\nallowed_domains = ["{DOMAIN}"]\n',
        encoding="utf-8",
    )
    log_path = folder / f"server{number}.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
             "--secrets.files", str(secrets)],
            cwd=ROOT, env=dict(os.environ, COLLABPLAN_STORE=store),
            stdout=log, stderr=subprocess.STDOUT,
        )
    server = Server(number, url, process, log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT * 2
    while not _healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            raise RuntimeError(f"server {number} did not start:\n{server.log()[-3000:]}")
        time.sleep(0.25)
    return server


@contextlib.contextmanager
def provider(emails: Iterable[str]) -> Iterator[str]:
    import logging

    import oidc_provider_mock as mock

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    users = [mock.User(sub=e, claims={"email": e, "email_verified": True, "name": e.split("@")[0]})
             for e in emails]
    with mock.run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


# ---------------------------------------------------------------- the store before and after
#: The tables the check reads, each with the query of its highest id before the run.
COUNTED = {t: f"SELECT coalesce(max(id), 0) FROM {t}"  # noqa: S608 - the names are these
           for t in ("upload", "goal", "goal_revision", "feedback", "audit")}


def high_water(store: str) -> dict[str, int]:
    from collabplan import db as db_module

    db = db_module.connect(store)
    try:
        return {t: int(db.scalar(sql)) for t, sql in COUNTED.items()}
    finally:
        db.close()


def read_store(store: str, before: dict[str, int], sessions: list[Session]) -> dict[str, Ledger]:
    """The ledgers: what the sessions confirmed against what the store holds now."""
    from collabplan import db as db_module

    ledgers = {k: Ledger() for k in ("upload", "upload audit row", "goal (per team)",
                                     "goal 'drafted' revision (per person)", "goal purpose",
                                     "goal purpose revision", "feedback", "sign-in audit row")}
    for s in sessions:
        ledgers["upload"].confirmed.update(s.uploads)
        ledgers["upload"].uncertain.update(s.uploads_uncertain)
        ledgers["upload audit row"].confirmed.update(s.uploads)
        ledgers["upload audit row"].uncertain.update(s.uploads_uncertain)
        ledgers["goal (per team)"].confirmed[s.team] += s.goals
        ledgers["goal (per team)"].uncertain[s.team] += s.goals_uncertain
        ledgers["goal 'drafted' revision (per person)"].confirmed[s.email] += s.goals
        ledgers["goal 'drafted' revision (per person)"].uncertain[s.email] += s.goals_uncertain
        for name in ("goal purpose", "goal purpose revision"):
            ledgers[name].confirmed.update(s.whys)
            ledgers[name].uncertain.update(s.whys_uncertain)
        ledgers["feedback"].confirmed.update(s.feedback)
        ledgers["feedback"].uncertain.update(s.feedback_uncertain)
        ledgers["sign-in audit row"].confirmed[s.email] += s.page_loads
    db = db_module.connect(store)
    try:
        def rows(sql: str, table: str) -> list[tuple]:
            return db.rows(sql, [before[table]])

        ledgers["upload"].found.update(
            r[0] for r in rows("SELECT file_name FROM upload WHERE id > ?", "upload"))
        for (detail,) in rows("SELECT detail FROM audit WHERE id > ? AND action = 'upload'", "audit"):
            match = re.match(r"upload \d+ \((.*)\): ", detail or "")
            ledgers["upload audit row"].found[match.group(1) if match else detail] += 1
        ledgers["goal (per team)"].found.update(r[0] for r in rows(
            "SELECT t.name FROM goal g JOIN team t ON t.id = g.team_id WHERE g.id > ?", "goal"))
        ledgers["goal 'drafted' revision (per person)"].found.update(r[0] for r in rows(
            "SELECT changed_by FROM goal_revision WHERE id > ? AND change LIKE 'drafted:%'",
            "goal_revision"))
        purposes = rows("SELECT goal_id, snapshot FROM goal_revision"
                        " WHERE id > ? AND change = 'why and priority'", "goal_revision")
        ledgers["goal purpose revision"].found.update(
            json.loads(snapshot).get("why") for _, snapshot in purposes)
        ledgers["goal purpose"].found.update(r[0] for r in rows(
            "SELECT why FROM goal WHERE id > ? AND why IS NOT NULL", "goal"))
        ledgers["feedback"].found.update(r[0] for r in rows(
            "SELECT body FROM feedback WHERE id > ?", "feedback"))
        ledgers["sign-in audit row"].found.update(r[0] for r in rows(
            "SELECT who FROM audit WHERE id > ? AND action = 'sign in'", "audit"))
    finally:
        db.close()
    return ledgers


def odd_goals(store: str, before: dict[str, int]) -> list[str]:
    """The run's goals whose purpose is missing or written by another session than the one
    that drafted it, each with its history: to see where a purpose went."""
    from collabplan import db as db_module

    db = db_module.connect(store)
    try:
        history: dict[int, list[tuple]] = {}
        for rid, gid, when, who, change, snapshot in db.rows(
                "SELECT id, goal_id, changed_at, changed_by, change, snapshot FROM goal_revision"
                " WHERE goal_id > ? ORDER BY id", [before["goal"]]):
            history.setdefault(gid, []).append(
                (rid, str(when), who, change[:40], json.loads(snapshot).get("why")))
        lines = []
        for gid, why in db.rows("SELECT id, why FROM goal WHERE id > ? ORDER BY id",
                                [before["goal"]]):
            drafter = next((h[2] for h in history.get(gid, []) if h[3].startswith("drafted")), "")
            number = re.search(r"\d+", drafter or "")
            mark = f"{MARK} s{number.group(0)} " if number else None
            if why is None or mark is None or not why.startswith(mark):
                lines.append(f"goal {gid}, drafted by {drafter}, purpose now {why!r}; history: "
                             + "; ".join(f"revision {r} at {w} by {who}: {c} (purpose {y!r})"
                                         for r, w, who, c, y in history.get(gid, [])))
        return lines
    finally:
        db.close()


# ---------------------------------------------------------------- the run
def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def prepare_people(store: str, sessions: int, servers: list[str]) -> list[Session]:
    from collabplan import db as db_module
    from collabplan import people

    db = db_module.connect(store)
    try:
        teams = [r[0] for r in db.rows("SELECT name FROM team ORDER BY id")]
        made = []
        for i in range(sessions):
            email = f"teacher{i:02d}@{DOMAIN}"
            team = teams[i % len(teams)]
            people.add(db, email, "teacher", name=f"Teacher {i:02d}", teams=[team], who="load test")
            made.append(Session(i, email, team, i % len(servers), servers[i % len(servers)]))
    finally:
        db.close()
    return made


async def drive(sessions: list[Session], seconds: float, uploads: int, folder: Path,
                ramp: float, servers: list[int]) -> tuple[float, float]:
    """Run the sessions; (seconds it took, CPU seconds of Playwright and Chromium)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=CHROMIUM_ARGS)
        try:
            start = time.monotonic()
            deadline = start + seconds
            cpu_start = browser_seconds(servers)

            async def one(s: Session) -> None:
                await asyncio.sleep(ramp * s.number)  # people arrive over the first seconds
                await run_session(browser, s, deadline, uploads, folder)

            await asyncio.gather(*(one(s) for s in sessions))
            return time.monotonic() - start, browser_seconds(servers) - cpu_start
        finally:
            await browser.close()


def log_problems(text: str) -> list[str]:
    lines = text.splitlines()
    return [line for line in lines if re.search(r"Traceback|Error|Exception", line)
            and "AuthlibDeprecationWarning" not in line]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--uploads", type=int, default=2,
                        help="imports per session (its first rounds), each a distinct file")
    parser.add_argument("--ramp", type=float, default=1.0,
                        help="seconds between one session's start and the next")
    parser.add_argument("--quick", action="store_true", help="4 sessions for 60 s")
    parser.add_argument("--json", type=Path, help="write the figures here (benchmarks/out/ …)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.sessions, args.seconds = 4, 60
    if not CHROMIUM.exists() or not pgserver.available():
        print("needs /usr/bin/chromium and Debian's PostgreSQL packages", file=sys.stderr)
        return 2

    # Ctrl-C and a terminate both end in the finally below
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    folder = Path(tempfile.mkdtemp(prefix="collabplan-load-"))
    folder.chmod(0o755)  # PostgreSQL runs as its own user under root
    pg = folder / "pg"
    servers: list[Server] = []
    exit_stack = contextlib.ExitStack()
    try:
        t0 = time.monotonic()
        base = pgserver.start(pg, durable=True)
        store = f"{base}/collabplan_load"
        from collabplan import shared_store

        shared_store.ensure_database(store)
        subprocess.run([sys.executable, "-m", "collabplan", "demo", "--store", store],
                       cwd=ROOT, check=True, capture_output=True)
        ports = [_free_port() for _ in range(args.servers)]  # only to name the sessions' servers
        sessions = prepare_people(store, args.sessions, [str(p) for p in ports])
        before = high_water(store)
        issuer = exit_stack.enter_context(provider(s.email for s in sessions))
        for n in range(args.servers):
            servers.append(start_server(n, folder, store, issuer))
        for s in sessions:
            s.url = servers[s.server].url
        print(f"ready in {time.monotonic() - t0:.0f} s: {len(servers)} servers, "
              f"{len(sessions)} sessions, {args.seconds:.0f} s", flush=True)

        sampler = MemorySampler([s.process.pid for s in servers])
        sampler.sample()
        idle_mb = {s.number: sampler.own[s.process.pid][-1] for s in servers}
        sampler.start()
        load_before = os.getloadavg()[0]
        watched = {f"server {s.number}": s.process.pid for s in servers}
        watched["PostgreSQL"] = postmaster_pid(pg)
        cpu_before = {name: cpu_seconds(pid) for name, pid in watched.items()}
        busy_before = machine_busy_seconds()
        elapsed, browser_cpu = asyncio.run(drive(sessions, args.seconds, args.uploads, folder,
                                                 args.ramp, [s.process.pid for s in servers]))
        cpu = {name: round(cpu_seconds(pid) - cpu_before[name], 1) for name, pid in watched.items()}
        cpu["Chromium and Playwright"] = round(browser_cpu, 1)
        cpu["whole machine (every process, both cores)"] = round(
            machine_busy_seconds() - busy_before, 1)
        sampler.halt.set()
        sampler.join()
        sampler.sample()
        load_after = os.getloadavg()[0]

        ledgers = read_store(store, before, sessions)
        problems = check_all(ledgers)
        odd = odd_goals(store, before)
        report = build_report(args, sessions, servers, sampler, idle_mb, ledgers, problems,
                              elapsed, (load_before, load_after))
        report["cpu_seconds"] = cpu
        report["goals_with_a_missing_or_foreign_purpose"] = odd
        print_report(report)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
            print(f"figures written to {args.json}")
        return 1 if problems else 0
    except KeyboardInterrupt:
        print("interrupted: stopping everything", file=sys.stderr)
        return 130
    finally:
        for s in servers:
            _stop(s.process)
        exit_stack.close()
        pgserver.stop(pg)
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def build_report(args, sessions, servers, sampler, idle_mb, ledgers, problems, elapsed,
                 load) -> dict[str, Any]:
    kinds: dict[str, list[float]] = {}
    for s in sessions:
        for kind, values in s.times.items():
            kinds.setdefault(kind, []).extend(values)
    steps = {k: {"count": len(v), "p50_ms": round(percentile(v, 50) * 1000),
                 "p95_ms": round(percentile(v, 95) * 1000), "max_ms": round(max(v) * 1000)}
             for k, v in kinds.items()}
    every = [x for v in kinds.values() for x in v]
    memory = {}
    for srv in servers:
        pid = srv.process.pid
        memory[f"server {srv.number}"] = {
            "before_first_page_mb": round(idle_mb[srv.number]),
            "peak_mb": round(max(sampler.own[pid])), "end_mb": round(sampler.own[pid][-1]),
            "peak_with_children_mb": round(max(sampler.tree[pid])),
            "sessions": sum(1 for s in sessions if s.server == srv.number),
        }
    server_log = {f"server {srv.number}": log_problems(srv.log())[:20] for srv in servers}
    return {
        "sessions": len(sessions), "servers": len(servers), "seconds": args.seconds,
        "elapsed_s": round(elapsed, 1), "cores": os.cpu_count(),
        "load_average_before_after": [round(x, 1) for x in load],
        "steps": steps,
        "all_steps": {"count": len(every),
                      "p50_ms": round(percentile(every, 50) * 1000) if every else None,
                      "p95_ms": round(percentile(every, 95) * 1000) if every else None},
        "memory": memory,
        "writes": {k: {"confirmed": sum(v.confirmed.values()), "uncertain": sum(v.uncertain.values()),
                       "found": sum(v.found.values())} for k, v in ledgers.items()},
        "problems": problems,
        "session_errors": {s.email: s.errors for s in sessions if s.errors},
        "exceptions_on_pages": sum(s.exceptions_shown for s in sessions),
        "server_log_errors": server_log,
    }


def print_report(r: dict[str, Any]) -> None:
    print(f"\n{r['sessions']} sessions on {r['servers']} servers for {r['seconds']:.0f} s "
          f"(ran {r['elapsed_s']} s; {r['cores']} cores; load average "
          f"{r['load_average_before_after'][0]} before, {r['load_average_before_after'][1]} after)\n")
    print(f"{'step':<44} {'count':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, v in sorted(r["steps"].items()):
        print(f"{kind:<44} {v['count']:>5} {v['p50_ms']:>8} {v['p95_ms']:>8} {v['max_ms']:>8}")
    a = r["all_steps"]
    print(f"{'every step':<44} {a['count']:>5} {a['p50_ms']!s:>8} {a['p95_ms']!s:>8}\n")
    for name, m in r["memory"].items():
        print(f"{name} ({m['sessions']} sessions): {m['before_first_page_mb']} MB before the first "
              f"page, peak {m['peak_mb']} MB, "
              f"end {m['end_mb']} MB; peak with its parser children {m['peak_with_children_mb']} MB")
    print(f"\n{'write':<40} {'confirmed':>9} {'uncertain':>9} {'found':>6}")
    for kind, w in r["writes"].items():
        print(f"{kind:<40} {w['confirmed']:>9} {w['uncertain']:>9} {w['found']:>6}")
    if "cpu_seconds" in r:
        print("\nCPU time during the run: " + "; ".join(
            f"{name} {sec} s" for name, sec in r["cpu_seconds"].items()))
    errors = r["session_errors"]
    if errors:
        print(f"\nsteps that failed ({sum(len(v) for v in errors.values())}):")
        for who, lines in errors.items():
            for line in lines:
                print(f"  {who}: {line}")
    if r["exceptions_on_pages"]:
        print(f"\nerror boxes (stException) seen on pages: {r['exceptions_on_pages']}")
    for name, lines in r["server_log_errors"].items():
        if lines:
            print(f"\n{name} log, lines naming an error (first 20):")
            for line in lines:
                print(f"  {line[:200]}")
    if r.get("goals_with_a_missing_or_foreign_purpose"):
        print("\ngoals whose purpose is missing or another session's:")
        for line in r["goals_with_a_missing_or_foreign_purpose"]:
            print(f"  {line}")
    if r["problems"]:
        print("\nFAIL: writes not there exactly once:")
        for p in r["problems"]:
            print(f"  {p}")
    else:
        print("\nPASS: every confirmed write is in the store exactly once, nothing extra")


if __name__ == "__main__":
    sys.exit(main())
