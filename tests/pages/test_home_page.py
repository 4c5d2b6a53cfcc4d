"""The home page: a welcome when empty, counts and latest uploads once results are in."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from collabplan import db as db_module
from collabplan.ingest import store
from collabplan.ingest.load import import_file
from tests.factories import score_table
from tests.tracker_factory import tracker_skill_scores, tracker_xlsx

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _home(db_path) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception
    return at


def _fill(path) -> None:
    db = db_module.connect(path)
    with db.transaction() as cur:
        cur.execute("INSERT INTO team (name) VALUES ('Grade 3')")
        cur.execute(
            "INSERT INTO upload (file_name, sha256, team_id, uploaded_by, students, scores)"
            " VALUES ('cfa_unit4.xlsx', 'x1', 1, 'Ms Lee', 2, 3)"
        )
        cur.execute("INSERT INTO assessment (name, kind) VALUES ('CFA', 'points')")
        cur.execute("INSERT INTO administration (assessment_id, term, label) VALUES (1, 'Fall', 'Fall')")
        cur.execute("INSERT INTO student (student_key, display_name) VALUES ('id:1', 'A'), ('id:2', 'B')")
        store.write_score_rows(cur, score_table([
            {"upload_id": 1, "administration_id": 1, "student_id": s, "skill": skill}
            for s, skill in ((1, "RL.3.1"), (2, "RL.3.1"), (2, "RL.3.2"))
        ]))


def test_home_page_welcomes_an_empty_database(db_path) -> None:
    at = _home(db_path)
    text = " ".join(m.value for m in at.markdown)
    assert "collabplan is empty" in text
    assert [b.label for b in at.button] == ["Load the demo school"]
    assert not at.metric


def test_home_page_shows_counts_after_an_import(db_path) -> None:
    _fill(db_path)
    at = _home(db_path)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Teams"] == "1"
    assert tiles["Students"] == "2"
    assert tiles["Scores"] == "3"
    assert tiles["Testing windows"] == "1"
    uploads = at.dataframe[-1].value
    assert uploads["file"].tolist() == ["cfa_unit4.xlsx"]
    assert not any("collabplan is empty" in m.value for m in at.markdown)


def test_home_page_counts_match_an_imported_tracker(db_path) -> None:
    db = db_module.connect(db_path)
    import_file(db, tracker_xlsx(12), "cfa.xlsx", team="Grade 3", uploaded_by="Ms Lee")
    at = _home(db_path)
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["Teams"], tiles["Assessments"], tiles["Testing windows"]) == ("1", "1", "1")
    assert tiles["Students"] == "12"
    assert tiles["Scores"] == str(tracker_skill_scores(12))
    uploads = at.dataframe[-1].value
    assert uploads[["file", "team", "who"]].values.tolist() == [["cfa.xlsx", "Grade 3", "Ms Lee"]]


def test_home_page_reads_fresh_counts_after_a_new_import(db_path) -> None:
    db = db_module.connect(db_path)
    import_file(db, tracker_xlsx(12), "p1.xlsx")
    at = _home(db_path)
    assert {m.label: m.value for m in at.metric}["Students"] == "12"
    import_file(db, tracker_xlsx(15, period="Period 2", seed=3), "p2.xlsx")
    at.run()
    assert {m.label: m.value for m in at.metric}["Students"] == "15"


def test_load_demo_button_fills_the_database(db_path) -> None:
    at = _home(db_path)
    at.button(key="load_demo").click().run(timeout=120)
    assert not at.exception
    assert at.metric, "after loading the demo the home page shows its counts"
    assert any("Goals that are behind" in m.value for m in at.markdown)
