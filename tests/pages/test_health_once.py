"""The health survey page: one answer per signed-in person, said in one line; without sign-in
the page says answers are anonymous but not limited to one per person, and still takes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import ui
from collabplan.access import Viewer
from collabplan.workspace import survey

APP = str(Path(__file__).resolve().parents[2] / "app.py")
NOT_LIMITED = "not limited to one per person"


def open_health() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/health.py")
    at.run()
    assert not at.exception, at.exception
    return at


def answer(at: AppTest, value: int) -> None:
    for item in survey.SURVEY_ITEMS:
        at.radio(key=f"answer_{item}").set_value(value)
    form = at.radio(key="answer_trust_safe").proto.form_id
    next(b for b in at.button if b.label == "Submit my answers" and b.proto.form_id == form).click()
    at.run()
    assert not at.exception, at.exception


def page_text(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "success", "error")
                     for e in getattr(at, kind))


def test_without_sign_in_the_page_says_answers_are_not_limited_and_takes_them_all(db):
    round_id = survey.open_round(db, "Fall")
    at = open_health()
    assert NOT_LIMITED in page_text(at)
    answer(at, 4)
    answer(at, 2)
    assert survey.rounds(db)["responses"].tolist() == [2]
    assert at.radio(key="answer_trust_safe").value is None  # the next person starts blank
    assert db.scalar("SELECT count(*) FROM survey_answered WHERE round_id = ?", [round_id]) == 0


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> Viewer:
    me = Viewer(email="ana@school.example", role="teacher", name="Ana")
    monkeypatch.setattr(ui, "viewer", lambda: me)
    return me


def test_a_signed_in_person_answers_once_and_then_sees_one_line(db, signed_in):
    survey.open_round(db, "Fall")
    at = open_health()
    assert NOT_LIMITED not in page_text(at)
    answer(at, 5)
    assert survey.rounds(db)["responses"].tolist() == [1]
    assert survey.ALREADY_ANSWERED in [s.value for s in at.success]
    assert not [r for r in at.radio if r.key and r.key.startswith("answer_")]  # no form again


def test_a_second_answer_from_another_tab_is_refused_in_one_line(db, signed_in):
    round_id = survey.open_round(db, "Fall")
    at = open_health()   # the form is open here ...
    survey.submit_survey(db, round_id, {i: 3 for i in survey.SURVEY_ITEMS}, signed_in)  # ... and
    answer(at, 5)        # meanwhile the same person answered in another tab
    shown = [m.value for m in [*at.error, *at.success]]
    assert shown == [survey.ALREADY_ANSWERED]
    assert survey.rounds(db)["responses"].tolist() == [1]
