"""What the pickers offer: skills by need, the team that uploaded."""

from __future__ import annotations

import datetime as dt

from collabplan.goals.lookups import default_team_for, skills_by_need
from tests.goal_factories import (
    expected_metric,
    make_team,
    school_export,
)

D = dt.date


def test_skills_by_need_puts_lowest_latest_first_and_default_team_is_uploader(db):
    team = make_team(db, "Grade 3 team")
    export = school_export(
        db,
        team_id=team,
        growth={"Vocabulary": 0.0, "Comprehension": 0.1, "Phonics": 0.1, "Fluency": 0.1},
    )
    ranked = skills_by_need(db, export.assessment_id)
    latest = {
        sk: expected_metric(export, "Winter", sk, "pct_proficient")[0]
        for sk in ("Vocabulary", "Comprehension", "Phonics", "Fluency")
    }
    assert ranked == sorted(latest, key=lambda sk: (latest[sk], sk))
    assert default_team_for(db, export.assessment_id) == team
