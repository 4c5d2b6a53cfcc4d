"""Progress chart, gap-closed bars, audit rows, signposts."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from collabplan import audit
from collabplan.charts.progress import gap_closed_figure, progress_figure

D = dt.date


def _points(*rows: dict) -> pd.DataFrame:
    base = {"expected": None, "on_track": None, "suppressed": False}
    return pd.DataFrame([{**base, **r} for r in rows])


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


POINTS = _points(
    {"kind": "baseline", "label": "Fall 2025", "date": D(2025, 9, 15), "value": 40.0, "students": 50},
    {"kind": "checkpoint", "label": "Winter 2026", "date": D(2026, 1, 15), "value": 52.0,
     "students": 48, "expected": 50.0, "on_track": True},
    {"kind": "checkpoint", "label": "Unit 4 CFA", "date": D(2026, 2, 15), "value": 50.0,
     "students": 47, "expected": 53.0, "on_track": False},
    {"kind": "checkpoint", "label": "Small retest", "date": D(2026, 3, 1), "value": None,
     "students": 6, "expected": 55.0, "suppressed": True},
)


def test_progress_chart_draws_points_dashed_line_target_and_region():
    fig = progress_figure(POINTS, metric="pct_proficient", target_value=70.0,
                          target_date=D(2026, 5, 30), status="behind")
    results = _trace(fig, "Results")
    assert list(results.y) == [40.0, 52.0, 50.0]
    assert list(results.text) == ["40%", "52%", "50%"]
    # behind is told apart by symbol as well as colour
    assert list(results.marker.symbol) == ["circle", "circle", "diamond"]
    assert results.marker.color[1] != results.marker.color[2]
    line = _trace(fig, "Straight line to target")
    assert line.line.dash == "dash" and list(line.y) == [40.0, 70.0]
    assert pd.Timestamp(line.x[-1]) == pd.Timestamp(D(2026, 5, 30))
    target = _trace(fig, "Target")
    assert list(target.y) == [70.0] and target.marker.symbol == "star"
    assert target.text[0] == "Target 70%"
    region = _trace(fig, "On-track region")
    # higher is better: shaded from the line up to 100
    assert region.fill == "toself" and list(region.y) == [40.0, 70.0, 100.0, 100.0]
    assert fig.layout.title.text == "Behind: 50% proficient (target 70% by May 2026)"
    assert list(fig.layout.yaxis.range) == [0, 100]


def test_progress_chart_hover_shows_numbers_and_hides_small_groups():
    fig = progress_figure(POINTS, metric="pct_proficient", target_value=70.0,
                          target_date=D(2026, 5, 30), status="behind")
    hover = list(_trace(fig, "Results").hovertext)
    assert hover[1] == ("<b>Winter 2026</b><br>52% proficient<br>48 students scored"
                        "<br>Straight line to target: 50%<br>On track")
    assert "Behind" in hover[2]
    hidden = _trace(fig, "Not shown")
    assert list(hidden.text) == ["fewer than 10 students"]
    assert "6" not in hidden.hovertext[0] and "fewer than 10 students" in hidden.hovertext[0]


def test_progress_chart_for_a_falling_metric_shades_below_the_line():
    pts = _points(
        {"kind": "baseline", "label": "Fall", "date": D(2025, 9, 1), "value": 60.0, "students": 30},
        {"kind": "checkpoint", "label": "Winter", "date": D(2026, 1, 1), "value": 35.0,
         "students": 30, "expected": 50.0, "on_track": True},
    )
    fig = progress_figure(pts, metric="pct_below_proficient", target_value=40.0,
                          target_date=D(2026, 5, 1), status="met")
    assert list(_trace(fig, "On-track region").y) == [60.0, 40.0, 0.0, 0.0]
    assert fig.layout.title.text.startswith("★ Goal met: 35% below proficient")


def test_progress_chart_without_dates_uses_labels_and_a_target_column():
    pts = POINTS.assign(date=None)
    fig = progress_figure(pts, metric="pct_proficient", target_value=70.0, target_date=None,
                          status="behind")
    assert list(_trace(fig, "Results").x) == ["Fall 2025", "Winter 2026", "Unit 4 CFA"]
    assert list(_trace(fig, "Target").x) == ["Target"]
    assert fig.layout.xaxis.type == "category"


def test_progress_chart_with_only_a_baseline_says_not_enough_data():
    fig = progress_figure(POINTS.iloc[:1], metric="pct_proficient", target_value=70.0,
                          target_date=D(2026, 5, 30), status="not enough data yet")
    assert fig.layout.title.text == "Not enough data yet: no checkpoint yet (target 70% by May 2026)"
    assert list(_trace(fig, "Results").y) == [40.0]


def test_gap_closed_bars_group_by_priority_and_mark_met_goals():
    goals = pd.DataFrame({
        "goal": ["Vocabulary", "Fractions", "Fluency", "Inference"],
        "priority": ["Reading", "Math", None, "Reading"],
        "priority_order": [1, 2, None, 1],
        "gap_closed": [40.0, None, 20.0, 115.0],
        "status": ["behind", "not enough data yet", "on track", "met"],
    })
    fig = gap_closed_figure(goals)
    bars = fig.data[0]
    assert list(bars.y) == ["Inference", "Vocabulary", "Fractions", "Fluency"]
    assert list(fig.layout.yaxis.categoryarray) == [
        "<b>Reading</b>", "Inference", "Vocabulary", "<b>Math</b>", "Fractions",
        "<b>No priority yet</b>", "Fluency",
    ]
    assert list(bars.x) == [115.0, 40.0, 0.0, 20.0]
    assert list(bars.text) == ["115% of the gap ★ met", "40% of the gap", "not enough data yet",
                               "20% of the gap"]
    assert bars.marker.color[0] != bars.marker.color[1]
    assert "Goal met" in bars.hovertext[0]


def test_audit_record_writes_who_what_when(db):
    audit.record(db, "Ms Rivera", "export", "progress report (html)")
    with db.transaction() as cur:
        audit.record(cur, "", "undo", "upload 3")
    rows = audit.recent(db)
    assert list(rows["action"]) == ["undo", "export"]
    assert list(rows["who"]) == [audit.ANYONE, "Ms Rivera"]
    assert rows["happened_at"].notna().all()


# -- monitoring on a multi-window school -----------------------------------------------
def test_checkpoints_match_values_computed_from_the_export(db):
    from collabplan import monitoring
    from tests.progress_data import BENCHMARK, add_goal, expected, load_school, straight_line

    school = load_school(db)
    gid = add_goal(db, school, target=80.0, target_date=D(2026, 6, 1))
    overview, points = monitoring.goal_overview(db)
    pts = points[gid]
    base, n = expected(school, "MAP Reading", "Fall", "Vocabulary")
    assert pts.iloc[0]["value"] == base and pts.iloc[0]["students"] == n
    assert list(pts["label"]) == ["Fall 2025", "Winter 2026", "Spring 2026"]
    for (term, day), (_, p) in zip(BENCHMARK[1:], pts.iloc[1:].iterrows(), strict=True):
        value, n = expected(school, "MAP Reading", term, "Vocabulary")
        line = straight_line(base, BENCHMARK[0][1], 80.0, D(2026, 6, 1), day)
        assert (p["value"], p["students"]) == (value, n)
        assert p["expected"] == line
        assert p["on_track"] == (value >= line)
    row = overview.set_index("goal_id").loc[gid]
    latest, _ = expected(school, "MAP Reading", "Spring", "Vocabulary")
    assert row["latest_value"] == latest
    assert row["gap_closed"] == round(100 * (latest - base) / (80.0 - base), 1)
    assert row["priority"] == "Reading success for every student"
    assert row["statement"].startswith("Raise the share of grade 3 students proficient in vocabulary")


def test_a_goal_that_follows_a_common_assessment_gains_its_checkpoint(db):
    from collabplan import monitoring
    from tests.progress_data import add_goal, expected, load_school

    school = load_school(db)
    gid = add_goal(db, school, status="draft")
    cands = monitoring.follow_candidates(db, gid)
    assert list(cands["name"]) == ["Unit 4 CFA"]
    monitoring.set_follow_assessments(db, gid, [school.common_id])
    _, points = monitoring.goal_overview(db)
    pts = points[gid]
    assert list(pts["label"]) == ["Fall 2025", "Unit 4 2025", "Winter 2026", "Spring 2026"]
    assert pts.iloc[1]["value"] == expected(school, "Unit 4 CFA", "Unit 4", "Vocabulary")[0]


def test_status_words_follow_the_straight_line_rule(db):
    from collabplan import monitoring
    from tests.progress_data import add_goal, expected, load_school

    school = load_school(db)
    base, _ = expected(school, "MAP Reading", "Fall", "Vocabulary")
    latest, _ = expected(school, "MAP Reading", "Spring", "Vocabulary")
    easy = add_goal(db, school, target=latest - 1)          # already passed: met
    hard = add_goal(db, school, target=99.0)                 # far above the line: behind
    overview, _ = monitoring.goal_overview(db)
    status = dict(zip(overview["goal_id"], overview["status"], strict=True))
    assert latest > base
    assert status[easy] == "met" and status[hard] == "behind"


def test_checkpoint_table_hides_small_groups():
    from collabplan.monitoring import checkpoint_table

    table = checkpoint_table(POINTS)
    assert list(table["value"]) == ["40%", "52%", "50%", "fewer than 10 students"]
    assert list(table["students"])[-1] == "fewer than 10 students"
    assert list(table["on track"]) == ["baseline", "yes", "no", "–"]


# -- signposts ---------------------------------------------------------------------------
def test_signposts_are_listed_upcoming_and_overdue_and_notes_saved(db):
    from collabplan import signposts
    from tests.progress_data import add_goal, load_school

    school = load_school(db, students=12)
    gid = add_goal(db, school)
    today = D(2026, 2, 1)
    late = signposts.add_signpost(db, gid, D(2026, 1, 25))
    soon = signposts.add_signpost(db, gid, D(2026, 2, 10))
    signposts.add_signpost(db, gid, D(2026, 6, 1))          # beyond 60 days
    done = signposts.add_signpost(db, gid, D(2026, 1, 30), done=True)
    up = signposts.upcoming_signposts(db, days=60, today=today)
    assert list(up["id"]) == [late, soon]
    assert list(up["when"]) == ["overdue by 7 days", "in 9 days"]
    assert list(up["team"]) == ["Grade 3 team"] * 2
    signposts.update_signpost(db, soon, how_going="  steady  ", resources="a reading coach",
                              decisions="keep small groups", done=True)
    row = signposts.signpost(db, soon)
    assert (row["how_going"], row["resources"], row["done"]) == ("steady", "a reading coach", True)
    assert done in set(signposts.signposts_for_goal(db, gid)["id"])


def test_deleting_a_signpost_is_audited_and_can_be_undone(db):
    from collabplan import signposts
    from tests.progress_data import add_goal, load_school

    school = load_school(db, students=12)
    gid = add_goal(db, school)
    sid = signposts.add_signpost(db, gid, D(2026, 3, 1), decisions="ask for coaching time")
    row = signposts.delete_signpost(db, sid, who="Ms Rivera")
    assert signposts.signposts_for_goal(db, gid).empty
    log = audit.recent(db)
    assert (log.iloc[0]["who"], log.iloc[0]["action"]) == ("Ms Rivera", "delete")
    signposts.restore_signpost(db, row)
    back = signposts.signposts_for_goal(db, gid)
    assert list(back["decisions"]) == ["ask for coaching time"]


def test_schedule_signposts_every_six_weeks_skips_taken_dates(db):
    from collabplan import signposts
    from tests.progress_data import add_goal, load_school

    school = load_school(db, students=12)
    gid = add_goal(db, school)
    signposts.add_signpost(db, gid, D(2025, 10, 27))
    new = signposts.schedule_signposts(db, gid, D(2025, 9, 15), D(2025, 12, 31), every_weeks=6)
    dates = list(signposts.signposts_for_goal(db, gid)["date"])
    assert len(new) == 2
    assert dates == [D(2025, 9, 15), D(2025, 10, 27), D(2025, 12, 8)]


def test_goals_behind_lists_only_goals_below_their_line(db):
    from collabplan import signposts
    from tests.progress_data import add_goal, expected, load_school

    school = load_school(db)
    latest, _ = expected(school, "MAP Reading", "Spring", "Vocabulary")
    add_goal(db, school, target=latest - 1)
    hard = add_goal(db, school, target=99.0)
    behind = signposts.goals_behind(db)
    assert list(behind["goal_id"]) == [hard]
    assert behind.iloc[0]["goal"] == f"Grade 3 team: Vocabulary (grade 3 students) #{hard}"


def test_two_goals_on_one_skill_get_distinct_names(db):
    from collabplan import monitoring
    from tests.progress_data import add_goal, load_school

    school = load_school(db, students=12)
    first = add_goal(db, school)
    second = add_goal(db, school, target=90.0)
    overview, _ = monitoring.goal_overview(db)
    names = dict(zip(overview["goal_id"], overview["name"], strict=True))
    assert names[first] == f"Grade 3 team: Vocabulary (grade 3 students) #{first}"
    assert names[first] != names[second]
    bars = gap_closed_figure(monitoring.gap_summary(overview)).data[0]
    assert len(set(bars.y)) == 2
