from __future__ import annotations

import pytest

from collabplan import catalog
from collabplan.access import Viewer
from tests import factories as f


@pytest.fixture
def school(db):
    """24 grade-7 students in two classes (ELL: every other one), a CFA given fall and winter."""
    return f.review_school(db)


def test_filter_options_list_what_the_assessment_holds(db, school):
    opts = catalog.filter_options(db, school["team"], school["cfa"])
    assert opts["teams"]["name"].tolist() == ["Grade 7 ELA"]
    assert opts["assessments"]["name"].tolist() == ["Unit 2 CFA"]
    assert opts["administrations"]["id"].tolist() == [school["fall"], school["winter"]]
    assert opts["classes"] == ["7A", "7B"]
    assert opts["teachers"] == ["Mr. Kim", "Ms. Lee"]
    assert opts["grades"] == ["7"]
    assert opts["groups"] == ["ELL"]
    empty = catalog.filter_options(db, None, None)
    assert empty["administrations"].empty and empty["classes"] == []


def _two_teams(db):
    """Grade 7's CFA (fall, winter), then grade 8's quiz uploaded later (spring)."""
    school = f.review_school(db)
    g8 = f.team(db, "Grade 8 Math")
    up8 = f.upload(db, g8, "quiz.xlsx")
    quiz = f.assessment(db, "Fractions quiz")
    spring = f.administration(db, quiz, "Spring", "2026-04-01")
    kids = f.class_of_students(db, 10, "8A", "Mr. Ode", start=100)
    f.skill_scores(db, up8, spring, kids, "NF.1", 5)
    return {**school, "g8": g8, "up8": up8, "quiz": quiz, "spring": spring}


def test_opening_is_nothing_without_scores(db):
    assert catalog.opening(db) is None
    f.team(db, "Grade 7 ELA")
    assert catalog.opening(db, team_id=1) is None


def test_opening_for_a_leader_is_the_schools_latest_upload_on_every_team(db):
    s = _two_teams(db)
    assert catalog.opening(db) == catalog.Opening(None, s["quiz"], s["spring"])


def test_opening_follows_the_team_acted_for(db):
    s = _two_teams(db)
    # the older upload of the team acted for, on its latest window
    assert catalog.opening(db, team_id=s["team"]) == catalog.Opening(s["team"], s["cfa"],
                                                                     s["winter"])
    # a team without scores falls back to the school's latest upload
    empty = f.team(db, "Grade 6")
    assert catalog.opening(db, team_id=empty) == catalog.Opening(None, s["quiz"], s["spring"])


def test_opening_of_an_upload_is_its_team_assessment_and_window(db):
    s = _two_teams(db)
    assert catalog.opening(db, upload_id=s["upload"], team_id=s["g8"]) == catalog.Opening(
        s["team"], s["cfa"], s["winter"])
    assert catalog.opening(db, upload_id=s["up8"]) == catalog.Opening(s["g8"], s["quiz"],
                                                                      s["spring"])


def test_opening_for_a_teacher_is_their_own_teams_latest_upload(db):
    s = _two_teams(db)
    teacher = Viewer("ana@school.org", "teacher", team_ids=frozenset({s["team"]}))
    want = catalog.Opening(s["team"], s["cfa"], s["winter"])
    assert catalog.opening(db, viewer=teacher) == want
    # another team's upload or team is not theirs to open
    assert catalog.opening(db, viewer=teacher, upload_id=s["up8"], team_id=s["g8"]) == want
    stranger = Viewer("bo@school.org", "teacher", team_ids=frozenset({999}))
    assert catalog.opening(db, viewer=stranger) is None
