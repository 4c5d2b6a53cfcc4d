"""database_overview / latest_uploads on an empty and a filled database."""

from __future__ import annotations

from collabplan.ingest import store
from collabplan.overview import assessment_windows, database_overview, latest_uploads
from tests.factories import score_table


def _fill(db) -> None:
    with db.transaction() as cur:
        cur.execute("INSERT INTO team (name) VALUES ('Grade 3')")
        cur.execute(
            "INSERT INTO upload (file_name, sha256, team_id, uploaded_by, students, scores)"
            " VALUES ('a.xlsx', 'x1', 1, 'Ms Lee', 2, 3)"
        )
        cur.execute("INSERT INTO assessment (name, kind) VALUES ('CFA', 'points')")
        cur.execute("INSERT INTO administration (assessment_id, term, label) VALUES (1, 'Fall', 'Fall')")
        cur.execute("INSERT INTO student (student_key, display_name) VALUES ('id:1', 'A'), ('id:2', 'B')")
        store.write_score_rows(cur, score_table([
            {"upload_id": 1, "administration_id": 1, "student_id": s, "skill": skill, "item": item}
            for s, skill, item in (
                (1, "RL.3.1", None), (2, "RL.3.1", None), (2, "RL.3.2", None), (2, "RL.3.2", "Q4"))
        ]))


def test_overview_of_empty_database_says_empty(db) -> None:
    overview = database_overview(db)
    assert overview["empty"] is True
    assert overview["students"] == 0 and overview["scores"] == 0
    assert latest_uploads(db).empty


def test_overview_counts_skill_scores_not_item_rows(db) -> None:
    _fill(db)
    overview = database_overview(db)
    assert overview["empty"] is False
    assert (overview["teams"], overview["assessments"], overview["administrations"]) == (1, 1, 1)
    assert (overview["students"], overview["scores"], overview["uploads"]) == (2, 3, 1)


def test_latest_uploads_names_team_and_who(db) -> None:
    _fill(db)
    uploads = latest_uploads(db, 3)
    assert uploads.loc[0, "file"] == "a.xlsx"
    assert uploads.loc[0, "team"] == "Grade 3"
    assert uploads.loc[0, "who"] == "Ms Lee"
    assert uploads.loc[0, "scores"] == 3


def test_assessment_windows_counts_students_per_window(db) -> None:
    _fill(db)
    windows = assessment_windows(db)
    assert windows.to_dict("records")[0]["students"] == 2
