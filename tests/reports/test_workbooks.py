"""The goals workbook: formula-safe text, checkpoints and signposts."""

from __future__ import annotations

import io

import openpyxl

from collabplan.reports import workbooks
from tests.progress_data import expected, school_with_goals


def test_goals_workbook_is_formula_safe_with_checkpoints(db):
    school, met, behind = school_with_goals(db)
    wb = openpyxl.load_workbook(io.BytesIO(workbooks.goals_xlsx(db)))
    assert wb.sheetnames == ["Goals", "Checkpoints", "Signposts"]
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    goals_ws = wb["Goals"]
    header = [c.value for c in goals_ws[1]]
    worked = [r[header.index("what worked")] for r in goals_ws.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in worked
    cp = wb["Checkpoints"]
    head = [c.value for c in cp[1]]
    rows = [dict(zip(head, r, strict=True)) for r in cp.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 6   # two goals × (baseline + two checkpoints)
    winter = next(r for r in rows if r["skill"] == "Fluency" and r["window"] == "Winter 2026")
    assert (winter["value %"], winter["students"]) == expected(school, "MAP Reading", "Winter", "Fluency")
    assert winter["on track"] in ("yes", "no")
    posts = list(wb["Signposts"].iter_rows(min_row=2, values_only=True))
    assert posts[0][3] == "'-1 extra coach hour"


def test_goals_sheet_holds_the_gap_between_0_and_100_and_says_past_the_target(db):
    from collabplan.goals.progress import goal_overview

    school, met, behind = school_with_goals(db)
    overview, points = goal_overview(db)
    sheet = workbooks.workbook_frames(overview, points, {})["Goals"].set_index("goal id")
    base, _ = expected(school, "MAP Reading", "Fall", "Vocabulary")
    latest, _ = expected(school, "MAP Reading", "Spring", "Vocabulary")
    assert (latest - base) / (latest - 1 - base) > 1  # the met goal went past its target
    assert sheet.loc[met, "% of gap closed"] == 100.0
    assert sheet.loc[met, "beyond 0-100%"] == "past the target"
    assert 0 <= sheet.loc[behind, "% of gap closed"] <= 100


def test_a_vertical_tab_stored_in_what_worked_does_not_break_the_workbook(db):
    from collabplan.goals import model

    school, met, behind = school_with_goals(db)
    # text stored before inputs were cleaned: written straight to the table
    with db.transaction() as cur:
        cur.execute("UPDATE goal SET what_worked = ? WHERE id = ?", ["Word\x0bwalls\x07 daily", met])
    wb = openpyxl.load_workbook(io.BytesIO(workbooks.goals_xlsx(db)))
    goals_ws = wb["Goals"]
    header = [c.value for c in goals_ws[1]]
    worked = [r[header.index("what worked")] for r in goals_ws.iter_rows(min_row=2, values_only=True)]
    assert "Wordwalls daily" in worked
    assert model.get_goal(db, met).what_worked == "Word\x0bwalls\x07 daily"  # stored text untouched
