from __future__ import annotations

import threading

import pytest

from collabplan import db as db_module
from tests import factories


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
    first.close()
    second = db_module.Database(db_path)
    assert second.scalar("SELECT title FROM priority") == "Reading success for every student"
    second.close()


@pytest.mark.embedded_only
def test_student_table_loses_its_indexes_and_keeps_its_rows(tmp_path):
    """Migration 0004 rebuilds `student` without PRIMARY KEY/UNIQUE; rows and ids stay."""
    path = tmp_path / "old.duckdb"
    con = factories.database_before(path, 4)
    con.execute(
        "INSERT INTO student (student_key, local_id, display_name, grade)"
        " VALUES ('id:7', '7', 'Ana Ruiz', '3'), ('name:bo li', NULL, 'Bo Li', '4')"
    )
    before = con.execute("SELECT * FROM student ORDER BY id").fetchall()
    con.close()
    migrated = db_module.Database(path)
    try:
        assert migrated.rows("SELECT * FROM student ORDER BY id") == before
        assert migrated.scalar("SELECT count(*) FROM duckdb_indexes() WHERE table_name = 'student'") == 0
        assert migrated.scalar(
            "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'student'"
            " AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
        ) == 0
        with migrated.transaction() as cur:
            cur.execute("INSERT INTO student (student_key) VALUES ('id:8')")
        # the sequence goes on after the moved rows
        assert migrated.scalar("SELECT id FROM student WHERE student_key = 'id:8'") > max(
            r[0] for r in before
        )
    finally:
        migrated.close()


def _class_encodings(db) -> set[str]:
    return {
        c for (c,) in db.rows(
            "SELECT DISTINCT compression FROM pragma_storage_info('student')"
            " WHERE column_name = 'class_name' AND segment_type = 'VARCHAR'"
        )
    }


@pytest.mark.parametrize("plain", [False, True])
@pytest.mark.embedded_only
def test_plain_text_commit_stores_text_uncompressed_and_resets_the_setting(db, plain):
    # a commit writes its rows into the file (and so compresses them) once the log is
    # large; a small threshold makes this small transaction do that too
    db.cursor().execute("SET checkpoint_threshold = '1KB'")
    rows = [[f"id:{i}", f"Class {i % 5}"] for i in range(3000)]
    with db.transaction(plain_text=plain) as cur:
        cur.executemany("INSERT INTO student (student_key, class_name) VALUES (?, ?)", rows)
    assert db.scalar("SELECT current_setting('disabled_compression_methods')") == ""
    assert _class_encodings(db) == ({"Uncompressed"} if plain else {"Dictionary"})
    assert db.scalar("SELECT count(*) FROM student") == len(rows)
    # a failed transaction changes nothing, and no setting is left behind
    with pytest.raises(RuntimeError), db.transaction(plain_text=plain) as cur:
        cur.execute("INSERT INTO student (student_key) VALUES ('id:x')")
        raise RuntimeError("boom")
    assert db.scalar("SELECT count(*) FROM student") == len(rows)
    assert db.scalar("SELECT current_setting('disabled_compression_methods')") == ""
