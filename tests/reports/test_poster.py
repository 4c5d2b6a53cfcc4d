"""The goal poster: what a page carries, hostile text shown as text, one page per goal, small
groups not shown, and a goal without a baseline saying so instead of an empty chart."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from collabplan import config
from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.goals import actions
from collabplan.goals.progress import GoalProgress, Point
from collabplan.reports import poster
from collabplan.text import pct_exact
from tests.hostile_text import HTML, IMAGE, LATEX, LINK
from tests.progress_data import add_goal, expected, load_school

LEADER = Viewer.local_user()


def _pages(html: str) -> list[str]:
    return re.findall(r'<section class="poster".*?</section>', html, flags=re.DOTALL)


@pytest.fixture
def school(db):
    return load_school(db)


def test_poster_carries_statement_why_priority_figures_actions_and_note_boxes(db, school):
    goal = add_goal(db, school, target=85.0)
    actions.add_action(db, goal, what="Daily word wall routine", who="Ms Lee",
                       due_date=dt.date(2026, 3, 1), status="in progress")
    actions.add_action(db, goal, what="Reading buddies")  # nobody named, no date yet
    html = poster.poster(db, LEADER, goal)
    (page,) = _pages(html)
    base, _ = expected(school, "MAP Reading", "Fall", "Vocabulary")
    winter, _ = expected(school, "MAP Reading", "Winter", "Vocabulary")
    spring, _ = expected(school, "MAP Reading", "Spring", "Vocabulary")
    assert "Grade 3 team" in page
    assert (f"Raise the share of grade 3 students proficient in vocabulary from "
            f"{pct_exact(base)} to 85% by 1 June 2026.") in page
    assert "our readers stall on new words" in page
    assert "Reading success for every student" in page
    # the chart is drawn from the numbers: baseline, each later window and the target
    svg = re.search(r'<svg class="chart".*?</svg>', page, flags=re.DOTALL).group(0)
    for value in (base, winter, spring):
        assert pct_exact(value) in svg
    assert "Target 85%" in svg and "by 1 Jun 2026" in svg
    assert 'stroke-dasharray' in svg  # the on-track line
    assert "<script" not in html.lower()  # prints without JavaScript
    assert "Daily word wall routine" in page and "Ms Lee" in page
    assert "1 Mar 2026" in page and "in progress" in page
    assert "<td>Reading buddies</td><td>not named</td><td>no date</td><td>planned</td>" in page
    for box in poster.NOTE_BOXES:
        assert f"<h2>{box}</h2>" in page
    for name in school.names + school.local_ids:  # aggregate figures only
        assert name not in html


def test_poster_prints_one_letter_page_per_goal(db, school):
    first = add_goal(db, school, target=85.0)
    second = add_goal(db, school, skill="Fluency", target=90.0, status="draft")
    html = poster.posters(db, LEADER)
    assert "@page { size: letter portrait;" in html
    assert "break-after: page" in html
    pages = _pages(html)
    assert [re.search(r'id="goal-(\d+)"', p).group(1) for p in pages] == [str(first), str(second)]
    # a chosen list is printed in its own order
    assert len(_pages(poster.posters(db, LEADER, [second]))) == 1


def test_poster_lists_a_long_plan_in_part_and_counts_the_rest(db, school):
    goal = add_goal(db, school, target=85.0)
    for n in range(poster.MAX_ACTIONS + 3):
        actions.add_action(db, goal, what=f"Step number {n:02d}")
    page = _pages(poster.poster(db, LEADER, goal))[0]
    assert f"Step number {poster.MAX_ACTIONS - 1:02d}" in page
    assert f"Step number {poster.MAX_ACTIONS:02d}" not in page
    assert "and 3 more on the goal page" in page


def test_poster_shows_hostile_text_as_text(db, school):
    goal = add_goal(db, school, target=85.0)
    with db.transaction() as cur:
        cur.execute("UPDATE team SET name = ? WHERE id = ?", [f"Team {HTML}", school.team_id])
        cur.execute("UPDATE priority SET title = ? WHERE id = ?", [f"Priority {LINK}",
                                                                   school.priority_id])
        cur.execute("UPDATE goal SET why = ? WHERE id = ?", [f"Why {IMAGE} {LATEX}", goal])
        cur.execute("UPDATE administration SET label = ? WHERE id = ?",
                    ["Fall <script>alert(1)</script>", school.windows[("MAP Reading", "Fall")]])
    actions.add_action(db, goal, what=f"Do {HTML}", who="<b>Ms Lee</b>")
    html = poster.poster(db, LEADER, goal)
    assert "<img" not in html and "<script" not in html and "<b>Ms Lee" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # a window label in the chart too
    assert "Priority [a](javascript:alert(1))" in html  # Markdown is not rendered: plain text
    assert "&lt;b&gt;Ms Lee&lt;/b&gt;" in html


def test_poster_hides_figures_of_small_groups_and_says_why(db, school, monkeypatch):
    goal = add_goal(db, school, target=85.0)
    monkeypatch.setattr(config, "MIN_GROUP_SIZE", 50)  # every window has about 22 students
    html = poster.poster(db, LEADER, goal)
    base, _ = expected(school, "MAP Reading", "Fall", "Vocabulary")
    assert pct_exact(base) not in html
    assert '<svg class="chart"' not in html
    assert "The baseline rests on fewer than 50 students, so no figure is shown" in html
    assert "fewer than 50 students" in html


def test_poster_of_a_goal_without_a_baseline_says_so_instead_of_an_empty_chart(db, school):
    goal = add_goal(db, school, target=85.0)
    with db.transaction() as cur:  # a population nobody in the file belongs to
        cur.execute("UPDATE goal SET population = ? WHERE id = ?", [json.dumps({"grade": "9"}),
                                                                   goal])
    page = _pages(poster.poster(db, LEADER, goal))[0]
    assert '<svg class="chart"' not in page
    assert "No baseline yet: nobody in the group this goal is about has a score on Fall 2025" in page


def test_poster_without_a_target_draws_the_data_and_says_the_target_is_not_set(db, school):
    goal = add_goal(db, school, target=85.0, status="draft")
    with db.transaction() as cur:
        cur.execute("UPDATE goal SET target_value = NULL, target_date = NULL WHERE id = ?", [goal])
    page = _pages(poster.poster(db, LEADER, goal))[0]
    assert '<svg class="chart"' in page and "stroke-dasharray" not in page
    assert "No target set yet" in page and "not set yet" in page


def test_posters_refuse_when_there_is_nothing_to_print(db, school):
    with pytest.raises(UserError, match="no goal to print"):
        poster.posters(db, LEADER)
    with pytest.raises(UserError, match="there is no goal 99"):
        poster.poster(db, LEADER, 99)


def _point(label: str, day: dt.date, value: float | None, expected_value: float | None = None,
           on_track: bool | None = None, students: int = 30) -> Point:
    return Point(administration_id=1, assessment="MAP", term=None, date=day, label=label,
                 value=value, students=students, expected=expected_value, on_track=on_track,
                 suppressed=value is None)


def test_chart_places_points_by_date_and_keeps_a_small_window_without_its_figure():
    progress = GoalProgress(
        goal_id=1, metric="pct_proficient",
        baseline=_point("Fall", dt.date(2025, 9, 1), 40.0),
        checkpoints=[_point("Winter", dt.date(2026, 1, 1), 50.0, 46.0, True),
                     _point("Spring", dt.date(2026, 3, 1), None, students=4)],
        target_value=70.0, target_date=dt.date(2026, 6, 1), latest=None, status="on track",
        gap_closed=None,
    )
    chart = poster.chart_geometry(progress)
    base, winter, spring, target = chart["points"]
    assert base.x == poster.LEFT and target.x == poster.WIDTH - poster.RIGHT
    assert base.x < winter.x < spring.x < target.x
    assert winter.kind == "on track" and winter.value == "50%"
    assert spring.y is None and spring.value == "fewer than 10 students"
    assert target.y < winter.y < base.y  # higher on the page = a higher percentage
    line = chart["on_track_line"]
    assert (line["x1"], line["y1"]) == (base.x, base.y)
    assert (line["x2"], line["y2"]) == (target.x, target.y)
    assert chart["path"].count("L") == 1  # baseline to winter; the small window is not joined
    # a goal whose baseline cannot be shown has no chart at all
    progress.baseline = _point("Fall", dt.date(2025, 9, 1), None, students=3)
    assert poster.chart_geometry(progress) is None
