"""Suggested targets come from the data; the SMART check says why each item is met or not."""

from __future__ import annotations

import datetime as dt

import pytest

from collabplan.goals.advice import smart_check, suggestions
from collabplan.goals.baseline import compute_baseline
from collabplan.goals.model import get_goal, update_goal
from tests import factories as f
from tests.goal_factories import (
    THREE,
    draft_goal,
    expected_metric,
    make_priority,
    school_export,
)

D = dt.date


def test_suggestions_come_from_the_data_and_beat_the_baseline(db):
    export = school_export(db, windows=THREE)
    gid, _ = draft_goal(db, export, baseline_administration_id=export.windows["Spring"])
    goal = get_goal(db, gid)
    base, _ = expected_metric(
        export, "Spring", "Vocabulary", "pct_below_proficient", {"grade": "3"}
    )
    today = D(2026, 6, 1)  # the Spring window (May) is in; the year ends in June
    sugg = suggestions(db, goal, today=today)
    assert sugg, "expected at least one suggestion"
    for s in sugg:
        assert s.value < base and s.reason.endswith(".")
        assert s.date == D(2026, 6, 30) and s.date_why == "the end of the school year"
        # one measure throughout: the goal's (% below proficient), never % proficient
        assert "below proficient" in s.reason and "% proficient" not in s.reason
    half = [s for s in sugg if s.basis == "half the gap"]
    if half:
        best = max(
            100 - expected_metric(export, "Spring", sk, "pct_below_proficient", {"grade": "3"})[0]
            for sk in ("Comprehension", "Phonics", "Fluency")
        )
        assert half[0].value == round(100 - ((100 - base) + (best - (100 - base)) / 2))
    own = [s for s in sugg if s.basis == "this skill's growth"]
    winter, _ = expected_metric(
        export, "Winter", "Vocabulary", "pct_below_proficient", {"grade": "3"}
    )
    if own:
        assert own[0].value == round(base - (winter - base))
        assert own[0].reason.startswith("Between Winter 2026 and Spring 2026, Vocabulary fell")


def test_smart_check_reports_each_item_with_reason(db):
    export = school_export(db, windows=THREE)
    gid, team = draft_goal(
        db, export, population={}, baseline_administration_id=export.windows["Spring"]
    )
    today = D(2026, 11, 1)
    items = {i.letter: i for i in smart_check(db, get_goal(db, gid), today=today)}
    assert [i for i in "SMART"] == list(items)
    # a goal for every student the assessment scored is specific (issue 17: no grade needed)
    assert items["S"].met and "every student" in items["S"].why
    assert items["M"].met and "students scored in Spring 2026" in items["M"].why
    assert not items["A"].met and not items["R"].met and not items["T"].met
    pid = make_priority(db, "Reading success")
    base = compute_baseline(
        db, export.windows["Spring"], "Vocabulary", "pct_below_proficient", {}
    )
    update_goal(
        db,
        gid,
        population={"grade": "3"},
        priority_id=pid,
        target_value=base.value - 1,
        target_date="2026-12-01",
    )
    items = {i.letter: i for i in smart_check(db, get_goal(db, gid), today=today)}
    assert items["R"].met and "Reading success" in items["R"].why
    assert items["T"].met and "1 December 2026" in items["T"].why
    assert items["S"].met
    # An enormous jump is not achievable from the growth seen.
    update_goal(db, gid, target_value=0, target_date="2026-06-30")
    assert not {i.letter: i for i in smart_check(db, get_goal(db, gid), today=today)}["A"].met


def test_smart_specific_accepts_all_students_of_a_single_grade(db):
    export = school_export(db)
    with db.transaction() as cur:
        f.delete_scores(cur, "grade <> '3'")
    gid, _ = draft_goal(db, export, population={})
    specific = smart_check(db, get_goal(db, gid))[0]
    assert specific.met and "grade 3 students" in specific.why


# -- dates from today (issue 17) ---------------------------------------------------------------
from collabplan.goals import advice  # noqa: E402

LAST_YEAR = [(D(2025, 9, 15), "the fall testing window"), (D(2026, 1, 20), "the winter testing window"),
             (D(2026, 5, 18), "the spring testing window")]


@pytest.mark.parametrize("today, expected, why", [
    (D(2026, 9, 20), D(2027, 1, 20), "the winter testing window"),
    (D(2026, 12, 5), D(2027, 1, 20), "the winter testing window"),
    (D(2026, 12, 28), D(2027, 1, 31), "the end of the first semester"),  # winter too close
    (D(2027, 2, 10), D(2027, 5, 18), "the spring testing window"),
    (D(2027, 6, 5), D(2027, 6, 30), "the end of the school year"),
    (D(2027, 7, 10), D(2027, 7, 31), "the last day of the school year"),
    (D(2026, 8, 3), D(2026, 9, 15), "the fall testing window"),
])
def test_target_dates_lie_ahead_in_the_current_school_year(today, expected, why):
    # the uploads are last year's: their windows are taken at the same time of this year
    found = advice.next_target_date(today, LAST_YEAR, after=D(2025, 9, 15))
    assert (found.date, found.why) == (expected, why)
    start, end = advice.school_year(today)
    assert today < found.date <= end and start <= found.date


def test_a_baseline_after_today_still_gets_a_date_after_it():
    found = advice.next_target_date(D(2026, 7, 20), [], after=D(2026, 8, 2))
    assert found.date > D(2026, 8, 2)


@pytest.mark.parametrize("today", [D(2025, 9, 20), D(2025, 12, 5), D(2026, 2, 10),
                                   D(2026, 6, 5), D(2026, 7, 10), D(2026, 12, 5)])
def test_suggested_targets_are_never_in_the_past(db, today):
    export = school_export(db, windows=THREE)
    gid, _ = draft_goal(db, export, baseline_administration_id=export.windows["Fall"])
    sugg = suggestions(db, get_goal(db, gid), today=today)
    assert sugg
    for s in sugg:
        assert s.date > today and s.date <= advice.school_year(today)[1]
        assert s.date_why
    # the case: in December 2026 no suggestion says January 2026
    if today == D(2026, 12, 5):
        assert {s.date for s in sugg} == {D(2027, 1, 20)}


def test_a_past_target_date_the_team_set_is_replaced_in_suggestions(db):
    export = school_export(db, windows=THREE)
    gid, _ = draft_goal(db, export, baseline_administration_id=export.windows["Fall"])
    update_goal(db, gid, target_value=1, target_date="2026-01-29")
    sugg = suggestions(db, get_goal(db, gid), today=D(2026, 12, 5))
    assert sugg and all(s.date == D(2027, 1, 20) for s in sugg)
    update_goal(db, gid, target_value=1, target_date="2027-03-01")
    sugg = suggestions(db, get_goal(db, gid), today=D(2026, 12, 5))
    assert all(s.date == D(2027, 3, 1) and s.date_why == "the team's date" for s in sugg)


def test_time_bound_needs_a_date_not_in_the_past(db):
    export = school_export(db, windows=THREE)
    gid, _ = draft_goal(db, export, baseline_administration_id=export.windows["Fall"])
    update_goal(db, gid, target_value=1, target_date="2026-01-29")
    goal = get_goal(db, gid)
    t = smart_check(db, goal, today=D(2026, 12, 5))[-1]
    assert t.letter == "T" and not t.met
    assert t.why == ("29 January 2026 has passed: set a date ahead, for example 20 January 2027 "
                     "(the winter testing window).")
    assert smart_check(db, goal, today=D(2026, 1, 29))[-1].met  # today itself still counts
    assert smart_check(db, goal, today=D(2025, 12, 1))[-1].met


def test_specific_is_met_without_a_grade_for_every_student_scored(db):
    export = school_export(db)  # several grades
    gid, _ = draft_goal(db, export, population={})
    specific = smart_check(db, get_goal(db, gid))[0]
    assert specific.met
    assert specific.why.startswith("names what is measured (Vocabulary on ")
    assert "every student this assessment scored" in specific.why


def test_suggestion_sentences_keep_to_percent_proficient_for_such_a_goal(db):
    export = school_export(db, windows=THREE)
    gid, _ = draft_goal(db, export, metric="pct_proficient",
                        baseline_administration_id=export.windows["Spring"])
    sugg = suggestions(db, get_goal(db, gid), today=D(2026, 6, 1))
    assert sugg
    for s in sugg:
        assert "below" not in s.reason and "proficient" in s.reason
