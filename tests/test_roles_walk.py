"""Who sees what, where the data is read (issue 16, deliverable 3; docs/security.md).

On the demo school (three teams, disjoint students): a teacher of one team calls every query,
export and report and no student of another team appears in any of them, nor in any figure;
a coach gets every team's aggregates and no student list; a leader (the local user) reads
everything. Writes carry the person and stay within the person's teams.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from collabplan import breakdowns, catalog, exports, metrics, overview, review
from collabplan.access import NO_STUDENT_LISTS, Viewer
from collabplan.errors import UserError
from collabplan.goals import (
    actions,
    advice,
    agreed,
    as_json,
    baseline,
    board,
    feedback,
    lookups,
    model,
    priorities,
    progress,
    signposts,
    statement,
)
from collabplan.metrics import Filters
from collabplan.reports import html, workbooks
from tests import roles_data

TEAM = 1  # the demo's Grade 3 Reading
TEACHER = Viewer("ana@school.org", "teacher", name="Ana", team_ids=frozenset({TEAM}))
COACH = Viewer("coach@school.org", "coach", name="Cy")
LEADER = Viewer("lead@school.org", "leader")


def _windows(db) -> list[tuple[int, int]]:
    """(assessment_id, administration_id) of every testing window of the school."""
    return [(int(a), int(i)) for a, i in db.rows(
        "SELECT assessment_id, id FROM administration ORDER BY id")]


def _skills(db, administration_id: int) -> list[str]:
    return [s for (s,) in db.rows(
        "SELECT DISTINCT skill FROM score WHERE administration_id = ? AND item IS NULL"
        " ORDER BY skill", [administration_id])]


def _groups(db) -> list[str]:
    return [g for (g,) in db.rows("SELECT DISTINCT group_name FROM student_group ORDER BY 1")]


def _every_read(db, viewer: Viewer) -> list[tuple[str, object]]:
    """Every query, export and report, called for ``viewer`` over every window of the school."""
    out: list[tuple[str, object]] = []
    groups = _groups(db)
    for assessment_id, adm in _windows(db):
        flt = Filters(assessment_id=assessment_id)
        window = replace(flt, administration_ids=(adm,))
        out.append((f"skill_summary {adm}", metrics.skill_summary(db, window, viewer=viewer)))
        for by in ("class", "teacher", "grade", *(f"group:{g}" for g in groups[:1])):
            out.append((f"skills by {by} {adm}",
                        metrics.skill_summary(db, window, by, viewer=viewer)))
        out.append((f"by groups {adm}",
                    metrics.skill_summary_by_groups(db, window, groups, viewer=viewer)))
        for other in [a for s, a in _windows(db) if s == assessment_id and a < adm][-1:]:
            out.append((f"growth {other}->{adm}", metrics.growth(db, flt, other, adm, viewer=viewer)))
        for g in groups[:1]:
            out.append((f"equity {g} {adm}", metrics.equity_gap(db, flt, adm, g, viewer=viewer)))
        out.append((f"levels {adm}", breakdowns.level_distribution(db, flt, adm, viewer=viewer)))
        out.append((f"items {adm}", breakdowns.item_analysis(db, flt, adm, viewer=viewer)))
        out.append((f"bands {adm}", breakdowns.skill_bands(db, flt, adm, viewer=viewer)))
        out.append((f"options {adm}", catalog.filter_options(db, None, assessment_id, viewer=viewer)))
        out.append((f"population {adm}", lookups.population_choices(db, assessment_id, viewer=viewer)))
        out.append((f"skills by need {adm}", lookups.skills_by_need(db, assessment_id, viewer=viewer)))
        for skill in _skills(db, adm)[:2]:
            out.append((f"metric {adm} {skill}",
                        metrics.metric_value(db, adm, skill, viewer=viewer)))
            out.append((f"windows {skill}", lookups.administrations_scoring(
                db, assessment_id, skill, viewer=viewer)))
            if viewer.sees_students:
                out.append((f"students {adm} {skill}",
                            breakdowns.students_by_skill(db, flt, adm, skill, viewer=viewer)))
                out.append((f"export {adm} {skill}", exports.student_lists_files(
                    db, flt, adm, skill, viewer=viewer)))
        out.append((f"note {adm}", review.load_note(db, TEAM, adm, viewer=viewer)))
    out.append(("coach view", breakdowns.coach_lagging(db, viewer=viewer)))
    out.append(("catalog", catalog.catalog(db, viewer=viewer)))
    out.append(("overview", overview.database_overview(db, viewer=viewer)))
    out.append(("latest uploads", overview.latest_uploads(db, 50, viewer=viewer)))
    out.append(("windows", overview.assessment_windows(db, viewer=viewer)))
    out.append(("goal overview", progress.goal_overview(db, viewer=viewer)))
    out.append(("board", board.board_cards(db, viewer=viewer)))
    out.append(("goals json", as_json.goals_json(db, viewer=viewer)))
    out.append(("behind", signposts.goals_behind(db, viewer=viewer)))
    for goal in model.list_goals(db):
        out.append((f"statement {goal.id}", statement.goal_statement(db, goal, viewer=viewer)))
        out.append((f"smart {goal.id}", advice.smart_check(db, goal, viewer=viewer)))
        out.append((f"history {goal.id}", model.history_rows(db, goal.id)))
        out.append((f"feedback {goal.id}", feedback.list_feedback(db, goal.id)))
        out.append((f"chart {goal.id}", baseline.baseline_chart_data(
            db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population,
            viewer=viewer)))
    out.append(("html report", html.html_report(db, viewer=viewer)))
    out.append(("goals workbook", workbooks.goals_xlsx(db, viewer=viewer)))
    return out


def test_a_teacher_reads_no_student_of_another_team(demo_db):
    forbidden, other_ids = roles_data.other_teams(demo_db, TEAM)
    mine, my_ids = roles_data.own_team(demo_db, TEAM)
    seen_own = False
    for where, value in _every_read(demo_db, TEACHER):
        text = roles_data.text_of(value)
        assert not roles_data.leaks(text, forbidden), f"{where} shows another team's students"
        if isinstance(value, pd.DataFrame) and "student_id" in value.columns:
            ids = {int(i) for i in value["student_id"]}
            assert not ids & other_ids, f"{where} lists another team's student ids"
            seen_own |= bool(ids & my_ids)
    assert seen_own, "the teacher's own students are listed (the walk is not empty)"


def test_a_teachers_figures_count_only_their_teams_students(demo_db):
    """Aggregates too: the teacher's numbers are exactly the team's own, never the school's."""
    for assessment_id, adm in _windows(demo_db):
        window = Filters(assessment_id=assessment_id, administration_ids=(adm,))
        theirs = metrics.skill_summary(demo_db, window, viewer=TEACHER)
        team_only = metrics.skill_summary(demo_db, replace(window, team_id=TEAM))
        pd.testing.assert_frame_equal(theirs, team_only)
        levels = breakdowns.level_distribution(demo_db, Filters(), adm, viewer=TEACHER)
        pd.testing.assert_frame_equal(
            levels, breakdowns.level_distribution(demo_db, Filters(team_id=TEAM), adm))
    counts = overview.database_overview(demo_db, viewer=TEACHER)
    _, my_ids = roles_data.own_team(demo_db, TEAM)
    assert counts["students"] == len(my_ids) < overview.database_overview(demo_db)["students"]
    teams = catalog.filter_options(demo_db, viewer=TEACHER)["teams"]
    assert teams["id"].tolist() == [TEAM]
    lagging = breakdowns.coach_lagging(demo_db, viewer=TEACHER)
    assert set(lagging["team_id"]) <= {TEAM}
    uploads = overview.latest_uploads(demo_db, 50, viewer=TEACHER)
    assert set(uploads["team"]) == {"Grade 3 Reading"}


def test_a_teacher_of_no_team_reads_nothing(demo_db):
    nobody = Viewer("new@school.org", "teacher")
    assert metrics.skill_summary(demo_db, viewer=nobody).empty
    assert catalog.catalog(demo_db, viewer=nobody).empty
    assert overview.database_overview(demo_db, viewer=nobody)["students"] == 0


def test_a_coach_reads_every_teams_aggregates_and_no_student_list(demo_db):
    forbidden = roles_data.every_student(demo_db)
    for where, value in _every_read(demo_db, COACH):
        assert not roles_data.leaks(roles_data.text_of(value), forbidden), f"{where} names students"
    pd.testing.assert_frame_equal(metrics.skill_summary(demo_db, viewer=COACH),
                                  metrics.skill_summary(demo_db))
    assert len(catalog.filter_options(demo_db, viewer=COACH)["teams"]) == 3
    (assessment_id, adm), skill = _windows(demo_db)[0], None
    skill = _skills(demo_db, adm)[0]
    flt = Filters(assessment_id=assessment_id)
    with pytest.raises(UserError, match=NO_STUDENT_LISTS) as refused:
        breakdowns.students_by_skill(demo_db, flt, adm, skill, viewer=COACH)
    assert refused.value.kind == "access" and "\n" not in str(refused.value)
    with pytest.raises(UserError, match=NO_STUDENT_LISTS):
        exports.student_lists_files(demo_db, flt, adm, skill, viewer=COACH)
    students = breakdowns.students_by_skill(demo_db, flt, adm, skill)
    with pytest.raises(UserError, match=NO_STUDENT_LISTS):
        review.student_lists(students, viewer=COACH)


def test_projection_refuses_student_lists_for_everyone(demo_db):
    assessment_id, adm = _windows(demo_db)[0]
    skill = _skills(demo_db, adm)[0]
    for who in (LEADER, TEACHER):
        with pytest.raises(UserError, match="projection"):
            breakdowns.students_by_skill(demo_db, Filters(), adm, skill,
                                         viewer=who.with_projection(True))
        with pytest.raises(UserError, match="projection"):
            exports.student_lists_files(demo_db, Filters(), adm, skill,
                                        viewer=who.with_projection(True))


def test_a_leader_reads_every_student(demo_db):
    _, every_id = roles_data.own_team(demo_db, TEAM)
    listed: set[int] = set()
    for assessment_id, adm in _windows(demo_db):
        skill = _skills(demo_db, adm)[0]
        df = breakdowns.students_by_skill(demo_db, Filters(assessment_id=assessment_id), adm,
                                          skill, viewer=LEADER)
        listed |= {int(i) for i in df["student_id"]}
    every = {int(i) for (i,) in demo_db.rows("SELECT DISTINCT student_id FROM score")}
    assert listed == every and every_id < listed
    assert overview.database_overview(demo_db, viewer=LEADER) == overview.database_overview(demo_db)


# -- writes ---------------------------------------------------------------------------------


def _goal_of(db, team_id: int) -> model.Goal:
    return next(g for g in model.list_goals(db) if g.team_id == team_id)


def test_a_teacher_changes_only_their_teams_goals_and_is_recorded(demo_db):
    mine, theirs = _goal_of(demo_db, TEAM), _goal_of(demo_db, 2)
    with pytest.raises(UserError, match="team's own") as refused:
        model.update_goal(demo_db, theirs.id, next_step="ours now", viewer=TEACHER)
    assert refused.value.kind == "access"
    with pytest.raises(UserError):
        actions.add_action(demo_db, theirs.id, what="x", viewer=TEACHER)
    with pytest.raises(UserError):
        signposts.add_signpost(demo_db, theirs.id, "2030-01-01", viewer=TEACHER)
    with pytest.raises(UserError):  # acting in the name of another team
        model.update_goal(demo_db, mine.id, by_team_id=2, next_step="x", viewer=TEACHER)
    model.update_goal(demo_db, mine.id, next_step="Share the routine", viewer=TEACHER)
    actions.add_action(demo_db, mine.id, what="Word walls", viewer=TEACHER)
    assert demo_db.scalar("SELECT changed_by FROM goal_revision WHERE goal_id = ?"
                          " ORDER BY id DESC LIMIT 1", [mine.id]) == TEACHER.email
    assert demo_db.scalar("SELECT added_by FROM action WHERE what = 'Word walls'") == TEACHER.email
    history = model.goal_history(demo_db, mine.id)
    assert history["who"].iloc[-1] == TEACHER.email
    with pytest.raises(UserError):
        model.update_goal(demo_db, mine.id, next_step="x", viewer=COACH)
    model.update_goal(demo_db, theirs.id, next_step="Leaders may", viewer=LEADER)


def test_feedback_is_posted_as_one_of_the_teachers_own_teams(demo_db):
    theirs = _goal_of(demo_db, 2)
    with pytest.raises(UserError, match="own teams"):
        feedback.add_feedback(demo_db, theirs.id, 3, "suggestion", "try this", viewer=TEACHER)
    with pytest.raises(UserError):
        feedback.add_feedback(demo_db, theirs.id, None, "suggestion", "try this", viewer=TEACHER)
    fid = feedback.add_feedback(demo_db, theirs.id, TEAM, "resource", "our word list",
                                viewer=TEACHER)
    coach_fid = feedback.add_feedback(demo_db, theirs.id, None, "question", "how often?",
                                      viewer=COACH)
    with pytest.raises(UserError):
        feedback.add_feedback(demo_db, theirs.id, TEAM, "question", "as a team?", viewer=COACH)
    listed = feedback.list_feedback(demo_db, theirs.id).set_index("id")
    assert listed.loc[fid, "who"] == TEACHER.email and listed.loc[fid, "team"] == "Grade 3 Reading"
    assert listed.loc[coach_fid, "who"] == COACH.email
    with pytest.raises(UserError):  # only the goal's team answers
        feedback.answer_feedback(demo_db, fid, "thanks", viewer=TEACHER)


def test_review_notes_are_the_teams_own(demo_db):
    adm = _windows(demo_db)[0][1]
    review.save_note(demo_db, TEAM, adm, "Re-teach vocabulary", viewer=TEACHER)
    assert demo_db.scalar("SELECT updated_by FROM review_note") == TEACHER.email
    assert review.load_note(demo_db, TEAM, adm, viewer=COACH) == "Re-teach vocabulary"
    other = Viewer("bo@school.org", "teacher", team_ids=frozenset({2}))
    assert review.load_note(demo_db, TEAM, adm, viewer=other) == ""
    for who, team in ((other, TEAM), (TEACHER, None), (COACH, TEAM)):
        with pytest.raises(UserError):
            review.save_note(demo_db, team, adm, "not mine", viewer=who)


def test_priorities_and_new_teams_are_the_leaders(demo_db):
    with pytest.raises(UserError, match="leader"):
        priorities.add_priority(demo_db, "Attendance", viewer=TEACHER)
    priorities.add_priority(demo_db, "Attendance", viewer=LEADER)
    goal = _goal_of(demo_db, TEAM)
    with pytest.raises(UserError, match="leader"):
        model.create_goal(demo_db, team_id=None, new_team="Grade 9", assessment_id=goal.assessment_id,
                          skill=goal.skill, metric=goal.metric,
                          baseline_administration_id=goal.baseline_administration_id,
                          viewer=TEACHER)


def test_accepting_a_new_baseline_is_the_teams(demo_db):
    goal = _goal_of(demo_db, 2)
    with pytest.raises(UserError, match="team's own"):
        agreed.keep_agreed_baseline(demo_db, goal.id, viewer=TEACHER)
