"""Suggested targets come from the data; the SMART check says why each item is met or not."""

from __future__ import annotations

import datetime as dt

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
    sugg = suggestions(db, goal)
    assert sugg, "expected at least one suggestion"
    for s in sugg:
        assert s.value < base and s.reason.endswith(".")
        assert s.date is not None and s.date > export.dates["Spring"]
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
        assert "between Winter 2026 and Spring 2026" in own[0].reason


def test_smart_check_reports_each_item_with_reason(db):
    export = school_export(db, windows=THREE)
    gid, team = draft_goal(
        db, export, population={}, baseline_administration_id=export.windows["Spring"]
    )
    items = {i.letter: i for i in smart_check(db, get_goal(db, gid))}
    assert [i for i in "SMART"] == list(items)
    assert not items["S"].met and "every student" in items["S"].why
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
    items = {i.letter: i for i in smart_check(db, get_goal(db, gid))}
    assert items["R"].met and "Reading success" in items["R"].why
    assert items["T"].met and "1 December 2026" in items["T"].why
    assert items["S"].met
    # An enormous jump is not achievable from the growth seen.
    update_goal(db, gid, target_value=0, target_date="2026-06-30")
    assert not {i.letter: i for i in smart_check(db, get_goal(db, gid))}["A"].met


def test_smart_specific_accepts_all_students_of_a_single_grade(db):
    export = school_export(db)
    with db.transaction() as cur:
        f.delete_scores(cur, "grade <> '3'")
    gid, _ = draft_goal(db, export, population={})
    specific = smart_check(db, get_goal(db, gid))[0]
    assert specific.met and "grade 3 students" in specific.why
