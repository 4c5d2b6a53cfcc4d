"""Student identity across uploads: other names are never saved silently, rows without an id
find their student by name, grade and class, and undo puts students back."""

from __future__ import annotations

import pytest

from collabplan.ingest.compare import StudentsChangedError, checked_report
from collabplan.ingest.load import delete_upload, import_file, import_files
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.prepare import prepare
from tests.identity_files import other_school_grade4

QUIZ = Mapping.from_toml(
    '[assessment]\nname = "Quiz"\ndate = "2025-10-01"\n[columns]\nstudent_id = "ID"\n'
    'student_name = "Name"\ngrade = "Grade"\nclass = "Class"\n[scores]\ncolumns = ["A", "B"]\nmax = 4',
    name="quiz",
)
BY_NAME = Mapping.from_toml(
    '[assessment]\nname = "Exit ticket"\ndate = "2025-10-08"\n[columns]\nstudent_name = "Name"\n'
    'grade = "Grade"\nclass = "Class"\n[scores]\ncolumns = ["A"]\nmax = 4',
    name="by_name",
)
CLASS_OF_TEN = [(str(i), name) for i, name in enumerate(
    ["Ava Lee", "Ben Ode", "Cy Diaz", "Dee Park", "Eli Fox", "Fay Chu", "Gus Roy", "Hal Ng",
     "Ivy Tan", "Jo Kim"], start=1)]


def quiz_csv(students, grade="3", klass="Room 1", scores=(4, 2)) -> bytes:
    lines = ["ID,Name,Grade,Class,A,B"]
    lines += [f"{i},{name},{grade},{klass},{scores[0]},{scores[1]}" for i, name in students]
    return ("\n".join(lines) + "\n").encode()


def details(db, local_id: str) -> tuple:
    return db.rows(
        "SELECT display_name, grade, class_name FROM student WHERE local_id = ?", [local_id]
    )[0]


def table_counts(db) -> dict[str, int]:
    tables = ("upload", "student", "score", "student_change", "upload_student", "student_group")
    return {t: db.scalar(f"SELECT count(*) FROM {t}") for t in tables}  # noqa: S608 (fixed names)


# -- another school: most known ids with other names --------------------------------------
def test_the_demo_grade4_ids_with_other_names_are_refused_and_nothing_is_written(demo_db):
    before = table_counts(demo_db)
    names = dict(demo_db.rows("SELECT local_id, display_name FROM student WHERE grade = '4'"))
    results, roster = other_school_grade4()
    with pytest.raises(StudentsChangedError) as refused:
        import_files(demo_db, [(results.file_name, results.data), (roster.file_name, roster.data)])
    message = str(refused.value)
    assert "StudentsBySchool_Hillside.csv" in message and "other people's names" in message
    assert message.count(" → ") <= 3 and "\n" not in message
    assert table_counts(demo_db) == before
    assert dict(demo_db.rows("SELECT local_id, display_name FROM student WHERE grade = '4'")) == names


def test_confirmed_other_names_are_saved_recorded_and_undo_restores_them(demo_db):
    names = dict(demo_db.rows("SELECT local_id, display_name FROM student WHERE grade = '4'"))
    results, roster = other_school_grade4()
    done = import_files(
        demo_db, [(results.file_name, results.data), (roster.file_name, roster.data)],
        update_students=True,
    )
    roster_result = done[1]
    assert any("already exist with another name, grade or class" in w for w in roster_result.warnings)
    new_names = {s.student_id: f"{s.first} {s.last}" for s in roster.students}
    now = dict(demo_db.rows("SELECT local_id, display_name FROM student WHERE grade = '4'"))
    assert now == {i: new_names[i] for i in names}
    changed = demo_db.scalar(
        "SELECT count(*) FROM student_change WHERE upload_id = ?", [roster_result.upload_id]
    )
    assert changed == sum(1 for i in names if names[i] != new_names[i])
    removed = delete_upload(demo_db, roster_result.upload_id)
    assert removed["students_restored"] == changed and removed["students"] == 0
    assert dict(demo_db.rows("SELECT local_id, display_name FROM student WHERE grade = '4'")) == names
    assert demo_db.scalar("SELECT count(*) FROM student_change WHERE upload_id = ?", [roster_result.upload_id]) == 0


def test_the_report_counts_changed_students_with_at_most_three_examples(demo_db):
    _results, roster = other_school_grade4()
    report = checked_report(demo_db, prepare(roster.data, roster.file_name))
    changes = report.student_changes
    assert report.needs_confirmation
    assert changes.known == 78 and changes.compared_names == 78
    assert changes.other_names > 39 and 1 <= len(changes.examples) <= 3
    assert changes.examples[0].startswith("id 400100: ") and " → " in changes.examples[0]
    line = next(w for w in report.warnings if "already exist with another name" in w)
    assert line.startswith(f"{changes.changed} students of this file")


def test_a_few_renamed_or_moved_students_import_with_a_warning_and_undo_puts_them_back(db):
    first = import_file(db, quiz_csv(CLASS_OF_TEN), "quiz.csv", QUIZ)
    later = list(CLASS_OF_TEN)
    later[0] = ("1", "Maya Chen")  # another person's name on one id
    later[1] = ("2", "Ben Ode Jr")  # a fuller name
    data = quiz_csv(later).replace(b"3,Cy Diaz,3,Room 1", b"3,Cy Diaz,3,Room 2")
    second = import_file(db, data, "quiz2.csv", QUIZ.copy(assessment_date="2025-11-01"))
    note = next(w for w in second.warnings if "already exist with another name" in w)
    assert note.startswith("3 students of this file")
    assert "id 1: Ava Lee → Maya Chen" in note and "id 3: class Room 1 → Room 2" in note
    assert details(db, "1") == ("Maya Chen", "3", "Room 1")
    assert details(db, "3") == ("Cy Diaz", "3", "Room 2")
    delete_upload(db, second.upload_id)
    assert details(db, "1") == ("Ava Lee", "3", "Room 1")
    assert details(db, "2") == ("Ben Ode", "3", "Room 1")
    assert details(db, "3") == ("Cy Diaz", "3", "Room 1")
    assert db.scalar("SELECT count(*) FROM student") == 10
    delete_upload(db, first.upload_id)
    assert table_counts(db) == dict.fromkeys(table_counts(db), 0)


def test_a_middle_name_added_to_every_student_is_a_change_not_another_school(db):
    import_file(db, quiz_csv(CLASS_OF_TEN), "quiz.csv", QUIZ)
    fuller = [(i, name.replace(" ", " Ann ")) for i, name in CLASS_OF_TEN]
    done = import_file(db, quiz_csv(fuller), "quiz2.csv", QUIZ.copy(assessment_date="2025-11-01"))
    assert any(w.startswith("10 students of this file already exist") for w in done.warnings)
    assert details(db, "1") == ("Ava Ann Lee", "3", "Room 1")


@pytest.mark.parametrize("order", ["earlier first", "later first"])
def test_undoing_two_changes_in_either_order_ends_at_the_first_details(db, order):
    import_file(db, quiz_csv(CLASS_OF_TEN[:4]), "a.csv", QUIZ)
    b = import_file(db, quiz_csv(CLASS_OF_TEN[:4], grade="4"), "b.csv", QUIZ.copy(assessment_date="2025-11-01"))
    c = import_file(db, quiz_csv(CLASS_OF_TEN[:4], grade="5"), "c.csv", QUIZ.copy(assessment_date="2025-12-01"))
    if order == "earlier first":
        delete_upload(db, b.upload_id)
        assert details(db, "1")[1] == "5"  # the later upload's grade still holds
        delete_upload(db, c.upload_id)
    else:
        delete_upload(db, c.upload_id)
        assert details(db, "1")[1] == "4"
        delete_upload(db, b.upload_id)
    assert details(db, "1")[1] == "3"
    assert db.scalar("SELECT count(*) FROM student_change") == 0


# -- rows without an id ----------------------------------------------------------------------
def test_a_row_without_an_id_matches_the_one_known_student_with_its_name_grade_and_class(db):
    import_file(db, quiz_csv(CLASS_OF_TEN), "quiz.csv", QUIZ)
    report = checked_report(db, prepare(b"Name,Grade,Class,A\nAva Lee,3,Room 1,3\nZed New,3,Room 1,2\n", "ticket.csv", BY_NAME))
    assert report.student_changes.matched_by_name == 1
    assert any("1 student without an id matched a known student" in w for w in report.warnings)
    done = import_file(db, b"Name,Grade,Class,A\nAva Lee,3,Room 1,3\nZed New,3,Room 1,2\n", "ticket.csv", BY_NAME)
    assert db.scalar("SELECT count(*) FROM student") == 11  # Zed is new, Ava is student 1
    assert db.rows(
        """SELECT st.local_id FROM score s JOIN student st ON st.id = s.student_id
           WHERE s.upload_id = ? AND s.points = 3""",
        [done.upload_id],
    ) == [("1",)]
    assert any("matched a known student by name, grade and class" in w for w in done.warnings)
    delete_upload(db, done.upload_id)
    assert db.scalar("SELECT count(*) FROM student") == 10
    assert details(db, "1") == ("Ava Lee", "3", "Room 1")


def test_a_name_in_another_class_or_fitting_two_students_stays_a_new_student(db):
    twins = [("1", "Ava Lee"), ("2", "Ava Lee"), ("3", "Ben Ode")]
    import_file(db, quiz_csv(twins), "quiz.csv", QUIZ)
    data = b"Name,Grade,Class,A\nAva Lee,3,Room 1,3\nBen Ode,3,Room 9,2\n"
    done = import_file(db, data, "ticket.csv", BY_NAME)
    assert any(
        "1 student without an id match more than one known student" in w for w in done.warnings
    )
    assert db.scalar("SELECT count(*) FROM student") == 5


# -- roster-only uploads ---------------------------------------------------------------------
ROSTER = Mapping.from_toml(
    '[columns]\nstudent_id = "ID"\nstudent_name = "Name"\ngrade = "Grade"\n', name="roster"
)


def test_undo_of_a_roster_removes_the_students_only_it_created(db):
    import_file(db, quiz_csv(CLASS_OF_TEN[:3]), "quiz.csv", QUIZ)
    roster = b"ID,Name,Grade\n1,Ava Lee,3\n2,Ben Ode,3\n11,Kim Wu,3\n12,Lu Ash,3\n"
    done = import_file(db, roster, "roster.csv", ROSTER)
    assert db.scalar("SELECT count(*) FROM student") == 5
    removed = delete_upload(db, done.upload_id)
    assert removed["students"] == 2
    assert sorted(i for (i,) in db.rows("SELECT local_id FROM student")) == ["1", "2", "3"]


def test_a_student_two_rosters_name_stays_until_both_are_undone(db):
    a = import_file(db, b"ID,Name,Grade\n1,Ava Lee,3\n2,Ben Ode,3\n", "a.csv", ROSTER)
    b = import_file(db, b"ID,Name,Grade\n2,Ben Ode,3\n3,Cy Diaz,3\n", "b.csv", ROSTER)
    delete_upload(db, a.upload_id)
    assert sorted(i for (i,) in db.rows("SELECT local_id FROM student")) == ["2", "3"]
    delete_upload(db, b.upload_id)
    assert db.scalar("SELECT count(*) FROM student") == 0


# -- an older database file --------------------------------------------------------------------
@pytest.mark.embedded_only
def test_an_older_database_learns_which_students_its_uploads_named(tmp_path):
    from collabplan import db as db_module
    from tests import factories

    path = tmp_path / "old.duckdb"
    con = factories.database_before(path, 6)
    con.execute(
        """INSERT INTO upload (id, file_name, sha256) VALUES (1, 'a.csv', 'a'), (2, 'b.csv', 'b');
           INSERT INTO student (id, student_key, local_id) VALUES (1, 'id:1', '1'), (2, 'id:2', '2');
           INSERT INTO sitting VALUES (1, 1, 1, 1, NULL, NULL, NULL), (2, 2, 1, 1, NULL, NULL, NULL);
           INSERT INTO student_group VALUES (2, 'ELL', 2);"""
    )
    con.close()
    db = db_module.Database(path)
    try:
        assert db.rows("SELECT upload_id, student_id FROM upload_student ORDER BY ALL") == [
            (1, 1), (2, 1), (2, 2)
        ]
        assert db.scalar("SELECT count(*) FROM student_change") == 0
        delete_upload(db, 2)
        assert db.rows("SELECT id FROM student") == [(1,)]
    finally:
        db.close()


def test_the_shared_nwea_sample_into_the_demo_school_is_refused_then_confirmed(demo_db, samples):
    files = [
        (name, (samples / name).read_bytes())
        for name in ("nwea_map_CombinedAssessmentResults.csv", "nwea_map_StudentsBySchool.csv")
    ]
    names = dict(demo_db.rows("SELECT local_id, display_name FROM student WHERE grade = '4'"))
    before = table_counts(demo_db)
    with pytest.raises(StudentsChangedError, match="nwea_map_StudentsBySchool.csv"):
        import_files(demo_db, files)
    done = import_files(demo_db, files, update_students=True)
    assert "the file's details were saved" in " ".join(done[1].warnings)
    for result in reversed(done):
        delete_upload(demo_db, result.upload_id)
    assert table_counts(demo_db) == before
    assert dict(demo_db.rows("SELECT local_id, display_name FROM student WHERE grade = '4'")) == names
