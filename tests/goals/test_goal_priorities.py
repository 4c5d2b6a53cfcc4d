"""School priorities: add, rename, order, archive; one that goals name cannot be deleted."""

from __future__ import annotations

import datetime as dt

import pytest

from collabplan.goals.priorities import (
    add_priority,
    delete_priority,
    list_priorities,
    move_priority,
    update_priority,
)
from tests.goal_factories import (
    draft_goal,
    school_export,
)

D = dt.date


def test_priorities_crud_and_archive_when_used(db):
    a = add_priority(db, "Reading success for every student")
    b = add_priority(db, "Belonging")
    with pytest.raises(ValueError, match="already"):
        add_priority(db, "belonging")
    with pytest.raises(ValueError, match="title"):
        add_priority(db, "  ")
    move_priority(db, b, -1)
    assert list_priorities(db)["title"].tolist() == [
        "Belonging",
        "Reading success for every student",
    ]
    export = school_export(db)
    draft_goal(db, export, priority_id=a)
    with pytest.raises(ValueError, match="archive"):
        delete_priority(db, a)
    update_priority(db, a, active=False)
    assert list_priorities(db)["title"].tolist() == ["Belonging"]
    delete_priority(db, b)
    assert list_priorities(db, include_archived=True)["goals"].tolist() == [1]
