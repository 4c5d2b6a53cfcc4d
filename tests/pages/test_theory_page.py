"""The theory of action page under AppTest: the guide's nine steps with progress, each new
step completed through its widgets (with Undo), staff input answered anonymously by someone
who is not a leader, results only under the group-size rule, and read-only for non-leaders."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import config, ui
from collabplan.access import Viewer
from collabplan.workspace import staff_input, theory, theory_guide
from tests.apptest_tree import find, open_app_page, submit

PAGE = "pages/theory_of_action.py"
STEPS = ["Big questions", "Where we are", "Staff input", "Barrier & why", "Brainstorm & choose",
         "If … then …", "Purpose map", "Action timeline", "Impact"]




def shown(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "success", "info", "error")
                     for e in getattr(at, kind))


def answer_input(at: AppTest, round_id: int, value: int, idea: str | None = None) -> None:
    for item in staff_input.ITEMS:
        at.radio(key=f"input_{round_id}_{item}").set_value(value)
    if idea is not None:
        at.text_area(key=f"input_{round_id}_idea").input(idea)
    submit(at, f"input_{round_id}", "Submit my input")


def test_the_demo_theory_shows_every_step_in_order_with_progress(demo_db):
    at = open_app_page(PAGE)
    labels = [t.label for t in at.tabs]
    assert labels[:9] == [f"{n} · {name}" for n, name in enumerate(STEPS, 1)]
    assert at.get("progress"), "progress at the top"
    text = shown(at)
    assert "of 9 steps done" in at.get("progress")[0].proto.text
    # the closed round's results and ideas are shown, the open round offers the form
    toa = int(theory.theories(demo_db)["id"].iloc[0])
    open_round = staff_input.rounds(demo_db, toa).query("not closed")
    assert at.radio(key=f"input_{int(open_round['id'].iloc[0])}_matters")
    assert "What staff suggested" in text
    assert any("Statement" in d.value.columns for d in at.dataframe)
    assert "Protected time" in text  # the survey's trend beside the feedback plan


def test_a_leader_completes_the_new_steps_through_the_widgets(db, monkeypatch):
    monkeypatch.setattr(config, "MIN_GROUP_SIZE", 2)
    toa = theory.add_theory(db, "Trust among colleagues")
    at = open_app_page(PAGE)

    form = f"questions_{toa}"
    for question in theory_guide.QUESTIONS.values():
        find(at, "text_area", question, form).input(f"Answer to {question}")
    submit(at, form, "Save our answers")
    assert len(theory_guide.answers(db, toa)) == len(theory_guide.QUESTIONS)

    find(at, "text_area", "The biggest barrier within our control", f"barrier_{toa}").input(
        "No time to observe each other")
    submit(at, f"barrier_{toa}", "Save")
    for reason in ("No cover for classes", "Observation feels like judging"):
        find(at, "text_input", "Why it exists", f"reason_add_{toa}").input(reason)
        submit(at, f"reason_add_{toa}", "Add the reason")
    assert theory_guide.reasons(db, toa)["body"].tolist() == [
        "No cover for classes", "Observation feels like judging"]

    for idea in ("Peer visits with a focus question", "Video clubs"):
        find(at, "text_input", "An approach", f"approach_add_{toa}").input(idea)
        submit(at, f"approach_add_{toa}", "Add to the brainstorm")
    ids = [int(i) for i in theory_guide.approaches(db, toa)["id"]]
    find(at, "selectbox", "Approach", f"approach_pick_{toa}").set_value(ids[1])
    submit(at, f"approach_pick_{toa}", "Remove")
    assert theory_guide.approaches(db, toa)["body"].tolist() == ["Peer visits with a focus question"]
    assert any("was deleted" in i.value for i in at.info)
    at.button(key="undo_toa").click()
    at.run()
    assert theory_guide.approaches(db, toa)["body"].tolist() == [
        "Peer visits with a focus question", "Video clubs"]
    find(at, "selectbox", "Approach", f"approach_pick_{toa}").set_value(ids[1])
    submit(at, f"approach_pick_{toa}", "Choose this one")
    assert theory.theory(db, toa)["approach"] == "Video clubs"

    find(at, "text_area", "Vision", f"purpose_{toa}").input("Every teacher is seen teaching")
    submit(at, f"purpose_{toa}", "Save the vision")
    find(at, "text_input", "Person or group", f"person_add_{toa}").input("Teacher leaders")
    find(at, "text_input", "Their role in the work", f"person_add_{toa}").input("Host the clubs")
    submit(at, f"person_add_{toa}", "Add")
    find(at, "text_input", "Step", f"plan_add_{toa}").input("First video club")
    submit(at, f"plan_add_{toa}", "Add the step")
    assert theory_guide.plan_steps(db, toa)["due_on"].notna().all()

    form = f"feedback_{toa}"
    find(at, "text_input", "Where staff give feedback", form).input("A box in the staff room")
    find(at, "radio", "Anonymous or named", form).set_value("anonymous")
    find(at, "text_input", "When", form).input("Any time")
    find(at, "text_input", "Who reads it", form).input("The principal")
    find(at, "text_input", "Responds by when", form).input("Within a week")
    find(at, "text_input", "How the response is shared", form).input("The bulletin")
    submit(at, form, "Save the feedback plan")
    plan = theory_guide.feedback_plan(db, toa)
    assert plan["anonymity"] == "anonymous" and plan["survey_area"] == "trust"

    # staff input: open, two answers, close, results appear
    form = f"input_open_{toa}"
    find(at, "text_input", "Round name", form).input("Before we start")
    submit(at, form, "Open the round")
    round_id = int(staff_input.rounds(db, toa)["id"].iloc[0])
    answer_input(at, round_id, 4, "**More** time <b>please</b>")
    answer_input(at, round_id, 2)
    assert staff_input.rounds(db, toa)["responses"].tolist() == [2]
    assert not any("More" in m.value for m in at.markdown)  # nothing shown while open
    submit(at, f"input_manage_{toa}", "Close the round")
    assert any(m.value == "- \\*\\*More\\*\\* time \\<b\\>please\\</b\\>" for m in at.markdown), \
        "the idea is shown as text, never markup"
    steps = {n: d for n, d, _ in theory_guide.guide_progress(db, toa)}
    assert steps["Staff input"] and steps["Big questions"] and steps["Purpose map"]


def test_a_small_closed_round_hides_its_results_and_ideas(db):
    toa = theory.add_theory(db, "Trust among colleagues")
    round_id = staff_input.open_round(db, toa, "Tiny")
    staff_input.submit(db, round_id, dict.fromkeys(staff_input.ITEMS, 5), "A telling idea")
    staff_input.close_round(db, round_id)
    at = open_app_page(PAGE)
    text = shown(at)
    assert f"Fewer than {config.MIN_GROUP_SIZE} people answered" in text
    assert "A telling idea" not in text
    assert "A telling idea" not in "".join(str(h.proto.body) for h in at.get("html"))


@pytest.fixture
def teacher(monkeypatch: pytest.MonkeyPatch) -> Viewer:
    me = Viewer(email="ana@school.example", role="teacher", name="Ana", team_ids=frozenset({99}))
    monkeypatch.setattr(ui, "viewer", lambda: me)
    return me


def test_staff_beyond_the_team_read_and_give_input_once(demo_db, teacher):
    toa = int(theory.theories(demo_db)["id"].iloc[0])
    round_id = int(staff_input.rounds(demo_db, toa).query("not closed")["id"].iloc[0])
    before = int(staff_input.rounds(demo_db, toa).query("not closed")["responses"].iloc[0])
    at = open_app_page(PAGE)
    assert "School leaders write the theory of action" in shown(at)
    assert not [b for b in at.button if b.label == "Start"]
    # every leader form is there to read but cannot be sent
    writes = [b for b in at.button if b.label in ("Save our answers", "Save", "Save the vision",
                                                  "Save the feedback plan")]
    assert writes and all(b.disabled for b in writes)
    assert not [b for b in at.button if b.label in ("Add the reason", "Open the round",
                                                   "Choose this one", "Close the round")]
    answer_input(at, round_id, 3, "Cover classes with the library period")
    assert staff_input.rounds(demo_db, toa).query("not closed")["responses"].iloc[0] == before + 1
    assert staff_input.ALREADY_ANSWERED in [s.value for s in at.success]
    assert not at.get("radio") or not [r for r in at.radio
                                       if r.key and r.key.startswith(f"input_{round_id}_")]
