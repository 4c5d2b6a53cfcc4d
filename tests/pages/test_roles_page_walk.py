"""Every page, walked as each role (issue 16, deliverable 3; docs/security.md "Who sees what").

``collabplan.ui.viewer`` (the one place a page learns who is looking) is patched to return a
teacher of one team, a coach or a leader; then every page app.py lists is opened on the demo
school and everything it rendered is read (markdown, metrics, widget options, every table's
cells, every figure's JSON), as the projection-mode walk does.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import db as db_module
from collabplan import ui
from collabplan.access import NO_STUDENT_LISTS, Viewer
from tests import roles_data
from tests.apptest_tree import rendered_text

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = [p for p in dict.fromkeys(re.findall(r'"(pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text()))
         if (ROOT / p).exists()]
TEAM = 1  # the demo's Grade 3 Reading
TEACHER = Viewer("ana@school.org", "teacher", name="Ana", team_ids=frozenset({TEAM}))
COACH = Viewer("coach@school.org", "coach", name="Cy")
LEADER = Viewer("lead@school.org", "leader")


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[db_module.Database]:
    """A copy of the demo school shared by this module's walks (they only read)."""
    path = tmp_path_factory.mktemp("roles") / "demo.duckdb"
    shutil.copy(demo_file, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLLABPLAN_DB", str(path))
        db = db_module.connect(path)
        yield db
        db.close()


def _elsewhere(db: db_module.Database) -> int:
    """An assessment only another team's uploads scored: the review filters start on it, so
    a page that ignored the viewer would show that team's students."""
    return int(db.scalar(
        "SELECT a.assessment_id FROM score s JOIN upload u ON u.id = s.upload_id"
        " JOIN administration a ON a.id = s.administration_id GROUP BY 1"
        " HAVING NOT list_contains(list(DISTINCT u.team_id), ?) ORDER BY 1 LIMIT 1", [TEAM]))


def _walk(monkeypatch: pytest.MonkeyPatch, viewer: Viewer,
          db: db_module.Database) -> Iterator[tuple[str, str]]:
    """(page, what it rendered) for every page, opened as ``viewer`` with the review filters
    already set to another team's assessment (as a shared computer or an old tab would)."""
    monkeypatch.setattr(ui, "viewer", lambda: viewer)
    for page in PAGES:
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state[ui.FILTERS_KEY] = {"assessment_id": _elsewhere(db)}
        at.run()
        at.switch_page(page)
        at.run()
        assert not at.exception, f"{page} as a {viewer.role}: {[e.value for e in at.exception]}"
        text = rendered_text(at, sidebar=True)
        assert text.strip(), f"{page} rendered nothing"
        yield page, text


def test_a_teacher_walks_every_page_without_another_teams_student(school, monkeypatch):
    forbidden, _ = roles_data.other_teams(school, TEAM)
    mine, _ = roles_data.own_team(school, TEAM)
    shown = {}
    for page, text in _walk(monkeypatch, TEACHER, school):
        assert not roles_data.leaks(text, forbidden), f"{page} shows another team's students"
        shown[page] = text
    # not an empty walk: the teacher's own students are listed, for their own team only
    assert any(name in shown["pages/students.py"] for name in mine)
    assert "All your teams" in shown["pages/review.py"]
    assert "Grade 4 Math" not in shown["pages/upload.py"]


def test_a_coach_walks_every_page_without_a_student_name(school, monkeypatch):
    forbidden = roles_data.every_student(school)
    shown = {}
    for page, text in _walk(monkeypatch, COACH, school):
        assert not roles_data.leaks(text, forbidden), f"{page} names students to a coach"
        shown[page] = text
    assert NO_STUDENT_LISTS in shown["pages/students.py"]
    assert "Download csv" not in shown["pages/students.py"]


def test_a_leader_walks_every_page_and_sees_every_team(school, monkeypatch):
    every = roles_data.every_student(school)
    total = int(school.scalar("SELECT count(*) FROM student"))
    shown = dict(_walk(monkeypatch, LEADER, school))
    assert roles_data.leaks(shown["pages/students.py"], every), "a leader reads student lists"
    # the walk would catch a leak: the leader's pages show the other team's students
    forbidden, _ = roles_data.other_teams(school, TEAM)
    assert roles_data.leaks(shown["pages/students.py"], forbidden)
    assert f"{total:,}" in shown["pages/home.py"]
    assert all(team in shown["pages/goal_board.py"]
               for team in ("Grade 3 Reading", "Grade 4 Math", "Grade 7 ELA"))
