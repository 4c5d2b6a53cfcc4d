"""AppTest of the goal pages: drafting from a seed, refinement step by step, refusals shown,
posting to the board, feedback, the detail page and the priorities page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import ui
from collabplan.goals.actions import add_action, list_actions
from collabplan.goals.feedback import add_feedback, list_feedback
from collabplan.goals.model import create_goal, get_goal, goal_history, list_goals
from collabplan.goals.priorities import list_priorities
from collabplan.text import pct_exact
from tests import factories as f
from tests.goal_factories import expected_metric, make_priority, make_team, school_export

APP = str(Path(__file__).resolve().parents[2] / "app.py")
THREE = (
    ("Fall", dt.date(2025, 9, 15)),
    ("Winter", dt.date(2026, 1, 20)),
    ("Spring", dt.date(2026, 5, 18)),
)


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def _button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}: {[b.label for b in at.button]}"
    return found[0]


def _texts(at: AppTest) -> str:
    parts = (
        [m.value for m in at.markdown] + [e.value for e in at.error] + [i.value for i in at.info]
    )
    parts += [c.value for c in at.caption] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


def test_draft_page_empty_state_says_what_to_do(db):
    at = _app()
    at.switch_page("pages/goal_draft.py")
    at.run()
    assert not at.exception
    assert "upload a file on **Upload results**" in at.info[0].value


@pytest.fixture
def school(db):
    export = school_export(db, windows=THREE)
    team = make_team(db, "Grade 3 team")
    make_team(db, "Grade 4 team")
    make_priority(db, "Reading success for every student")
    return export, team


def _seeded(at: AppTest, export, team, population=None):
    at.session_state[ui.GOAL_SEED_KEY] = {
        "team_id": team,
        "assessment_id": export.assessment_id,
        "skill": "Vocabulary",
        "population": population if population is not None else {"grade": "3", "class": None},
        "baseline_administration_id": export.windows["Spring"],
        "metric": "pct_below_proficient",
    }
    at.switch_page("pages/goal_draft.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_draft_from_seed_shows_computed_baseline_and_refines_to_posted_goal(db, school):
    export, team = school
    at = _seeded(_app(), export, team)
    value, n = expected_metric(
        export, "Spring", "Vocabulary", "pct_below_proficient", {"grade": "3"}
    )
    assert at.metric[0].value == pct_exact(value)
    assert f"{n} students scored" in _texts(at)
    assert len(at.get("plotly_chart")) == 1
    _button(at, "Save this draft").click().run()
    assert not at.exception, at.exception
    (goal_id,) = [g.id for g in list_goals(db)]
    assert "Reduce the share of grade 3 students below proficiency in vocabulary" in _texts(at)

    # Why and priority.
    at.text_area[0].input("Vocabulary holds back comprehension")
    prio = [s for s in at.selectbox if s.label == "School priority it serves"][0]
    prio.set_value(int(db.scalar("SELECT min(id) FROM priority")))
    _button(at, "Save why and priority").click().run()
    assert not at.exception, at.exception
    goal = get_goal(db, goal_id)
    assert goal.why == "Vocabulary holds back comprehension"
    assert goal.priority == "Reading success for every student"

    # A target that is not better than the baseline is refused with the reason.
    at.number_input(key="gd_target").set_value(value + 5)
    at.date_input(key="gd_date").set_value(dt.date(2026, 12, 1))
    _button(at, "Save target and date").click().run()
    assert "not better than the baseline" in "\n".join(e.value for e in at.error)
    assert get_goal(db, goal_id).target_value is None

    # A suggestion fills the target; saving it passes.
    _button(at, "Use this").click().run()
    suggested = at.number_input(key="gd_target").value
    assert suggested is not None and suggested < value
    _button(at, "Save target and date").click().run()
    assert not at.exception, at.exception
    goal = get_goal(db, goal_id)
    assert goal.target_value == suggested and goal.target_date is not None
    text = _texts(at)
    for name in ("Specific", "Measurable", "Achievable", "Relevant", "Time-bound"):
        assert f"**{name}**" in text
    assert "**Relevant** (met)" in text and "**Time-bound** (met)" in text

    # First action, then post.
    form_inputs = [t for t in at.text_input if t.label == "What"]
    form_inputs[0].input("Daily vocabulary routine")
    _button(at, "Add action").click().run()
    assert list_actions(db, goal_id)["what"].tolist() == ["Daily vocabulary routine"]
    _button(at, "Post to the goal board").click().run()
    assert not at.exception, at.exception
    assert get_goal(db, goal_id).status == "active"
    hist = goal_history(db, goal_id)
    assert set(hist["team"]) == {"Grade 3 team"} and len(hist) >= 5


def test_draft_refuses_small_population_with_reason(db, school):
    export, team = school
    at = _seeded(_app(), export, team, population={"class": "4B"})
    errors = "\n".join(e.value for e in at.error)
    assert "at least 10" in errors and "widen the population" in errors
    assert not [b for b in at.button if b.label == "Save this draft"]


def test_draft_from_scratch_with_new_team(db, school):
    export, _ = school
    at = _app()
    at.switch_page("pages/goal_draft.py")
    at.run()
    assert not at.exception, at.exception
    at.text_input(key="gd_new_team").input("Reading interventionists")
    at.run()
    _button(at, "Save this draft").click().run()
    assert not at.exception, at.exception
    (goal,) = list_goals(db)
    assert goal.team == "Reading interventionists"
    assert goal.baseline_administration_id == export.windows["Spring"]  # latest window by default


def _posted_goal(db, export, team):
    pid = int(db.scalar("SELECT min(id) FROM priority"))
    return create_goal(
        db,
        team_id=team,
        assessment_id=export.assessment_id,
        skill="Vocabulary",
        metric="pct_below_proficient",
        baseline_administration_id=export.windows["Fall"],
        population={"grade": "3"},
        priority_id=pid,
        why="Because",
        target_value=1,
        target_date="2026-06-01",
        status="active",
    )


def test_board_shows_cards_and_takes_feedback_from_another_team(db, school):
    export, team = school
    gid = _posted_goal(db, export, team)
    at = _app()
    at.switch_page("pages/goal_board.py")
    at.run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert "Reduce the share of grade 3 students below proficiency in vocabulary" in text
    assert "Reading success for every student" in text
    at.text_area(key=f"gb_fb_body_{gid}").input("Try Frayer models")
    _button(at, "Send to Grade 3 team").click().run()
    assert not at.exception, at.exception
    fb = list_feedback(db, gid)
    assert fb[["team", "body"]].values.tolist() == [["Grade 4 team", "Try Frayer models"]]


def test_board_empty_state(db):
    at = _app()
    at.switch_page("pages/goal_board.py")
    at.run()
    assert not at.exception
    assert "No goals yet" in at.info[0].value


def test_detail_page_answers_feedback_and_saves_actions(db, school):
    export, team = school
    gid = _posted_goal(db, export, team)
    other = int(db.scalar("SELECT id FROM team WHERE name = 'Grade 4 team'"))
    fid = add_feedback(db, gid, other, "question", "Which word lists?")
    add_action(db, gid, what="Word walls", start_date="2026-02-01", due_date="2026-03-01")
    at = _app()
    at.session_state["goal_open_id"] = gid
    at.switch_page("pages/goal_detail.py")
    at.run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert "Which word lists?" in text
    at.text_input(key=f"gdt_answer_{fid}").input("The Tier 2 list")
    _button(at, "Mark answered").click().run()
    assert not at.exception, at.exception
    assert list_feedback(db, gid)["answered"].tolist() == [True]
    assert len(at.get("plotly_chart")) >= 1
    _button(at, "Mark being revised").click().run()
    assert get_goal(db, gid).status == "revised"


def test_priorities_page_adds_and_lists(db):
    at = _app()
    at.switch_page("pages/priorities.py")
    at.run()
    assert not at.exception, at.exception
    assert "No school priorities yet" in at.info[0].value
    at.text_input(key="pr_title").input("Reading success for every student")
    _button(at, "Add priority").click().run()
    assert not at.exception, at.exception
    assert list_priorities(db)["title"].tolist() == ["Reading success for every student"]
    assert "Reading success for every student" in _texts(at)


def test_board_in_projection_mode_says_fewer_than_10_students(db, school):
    export, team = school
    gid = create_goal(
        db,
        team_id=team,
        assessment_id=export.assessment_id,
        skill="Vocabulary",
        metric="pct_below_proficient",
        baseline_administration_id=export.windows["Fall"],
        population={"class": "3A"},
        target_value=1,
        target_date="2026-06-01",
        status="active",
    )
    spring = export.windows["Spring"]
    keep = [
        r[0]
        for r in db.rows(
            "SELECT student_id FROM score WHERE administration_id = ? AND class_name = '3A'"
            " AND skill = 'Vocabulary' ORDER BY student_id LIMIT 4",
            [spring],
        )
    ]
    with db.transaction() as cur:
        f.delete_scores(
            cur,
            "administration_id = ? AND class_name = '3A'"
            " AND skill = 'Vocabulary' AND NOT list_contains(?, student_id)",
            [spring, keep],
        )
    at = _app()
    at.session_state[ui.PRESENT_KEY] = True
    at.switch_page("pages/goal_board.py")
    at.run()
    assert not at.exception, at.exception
    latest = [m for m in at.metric if m.label == "Latest"][0]
    winter, _ = expected_metric(
        export, "Winter", "Vocabulary", "pct_below_proficient", {"class": "3A"}
    )
    assert latest.value == pct_exact(winter)  # Spring has 4 students: the latest shown is Winter
    at.session_state["goal_open_id"] = gid
    at.switch_page("pages/goal_detail.py")
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert table["% below proficient"].tolist()[-1] == "fewer than 10 students"
    assert table["Students"].tolist()[-1] == "–"


def test_goal_pages_run_on_the_demo_school(db):
    from collabplan.samples import demo

    demo.load_demo(db)
    for page in (
        "pages/goal_draft.py",
        "pages/goal_board.py",
        "pages/goal_detail.py",
        "pages/priorities.py",
    ):
        at = _app()
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, at.exception)
    assert "Reading success for every student" in _texts(at)
