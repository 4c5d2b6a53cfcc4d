"""Signposts: scheduled check-ins with notes, upcoming and overdue, undo of a delete, goals
behind their line; old databases keep their signposts through the table's rename."""

from __future__ import annotations

import datetime as dt

import pytest

from collabplan import audit
from collabplan import db as db_module
from collabplan.goals.signposts import (
    add_signpost,
    delete_signpost,
    goals_behind,
    restore_signpost,
    schedule_signposts,
    signpost,
    signposts_for_goal,
    upcoming_signposts,
    update_signpost,
)
from tests import factories as f

D = dt.date


# -- signposts ---------------------------------------------------------------------------
def test_signposts_are_listed_upcoming_and_overdue_and_notes_saved(db):
    from tests.progress_data import add_goal, load_school

    school = load_school(db, students=12)
    gid = add_goal(db, school)
    today = D(2026, 2, 1)
    late = add_signpost(db, gid, D(2026, 1, 25))
    soon = add_signpost(db, gid, D(2026, 2, 10))
    add_signpost(db, gid, D(2026, 6, 1))          # beyond 60 days
    done = add_signpost(db, gid, D(2026, 1, 30), done=True)
    up = upcoming_signposts(db, days=60, today=today)
    assert list(up["id"]) == [late, soon]
    assert list(up["when"]) == ["overdue by 7 days", "in 9 days"]
    assert list(up["team"]) == ["Grade 3 team"] * 2
    update_signpost(db, soon, how_going="  steady  ", resources="a reading coach",
                              decisions="keep small groups", done=True)
    row = signpost(db, soon)
    assert (row["how_going"], row["resources"], row["done"]) == ("steady", "a reading coach", True)
    assert done in set(signposts_for_goal(db, gid)["id"])


def test_deleting_a_signpost_is_audited_and_can_be_undone(db):
    from tests.progress_data import add_goal, load_school

    school = load_school(db, students=12)
    gid = add_goal(db, school)
    sid = add_signpost(db, gid, D(2026, 3, 1), decisions="ask for coaching time")
    row = delete_signpost(db, sid, who="Ms Rivera")
    assert signposts_for_goal(db, gid).empty
    log = audit.recent(db)
    assert (log.iloc[0]["who"], log.iloc[0]["action"]) == ("Ms Rivera", "delete")
    restore_signpost(db, row)
    back = signposts_for_goal(db, gid)
    assert list(back["decisions"]) == ["ask for coaching time"]


def test_schedule_signposts_every_six_weeks_skips_taken_dates(db):
    from tests.progress_data import add_goal, load_school

    school = load_school(db, students=12)
    gid = add_goal(db, school)
    add_signpost(db, gid, D(2025, 10, 27))
    new = schedule_signposts(db, gid, D(2025, 9, 15), D(2025, 12, 31), every_weeks=6)
    dates = list(signposts_for_goal(db, gid)["date"])
    assert len(new) == 2
    assert dates == [D(2025, 9, 15), D(2025, 10, 27), D(2025, 12, 8)]


def test_goals_behind_lists_only_goals_below_their_line(db):
    from tests.progress_data import add_goal, expected, load_school

    school = load_school(db)
    latest, _ = expected(school, "MAP Reading", "Spring", "Vocabulary")
    add_goal(db, school, target=latest - 1)
    hard = add_goal(db, school, target=99.0)
    behind = goals_behind(db)
    assert list(behind["goal_id"]) == [hard]
    assert behind.iloc[0]["goal"] == f"Grade 3 team: Vocabulary (grade 3 students) #{hard}"


@pytest.mark.embedded_only
def test_signposts_in_the_old_checkpoint_table_survive_the_upgrade(tmp_path):
    """Migration 0005 renames the check-in table to `signpost`; rows, ids and notes stay."""
    path = tmp_path / "old.duckdb"
    con = f.database_before(path, 5)
    # the goals the check-ins belong to (the check on open removes check-ins of missing goals)
    con.execute(
        """INSERT INTO team (name) VALUES ('Grade 3');
           INSERT INTO assessment (name, kind) VALUES ('CFA', 'points');
           INSERT INTO administration (assessment_id, label) VALUES (1, 'Fall');
           INSERT INTO goal (team_id, assessment_id, skill, metric, baseline_administration_id)
           VALUES (1, 1, 'RL.3.1', 'pct_proficient', 1), (1, 1, 'RL.3.2', 'pct_proficient', 1);"""
    )
    con.execute(
        "INSERT INTO checkpoint (goal_id, date, how_going, resources, decisions, done) VALUES"
        " (1, DATE '2025-11-14', 'Started well', NULL, 'keep groups', true),"
        " (1, DATE '2026-02-06', NULL, 'a coach', NULL, false),"
        " (2, DATE '2026-03-01', NULL, NULL, NULL, false)"
    )
    con.execute("DELETE FROM checkpoint WHERE date = DATE '2026-03-01'")
    before = con.execute("SELECT * FROM checkpoint ORDER BY id").fetchall()
    con.close()
    migrated = db_module.Database(path)
    try:
        assert migrated.schema_version() >= 5
        assert migrated.rows("SELECT * FROM signpost ORDER BY id") == before
        assert not migrated.scalar(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'checkpoint'"
        )
        assert not migrated.scalar(
            "SELECT count(*) FROM duckdb_sequences() WHERE sequence_name = 'checkpoint_id_seq'"
        )
        assert list(signposts_for_goal(migrated, 1)["id"]) == [1, 2]
        assert signpost(migrated, 2)["resources"] == "a coach"
        # a new signpost takes an id no earlier one had, not even the deleted third
        with migrated.transaction() as cur:
            fresh = cur.execute(
                "INSERT INTO signpost (goal_id, date) VALUES (1, DATE '2026-05-01') RETURNING id"
            ).fetchone()[0]
        assert fresh > 3
    finally:
        migrated.close()
