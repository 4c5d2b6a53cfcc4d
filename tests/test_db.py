from __future__ import annotations

import threading

import pytest

from collabplan import db as db_module


def test_migrations_are_recorded_and_idempotent(db):
    versions = [v for v, _, _ in db_module.migrations()]
    assert db.schema_version() == max(versions)
    assert db.migrate() == []
    recorded = [v for (v,) in db.rows("SELECT version FROM schema_version ORDER BY version")]
    assert recorded == versions


def test_transaction_rolls_back_everything_on_error(db):
    with pytest.raises(RuntimeError), db.transaction() as cur:
        cur.execute("INSERT INTO team (name) VALUES (?)", ["Grade 3 reading"])
        raise RuntimeError("boom")
    assert db.scalar("SELECT count(*) FROM team") == 0


def test_commit_bumps_version(db):
    before = db.version
    with db.transaction() as cur:
        cur.execute("INSERT INTO team (name) VALUES (?)", ["Grade 4 math"])
    assert db.version == before + 1
    assert db.scalar("SELECT name FROM team") == "Grade 4 math"


def test_each_thread_gets_its_own_cursor(db):
    seen = []  # the cursors themselves, so no id can be reused after a thread ends

    def work():
        cur = db.cursor()
        assert db.cursor() is cur  # the same cursor for the whole thread
        seen.append(cur)
        db.scalar("SELECT 1")

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    mine = db.cursor()
    assert len({id(c) for c in seen}) == 3 and all(c is not mine for c in seen)


def test_database_path_follows_env(db_path, monkeypatch):
    from collabplan import config

    assert config.database_path() == db_path
    assert config.database_path("/tmp/other.duckdb").name == "other.duckdb"


def test_database_file_survives_reopen(db_path):
    first = db_module.Database(db_path)
    with first.transaction() as cur:
        cur.execute("INSERT INTO priority (title) VALUES (?)", ["Reading success for every student"])
    first._con.close()
    second = db_module.Database(db_path)
    assert second.scalar("SELECT title FROM priority") == "Reading success for every student"
    second._con.close()
