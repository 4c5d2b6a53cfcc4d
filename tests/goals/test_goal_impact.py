"""What an upload does to posted goals, said before it happens (issue 13): the preview of
baseline changes written in a transaction that is rolled back, the import's own report of
them, and the goals an undo would take results from."""

from __future__ import annotations

import datetime as dt

import pytest

from collabplan.goals.as_json import goals_json
from collabplan.goals.impact import (
    baseline_changes,
    changes_text,
    goals_using_upload,
    undo_warning,
    upload_baseline_changes,
    watch_baselines,
)
from collabplan.goals.model import create_goal, set_status
from collabplan.ingest import store
from collabplan.ingest.load import delete_upload, import_file
from collabplan.ingest.normalise.prepare import prepare
from collabplan.metrics import metric_value
from tests import factories as f
from tests.goal_factories import make_priority

SKILL = "Inference"


@pytest.fixture
def school(db):
    a = f.assessment(db, "Unit CFA", kind="percent")
    up = f.upload(db, name="fall-winter.xlsx")
    fall = f.administration(db, a, "Fall", "2025-09-15")
    winter = f.administration(db, a, "Winter", "2026-01-20")
    ids = f.class_of_students(db, 20, "7A", "Ms Lee")
    f.skill_scores(db, up, fall, ids, SKILL, 8)  # 40%
    team = f.team(db, "Grade 7 team")
    gid = create_goal(db, team_id=team, assessment_id=a, skill=SKILL, metric="pct_proficient",
                      baseline_administration_id=fall, why="w",
                      priority_id=make_priority(db, "P"), target_value=70,
                      target_date=dt.date(2026, 6, 1), status="active")
    winter_up = f.upload(db, name="winter.xlsx")
    f.skill_scores(db, winter_up, winter, ids, SKILL, 12)
    return {"assessment": a, "fall": fall, "winter": winter, "ids": ids, "goal": gid,
            "fall_upload": up, "winter_upload": winter_up}


def rows(upload_id: int, administration_id: int, student_ids, proficient: int) -> list[dict]:
    return [{"upload_id": upload_id, "administration_id": administration_id, "student_id": s,
             "skill": SKILL, "fraction": 0.9 if i < proficient else 0.5, "proficient": i < proficient}
            for i, s in enumerate(student_ids)]


def test_preview_reports_the_change_and_leaves_the_database_as_it_was(db, school):
    before = metric_value(db, school["fall"], SKILL, "pct_proficient")  # fills per-version memos
    version, scores = db.version, db.scalar("SELECT count(*) FROM score")
    new_ids = f.class_of_students(db, 10, "7B", "Mr Diaz", start=100)
    version = db.version

    def write(fn):
        with db.scratch() as cur:
            # a later upload scores the same 20 students again, all proficient (the later
            # score wins), and 10 more students, none proficient
            up = cur.execute("INSERT INTO upload (file_name, sha256) VALUES ('x', 'x') RETURNING id"
                             ).fetchone()[0]
            store.write_score_rows(cur, f.score_table(
                rows(up, school["fall"], school["ids"], 20) + rows(up, school["fall"], new_ids, 0)))
            return fn()

    changes = baseline_changes(db, write)
    assert changes == [{
        "goal_id": school["goal"], "goal": "Grade 7 team · Inference", "team": "Grade 7 team",
        "skill": SKILL, "baseline": {"value": 40.0, "students": 20},
        "before": {"value": 40.0, "students": 20}, "after": {"value": 66.7, "students": 30},
    }]
    assert changes_text(changes) == (
        "This file changes the baseline of 1 posted goal: Grade 7 team · Inference 40% → 66.7%. "
        "The agreed baselines stay until each team accepts the new one or keeps its own."
    )
    # nothing was kept, and no answer computed on the rolled-back rows is served after
    assert db.version == version and db.scalar("SELECT count(*) FROM score") == scores
    assert metric_value(db, school["fall"], SKILL, "pct_proficient") == before


def test_preview_is_empty_when_no_goal_is_posted_and_writes_nothing(db):
    called = []
    assert baseline_changes(db, lambda fn: called.append(fn)) == []
    assert called == []


def test_preview_of_a_file_uses_the_import_path_and_matches_the_import(demo_db, samples):
    data = (samples / "nwea_map_CombinedAssessmentResults.csv").read_bytes()
    prepared = prepare(data, "nwea_map_CombinedAssessmentResults.csv")
    uploads = demo_db.scalar("SELECT count(*) FROM upload")
    changes = upload_baseline_changes(demo_db, prepared)
    assert demo_db.scalar("SELECT count(*) FROM upload") == uploads
    assert [(c["goal"], c["baseline"]["value"]) for c in changes] == [
        ("Grade 4 Math · Number and Operations", 80.0)]
    import_file(demo_db, data, "nwea_map_CombinedAssessmentResults.csv", update_students=True)
    after = {g["id"]: g for g in goals_json(demo_db)}
    for c in changes:
        assert after[c["goal_id"]]["baseline_now"] == c["after"]
        assert after[c["goal_id"]]["baseline"]["value"] == c["baseline"]["value"]
        assert after[c["goal_id"]]["baseline_changed"] is True
    assert sum(g["baseline_changed"] for g in after.values()) == len(changes)


def test_watch_baselines_gives_what_a_real_write_changed(db, school):
    since = watch_baselines(db)
    assert since() == []
    new_ids = f.class_of_students(db, 10, "7B", "Mr Diaz", start=100)
    f.skill_scores(db, f.upload(db, name="more.xlsx"), school["fall"], new_ids, SKILL, 0)
    [change] = since()
    assert change["after"] == {"value": 26.7, "students": 30}
    assert change["baseline"] == {"value": 40.0, "students": 20}


def test_goals_using_an_upload_are_named_before_its_undo(db, school):
    assert goals_using_upload(db, school["fall_upload"]) == [
        {"goal_id": school["goal"], "goal": "Grade 7 team · Inference", "baseline": True,
         "checkpoints": 0}]
    assert goals_using_upload(db, school["winter_upload"]) == [
        {"goal_id": school["goal"], "goal": "Grade 7 team · Inference", "baseline": False,
         "checkpoints": 1}]
    other = f.upload(db, name="other.xlsx")
    f.skill_scores(db, other, school["winter"], school["ids"], "Fluency", 3)
    assert goals_using_upload(db, other) == []
    assert undo_warning(goals_using_upload(db, other)) == ""
    text = undo_warning(goals_using_upload(db, school["fall_upload"]))
    assert text.startswith(
        "Undoing this removes the baseline of 1 posted goal: Grade 7 team · Inference.")
    assert undo_warning(goals_using_upload(db, school["winter_upload"])) == (
        "Undoing this removes a checkpoint of 1 posted goal: Grade 7 team · Inference.")
    # after the undo the goal keeps its agreed baseline and says the data behind it is gone
    delete_upload(db, school["fall_upload"])
    [g] = goals_json(db)
    assert g["baseline"]["value"] == 40.0 and g["baseline_now"]["students"] == 0
    assert g["baseline_changed"] is True


def test_a_draft_is_not_named(db, school):
    set_status(db, school["goal"], "revised")
    assert goals_using_upload(db, school["fall_upload"]) == []


def test_a_teacher_hears_of_their_own_teams_goals_only(db, school):
    """The preview as a teacher: another team's goal is not named, and their own team's
    numbers count only the students of their team's uploads."""
    from collabplan.access import Viewer

    def write(fn):
        with db.scratch() as cur:
            up = cur.execute("INSERT INTO upload (file_name, sha256) VALUES ('x', 'x') RETURNING id"
                             ).fetchone()[0]
            store.write_score_rows(cur, f.score_table(rows(up, school["fall"], school["ids"], 20)))
            return fn()

    team = int(db.scalar("SELECT team_id FROM goal WHERE id = ?", [school["goal"]]))
    other = Viewer("bo@school.org", "teacher", team_ids=frozenset({team + 1}))
    assert baseline_changes(db, write, viewer=other) == []
    # the goal's own teacher: the uploads carry no team, so none of these students is theirs
    own = Viewer("ana@school.org", "teacher", team_ids=frozenset({team}))
    assert baseline_changes(db, write, viewer=own) == []
    assert len(baseline_changes(db, write)) == 1  # the leader hears of it
