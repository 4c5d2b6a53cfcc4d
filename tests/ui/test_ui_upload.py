"""The upload page's pure helpers: previews, report wording, results and undo lines, the form."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from collabplan.ingest.checks import column_letters
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.read import RawSheet
from collabplan.ingest.validate import Report
from collabplan.ui import mapping_form
from collabplan.ui import upload as up


def _sheet(rows: list[list[str | None]], first_row: int = 1, name: str = "S") -> RawSheet:
    columns = {f"c{j}": [r[j] for r in rows] for j in range(len(rows[0]))}
    return RawSheet(name, pa.table(columns, schema=pa.schema([(c, pa.string()) for c in columns])), first_row)


def test_column_letters_name_spreadsheet_columns() -> None:
    assert [column_letters(i) for i in (1, 2, 26, 27, 28, 702, 703, 16384)] == [
        "A", "B", "Z", "AA", "AB", "ZZ", "AAA", "XFD"
    ]


def test_raw_preview_numbers_rows_like_the_spreadsheet() -> None:
    sheet = _sheet([["Student", "Q1"], ["Lee, Ann", "2"]], first_row=4)
    preview = up.raw_preview(sheet)
    assert list(preview.columns) == ["A", "B"]
    assert list(preview.index) == [4, 5]
    assert preview.loc[5, "A"] == "Lee, Ann"


def test_headers_at_reads_the_header_row_of_every_sheet_once() -> None:
    a = _sheet([["title", None, None], ["Student", "ID", "Q1"]], name="P1")
    b = _sheet([["title", None, None], ["Student", "ID", "Q2"]], name="P2")
    assert up.headers_at([a, b], 2) == ["Student", "ID", "Q1", "Q2"]
    assert up.headers_at([a], 9) == []


def test_guess_header_row_picks_the_fullest_row() -> None:
    sheet = _sheet([["Unit 4 CFA", None, None], [None, None, None], ["Student", "ID", "Q1"]])
    assert up.guess_header_row(sheet) == 3


def test_skipped_rows_list_blank_rows_last_and_drop_a_single_sheet_column() -> None:
    report = Report(skipped=[("S", 3, "blank row"), ("S", 9, "not a student (a summary row)")])
    frame = up.skipped_frame(report)
    assert list(frame.columns) == ["row", "reason"]
    assert frame["row"].tolist() == [9, 3]


def test_projection_mode_report_counts_duplicate_students_without_names() -> None:
    report = Report(
        duplicate_students=["Ann Lee", "Bo Chan"],
        warnings=["2 students appear twice in one administration (Ann Lee, Bo Chan): the last row counts",
                  "3 scores out of range were left out"],
    )
    shown = up.report_warnings(report, projection=True)
    assert not any("Ann Lee" in w for w in shown)
    assert "3 scores out of range were left out" in shown
    assert any(w.startswith("2 students appear twice") for w in shown)
    assert up.report_warnings(report, projection=False) == report.warnings


def test_result_line_says_counts_or_already_imported() -> None:
    assert up.result_line(
        {"file_name": "a.xlsx", "students": 12, "scores": 24, "skills": ["x", "y"], "administrations": 1}
    ) == "a.xlsx: imported 12 students, 24 scores on 2 skills (1 testing window)"
    assert up.result_line(
        {"file_name": "a.xlsx", "duplicate": True, "imported_on": "14 Oct 2025 09:05"}
    ) == "a.xlsx: Already imported on 14 Oct 2025 09:05: nothing added"


def test_imported_on_finds_the_first_import_by_id() -> None:
    uploads = pd.DataFrame({"id": [2, 1], "uploaded_at": [pd.Timestamp("2025-10-15 08:00"),
                                                          pd.Timestamp("2025-10-14 09:05")]})
    assert up.imported_on(uploads, 1) == "14 Oct 2025, 09:05"
    assert up.imported_on(uploads, 7) is None


def test_undo_line_uses_the_skill_score_count_the_history_showed() -> None:
    removed = {"upload_id": 3, "file_name": "a.xlsx", "scores": 72, "student_groups": 0,
               "administrations": 1, "assessments": 1, "students": 12}
    line = up.undo_line("a.xlsx", removed, skill_scores=24)
    assert line == ("Removed a.xlsx: 24 scores (and 48 question-level rows), "
                    "12 students no longer in any file, 1 testing window, 1 assessment")
    assert up.undo_line("b.csv", {"scores": 5}) == "Removed b.csv: 5 scores"


def test_untouched_form_values_give_back_the_start_mapping() -> None:
    start = Mapping.from_toml(
        '[source]\nheader_row = 4\n[columns]\nstudent_name = "Student"\n'
        '[scores]\npattern = "^Q\\\\d+$"\nkind = "points"\nproficient = 0.85\n',
        name="cfa",
    )
    values = mapping_form._tidy(start.to_dict())
    assert mapping_form.mapping_from_form(values, start, "cfa") == (start, False)
    values["scores"]["proficient"] = 0.7
    mapping, adjusted = mapping_form.mapping_from_form(values, start, "cfa")
    assert adjusted and mapping.scores.proficient == 0.7 and mapping.header_row == 4


def test_normalised_preview_shows_skill_rows_with_plain_names() -> None:
    class Prepared:
        scores = pa.table({
            "local_id": ["1", "1"], "display_name": ["Ann Lee", "Ann Lee"], "skill": ["RL.1", "RL.1"],
            "item": [None, "Q1"], "fraction": [0.5, 1.0], "teacher": [None, None],
        })

    preview = up.normalised_preview(Prepared())
    assert preview.to_dict("records") == [
        {"Student id": "1", "Student": "Ann Lee", "Skill": "RL.1", "Score": 50.0}
    ]


def test_a_refusal_for_other_names_names_no_student_in_projection_mode() -> None:
    from collabplan.ingest.compare import StudentsChangedError
    from collabplan.ingest.validate import StudentChanges
    from collabplan.ui import upload_check

    changes = StudentChanges(
        known=4, compared_names=4, renamed=3, other_names=3, changed=3,
        examples=["id 7: Ava Lee → Maya Chen"],
    )
    exc = StudentsChangedError("roster.csv", changes)
    assert "Ava Lee" in upload_check.error_text(exc, projection=False)
    shown = upload_check.error_text(exc, projection=True)
    assert shown.startswith("roster.csv: 3 of the 4 students") and "Ava" not in shown and "id 7" not in shown
    warnings = changes.lines()
    assert "Maya Chen" in warnings[0]
    assert upload_check.shown_warnings(warnings, projection=True) == [
        "3 students of this file already exist with another name, grade or class: 3 of the 4 known "
        "students have other people's names, so this may be another school or ids used again"
    ]


def test_report_tiles_add_filtered_retest_and_date_counts_only_when_there_are_any() -> None:
    plain = up.report_tiles(Report(rows_read=5))
    assert [label for label, _v in plain] == [
        "Rows read", "Rows skipped", "Students", "Skills", "Scores", "Out of range"
    ]
    tiles = dict(up.report_tiles(Report(rows_read=5, rows_filtered=2, rows_replaced=1234, dates_unreadable=3)))
    assert tiles["Filtered out"] == "2"
    assert tiles["Replaced by a retest"] == "1,234"
    assert tiles["Unreadable dates"] == "3"


def test_upload_preview_of_a_star_file_warns_with_examples_in_projection_mode_too() -> None:
    from collabplan.ingest.normalise.prepare import prepare_sheets

    m = Mapping.from_toml(
        '[columns]\nstudent_id = "ID"\ndate = "Date"\n[scores]\ncolumns = ["S"]\nmax = 100\n'
        'retest = "latest"\n[filter]\nStatus = "!Deactivated"',
        name="t",
    )
    sheet = _sheet([["ID", "Date", "Status", "S"], ["1", "9/1/23", "Active", "50"],
                    ["1", "9/9/23", "Active", "60"], ["2", "9/1/23", "Deactivated", "70"],
                    ["3", "later", "Active", "80"]])
    report = prepare_sheets([sheet], "f.csv", m).report
    shown = up.report_warnings(report, projection=True)
    assert any(w.startswith("1 row filtered out") and "row 4" in w for w in shown)
    assert any(w.startswith("1 row replaced by a retest") and "row 2 by row 3" in w for w in shown)
    assert any("could not be read" in w and "'later' at row 5" in w for w in shown)
