"""Choosing a focus: the candidates are the skills that lag in the team's latest window, the
team's interest and capacity ratings are kept (who, when, audited) and ordered beside the
data, and the chosen focus is what Draft a goal opens on."""

from __future__ import annotations

import pandas as pd
import pytest

from collabplan import audit
from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.goals import focus
from collabplan.ingest.load import delete_upload
from tests import factories as f
from tests.focus_data import SPRING, lagging_school

LEADER = Viewer(email="lead@school.org", role="leader")



@pytest.fixture
def school(db):
    return lagging_school(db)


def test_candidates_are_the_skills_lagging_in_the_teams_latest_window(db, school):
    found = focus.candidates(db, school["team"], school["assessment"])
    assert list(found["skill"]) == ["Vocabulary", "Theme"]  # lowest % proficient first
    assert list(found["pct_proficient"]) == [30.0, 60.0]
    assert set(found["administration_id"]) == {school["spring"]}
    assert list(found["window"]) == ["Spring (2026-04-01)"] * 2
    # the gap is the larger shortfall: below the median (75%) or under the floor (50%)
    assert list(found["gap"]) == [45.0, 15.0]
    assert found["gap_words"].iloc[0] == ("45 points below the median (75%); 20 points under "
                                          "the school's floor (50%)")
    assert found["gap_words"].iloc[1] == "15 points below the median (75%)"


def test_candidates_follow_the_schools_floor_and_the_readers_teams(db, school):
    # a floor of 80%: Fluency (75%) is under it too; Main idea and Inference (80%) are not
    assert list(focus.candidates(db, school["team"], school["assessment"], floor=80.0)["skill"]) \
        == ["Vocabulary", "Theme", "Fluency"]
    teacher = Viewer(email="t@school.org", role="teacher", team_ids=frozenset({school["other"]}))
    assert focus.candidates(db, school["team"], school["assessment"], viewer=teacher).empty
    theirs = focus.candidates(db, school["other"], school["assessment"], viewer=teacher)
    assert set(theirs["skill"]) == set(SPRING) - {"Main idea"}


def test_nothing_to_choose_without_lagging_skills_or_results(db, school):
    table = focus.focus_table(db, school["team"], school["assessment"], floor=0.0)
    assert list(table["skill"]) == ["Vocabulary", "Theme"]  # the median alone still flags both
    even = f.assessment(db, "Even CFA")  # every skill 80%: none lags
    window = f.administration(db, even, None, "2026-05-01")
    kids = f.class_of_students(db, 20, "5B", "Ms Ray", start=300)
    for skill in ("Main idea", "Theme", "Vocabulary"):
        f.skill_scores(db, school["upload"], window, kids, skill, 16)
    for test in (even, f.assessment(db, "Not given yet")):
        empty = focus.focus_table(db, school["team"], test)
        assert empty.empty and list(empty.columns) == focus.FOCUS_COLUMNS


def test_ratings_are_kept_with_who_and_when_and_audited(db, school):
    team, test = school["team"], school["assessment"]
    assert focus.rate(db, team, test, {"Vocabulary": (5, 2), "Theme": (4, 4)}, viewer=LEADER) == 2
    assert focus.rate(db, team, test, {"Vocabulary": (5, 2), "Theme": (3, 4)}, viewer=LEADER) == 1
    saved = focus.ratings(db, team, test).set_index("skill")
    assert saved.loc["Vocabulary", ["interest", "capacity"]].tolist() == [5, 2]
    assert saved.loc["Theme", ["interest", "capacity"]].tolist() == [3, 4]
    assert set(saved["rated_by"]) == {"lead@school.org"} and saved["rated_at"].notna().all()
    log = audit.recent(db)
    assert list(log["action"]) == ["focus rating"] * 3
    assert log["detail"].iloc[0] == "Grade 5 team, Reading CFA: Theme interest 3, capacity 4"
    assert set(log["who"]) == {"lead@school.org"}


@pytest.mark.parametrize("given, reason", [
    ({"Vocabulary": (0, 3)}, "rate interest for 'Vocabulary' from 1 to 5"),
    ({"Vocabulary": (3, 6)}, "rate capacity for 'Vocabulary' from 1 to 5"),
    ({"Vocabulary": ("high", 3)}, "rate interest"),
    ({"Vocabulary": (2.5, 3)}, "rate interest"),
    ({"Spelling": (3, 3)}, "'Spelling' is not a skill of this assessment"),
])
def test_ratings_out_of_range_or_of_unknown_skills_are_refused(db, school, given, reason):
    with pytest.raises(UserError, match=reason):
        focus.rate(db, school["team"], school["assessment"], given, viewer=LEADER)
    assert focus.ratings(db, school["team"], school["assessment"]).empty


def test_only_the_teams_teachers_and_leaders_rate_and_choose(db, school):
    outsider = Viewer(email="t@school.org", role="teacher", team_ids=frozenset({school["other"]}))
    coach = Viewer(email="c@school.org", role="coach")
    for who in (outsider, coach):
        with pytest.raises(UserError, match="Only the team's own teachers and leaders"):
            focus.rate(db, school["team"], school["assessment"], {"Theme": (3, 3)}, viewer=who)
        with pytest.raises(UserError, match="Only the team's own teachers and leaders"):
            focus.choose(db, school["team"], school["assessment"], "Theme", viewer=who)
    member = Viewer(email="m@school.org", role="teacher", team_ids=frozenset({school["team"]}))
    assert focus.rate(db, school["team"], school["assessment"], {"Theme": (3, 3)},
                      viewer=member) == 1


def test_suggested_order_puts_interest_and_capacity_first_and_breaks_ties_by_the_data():
    table = pd.DataFrame({
        "skill": ["A", "B", "C", "D", "E"],
        "pct_proficient": [40.0, 30.0, 45.0, 20.0, 10.0],
        "gap": [20.0, 30.0, 15.0, 40.0, 50.0],
        "interest": pd.array([5, 4, 5, None, None], dtype="Float64"),
        "capacity": pd.array([4, 5, 5, 3, None], dtype="Float64"),
    })
    ordered = focus.suggested_order(table)
    # C rated 10; A and B both 9: B's gap is larger; D (half rated) and E follow by their gap
    assert list(ordered["skill"]) == ["C", "B", "A", "E", "D"]
    assert list(ordered["order"]) == [1, 2, 3, 4, 5]
    assert ordered["together"].tolist()[:3] == [10, 9, 9]
    assert ordered["together"].isna().tolist()[3:] == [True, True]


def test_choosing_records_the_focus_and_gives_the_drafts_seed(db, school):
    team, test = school["team"], school["assessment"]
    focus.rate(db, team, test, {"Vocabulary": (2, 2), "Theme": (5, 4)}, viewer=LEADER)
    table = focus.focus_table(db, team, test)
    assert list(table["skill"]) == ["Theme", "Vocabulary"] and not table["chosen"].any()
    seed = focus.choose(db, team, test, "Theme", viewer=LEADER)
    assert seed == {"team_id": team, "assessment_id": test, "skill": "Theme", "population": {},
                    "baseline_administration_id": school["spring"],
                    "metric": "pct_below_proficient", "lagging": True, "focus": True}
    assert focus.chosen_focus(db, team, test)["skill"] == "Theme"
    focus.choose(db, team, test, "Vocabulary", viewer=LEADER)  # a second choice replaces it
    table = focus.focus_table(db, team, test)
    assert table.loc[table["chosen"], "skill"].tolist() == ["Vocabulary"]
    assert audit.recent(db)["detail"].iloc[0] == "Grade 5 team, Reading CFA: Vocabulary"
    with pytest.raises(UserError, match="'Fluency' does not lag"):
        focus.choose(db, team, test, "Fluency", viewer=LEADER)
    assert focus.focus_for_goal(db, team, test, "Vocabulary") == {
        "interest": 2, "capacity": 2, "chosen": True, "rated": 2}
    assert focus.focus_for_goal(db, team, test, "Fluency") is None


def test_undoing_the_upload_removes_the_focus_it_rested_on(db, school):
    team, test = school["team"], school["assessment"]
    focus.rate(db, team, test, {"Theme": (5, 4)}, viewer=LEADER)
    focus.choose(db, team, test, "Theme", viewer=LEADER)
    delete_upload(db, school["upload"], who="lead@school.org")
    # the other team's upload still holds the Spring window: the choice stays with it
    assert focus.chosen_focus(db, team, test)["skill"] == "Theme"
    delete_upload(db, db.scalar("SELECT id FROM upload"), who="lead@school.org")
    assert focus.chosen_focus(db, team, test) is None
    assert focus.ratings(db, team, test).empty
