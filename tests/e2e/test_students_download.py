"""Students by skill in a browser: a name with a BEL and a NUL stored (as an import before the
cleaning did) neither breaks the page nor its downloads; the xlsx is built on the click,
opens, and the click is in the audit log."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from collabplan import db as db_module
from tests import factories as f
from tests.e2e.conftest import AppServer, _start_app, _stop, wait_for_app


@pytest.fixture
def hostile_school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """A small school whose lowest skill lists a student named "Ana\\x07 Lee\\x00", then the app."""
    folder = tmp_path_factory.mktemp("hostile")
    db = db_module.connect(folder / "e2e.duckdb")
    team = f.team(db, "Grade 7 ELA")
    up = f.upload(db, team)
    admin = f.administration(db, f.assessment(db, "Unit 2 CFA"), "Fall", "2025-10-01")
    ids = f.class_of_students(db, 12, "7A", "Ms. Lee")
    f.skill_scores(db, up, admin, ids, "RL.7.1", 2)
    with db.transaction() as cur:
        cur.execute("UPDATE student SET display_name = ? WHERE id = ?", ["Ana\x07 Lee\x00", ids[-1]])
    db.close()
    server = _start_app(folder)
    try:
        yield server
    finally:
        _stop(server.process)


def test_students_by_skill_downloads_a_workbook_despite_a_bell_in_a_name(hostile_school, page):
    page.goto(f"{hostile_school.url}/students")
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0, hostile_school.log()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download xlsx").click()
    data = Path(info.value.path()).read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    names = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Ana Lee" in " | ".join(names)
    wait_for_app(page)
    assert "IllegalCharacterError" not in hostile_school.log()
    # the app holds the database file: stop it, then read the audit log
    _stop(hostile_school.process)
    db = db_module.connect(hostile_school.db_path)
    try:
        details = list(db.query("SELECT detail FROM audit WHERE action = 'export'")["detail"])
    finally:
        db.close()
    assert details == ["students by skill: Unit 2 CFA Fall (2025-10-01) RL.7.1"]
