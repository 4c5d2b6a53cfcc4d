"""Shared fixtures: a fresh database file per test, the demo school built once per session
and copied for each test that wants it, and the sample folder when it exists."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from collabplan import db as db_module

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
