"""Scores already stored: the same scores in other bytes add nothing; another value for the
same student, window and skill counts from the later upload, and undo brings the earlier back."""

from __future__ import annotations

import io

import openpyxl

from collabplan.ingest.compare import checked_report
from collabplan.ingest.load import delete_upload, import_file
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.prepare import prepare
from collabplan.metrics import skill_summary

QUIZ = Mapping.from_toml(
    '[assessment]\nname = "Quiz"\ndate = "2025-10-01"\n[columns]\nstudent_id = "ID"\n'
    'student_name = "Name"\n[scores]\ncolumns = ["A", "B"]\nmax = 4',
    name="quiz",
)
ROWS = [("1", "Ava Lee", 4, 2), ("2", "Ben Ode", 3, 4), ("3", "Cy Diaz", 1, 4)]


def as_csv(rows) -> bytes:
    return ("ID,Name,A,B\n" + "".join(f"{i},{n},{a},{b}\n" for i, n, a, b in rows)).encode()


def as_xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Name", "A", "B"])
    for i, n, a, b in rows:
        ws.append([int(i), n, a, b])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def state(db) -> tuple[int, int, int]:
    return (
        db.scalar("SELECT count(*) FROM upload"),
        db.scalar("SELECT count(*) FROM student"),
        db.scalar("SELECT count(*) FROM score"),
    )


def proficient(db) -> dict[str, int]:
    frame = skill_summary(db)
    return dict(zip(frame["skill"], frame["proficient"].astype(int), strict=True))


def test_the_same_scores_saved_as_another_file_add_nothing(db):
    first = import_file(db, as_csv(ROWS), "quiz.csv", QUIZ)
    before = state(db)
    again = import_file(db, as_xlsx(list(reversed(ROWS))), "quiz resaved.xlsx", QUIZ)
    assert again.duplicate is True and again.upload_id == first.upload_id
    assert again.warnings == [f"same scores as upload {first.upload_id} (quiz.csv); nothing was added"]
    assert again.to_json()["duplicate"] is True
    assert state(db) == before


def test_the_preview_says_a_file_holds_the_same_scores_before_import(db):
    first = import_file(db, as_csv(ROWS), "quiz.csv", QUIZ)
    report = checked_report(db, prepare(as_xlsx(ROWS), "quiz resaved.xlsx", QUIZ))
    assert report.duplicate and report.same_scores_as == f"upload {first.upload_id} (quiz.csv)"
    assert f"same scores as upload {first.upload_id} (quiz.csv); nothing would be added" in report.warnings


def test_one_more_student_or_one_other_name_is_not_a_duplicate(db):
    import_file(db, as_csv(ROWS), "quiz.csv", QUIZ)
    more = import_file(db, as_csv([*ROWS, ("4", "Dee Park", 2, 2)]), "quiz more.csv", QUIZ)
    assert more.duplicate is False and more.scores == 8
    renamed = [("1", "Ava Lee-Smith", 4, 2), *ROWS[1:]]
    again = import_file(db, as_xlsx(renamed), "quiz renamed.xlsx", QUIZ)
    assert again.duplicate is False
    assert db.scalar("SELECT display_name FROM student WHERE local_id = '1'") == "Ava Lee-Smith"


def test_a_later_score_replaces_the_earlier_and_undo_brings_it_back(db):
    import_file(db, as_csv(ROWS), "quiz.csv", QUIZ)
    assert proficient(db) == {"A": 1, "B": 2}  # proficient at 80%: 4 of 4 only
    fixed = [("1", "Ava Lee", 4, 4), ("2", "Ben Ode", 4, 4), ("3", "Cy Diaz", 1, 4)]
    later = import_file(db, as_csv(fixed), "quiz corrected.csv", QUIZ)
    assert later.duplicate is False
    assert any(w.startswith("2 stored scores for the same student") for w in later.warnings)
    assert proficient(db) == {"A": 2, "B": 3}
    delete_upload(db, later.upload_id)
    assert proficient(db) == {"A": 1, "B": 2}
