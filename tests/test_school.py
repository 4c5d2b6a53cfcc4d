"""The school's floor for "lagging": stored in the database, set by a leader, audited."""

from __future__ import annotations

import pytest

from collabplan import audit, metrics, school
from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.metrics import Filters
from tests import factories as f

LEADER = Viewer.local_user()


def test_the_floor_is_fifty_until_a_leader_sets_it_and_then_reads_back(db):
    assert school.lagging_floor(db) == 50.0  # no school row yet
    assert school.set_lagging_floor(db, 40, viewer=LEADER, who="principal@school.org") == 40.0
    assert school.lagging_floor(db) == 40.0
    assert db.scalar("SELECT count(*) FROM school") == 1
    school.set_lagging_floor(db, "62.5", viewer=LEADER)
    assert school.lagging_floor(db) == 62.5
    rows = audit.full_log(db)
    assert rows["action"].tolist() == ["setting", "setting"]
    assert rows["who"].iloc[0] == "principal@school.org"
    assert rows["detail"].tolist() == ["lagging floor 50% -> 40% proficient",
                                       "lagging floor 40% -> 62.5% proficient"]


def test_setting_the_same_floor_again_writes_no_audit_row_and_keeps_the_school_name(db):
    with db.transaction() as cur:
        cur.execute("INSERT INTO school (id, name) VALUES (1, 'Lincoln')")
    assert school.lagging_floor(db) == 50.0  # the column's default
    school.set_lagging_floor(db, 50, viewer=LEADER)
    assert audit.full_log(db).empty
    school.set_lagging_floor(db, 0, viewer=LEADER)
    assert db.rows("SELECT name, lagging_floor FROM school") == [("Lincoln", 0.0)]


@pytest.mark.parametrize("value", [-1, 100.5, "half", None, float("nan")])
def test_a_floor_outside_zero_to_a_hundred_is_refused_and_nothing_changes(db, value):
    with pytest.raises(UserError, match="from 0 to 100"):
        school.set_lagging_floor(db, value, viewer=LEADER)
    assert school.lagging_floor(db) == 50.0
    assert audit.full_log(db).empty


@pytest.mark.parametrize("role", ["teacher", "coach"])
def test_only_a_leader_sets_the_floor(db, role):
    viewer = Viewer(email="t@school.org", role=role, name=None, team_ids=frozenset())
    with pytest.raises(UserError, match="Only a leader"):
        school.set_lagging_floor(db, 30, viewer=viewer)
    assert school.lagging_floor(db) == 50.0


def test_skill_summary_follows_the_schools_floor(db):
    team = f.team(db)
    up = f.upload(db, team)
    cfa = f.assessment(db, "Unit 3 CFA")
    fall = f.administration(db, cfa, "Fall", "2026-10-01")
    ids = f.class_of_students(db, 20, "7A", "Ms. Lee")
    for skill, n in (("A", 6), ("B", 7), ("C", 8)):  # 30%, 35%, 40%: every skill low
        f.skill_scores(db, up, fall, ids, skill, n)
    flt = Filters(administration_ids=(fall,))
    assert set(metrics.skill_summary(db, flt)["status"]) == {"lagging"}
    school.set_lagging_floor(db, 25, viewer=LEADER)
    assert metrics.skill_summary(db, flt)["status"].tolist() == ["typical"] * 3
    # a value given by the caller wins over the stored one (read once per page run)
    assert set(metrics.skill_summary(db, flt, floor=50)["status"]) == {"lagging"}
