"""AppTest on the demo school: the review, staff-meeting and workspace pages keep a pick across
reruns and page visits, a refused form keeps the option picked, and what a form's pick did is
shown (the theory just started opens, the agenda just saved stays open, a deletion names it)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from collabplan.workspace import teams, theory, vision

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _open(page: str, at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(APP, default_timeout=90)
        at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _messages(at: AppTest) -> str:
    return "\n".join(
        str(m.value) for kind in ("success", "info", "warning", "error") for m in getattr(at, kind)
    )


def _form_widget(at: AppTest, kind: str, label: str, form: str):
    found = [w for w in getattr(at, kind) if w.label == label and w.proto.form_id == form]
    assert found, f"no {kind} {label!r} in form {form!r}"
    return found[0]


def _other(options: list, current):
    return next(o for o in options if o != current)


def test_review_view_and_its_boxes_survive_a_visit_to_another_page(demo_db):
    at = _open("pages/review.py")
    at.button_group(key="review_view").set_value("Equity gap").run()
    assert not at.exception, at.exception
    group_box = at.selectbox(key="review_gap_group")
    group = _other(group_box.options, group_box.value)
    group_box.set_value(group).run()
    assert at.selectbox(key="review_gap_group").value == group
    at = _open("pages/home.py", at)
    at = _open("pages/review.py", at)
    assert at.button_group(key="review_view").value == "Equity gap"
    assert at.selectbox(key="review_gap_group").value == group


def test_students_skill_survives_a_visit_to_another_page(demo_db):
    at = _open("pages/students.py")
    box = at.selectbox(key="students_skill")
    skill = box.options[-1]
    box.set_value(skill).run()
    assert at.selectbox(key="students_skill").value == skill
    at = _open("pages/coach.py", at)
    at = _open("pages/students.py", at)
    assert at.selectbox(key="students_skill").value == skill


def test_staff_meeting_slide_box_and_buttons_agree(demo_db):
    at = _open("pages/staff_meeting.py")
    box = at.selectbox(key="slide_jump")
    assert box.index == 0 and box.options[0] == "Summary: every goal"
    box.set_value(2).run()  # the slides are numbered: 0 is the summary
    assert not at.exception, at.exception
    assert at.selectbox(key="slide_jump").index == 2
    assert any("Slide 3 of" in str(c.value) for c in at.caption)
    next(b for b in at.button if b.key == "slide_next").click().run()
    assert at.selectbox(key="slide_jump").index == 3  # the box follows the buttons
    assert any("Slide 4 of" in str(c.value) for c in at.caption)
    at.run()
    assert at.selectbox(key="slide_jump").index == 3


def test_teams_pick_survives_a_visit_and_a_saved_agenda_stays_open(demo_db):
    at = _open("pages/teams.py")
    box = at.selectbox(key="teams_pick")
    team_id = _other(list(teams.teams(demo_db)["id"].astype(int)), box.value)
    box.set_value(team_id).run()
    at = _open("pages/home.py", at)
    at = _open("pages/teams.py", at)
    assert at.selectbox(key="teams_pick").value == team_id
    before = set(teams.meetings(demo_db, team_id)["id"].astype(int))
    form = f"meeting_{team_id}_0"
    _form_widget(at, "text_input", "What we will do next", form).input("Share exit tickets")
    _form_widget(at, "button", "Save the agenda", form).click().run()
    assert not at.exception, at.exception
    (new_id,) = set(teams.meetings(demo_db, team_id)["id"].astype(int)) - before
    assert at.selectbox(key=f"meeting_pick_{team_id}").value == new_id


def test_starting_a_theory_of_action_opens_it(demo_db):
    at = _open("pages/theory_of_action.py")
    condition = _form_widget(at, "selectbox", "Condition", "toa_add")
    picked = _other(condition.options, condition.value)
    condition.set_value(picked)
    _form_widget(at, "button", "Start", "toa_add").click().run()
    assert not at.exception, at.exception
    new_id = int(theory.theories(demo_db)["id"].max())
    assert at.selectbox(key="toa_pick").value == new_id
    assert theory.theory(demo_db, new_id)["condition"] == picked


def test_a_refused_stakeholder_keeps_the_role_picked_and_a_deletion_names_the_entry(demo_db):
    at = _open("pages/vision.py")
    role = _form_widget(at, "selectbox", "Role", "stakeholder_add")
    picked = role.options[-1]
    role.set_value(picked)
    _form_widget(at, "button", "Add to the group", "stakeholder_add").click().run()
    assert at.error  # no name: refused with the reason
    assert _form_widget(at, "selectbox", "Role", "stakeholder_add").value == picked
    _form_widget(at, "text_input", "Name", "stakeholder_add").input("Mr. Ode")
    _form_widget(at, "button", "Add to the group", "stakeholder_add").click().run()
    assert "Mr. Ode" in vision.stakeholders(demo_db)["name"].tolist()
    assert _form_widget(at, "text_input", "Name", "stakeholder_add").value == ""  # ready for the next

    remove = _form_widget(at, "selectbox", "Remove someone", "stakeholder_remove")
    people = vision.stakeholders(demo_db)
    remove.set_value(int(people["id"].iloc[-1]))
    gone = remove.options[-1]
    _form_widget(at, "button", "Remove", "stakeholder_remove").click().run()
    assert f"“{gone}” was deleted" in _messages(at)


def test_a_refused_feedback_keeps_the_team_picked(demo_db):
    # AppTest does not clear forms as the browser does: test_every_select_sticks checks that
    # the board's feedback form is no longer cleared on a refused submit.
    at = _open("pages/goal_board.py")
    sender = next(s for s in at.selectbox if s.label == "From")
    picked = len(sender.options) - 1
    names = dict(zip(teams.teams(demo_db)["name"], teams.teams(demo_db)["id"].astype(int),
                     strict=True))
    sender.set_value(names[sender.options[picked]])
    form = sender.proto.form_id
    _form_widget(at, "button", next(b.label for b in at.button if b.proto.form_id == form
                                     and b.label.startswith("Send to")), form).click().run()
    assert not at.exception, at.exception
    assert at.error  # an empty note is refused
    assert next(s for s in at.selectbox if s.proto.form_id == form and s.label == "From").index \
        == picked
