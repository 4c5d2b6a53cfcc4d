"""Slim score storage: migration 0003, the score view, and the writers in ingest/store.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from collabplan import catalog
from collabplan import db as db_module
from collabplan.ingest import store
from tests import factories as f

VIEW_COLUMNS = list(store.SCORE_COLUMNS)

# Old-table rows: upload, administration, student, skill, item, raw, points, max_points,
# fraction, level, proficient, grade, class_name, teacher.
OLD_ROWS = [
    (1, 1, 1, "RL.3.1", None, "3", 3.0, 4.0, 0.75, None, False, "3", "3A", "Ms Lee"),
    (1, 1, 1, "RL.3.2", None, "4", 4.0, 4.0, 1.0, None, True, "3", "3A", "Ms Lee"),
    (1, 1, 1, "RL.3.1", "Q1", "1", 1.0, 1.0, 1.0, None, True, "3", "3A", "Ms Lee"),
    (1, 1, 2, "RL.3.1", None, "2", 2.0, 4.0, 0.5, None, False, None, None, None),
    (1, 1, 2, "RL.3.1", "Q1", "0", 0.0, 1.0, 0.0, None, False, None, None, None),
    (1, 1, 3, "RL.3.1", None, "4", 4.0, 4.0, 1.0, None, True, "3", None, "Mr Diaz"),
    (2, 2, 1, "Reading", None, "High", None, None, None, "High", True, None, "3A", None),
    (2, 2, 2, "Reading", None, "Low", None, None, None, "Low", False, None, "3A", None),
    (2, 1, 1, "RL.3.1", None, "3", 3.0, 4.0, 0.75, None, False, "3", "3A", "Ms Lee"),
]


def _old_database(path) -> list[tuple]:
    """A file made by migrations 0001 and 0002 only, with rows in the old score table."""
    con = f.database_before(path, 3)
    # the rows the scores point at (the check on open removes scores of missing uploads)
    con.execute("""INSERT INTO upload (id, file_name, sha256) VALUES (1, 'a.xlsx', 'a'), (2, 'b.xlsx', 'b');
                   INSERT INTO student (id, student_key) VALUES (1, 'id:1'), (2, 'id:2'), (3, 'id:3');
                   INSERT INTO assessment (id, name, kind) VALUES (1, 'CFA', 'points');
                   INSERT INTO administration (id, assessment_id, label) VALUES (1, 1, 'Fall'), (2, 1, 'Winter');""")
    con.executemany("INSERT INTO score VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", OLD_ROWS)
    before = con.execute(
        f"SELECT {', '.join(VIEW_COLUMNS)} FROM score ORDER BY ALL"  # noqa: S608 fixed column list
    ).fetchall()
    con.close()
    return before


def _view(db, where: str = "true", params: list | None = None) -> list[tuple]:
    return db.rows(
        f"SELECT {', '.join(VIEW_COLUMNS)} FROM score WHERE {where} ORDER BY ALL",  # noqa: S608 fixed test text
        params or [],
    )


@pytest.mark.embedded_only
def test_migration_moves_old_score_rows_into_the_slim_tables(tmp_path):
    path = tmp_path / "old.duckdb"
    before = _old_database(path)
    db = db_module.Database(path)
    try:
        assert db.schema_version() >= 3
        assert _view(db) == before
        # one sitting per upload × administration × student × grade/class/teacher, NULLs alike
        assert db.scalar("SELECT count(*) FROM sitting") == 6
        assert db.scalar("SELECT count(*) FROM measure") == 5
        assert db.scalar("SELECT count(*) FROM score_value") == len(OLD_ROWS)
        assert db.scalar("SELECT count(DISTINCT id) FROM sitting") == 6
        assert db.scalar(
            "SELECT table_type FROM information_schema.tables WHERE table_name = 'score'"
        ) == "VIEW"
        assert "raw" not in [c for (c,) in db.rows("SELECT column_name FROM (DESCRIBE score)")]
        # score values are stored in sitting order
        ids = [i for (i,) in db.rows("SELECT sitting_id FROM score_value")]
        assert ids == sorted(ids)
    finally:
        db.close()


@pytest.mark.embedded_only
def test_migrated_database_takes_new_rows_after_the_moved_ones(tmp_path):
    path = tmp_path / "old.duckdb"
    before = _old_database(path)
    db = db_module.Database(path)
    try:
        with db.transaction() as cur:
            store.write_score_rows(cur, f.score_table([
                {"upload_id": 3, "administration_id": 1, "student_id": 1, "skill": "RL.3.1",
                 "fraction": 0.5, "proficient": False},
            ]))
        assert db.scalar("SELECT min(id) FROM sitting WHERE upload_id = 3") == 7
        assert db.scalar("SELECT min(id) FROM measure WHERE upload_id = 3") == 6
        assert _view(db, "upload_id <> 3") == before
    finally:
        db.close()


def test_fresh_database_has_an_empty_score_view(db):
    assert db.scalar("SELECT count(*) FROM score") == 0
    assert [c for (c,) in db.rows("SELECT column_name FROM (DESCRIBE score)")] == VIEW_COLUMNS


def test_write_score_rows_round_trips_through_the_view(db):
    rows = [
        {"upload_id": 1, "administration_id": 1, "student_id": 1, "skill": "A", "points": 3.0,
         "max_points": 4.0, "fraction": 0.75, "proficient": False, "grade": "3",
         "class_name": "3A", "teacher": "Ms Lee"},
        {"upload_id": 1, "administration_id": 1, "student_id": 1, "skill": "B", "points": 4.0,
         "max_points": 4.0, "fraction": 1.0, "proficient": True, "grade": "3",
         "class_name": "3A", "teacher": "Ms Lee"},
        {"upload_id": 1, "administration_id": 1, "student_id": 2, "skill": "A", "item": "Q1",
         "points": 1.0, "max_points": 1.0},
        {"upload_id": 1, "administration_id": 2, "student_id": 2, "skill": "A", "level": "High",
         "proficient": True},
    ]
    with db.transaction() as cur:
        assert store.write_score_rows(cur, pd.DataFrame(rows)) == 4
    expected = [tuple(r.get(c) for c in VIEW_COLUMNS) for r in rows]
    # pandas holds the missing values as NaN/None: they come back NULL
    assert sorted(map(repr, _view(db))) == sorted(map(repr, expected))
    assert db.scalar("SELECT count(*) FROM score WHERE points IS NULL") == 1
    assert db.scalar("SELECT count(*) FROM score WHERE isnan(fraction)") == 0
    assert db.scalar("SELECT count(*) FROM sitting") == 3
    assert db.scalar("SELECT count(*) FROM measure") == 3


def test_write_score_rows_keeps_null_grade_class_teacher_and_item_apart(db):
    base = {"upload_id": 1, "administration_id": 1, "student_id": 1, "skill": "A"}
    rows = [
        {**base, "fraction": 0.1},
        {**base, "fraction": 0.2, "grade": "3"},
        {**base, "fraction": 0.3, "class_name": "3A"},
        {**base, "fraction": 0.4, "teacher": "Ms Lee"},
        {**base, "fraction": 0.5, "item": "Q1"},
        {**base, "fraction": 0.6},
    ]
    with db.transaction() as cur:
        store.write_score_rows(cur, f.score_table(rows))
    assert db.scalar("SELECT count(*) FROM sitting") == 4
    assert db.scalar("SELECT count(*) FROM measure") == 2
    got = db.rows(
        "SELECT fraction, grade, class_name, teacher, item FROM score ORDER BY fraction"
    )
    assert got == [
        (0.1, None, None, None, None),
        (0.2, "3", None, None, None),
        (0.3, None, "3A", None, None),
        (0.4, None, None, "Ms Lee", None),
        (0.5, None, None, None, "Q1"),
        (0.6, None, None, None, None),
    ]
    # the two rows without grade, class, teacher or item share a sitting and a measure
    assert db.scalar(
        "SELECT count(DISTINCT (sitting_id, measure_id)) FROM score_value"
        " WHERE fraction IN (0.1, 0.5, 0.6)"
    ) == 2


def test_write_score_rows_needs_the_key_columns_and_no_others(db):
    with db.transaction() as cur:
        assert store.write_score_rows(cur, pa.table({"skill": pa.array([], pa.string())})) == 0
        with pytest.raises(ValueError, match="student_id"):
            store.write_score_rows(cur, pa.table({
                "upload_id": [1], "administration_id": [1], "skill": ["A"]}))
        with pytest.raises(ValueError, match="raw"):
            store.write_score_rows(cur, pa.table({
                "upload_id": [1], "administration_id": [1], "student_id": [1], "skill": ["A"],
                "raw": ["3"]}))


def test_write_score_rows_never_shares_a_sitting_or_measure_between_uploads(db):
    row = {"administration_id": 1, "student_id": 1, "skill": "A", "fraction": 0.5}
    with db.transaction() as cur:
        store.write_score_rows(cur, f.score_table([{**row, "upload_id": 1}]))
        store.write_score_rows(cur, f.score_table([{**row, "upload_id": 2}]))
    assert db.rows("SELECT id, upload_id FROM sitting ORDER BY id") == [(1, 1), (2, 2)]
    assert db.rows("SELECT id, upload_id FROM measure ORDER BY id") == [(1, 1), (2, 2)]


def _slim_upload(n_students: int, skills: list[str], start: int = 0):
    sittings = pa.table({
        "student_no": pa.array(np.arange(n_students, dtype=np.int32)),
        "administration_no": pa.array(np.arange(n_students, dtype=np.int32) % 2),
        "grade": pa.array(["3" if i % 3 else None for i in range(n_students)]),
        "class_name": pa.array([None if i % 2 else "3A" for i in range(n_students)]),
        "teacher": pa.array(["Ms Lee"] * n_students),
    })
    measures = pa.table({
        "skill": pa.array([s.split("/")[0] for s in skills]),
        "item": pa.array([s.split("/")[1] if "/" in s else None for s in skills]),
    })
    k = len(skills)
    sitting_no = np.repeat(np.arange(n_students, dtype=np.int32), k)
    measure_no = np.tile(np.arange(k, dtype=np.int32), n_students)
    points = (start + np.arange(n_students * k)).astype(np.float64)
    values = pa.table({
        "sitting_no": pa.array(sitting_no),
        "measure_no": pa.array(measure_no),
        "points": pa.array(points),
        "max_points": pa.array(np.full(n_students * k, 100.0)),
        "fraction": pa.array(points / 100.0),
        "level": pa.array([None] * (n_students * k), pa.string()),
        "proficient": pa.array(points >= 50),
    })
    # the importer hands values over in several record batches
    values = pa.Table.from_batches(values.to_batches(max_chunksize=7))
    return sittings, measures, values


def test_insert_slim_numbers_sittings_and_measures_after_the_largest_ids(db):
    with db.transaction() as cur:
        store.write_score_rows(cur, f.score_table([
            {"upload_id": 1, "administration_id": 10, "student_id": 100, "skill": "Old"}]))
    sittings, measures, values = _slim_upload(5, ["A", "B", "A/Q1"])
    student_ids = np.array([50, 51, 52, 53, 54])
    admin_ids = np.array([7, 8])
    with db.transaction() as cur:
        written = store.insert_slim(cur, 2, sittings, measures, values, student_ids, admin_ids)
    assert written == 15
    assert db.rows(
        "SELECT id, upload_id, administration_id, student_id, grade, class_name, teacher"
        " FROM sitting WHERE upload_id = 2 ORDER BY id"
    ) == [
        (2, 2, 7, 50, None, "3A", "Ms Lee"),
        (3, 2, 8, 51, "3", None, "Ms Lee"),
        (4, 2, 7, 52, "3", "3A", "Ms Lee"),
        (5, 2, 8, 53, None, None, "Ms Lee"),
        (6, 2, 7, 54, "3", "3A", "Ms Lee"),
    ]
    assert db.rows("SELECT id, upload_id, skill, item FROM measure WHERE upload_id = 2 ORDER BY id") == [
        (2, 2, "A", None), (3, 2, "B", None), (4, 2, "A", "Q1"),
    ]
    # score values in sitting order, each pointing at its sitting and measure
    stored = db.rows("SELECT sitting_id, measure_id, points FROM score_value WHERE sitting_id > 1")
    assert stored == [(2 + i // 3, 2 + i % 3, float(i)) for i in range(15)]
    assert db.rows(
        "SELECT student_id, administration_id, skill, item, points FROM score"
        " WHERE upload_id = 2 AND points = 7"
    ) == [(52, 7, "B", None, 7.0)]


def test_insert_slim_sorts_values_that_come_out_of_sitting_order(db):
    sittings, measures, values = _slim_upload(4, ["A", "B"])
    shuffled = values.take(pa.array([7, 0, 5, 2, 1, 6, 3, 4]))
    with db.transaction() as cur:
        store.insert_slim(cur, 1, sittings, measures, shuffled, np.arange(1, 5), np.array([1, 2]))
    ids = [i for (i,) in db.rows("SELECT sitting_id FROM score_value")]
    assert ids == sorted(ids)
    assert db.rows("SELECT student_id, skill, points FROM score ORDER BY points") == [
        (1 + i // 2, "AB"[i % 2], float(i)) for i in range(8)
    ]


def test_delete_upload_scores_removes_exactly_one_upload(db):
    with db.transaction() as cur:
        for upload in (1, 2, 3):
            sittings, measures, values = _slim_upload(4, ["A", "B/Q1"], start=100 * upload)
            store.insert_slim(cur, upload, sittings, measures, values, np.arange(1, 5),
                              np.array([1, 2]))
    keep = _view(db, "upload_id <> 2")
    with db.transaction() as cur:
        assert store.delete_upload_scores(cur, 2) == 8
    assert _view(db) == keep
    assert db.scalar("SELECT count(*) FROM sitting WHERE upload_id = 2") == 0
    assert db.scalar("SELECT count(*) FROM measure WHERE upload_id = 2") == 0
    assert db.scalar("SELECT count(*) FROM score_value") == 16
    with db.transaction() as cur:
        assert store.delete_upload_scores(cur, 2) == 0


def test_undo_of_an_upload_leaves_the_other_uploads_scores(db):
    from collabplan.ingest import load

    team = f.team(db)
    first, second = f.upload(db, team, "a.xlsx"), f.upload(db, team, "b.xlsx")
    assessment = f.assessment(db)
    fall = f.administration(db, assessment, "Fall", "2025-09-15")
    winter = f.administration(db, assessment, "Winter", "2026-01-15")
    kids = f.class_of_students(db, 3, "3A", "Ms Lee")
    f.skill_scores(db, first, fall, kids, "RL.3.1", 2)
    f.skill_scores(db, second, winter, kids[:2], "RL.3.1", 1)
    keep = _view(db, "upload_id = ?", [first])
    out = load.delete_upload(db, second)
    assert out["scores"] == 2 and out["administrations"] == 1 and out["students"] == 0
    assert _view(db) == keep
    assert db.scalar("SELECT count(*) FROM administration WHERE id = ?", [winter]) == 0


def test_catalog_lists_only_sittings_with_a_skill_score(db):

    team = f.team(db)
    upload = f.upload(db, team)
    assessment = f.assessment(db)
    fall = f.administration(db, assessment, "Fall", "2025-09-15")
    kid, other = f.class_of_students(db, 2, "3A", "Ms Lee")
    f.scores(db, [
        {"upload_id": upload, "administration_id": fall, "student_id": kid, "skill": "A",
         "fraction": 0.5, "grade": "3", "class_name": "3A", "teacher": "Ms Lee"},
        {"upload_id": upload, "administration_id": fall, "student_id": kid, "skill": "A",
         "item": "Q1", "points": 1.0, "max_points": 1.0, "grade": "3", "class_name": "3A",
         "teacher": "Ms Lee"},
        # only a question score, in a class no skill score names
        {"upload_id": upload, "administration_id": fall, "student_id": other, "skill": "A",
         "item": "Q1", "points": 0.0, "max_points": 1.0, "grade": "3", "class_name": "3Z",
         "teacher": "Mr Nobody"},
    ])
    cat = catalog.catalog(db)
    assert sorted(cat["class_name"]) == ["3A"]
    assert sorted(cat["teacher"]) == ["Ms Lee"]
