"""Privacy, proved: with ?present=1 no page shows a student's name or local id (section 7).

The demo school is loaded once, plus a goal of our own with a signpost and an action; then
every page that app.py lists (and that exists) is opened with ``?present=1`` and everything
it rendered is read: markdown, captions, metrics, widget labels and options, every
dataframe's cells, and every plotly figure's JSON (text, hovertext, customdata).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from collabplan import db as db_module
from tests.apptest_tree import rendered_text

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = [p for p in dict.fromkeys(re.findall(r'"(pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text()))
         if (ROOT / p).exists()]


@pytest.fixture(scope="module")
def walked_db(
    tmp_path_factory: pytest.TempPathFactory, demo_file: Path
) -> Iterator[tuple[db_module.Database, list[re.Pattern]]]:
    """A copy of the demo school with a goal of our own, shared by this module's page walks."""
    path = tmp_path_factory.mktemp("privacy") / "demo.duckdb"
    shutil.copy(demo_file, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLLABPLAN_DB", str(path))
        db = db_module.connect(path)
        _add_goal_of_our_own(db)
        yield db, _forbidden(db)
        db.close()


def _add_goal_of_our_own(db: db_module.Database) -> None:
    from collabplan.goals import actions, model, signposts

    goal_id = int(db.scalar("SELECT min(id) FROM goal"))
    goal = model.get_goal(db, goal_id)
    model.update_goal(db, goal_id, what_worked="Word walls in every room",
                      next_step="Share the routine with grade 4")
    actions.add_action(db, goal_id, what="Daily vocabulary routine", who=goal.team, status="done")
    signposts.add_signpost(db, goal_id, dt.date.today() + dt.timedelta(days=5),
                           how_going="steady", resources="coach time")


def _forbidden(db: db_module.Database) -> list[re.Pattern]:
    """Every student's display name ("First Last" and "Last, First"), first name, last name
    and local id, as whole-word patterns.

    A last name that is also a staff member's name (a teacher on a class, a team member, an
    uploader) is left out: "Ms. Chen" on a class is allowed even when a student is a Chen.
    """
    students = db.query("SELECT display_name, first_name, last_name, local_id FROM student")
    staff = " ".join(str(v) for v in pd.concat([
        db.query("SELECT DISTINCT teacher AS n FROM student WHERE teacher IS NOT NULL")["n"],
        db.query("SELECT DISTINCT teacher AS n FROM score WHERE teacher IS NOT NULL")["n"],
        db.query("SELECT DISTINCT name AS n FROM team_member")["n"],
        db.query("SELECT DISTINCT uploaded_by AS n FROM upload WHERE uploaded_by IS NOT NULL")["n"],
    ]))
    staff_words = set(re.findall(r"[\w'-]+", staff))
    words: set[str] = set()
    for r in students.itertuples(index=False):
        for value in (r.display_name, r.first_name, r.local_id):
            if isinstance(value, str) and value.strip():
                words.add(value.strip())
        if isinstance(r.last_name, str) and r.last_name.strip():
            if r.last_name.strip() not in staff_words:
                words.add(r.last_name.strip())
            if isinstance(r.first_name, str):
                words.add(f"{r.last_name.strip()}, {r.first_name.strip()}")
    assert len(words) > 100, "the demo school should hold many students"
    return [re.compile(rf"(?<![\w-]){re.escape(w)}(?![\w-])") for w in sorted(words)]


def _open(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["present"] = "1"
    at.run()
    at.switch_page(page)
    at.run()
    return at


def _assert_private(at: AppTest, forbidden: list[re.Pattern], where: str) -> None:
    assert not at.exception, f"{where}: {[e.value for e in at.exception]}"
    text = rendered_text(at)
    assert text.strip(), f"{where} rendered nothing"
    leaks = sorted({m.group(0) for p in forbidden for m in p.finditer(text)})
    assert not leaks, f"{where} shows student names or ids: {leaks[:10]}"
    small = re.findall(r"(?<![Gg]rade )\b[1-9] students?\b", text)  # "grade 3 students" is fine
    assert not small, f"{where} shows a group under the minimum size: {small[:3]}"


def test_every_page_is_listed():
    assert "pages/progress.py" in PAGES and "pages/staff_meeting.py" in PAGES


@pytest.mark.parametrize("page", PAGES)
def test_page_in_projection_mode_shows_no_student_name_or_id(walked_db, page):
    _, forbidden = walked_db
    at = _open(page)
    _assert_private(at, forbidden, page)


def test_every_staff_meeting_slide_is_private(walked_db):
    db, forbidden = walked_db
    at = _open("pages/staff_meeting.py")
    slides = 1 + int(db.scalar("SELECT count(*) FROM goal"))
    for number in range(slides):
        _assert_private(at, forbidden, f"staff meeting slide {number + 1}")
        next_button = at.button(key="slide_next")
        if next_button.disabled:
            break
        next_button.click().run()
    assert number >= 1


def test_the_walk_would_catch_a_name(walked_db):
    """The check itself: a page that printed a student's name would fail it."""
    db, forbidden = walked_db
    name = str(db.scalar("SELECT display_name FROM student ORDER BY id LIMIT 1"))
    local_id = str(db.scalar("SELECT local_id FROM student ORDER BY id LIMIT 1"))
    at = AppTest.from_string(
        "import streamlit as st, pandas as pd\n"
        f"st.dataframe(pd.DataFrame({{'x': [{local_id!r}]}}))\n"
        "import plotly.graph_objects as go\n"
        f"st.plotly_chart(go.Figure(go.Bar(x=[1], y=[2], hovertext=[{name!r}])))\n"
    ).run()
    text = rendered_text(at)
    assert any(p.search(text) for p in forbidden if p.pattern.startswith("(?<![\\w-])" + re.escape(local_id)))
    assert any(p.search(text) for p in forbidden if re.escape(name) in p.pattern)
