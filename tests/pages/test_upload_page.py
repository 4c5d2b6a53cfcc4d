"""The upload page, driven through AppTest with real files: report first, import, duplicate, undo."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from collabplan import db as db_module
from collabplan import ui
from tests.tracker_factory import tracker_skill_scores, tracker_xlsx

APP = str(Path(__file__).resolve().parents[2] / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    assert not at.exception
    return at


def _drop(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader[0].set_value([(name, data, XLSX) for name, data in files]).run()
    assert not at.exception
    return at


def _import(at: AppTest, team: str = "Grade 3", who: str = "Ms Lee") -> AppTest:
    inputs = {t.label: t for t in at.text_input}
    inputs["or a new team"].input(team)
    inputs["Your name"].input(who)
    next(b for b in at.button if b.label.startswith("Import")).click().run()
    assert not at.exception
    return at


def _tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _counts(db_path) -> tuple[int, int, int]:
    db = db_module.connect(db_path)
    return (
        db.scalar("SELECT count(*) FROM upload"),
        db.scalar("SELECT count(*) FROM student"),
        db.scalar("SELECT count(*) FROM score WHERE item IS NULL"),
    )


def test_upload_shows_detected_layout_and_report_before_writing(db_path) -> None:
    at = _drop(_upload_page(), ("cfa.xlsx", tracker_xlsx(12)))
    assert any("Teacher tracker" in m.value for m in at.markdown)
    assert any(m.value.startswith("**Layout:** Teacher tracker (detected) · high confidence") for m in at.markdown)
    tiles = _tiles(at)
    assert tiles["Students"] == "12"
    assert tiles["Scores"] == str(tracker_skill_scores(12))
    assert tiles["Skills"] == "2"
    assert tiles["Rows skipped"] == "0"
    assert _counts(db_path) == (0, 0, 0)


def test_import_writes_scores_and_shows_counts(db_path) -> None:
    at = _import(_drop(_upload_page(), ("cfa.xlsx", tracker_xlsx(12))))
    assert any("imported 12 students, 24 scores" in s.value for s in at.success)
    assert _counts(db_path) == (1, 12, 24)
    db = db_module.connect(db_path)
    assert db.rows("SELECT t.name, u.uploaded_by FROM upload u JOIN team t ON t.id = u.team_id") == [
        ("Grade 3", "Ms Lee")
    ]
    history = [m.value for m in at.markdown]
    assert "cfa.xlsx" in history


def test_bad_file_shows_one_line_error_and_writes_nothing(db_path) -> None:
    at = _drop(_upload_page(), ("broken.xlsx", b"this is not a workbook at all"))
    assert len(at.error) == 1
    assert "broken.xlsx" in at.error[0].value
    assert "\n" not in at.error[0].value.strip()
    assert not any(b.label.startswith("Import") for b in at.button)
    assert _counts(db_path) == (0, 0, 0)


def test_reupload_of_the_same_file_says_already_imported(db_path) -> None:
    data = tracker_xlsx(12)
    at = _import(_drop(_upload_page(), ("cfa.xlsx", data)))
    at = _import(_drop(at, ("cfa.xlsx", data)))
    assert any("Already imported on" in i.value and "nothing added" in i.value for i in at.info)
    assert _counts(db_path) == (1, 12, 24)


def test_undo_removes_exactly_that_upload(db_path) -> None:
    at = _import(_drop(_upload_page(), ("p1.xlsx", tracker_xlsx(12, period="Period 1", seed=0))))
    at = _import(_drop(at, ("p2.xlsx", tracker_xlsx(10, period="Period 2", seed=1))))
    db = db_module.connect(db_path)
    first = db.scalar("SELECT id FROM upload WHERE file_name = 'p1.xlsx'")
    second_scores = db.scalar(
        "SELECT count(*) FROM score s JOIN upload u ON u.id = s.upload_id WHERE u.file_name = 'p2.xlsx'"
    )
    at.button(key=f"undo:{first}").click().run()
    assert any("Undo the upload of p1.xlsx" in w.value for w in at.warning)
    assert db.scalar("SELECT count(*) FROM upload") == 2, "nothing goes before the confirmation"
    at.button(key="undo_yes").click().run()
    assert not at.exception
    assert any(s.value.startswith("Removed p1.xlsx: 24 scores") for s in at.success)
    assert db.rows("SELECT file_name FROM upload") == [("p2.xlsx",)]
    assert db.scalar("SELECT count(*) FROM score") == second_scores


def test_undo_can_be_cancelled(db_path) -> None:
    at = _import(_drop(_upload_page(), ("p1.xlsx", tracker_xlsx(12))))
    upload_id = db_module.connect(db_path).scalar("SELECT id FROM upload")
    at.button(key=f"undo:{upload_id}").click().run()
    at.button(key="undo_no").click().run()
    assert not at.exception
    assert not any("Undo the upload" in w.value for w in at.warning)
    assert _counts(db_path) == (1, 12, 24)


def test_adjusting_the_score_columns_updates_the_report(db_path) -> None:
    at = _drop(_upload_page(), ("cfa.xlsx", tracker_xlsx(12)))
    columns = next(m for m in at.multiselect if m.label.startswith("Score columns"))
    assert columns.value == ["Q1", "Q2", "Q3", "Q4"]
    columns.set_value(["Q1", "Q2"]).run()
    assert not at.exception
    tiles = _tiles(at)
    assert tiles["Skills"] == "1"
    assert tiles["Scores"] == "12"
    at = _import(at)
    assert _counts(db_path) == (1, 12, 12)


def test_a_mapping_that_cannot_work_shows_an_error_and_no_import(db_path) -> None:
    at = _drop(_upload_page(), ("cfa.xlsx", tracker_xlsx(12)))
    for role in ("Student id", "Student name (full)"):
        next(s for s in at.selectbox if s.label == role).set_value("(none)")
    at.run()
    assert not at.exception
    assert at.error, "a mapping without any student column is refused with a reason"
    assert not any(b.label.startswith("Import") for b in at.button)


def test_saved_mapping_is_offered_next_time(db_path) -> None:
    at = _drop(_upload_page(), ("cfa.xlsx", tracker_xlsx(12)))
    next(t for t in at.text_input if t.label.startswith("Save this way")).input("Grade 3 CFA")
    next(b for b in at.button if b.label == "Save mapping").click().run()
    assert not at.exception
    assert "Grade 3 CFA" in db_module.connect(db_path).rows("SELECT name FROM saved_mapping")[0]
    start = next(s for s in at.selectbox if s.label == "Start from")
    assert "Saved mapping: Grade 3 CFA" in start.options


def test_projection_mode_shows_counts_but_no_rows(db_path) -> None:
    at = _upload_page()
    at.session_state["present"] = True
    at = _drop(at, ("cfa.xlsx", tracker_xlsx(12)))
    assert _tiles(at)["Students"] == "12"
    assert len(at.dataframe) == 0
    assert not any("Last00" in m.value for m in at.markdown)


def test_several_files_import_together(db_path) -> None:
    at = _drop(
        _upload_page(),
        ("p1.xlsx", tracker_xlsx(12, period="Period 1", seed=0)),
        ("p2.xlsx", tracker_xlsx(12, period="Period 2", seed=1)),
    )
    assert any(b.label == "Import 2 files" for b in at.button)
    at = _import(at)
    assert len(at.success) == 2
    uploads, students, _ = _counts(db_path)
    assert uploads == 2 and students == 12


def test_nwea_results_and_roster_import_together(db_path, samples) -> None:
    results = (samples / "nwea_map_CombinedAssessmentResults.csv").read_bytes()
    roster = (samples / "nwea_map_StudentsBySchool.csv").read_bytes()
    at = _upload_page()
    at.file_uploader[0].set_value(
        [("nwea_map_CombinedAssessmentResults.csv", results, "text/csv"),
         ("nwea_map_StudentsBySchool.csv", roster, "text/csv")]
    ).run()
    assert not at.exception
    assert any("NWEA MAP Growth" in m.value for m in at.markdown)
    at = _import(at)
    db = db_module.connect(db_path)
    assert db.scalar("SELECT count(*) FROM upload") == 2
    assert db.scalar("SELECT count(*) FROM student WHERE display_name IS NULL") == 0


def test_a_file_nobody_recognises_can_be_mapped_by_hand_and_imported(db_path) -> None:
    rows = "\n".join(f"Kid {i},{i % 5},{(i + 2) % 5}" for i in range(12))
    data = f"Kid,Fluency,Comprehension\n{rows}\n".encode()
    at = _upload_page()
    at.file_uploader[0].set_value(("reading_check.csv", data, "text/csv")).run()
    assert not at.exception
    assert any(
        "could not tell how to read this file" in w.value
        and "Which column is the student (id or name), and which columns are scores?" in w.value
        for w in at.warning
    )
    assert any(
        e.label == "Which column is the student (id or name), and which columns are scores?"
        for e in at.expander
    )
    assert not any(b.label.startswith("Import") for b in at.button)

    next(s for s in at.selectbox if s.label == "Student name (full)").set_value("Kid").run()
    next(m for m in at.multiselect if m.label.startswith("Score columns")).set_value(
        ["Fluency", "Comprehension"]
    ).run()
    next(s for s in at.selectbox if s.label == "Score kind").set_value("points").run()
    next(t for t in at.text_input if t.label.startswith("Points possible")).input("4").run()
    assert not at.exception
    tiles = _tiles(at)
    assert (tiles["Students"], tiles["Skills"], tiles["Scores"]) == ("12", "2", "24")
    at = _import(at)
    assert _counts(db_path) == (1, 12, 24)


# -- students that already exist under other names -----------------------------------------
def _drop_csv(at: AppTest, *files) -> AppTest:
    at.file_uploader[0].set_value([(g.file_name, g.data, "text/csv") for g in files]).run()
    assert not at.exception
    return at


def test_other_names_on_known_ids_stop_the_import_until_confirmed_and_undo_restores(demo_db, db_path) -> None:
    from tests.identity_files import other_school_grade4

    _results, roster = other_school_grade4()
    old = demo_db.scalar("SELECT display_name FROM student WHERE local_id = '400100'")
    at = _drop_csv(_upload_page(), roster)
    assert any("other people's names" in e.value for e in at.error)
    assert any("already exist with another name" in w.value and "id 400100: " in w.value for w in at.warning)
    assert not any(b.label.startswith("Import") for b in at.button)
    assert any("confirm the students of StudentsBySchool_Hillside.csv" in i.value for i in at.info)
    uploads_before = demo_db.scalar("SELECT count(*) FROM upload")

    box = next(c for c in at.checkbox if c.label == "These are the same students: update their names")
    box.check().run()
    at = _import(at, team="Grade 4 Math")
    new = f"{roster.students[0].first} {roster.students[0].last}"
    assert demo_db.scalar("SELECT display_name FROM student WHERE local_id = '400100'") == new
    assert demo_db.scalar("SELECT count(*) FROM upload") == uploads_before + 1

    upload_id = demo_db.scalar("SELECT max(id) FROM upload")
    at.button(key=f"undo:{upload_id}").click().run()
    at.button(key="undo_yes").click().run()
    assert not at.exception
    assert any("given back earlier details" in s.value for s in at.success)
    assert demo_db.scalar("SELECT display_name FROM student WHERE local_id = '400100'") == old


def test_projection_mode_counts_changed_students_without_naming_them(demo_db) -> None:
    from tests.identity_files import other_school_grade4

    _results, roster = other_school_grade4()
    names = {n for (n,) in demo_db.rows("SELECT display_name FROM student WHERE grade = '4'")}
    names |= {f"{s.first} {s.last}" for s in roster.students}
    at = _upload_page()
    at.session_state["present"] = True
    at = _drop_csv(at, roster)
    assert any("other people's names" in e.value for e in at.error)
    assert any("already exist with another name" in w.value for w in at.warning)
    shown = [e.value for e in at.error] + [w.value for w in at.warning] + [m.value for m in at.markdown]
    assert not any(name in text for text in shown for name in names)
    assert not any("400100" in text for text in shown)


def test_the_same_scores_saved_again_are_named_before_import_and_add_nothing(db_path) -> None:
    import io

    import openpyxl

    original = tracker_xlsx(12)
    book = openpyxl.load_workbook(io.BytesIO(original))
    book.properties.creator = "saved again on another computer"
    out = io.BytesIO()
    book.save(out)
    assert out.getvalue() != original
    at = _import(_drop(_upload_page(), ("cfa.xlsx", original)))
    at = _drop(at, ("cfa.xlsx", out.getvalue()))  # (a tracker's assessment is named by its file)
    assert any("same scores as upload 1 (cfa.xlsx); nothing would be added" in w.value for w in at.warning)
    at = _import(at)
    assert any(
        i.value == "cfa.xlsx: Same scores as upload 1 (cfa.xlsx); nothing was added" for i in at.info
    )
    assert _counts(db_path) == (1, 12, 24)


def _confirmed(at: AppTest) -> AppTest:
    """Say the tracker's students (ids the demo school uses for others) are the same students."""
    at.checkbox[0].check().run()
    assert not at.exception
    return at


def test_see_our_results_opens_data_review_on_the_import(demo_db) -> None:
    """On the demo school (other teams, assessments and windows), a new team's tracker: the
    button opens Data review on that team, its assessment and window, whole population."""
    at = _upload_page()
    at.session_state[ui.FILTERS_KEY] = {"team_id": None, "assessment_id": 1, "class_name": "X"}
    at = _import(_confirmed(_drop(at, ("cfa.xlsx", tracker_xlsx(12)))), team="Grade 3 CFA")
    db = db_module.connect(demo_db.path)
    team_id, upload_id = db.rows(
        "SELECT t.id, u.id FROM upload u JOIN team t ON t.id = u.team_id WHERE t.name = 'Grade 3 CFA'")[0]
    assessment_id, admin_id = db.rows(
        "SELECT a.assessment_id, a.id FROM administration a WHERE a.id IN"
        " (SELECT administration_id FROM sitting WHERE upload_id = ?)", [upload_id])[0]
    next(b for b in at.button if b.label == "See our results").click().run()
    assert not at.exception
    assert at.title[0].value == "Data review"
    chosen = at.session_state[ui.FILTERS_KEY]
    assert (chosen["team_id"], chosen["assessment_id"], chosen["administration_id"]) == (
        team_id, assessment_id, admin_id)
    assert chosen.get("class_name") is None
    assert {s.label: s.value for s in at.selectbox}["Team"] == team_id
    assert at.caption[0].value.startswith("Grade 3 CFA · ")


def test_data_review_opens_on_the_team_last_imported_for(demo_db) -> None:
    at = _import(_confirmed(_drop(_upload_page(), ("cfa.xlsx", tracker_xlsx(12)))),
                 team="Grade 3 CFA")
    at.switch_page("pages/review.py").run()  # by the menu, not the button
    assert not at.exception
    assert at.caption[0].value.startswith("Grade 3 CFA · ")
