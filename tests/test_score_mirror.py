"""Each app server's copy of the shared store's scores follows every write (shared-store run).

Two ``Database`` objects on one store stand for two app servers. Whatever one writes (an
import's upload, scores added to an upload, some scores removed, an upload undone) the other
reads once the store's commit count moves; a writer reads its own uncommitted rows.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from collabplan import db as db_module
from collabplan import shared_store
from tests import factories

pytestmark = pytest.mark.skipif(
    not os.environ.get(shared_store.TEST_SERVER_ENV),
    reason="the copy of the scores exists on the shared store only (pytest --store=local)",
)

COUNT = "SELECT count(*) FROM score"


@pytest.fixture(autouse=True)
def _copies(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on an app server (app.py): shared-store Databases keep a copy of the scores."""
    monkeypatch.setattr(db_module, "_COPY_SCORES", threading.Event())
    db_module.keep_score_copies()


def _school(db: db_module.Database) -> tuple[int, int, list[int]]:
    team = factories.team(db)
    upload = factories.upload(db, team)
    test = factories.assessment(db)
    window = factories.administration(db, test, "Fall", "2026-09-15")
    students = factories.class_of_students(db, 12, "7A", "Ms Ray")
    factories.skill_scores(db, upload, window, students, "Main idea", 6)
    return upload, window, students


def _other_server(db_path: Path) -> db_module.Database:
    """A second Database on the same store (what another app server holds)."""
    return db_module.Database(db_path)


def _moved_on(db: db_module.Database) -> None:
    """Let ``db`` read the store's commit count now (as it does once a second)."""
    db._store_version._read_at = 0.0


def test_a_command_reads_the_store_itself(db_path: Path) -> None:
    flag = threading.Event()  # a process that did not call keep_score_copies()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(db_module, "_COPY_SCORES", flag)
        command = db_module.Database(db_path)
    try:
        _school(command)
        assert command.scalar(COUNT) == 12
        assert command.scalar("SELECT current_setting('search_path')").startswith("store.public")
    finally:
        command.close()


def test_reads_come_from_the_copy(db: db_module.Database) -> None:
    _school(db)
    assert db.scalar(COUNT) == 12
    path = db.scalar("SELECT current_setting('search_path')")
    assert path.startswith("mirror.main")
    assert db.scalar("SELECT count(*) FROM mirror.main.score_value") == 12


def test_another_servers_writes_reach_the_copy(db: db_module.Database, db_path: Path) -> None:
    upload, window, students = _school(db)
    other = _other_server(db_path)
    try:
        assert other.scalar(COUNT) == 12
        # scores added to the same upload, then a new upload
        factories.skill_scores(db, upload, window, students, "Inference", 3)
        second = factories.upload(db, None, "later.xlsx")
        factories.skill_scores(db, second, window, students[:5], "Theme", 5)
        _moved_on(other)
        assert other.scalar(COUNT) == 29
        assert other.scalar("SELECT count(*) FROM score WHERE skill = 'Theme'") == 5
        # some rows removed, not a whole upload
        with db.transaction() as cur:
            factories.delete_scores(cur, "m.skill = ? AND si.student_id = ?",
                                    ["Inference", students[0]])
        _moved_on(other)
        assert other.scalar(COUNT) == 28
        # an upload undone
        from collabplan.ingest.load import delete_upload

        delete_upload(db, second, who="test")
        _moved_on(other)
        assert other.scalar(COUNT) == 23
        assert other.scalar("SELECT count(*) FROM score WHERE skill = 'Theme'") == 0
        assert other.rows("SELECT skill, count(*) FROM score GROUP BY 1 ORDER BY 1") == \
            db.rows("SELECT skill, count(*) FROM store.public.measure m"
                    " JOIN store.public.score_value v ON v.measure_id = m.id GROUP BY 1 ORDER BY 1")
    finally:
        other.close()


def test_a_writer_reads_its_own_rows(db: db_module.Database) -> None:
    upload, window, students = _school(db)
    with db.transaction() as cur:
        factories.delete_scores(cur, "si.student_id = ?", [students[0]])
        assert cur.execute(COUNT).fetchone()[0] == 11
    assert db.scalar(COUNT) == 11
    with db.scratch() as cur:
        factories.delete_scores(cur, "si.student_id = ?", [students[1]])
        assert db.scalar(COUNT) == 10  # the scratch's own rows, this thread
    assert db.scalar(COUNT) == 11
    assert db.scalar("SELECT current_setting('search_path')").startswith("mirror.main")


def test_a_failed_write_leaves_the_copy_alone(db: db_module.Database) -> None:
    _school(db)
    with pytest.raises(RuntimeError), db.transaction() as cur:
        cur.execute("DELETE FROM score_value")
        raise RuntimeError("stop")
    assert db.scalar(COUNT) == 12
