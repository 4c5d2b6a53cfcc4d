"""Students by skill with hostile names stored before import cleaning: the page and its
downloads still work, the bytes are built only on a click, and the download is audited."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from collabplan import audit, exports
from tests import factories as f
from tests.apptest_tree import download_buttons

ROOT = Path(__file__).resolve().parents[2]


def _school_with_a_bell_in_a_name(db) -> None:
    team = f.team(db, "Grade 7 ELA")
    up = f.upload(db, team)
    admin = f.administration(db, f.assessment(db, "Unit 2 CFA"), "Fall", "2025-10-01")
    ids = f.class_of_students(db, 12, "7A", "Ms. Lee")
    f.skill_scores(db, up, admin, ids, "RL.7.1", 4)
    with db.transaction() as cur:  # as an import before the cleaning stored it
        cur.execute("UPDATE student SET display_name = ? WHERE id = ?", ["Ana\x07 Lee\x00\x0b", ids[-1]])


def test_a_bell_in_a_stored_name_neither_breaks_the_page_nor_its_workbook(db, monkeypatch):
    _school_with_a_bell_in_a_name(db)
    built: list[str] = []
    real_xlsx, real_csv = exports.to_xlsx_bytes, exports.to_csv_bytes
    monkeypatch.setattr(exports, "to_xlsx_bytes", lambda *a: built.append("xlsx") or real_xlsx(*a))
    monkeypatch.setattr(exports, "to_csv_bytes", lambda *a: built.append("csv") or real_csv(*a))

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/students.py").run()
    assert not at.exception
    assert built == []  # nothing is built on a page load
    buttons = download_buttons(at.main.root)
    assert [b.proto.label for _blk, _i, b in buttons] == ["Download csv", "Download xlsx"]

    block, index, xlsx = buttons[1]
    block.children[index] = Button(xlsx.proto, at.main.root)  # AppTest cannot click a download
    block.children[index].click()
    at.run()
    assert not at.exception
    assert list(audit.recent(db)["action"]) == ["export"]

    # the bytes the callable gives open in openpyxl, the name without its control characters
    from collabplan import breakdowns
    from collabplan.review import student_lists

    frames = student_lists(breakdowns.students_by_skill(db, *_filters(db), "RL.7.1"))
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(
        {"Not yet proficient": frames.not_yet, "Well past": frames.well_past})))
    names = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Ana Lee" in n for n in names)


def _filters(db):
    from collabplan.metrics import Filters

    admin = int(db.scalar("SELECT min(id) FROM administration"))
    assessment = int(db.scalar("SELECT min(id) FROM assessment"))
    return Filters(assessment_id=assessment), admin
