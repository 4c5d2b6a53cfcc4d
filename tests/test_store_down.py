"""When PostgreSQL goes away, a person reads one line, nothing is half-saved, and the app
works again once the database is back, without a restart.

The test runs a PostgreSQL server of its own (Debian's ``postgresql`` package), stops it under
an open store, and starts it again on the same port.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from collabplan import db as db_module
from collabplan import shared_store
from collabplan.errors import UserError
from tests import pgserver

pytestmark = pytest.mark.skipif(not pgserver.available(), reason="needs PostgreSQL's programs")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def own_server():
    # (in /tmp itself: PostgreSQL's own account, when the suite runs as root, must reach it)
    folder = Path(tempfile.mkdtemp(prefix="collabplan-pg-down-"))
    url = pgserver.start(folder, durable=True)  # its commits outlive a stop
    yield folder, url
    pgserver.stop(folder)
    shutil.rmtree(folder, ignore_errors=True)


def test_a_store_gone_away_is_one_line_and_comes_back(own_server, monkeypatch) -> None:
    folder, server = own_server
    port = int(server.rsplit(":", 1)[1])
    url = f"{server}/district"
    shared_store.ensure_database(url)
    monkeypatch.setattr(db_module, "_COPY_SCORES", threading.Event())
    db_module.keep_score_copies()  # as an app server
    db = db_module.Database(url)
    try:
        with db.transaction() as cur:
            cur.execute("INSERT INTO team (name) VALUES ('Grade 3')")
        assert db.scalar("SELECT count(*) FROM score") == 0

        pgserver.stop(folder)
        db._store_version._read_at = 0.0  # the next read asks the store
        with pytest.raises(UserError) as read:
            db.scalar("SELECT count(*) FROM team")
        assert str(read.value) == shared_store.UNREACHABLE and read.value.kind == "setup"
        assert "postgresql://" not in str(read.value)
        with pytest.raises(UserError), db.transaction() as cur:
            cur.execute("INSERT INTO team (name) VALUES ('Grade 4')")

        pgserver.start(folder, durable=True, port=port)
        db._store_version._read_at = 0.0
        assert db.rows("SELECT name FROM team") == [("Grade 3",)]  # nothing half-saved
        with db.transaction() as cur:
            cur.execute("INSERT INTO team (name) VALUES ('Grade 4')")
        assert db.scalar("SELECT count(*) FROM team") == 2
    finally:
        db.close()
