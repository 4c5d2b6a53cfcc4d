"""Shared fixtures: a fresh database file per test, the sample folder when it exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from collabplan import db as db_module

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.fixture
def samples() -> Path:
    """The shared sample exports; tests that need them are skipped on a clone without them."""
    if not SAMPLES.is_dir():
        pytest.skip("shared/samples is not beside this checkout")
    return SAMPLES
