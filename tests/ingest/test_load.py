"""Loading: idempotence, one student across uploads, undo of exactly one upload, history."""

from __future__ import annotations

import pytest

from collabplan.errors import UserError
from collabplan.ingest.load import (
    delete_upload,
    import_file,
    list_uploads,
    save_mapping,
    saved_mappings,
)
from collabplan.ingest.mapping import Mapping

QUIZ = Mapping.from_toml(
    '[assessment]\nname = "Quiz"\ndate = "2025-10-01"\n[columns]\nstudent_id = "ID"\n'
    'student_name = "Name"\ngrade = "Grade"\n[scores]\ncolumns = ["A", "B"]\nmax = 4',
    name="quiz",
)
FILE_1 = b'ID,Name,Grade,A,B\n00452,"Diaz, Ana",3,4,2\n2,Ben Ode,3,3,4\n'
FILE_2 = b'ID,Name,Grade,A,B\n00452,"Diaz, Ana Maria",4,1,1\n3,Cy Lee,4,4,4\n'


TABLES = ("upload", "student", "score", "administration", "assessment")


def counts(db) -> dict[str, int]:
    # table names come from the fixed tuple above
    return {t: db.scalar(f"SELECT count(*) FROM {t}") for t in TABLES}  # noqa: S608


def test_same_bytes_twice_is_a_duplicate_and_adds_nothing(db):
    first = import_file(db, FILE_1, "quiz.csv", QUIZ)
    before = counts(db)
    again = import_file(db, FILE_1, "quiz copy.csv", QUIZ)
    assert first.duplicate is False and again.duplicate is True
    assert again.upload_id == first.upload_id and again.scores == first.scores
    assert counts(db) == before


def test_a_student_in_several_uploads_is_one_student_with_the_newest_details(db):
    import_file(db, FILE_1, "quiz.csv", QUIZ)
    m2 = QUIZ.copy(assessment_date="2025-11-01")
    import_file(db, FILE_2, "quiz2.csv", m2)
    assert db.scalar("SELECT count(*) FROM student") == 3
    assert db.rows("SELECT display_name, grade FROM student WHERE local_id = '00452'") == [
        ("Ana Maria Diaz", "4")
    ]
    assert db.scalar("SELECT count(*) FROM administration") == 2
    assert (
        db.scalar(
            "SELECT count(DISTINCT grade) FROM score WHERE student_id = (SELECT id FROM student WHERE local_id = '00452')"
        )
        == 2
    )


def test_new_students_take_the_next_ids_and_every_student_gets_its_groups(db):
    grouped = QUIZ.copy(groups={"ELL": "ELL"})
    import_file(db, b"ID,Name,Grade,ELL,A,B\n1,Ann Ash,3,ELL,4,2\n2,Ben Ode,3,,3,4\n", "a.csv", grouped)
    import_file(
        db,
        b"ID,Name,Grade,ELL,A,B\n2,Ben Ode,3,ELL,1,1\n3,Cy Lee,3,ELL,4,4\n",
        "b.csv",
        grouped.copy(assessment_date="2025-11-01"),
    )
    assert db.rows("SELECT id, local_id FROM student ORDER BY id") == [(1, "1"), (2, "2"), (3, "3")]
    assert db.rows(
        """SELECT st.local_id, g.upload_id FROM student_group g JOIN student st ON st.id = g.student_id
           ORDER BY 2, 1"""
    ) == [("1", 1), ("2", 2), ("3", 2)]
    # each score belongs to the student of its row
    assert db.rows(
        """SELECT st.local_id, s.upload_id, sum(s.points) FROM score s
           JOIN student st ON st.id = s.student_id GROUP BY ALL ORDER BY 2, 1"""
    ) == [("1", 1, 6.0), ("2", 1, 7.0), ("2", 2, 2.0), ("3", 2, 8.0)]
    # the sequence went on past the ids the import took
    with db.transaction() as cur:
        cur.execute("INSERT INTO student (student_key) VALUES ('id:4')")
    assert db.scalar("SELECT id FROM student WHERE student_key = 'id:4'") == 4


def test_undo_removes_exactly_one_upload(db):
    a = import_file(db, FILE_1, "quiz.csv", QUIZ)
    after_first = counts(db)
    b = import_file(db, FILE_2, "quiz2.csv", QUIZ.copy(assessment_date="2025-11-01"))
    done = delete_upload(db, b.upload_id, who="Ms. Alvarez")
    assert done["scores"] == 4 and done["students"] == 1 and done["administrations"] == 1
    assert counts(db) == after_first
    assert db.rows("SELECT who, action FROM audit") == [("Ms. Alvarez", "undo upload")]
    delete_upload(db, a.upload_id)
    assert counts(db) == dict.fromkeys(after_first, 0)
    with pytest.raises(UserError, match="no upload"):
        delete_upload(db, a.upload_id)


def test_a_bad_file_writes_nothing(db):
    with pytest.raises(UserError):
        import_file(db, b"ID,Name\n", "empty.csv", QUIZ)
    assert counts(db) == dict.fromkeys(counts(db), 0)


def test_history_lists_uploads_newest_first_with_team(db):
    import_file(db, FILE_1, "quiz.csv", QUIZ, team="Grade 3", uploaded_by="Ana")
    import_file(db, FILE_2, "quiz2.csv", QUIZ)
    df = list_uploads(db)
    assert list(df["file_name"]) == ["quiz2.csv", "quiz.csv"]
    assert df.iloc[1]["team"] == "Grade 3" and df.iloc[1]["students"] == 2


def test_saved_mappings_round_trip(db):
    save_mapping(db, "My quiz", QUIZ)
    got = saved_mappings(db)["My quiz"]
    assert got.scores.columns == ["A", "B"] and got.columns["student_id"] == "ID"
