"""A teacher's words on every page (issue 17, deliverable 5).

The demo school (plus a goal of our own whose signpost, action and history leave fields
empty) is opened page by page as a leader: every page app.py lists; Data review on every
assessment's testing windows in every "Look closer" view; Goal & actions, Progress and
Signposts on every goal; every Staff meeting slide. The main pages are walked again as a
teacher of one team. Everything shown is read by :mod:`tests.shown_words` (markdown, alerts,
metrics, widget labels and options, every table's headings and cells as its format prints
them, every chart's titles, axis titles, ticks, legend, labels and hover text) and none of it
may read "None", "nan" or "NaT", "(s)", "1 goals", a number with two decimals, a snake_case
name, a command or a flag, or a table heading that is a raw column name.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import db as db_module
from collabplan import ui
from collabplan.access import Viewer
from collabplan.ui import goals as gui
from tests.shown_words import Piece, problems, shown_pieces, word_problems

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = [p for p in dict.fromkeys(re.findall(r'"(pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text()))
         if (ROOT / p).exists()]
VIEWS = ["Skills by class", "Skills by teacher", "Skills by group", "Growth", "Equity gap",
         "Levels", "Questions"]
TEACHER = Viewer("ana@school.org", "teacher", name="Ana", team_ids=frozenset({1}))
TEACHER_PAGES = ["pages/home.py", "pages/review.py", "pages/students.py", "pages/goal_draft.py",
                 "pages/goal_board.py", "pages/goal_detail.py", "pages/progress.py",
                 "pages/signposts.py", "pages/staff_meeting.py", "pages/reports.py",
                 "pages/teams.py"]


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[db_module.Database]:
    """The demo school and a goal of our own with empty fields (COLLABPLAN_DB points at it)."""
    path = tmp_path_factory.mktemp("words") / "demo.duckdb"
    shutil.copy(demo_file, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLLABPLAN_DB", str(path))
        db = db_module.connect(path)
        _add_sparse_goal(db)
        yield db
        db.close()


def _add_sparse_goal(db: db_module.Database) -> None:
    """A change of no team, an action with no dates or evidence and a signpost with no notes:
    the empty cells a history, plan and signpost table must show in words."""
    from collabplan.goals import actions, model, signposts

    goal_id = int(db.scalar("SELECT min(id) FROM goal"))
    model.update_goal(db, goal_id, next_step="Share the routine with grade 4")
    actions.add_action(db, goal_id, what="Exit tickets on Fridays", who=None, status="planned")
    signposts.add_signpost(db, goal_id, dt.date.today() + dt.timedelta(days=5))


def _open(page: str, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, f"{page} {state}: {[e.value for e in at.exception]}"
    return at


def _states(db: db_module.Database) -> Iterator[tuple[str, str, dict]]:
    """(where, page, session state) of every page state the walk opens."""
    for page in PAGES:
        yield page, page, {}
    for assessment_id, admin_id in db.rows(
            "SELECT assessment_id, id FROM administration ORDER BY id"):
        for view in VIEWS:
            yield (f"Data review {assessment_id}/{admin_id} {view}", "pages/review.py",
                   {ui.FILTERS_KEY: {"assessment_id": assessment_id,
                                     "administration_id": admin_id, "view": view}})
    for (team_id,) in db.rows("SELECT id FROM team ORDER BY id"):
        for view in ("Skills by class", "Skills by teacher"):
            yield (f"Data review team {team_id} {view}", "pages/review.py",
                   {ui.FILTERS_KEY: {"team_id": team_id, "view": view}})
    for (goal_id,) in db.rows("SELECT id FROM goal ORDER BY id"):
        for page in ("pages/goal_detail.py", "pages/progress.py", "pages/signposts.py"):
            yield f"{page} goal {goal_id}", page, {gui.GOAL_KEY: int(goal_id)}
    slides = 1 + int(db.scalar("SELECT count(*) FROM goal"))
    for n in range(1, slides):
        yield f"staff meeting slide {n + 1}", "pages/staff_meeting.py", {"staff_slide": n}


def _walk(states: Iterator[tuple[str, str, dict]]) -> tuple[list[str], int]:
    found: list[str] = []
    read = 0
    for where, page, state in states:
        pieces = shown_pieces(_open(page, state), sidebar=True)
        read += len(pieces)
        found += [f"{where}: {line}" for line in problems(pieces) if f"{where}: {line}" not in found]
    return found, read


def test_every_page_reads_in_a_teachers_words_for_a_leader(school):
    found, read = _walk(_states(school))
    assert read > 5000, "the walk read almost nothing"
    assert not found, f"{len(found)} problems:\n" + "\n".join(found[:60])


def test_the_main_pages_read_in_a_teachers_words_for_a_teacher(school, monkeypatch):
    monkeypatch.setattr(ui, "viewer", lambda: TEACHER)
    found, read = _walk((page, page, {}) for page in TEACHER_PAGES)
    assert read > 500
    assert not found, f"{len(found)} problems:\n" + "\n".join(found[:60])


def test_the_walk_finds_each_kind_of_problem():
    """The check is not vacuous: a page with every mistake fails it once for each."""
    at = AppTest.from_string(
        "import streamlit as st, pandas as pd, plotly.graph_objects as go\n"
        "st.expander('The numbers (the same as `skills --by class`)')\n"
        "st.caption('1 goal serve this priority; 1 agendas saved; Plan 2 date(s)')\n"
        "st.dataframe(pd.DataFrame({'pct_proficient': [53.65, None], 'who': ['a', None],"
        " 'when': [pd.NaT, pd.Timestamp('2026-01-02')]}), hide_index=True)\n"
        "st.dataframe(pd.DataFrame({'x': [53.65]}), hide_index=True,"
        " column_config={'x': st.column_config.NumberColumn('Score', format='%.0f')})\n"
        "fig = go.Figure(go.Scatter(x=['a'], y=[53.65], name='straight line'))\n"
        "fig.add_bar(x=['b'], y=[12.345], hovertemplate='%{x}: %{y}<extra></extra>')\n"
        "fig.update_layout(title='nan', yaxis_title='expected')\n"
        "st.plotly_chart(fig)\n"
    ).run()
    found = "\n".join(problems(shown_pieces(at)))
    for expected in ("command '--by'", "'1 goal serve'", "'1 agendas'", '"(s)" instead',
                     "raw decimal 53.65", "heading not in words 'pct_proficient'",
                     "column 'who': 'None' shown", "column 'when': 'None' shown",
                     "heading not in words 'straight line'", "heading not in words 'expected'",
                     "title: 'nan' shown", "default hover y: raw decimal 53.65",
                     "hovertemplate y: raw decimal 12.345"):
        assert expected in found, expected
    assert "Score" not in found, "a column formatted to whole numbers reads as whole numbers"


@pytest.mark.parametrize(("text", "bad"), [
    ("Which skills lag? None", True), ("No skill lags", False), ("nan%", True),
    ("3 of 10 students; 1 student", False), ("1 students", True), ("1 more dates", True),
    ("RL.3.10 and 3.NF.1", False), ("53.65", True), ("53.7%", False), ("pct_below", True),
    ("file StudentsBySchool_Hillside.csv", False), ("ELA-Literacy", False),
    ("run collabplan skills --by class", True), ("Grade 3 — 2025-2026", False),
])
def test_the_word_check(text, bad):
    assert bool(word_problems(Piece("markdown.body", text))) is bad, text


def test_goal_history_says_no_team_named_instead_of_none(school):
    """The history of a goal changed outside any team (a leader, the command line) reads
    "no team named", and its headings are words."""
    goal_id = int(school.scalar("SELECT min(id) FROM goal"))
    at = _open("pages/goal_detail.py", {gui.GOAL_KEY: goal_id})
    history = at.dataframe[-1].value
    assert list(history.columns) == ["When", "Team", "What changed", "Status", "Target",
                                     "Target date", "Priority"]
    assert "no team named" in history["Team"].tolist()
    assert not history.isna().any().any()
    assert not any(word_problems(Piece("history", str(v))) for v in history.to_numpy().ravel())
