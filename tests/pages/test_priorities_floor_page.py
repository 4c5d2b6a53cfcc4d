"""AppTest of the floor setting on School priorities: a leader saves it, it is audited, and
Data review follows it."""

from __future__ import annotations

from collabplan import audit, school
from tests import factories as f
from tests.apptest_tree import open_app_page

_page = open_app_page


def test_a_leader_sets_the_floor_in_words_and_review_follows_it(db):
    team = f.team(db, "Grade 3 Math")
    up = f.upload(db, team)
    cfa = f.assessment(db, "Unit 3 CFA")
    fall = f.administration(db, cfa, "Fall", "2026-10-01")
    ids = f.class_of_students(db, 20, "3A", "Ms. Ray")
    for skill, n in (("3.MD.1", 8), ("3.MD.2", 9)):  # 40% and 45%
        f.skill_scores(db, up, fall, ids, skill, n)

    at = _page("pages/priorities.py")
    box = at.number_input(key="pr_floor")
    assert box.value == 50
    assert box.label == "A skill lags when fewer than this % of students are proficient"
    assert "even if every skill of the test is low" in box.help
    box.set_value(35)
    next(b for b in at.button if b.label == "Save the floor").click().run()
    assert not at.exception, at.exception
    assert school.lagging_floor(db) == 35.0
    assert any("Now: under 35% of students proficient" in e.label for e in at.expander)
    log = audit.full_log(db)
    assert log["action"].tolist() == ["setting"]
    assert log["detail"].iloc[0] == "lagging floor 50% -> 35% proficient"
    assert _page("pages/priorities.py").number_input(key="pr_floor").value == 35

    review = _page("pages/review.py")
    said = "\n".join(m.value for m in review.markdown)
    assert "No skill lags" in said and "floor of 35% proficient" in said
    school.set_lagging_floor(db, 50, viewer=school_leader())
    review = _page("pages/review.py")
    said = "\n".join(m.value for m in review.markdown)
    assert "3.MD.1, 40% proficient, under the school's floor of 50%" in said


def school_leader():
    from collabplan.access import Viewer

    return Viewer.local_user()
