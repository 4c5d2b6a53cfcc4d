"""AppTest of the "Choose a focus" step on Draft a goal: shown when several skills lag, the
ratings saved beside the data, the choice opening the draft on its skill; one line when one
skill or none lags."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from collabplan import db as db_module
from collabplan.goals import focus
from collabplan.ui import goals as gui
from tests.apptest_tree import APP, rendered_text
from tests.focus_data import lagging_school

KEY = "gd_focus_{kind}_{team}_{test}_{skill}"


def _key(ids: dict, kind: str, skill: str = "") -> str:
    return KEY.format(kind=kind, team=ids["team"], test=ids["assessment"], skill=skill)


def _open(team: int) -> AppTest:
    """Draft a goal, acting for ``team`` (as a team member's last choice would leave it)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[gui.TEAM_KEY] = team
    at.run()
    at.switch_page("pages/goal_draft.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _expander_labels(at: AppTest) -> list[str]:
    return [e.label for e in at.expander]


def test_several_lagging_skills_are_rated_and_one_chosen_before_drafting(db):
    ids = lagging_school(db)
    at = _open(ids["team"])
    assert _expander_labels(at) == ["Choose a focus: 2 skills lag for Grade 5 team"]
    shown = rendered_text(at)
    assert "30% proficient of 20 students" in shown
    assert "45 points below the median (75%); 20 points under the school's floor (50%)" in shown
    assert focus.ORDER_RULE in shown
    assert len(at.get("plotly_chart")) == 2  # the focus chart, then the baseline chart
    # before any rating the data orders the candidates: the largest gap first
    assert at.selectbox(key=_key(ids, "pick", "Vocabulary|Theme")).value == "Vocabulary"

    at.radio(key=_key(ids, "int", "Vocabulary")).set_value(2)
    at.radio(key=_key(ids, "cap", "Vocabulary")).set_value(1)
    at.radio(key=_key(ids, "int", "Theme")).set_value(5)
    at.radio(key=_key(ids, "cap", "Theme")).set_value(4)
    [b for b in at.button if b.label == "Save ratings"][0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = focus.ratings(db, ids["team"], ids["assessment"]).set_index("skill")
    assert saved.loc["Theme", ["interest", "capacity"]].tolist() == [5, 4]
    assert saved.loc["Vocabulary", ["interest", "capacity"]].tolist() == [2, 1]
    table = at.dataframe[0].value
    assert table["Skill"].tolist() == ["Theme", "Vocabulary"]
    assert table["Interest + capacity"].tolist() == ["9", "3"]

    pick = at.selectbox(key=_key(ids, "pick", "Theme|Vocabulary"))
    assert pick.value == "Theme"  # the suggestion is offered first
    at.button(key=_key(ids, "choose")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert focus.chosen_focus(db, ids["team"], ids["assessment"])["skill"] == "Theme"
    assert any("Starting from the lagging skill **Theme**, the team's chosen focus" in i.value
               for i in at.info)
    assert at.selectbox(key="gd_skill").value == "Theme"
    assert at.selectbox(key="gd_baseline").value == ids["spring"]
    assert _expander_labels(at) == ["Choose a focus: 2 skills lag for Grade 5 team (chosen: Theme)"]
    assert [b for b in at.button if b.label == "Save this draft"]


def test_one_lagging_skill_or_none_is_said_in_one_line(db_path):
    db = db_module.connect(db_path)
    one = {"Main idea": 16, "Inference": 16, "Vocabulary": 16, "Theme": 6, "Fluency": 15}
    at = _open(lagging_school(db, spring=one)["team"])
    assert not _expander_labels(at)
    captions = " ".join(c.value for c in at.caption)
    assert "One skill lags in Grade 5 team's latest results: **Theme**, 30% proficient." in captions


def test_no_lagging_skill_says_there_is_nothing_to_choose(db):
    even = {"Main idea": 16, "Inference": 16, "Vocabulary": 16, "Theme": 16, "Fluency": 16}
    at = _open(lagging_school(db, spring=even)["team"])
    assert not _expander_labels(at)
    captions = " ".join(c.value for c in at.caption)
    assert "no skill lags in Grade 5 team's latest results on this assessment" in captions
