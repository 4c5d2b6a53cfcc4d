"""Baseline and target checks: a target must beat the baseline, lie in 0-100 and come later;
a population too small is refused; the baseline chart matches the baseline."""

from __future__ import annotations

import datetime as dt

import pytest

from collabplan.goals.baseline import baseline_chart_data
from tests.goal_factories import (
    cli_goal,
    expected_metric,
    school_export,
)

D = dt.date


def test_refuses_target_not_better_than_baseline(db):
    export = school_export(db)
    base, _ = expected_metric(export, "Fall", "Vocabulary", "pct_below_proficient", {"grade": "3"})
    with pytest.raises(ValueError, match="not better than the baseline"):
        cli_goal(db, target=base)
    with pytest.raises(ValueError, match="not better than the baseline"):
        cli_goal(db, target=min(base + 3, 100))
    with pytest.raises(ValueError, match="not better than the baseline"):
        cli_goal(db, metric="pct_proficient", target=1)
    assert db.scalar("SELECT count(*) FROM goal") == 0


@pytest.mark.parametrize("target", [-5, 101, 250])
def test_refuses_impossible_target_outside_0_to_100(db, target):
    school_export(db)
    metric = "pct_below_proficient" if target < 0 else "pct_proficient"
    with pytest.raises(ValueError, match="impossible"):
        cli_goal(db, metric=metric, target=target)


def test_refuses_target_date_on_or_before_baseline_and_leaves_db_unchanged(db):
    school_export(db)
    with pytest.raises(ValueError, match="not after the baseline"):
        cli_goal(db, team="New team", target=1, by="2025-09-01")
    with pytest.raises(ValueError, match="not after the baseline"):
        cli_goal(db, team="New team", target=1, by="2025-09-15")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        cli_goal(db, team="New team", target=1, by="next spring")
    assert db.scalar("SELECT count(*) FROM goal") == 0
    assert db.scalar("SELECT count(*) FROM team") == 0


def test_refuses_population_under_min_group_size_with_reason(db):
    school_export(db)
    with pytest.raises(ValueError, match=r"only \d students .* at least 10"):
        cli_goal(db, where={"class": "4B"}, target=1)


def test_baseline_chart_data_marks_chosen_skill_and_matches_baseline(db):
    export = school_export(db)
    chart = baseline_chart_data(
        db, export.windows["Fall"], "Vocabulary", "pct_below_proficient", {"grade": "3"}
    )
    row = chart[chart["chosen"]].iloc[0]
    value, n = expected_metric(export, "Fall", "Vocabulary", "pct_below_proficient", {"grade": "3"})
    assert (row["value"], row["students"]) == (value, n)
    assert chart["chosen"].sum() == 1 and set(chart["skill"]) == {
        "Vocabulary",
        "Comprehension",
        "Phonics",
        "Fluency",
    }
