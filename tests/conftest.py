"""Shared fixtures: a fresh database file per test, the demo school built once per session
and copied for each test that wants it, and the sample folder when it exists."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from collabplan import db as db_module
from collabplan import shared_store

ROOT = Path(__file__).resolve().parent.parent
#: The demo school's reference day in tests: the end of the 2025-26 school year, so every
#: window and story is in and the tests do not change with the real date.
DEMO_TODAY = dt.date(2026, 6, 20)
SAMPLES = ROOT.parent / "shared" / "samples"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new, empty database file; COLLABPLAN_DB points at it so the app and CLI use it too."""
    path = tmp_path / "test.duckdb"
    monkeypatch.setenv("COLLABPLAN_DB", str(path))
    yield path
    db_module.close(path)


@pytest.fixture
def db(db_path: Path) -> db_module.Database:
    """A migrated Database on a fresh file."""
    return db_module.connect(db_path)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo school's database file, built once for the whole run; never opened by a test."""
    from collabplan.samples.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    database = db_module.connect(path)
    load_demo(database, today=DEMO_TODAY)
    database.close()
    return path


@pytest.fixture
def demo_db(db_path: Path, demo_file: Path) -> db_module.Database:
    """A copy of the demo school of this test's own, at ``db_path`` (so the pages open it too)."""
    shutil.copy(demo_file, db_path)
    return db_module.connect(db_path)


@pytest.fixture
def samples() -> Path:
    """The shared sample exports; tests that need them are skipped on a clone without them."""
    if not SAMPLES.is_dir():
        pytest.skip("shared/samples is not beside this checkout")
    return SAMPLES


# ------------------------------------------------------------------ the shared-store run
def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        default=None,
        help="run the suite on the shared PostgreSQL store: a server URL with no database "
        "name (postgresql://user@host:port), or 'local' for a throwaway server from Debian's "
        "PostgreSQL packages; every test's database is then a database of its own there",
    )


def pytest_configure(config: pytest.Config) -> None:
    store = config.getoption("--store")
    if not store or hasattr(config, "workerinput"):  # workers inherit the environment
        return
    if store == "local":
        import tempfile

        import pgserver

        folder = Path(tempfile.mkdtemp(prefix="collabplan-pg-"))
        store = pgserver.start(folder)
        config._collabplan_pg = folder  # type: ignore[attr-defined]
    os.environ[shared_store.TEST_SERVER_ENV] = store


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "_collabplan_pg", None)
    if folder is not None:
        import pgserver

        pgserver.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get(shared_store.TEST_SERVER_ENV):
        return
    skip = pytest.mark.skip(reason="about the embedded DuckDB file (shared-store run)")
    for item in items:
        if item.get_closest_marker("embedded_only"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _drop_test_stores(request: pytest.FixtureRequest):
    """In the shared-store run, drop the databases this test's files stood for."""
    shared = os.environ.get(shared_store.TEST_SERVER_ENV)
    tmp = request.getfixturevalue("tmp_path") if shared and "tmp_path" in request.fixturenames else None
    yield
    if tmp is None:
        return
    server = os.environ[shared_store.TEST_SERVER_ENV].rstrip("/")
    for path in tmp.rglob("*"):
        name = shared_store.marker_source(path) if path.is_file() else None
        if name:  # (other tests' databases, a module's own school, stay open)
            db_module.close_store(name)
            shared_store.drop_database(f"{server}/{name}")
