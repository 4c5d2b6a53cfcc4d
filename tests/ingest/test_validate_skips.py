"""Every skipped row of an import is explained: counted by reason, with its row numbers, the
reasons adding up to the skipped total (a tracker once said "9 rows skipped" and explained 3)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from collabplan.ingest.normalise.prepare import prepare
from collabplan.ingest.validate import ROWS_NAMED, skip_line
from collabplan.samples import demo
from collabplan.ui import upload as up
from tests.tracker_factory import messy_tracker_xlsx


def test_a_messy_tracker_explains_every_skipped_row() -> None:
    report = prepare(messy_tracker_xlsx(), "messy.xlsx").report
    assert report.students == 12 and report.rows_skipped == 6
    reasons = {why: (n, [row for _sheet, row in named]) for why, n, named in report.skip_reasons}
    assert reasons == {
        "blank row": (2, [10, 11]),
        "a repeated header row": (1, [14]),
        "no student id or name": (1, [17]),
        "not a student (a summary row)": (2, [22, 23]),
    }
    assert sum(n for n, _rows in reasons.values()) == report.rows_skipped
    assert sorted(row for _sheet, row, _why in report.skipped) == [10, 11, 14, 17, 22, 23]
    # each reason is a warning naming its rows, in words ("1 row", "2 rows")
    assert "2 rows skipped: blank row (sheet 'Period 1' rows 10 and 11)" in report.warnings
    assert "1 row skipped: a repeated header row (sheet 'Period 1' row 14)" in report.warnings
    frame = up.skip_reasons_frame(report)
    assert frame["Rows"].sum() == report.rows_skipped
    assert frame.loc[frame["Why"] == "Not a student (a summary row)", "Where"].item() == "rows 22 and 23"


def test_the_demo_trackers_reasons_add_up_on_every_sheet() -> None:
    files = [g for entry in demo.demo_files() for g in entry["files"] if g.file_name.endswith(".xlsx")]
    assert files
    for g in files:
        report = prepare(g.data, g.file_name).report
        assert report.rows_skipped > 0
        assert sum(n for _why, n, _named in report.skip_reasons) == report.rows_skipped
        listed = {(sheet, row) for sheet, row, _why in report.skipped}
        named = {where for _why, _n, rows in report.skip_reasons for where in rows}
        assert named <= listed and len(listed) == report.rows_skipped


def test_many_skipped_rows_name_the_first_and_count_the_rest() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Student", "ID", "3.NF.1"])
    for i in range(30):
        ws.append([f"Kid{i:02d}, Pat", 500 + i, 35 + (i * 7) % 65])
        ws.append([None, None, None] if i < 29 else ["Class average", None, 67])
    out = io.BytesIO()
    wb.save(out)
    report = prepare(out.getvalue(), "long.xlsx").report
    blank = next(r for r in report.skip_reasons if r[0] == "blank row")
    assert blank[1] == 29 and len(blank[2]) == ROWS_NAMED
    assert sum(n for _why, n, _named in report.skip_reasons) == report.rows_skipped == 30
    line = next(w for w in report.warnings if w.startswith("29 rows skipped: blank row"))
    assert line.endswith(f" and {29 - ROWS_NAMED} more)")


def test_skip_line_groups_rows_by_sheet() -> None:
    named = [("Room 1", 4), ("Room 1", 9), ("Room 2", 4)]
    assert skip_line("blank row", 3, named, True) == (
        "3 rows skipped: blank row (sheet 'Room 1' rows 4 and 9; sheet 'Room 2' row 4)")
    assert skip_line("blank row", 1, [("S", 1_204)], False) == "1 row skipped: blank row (row 1,204)"
