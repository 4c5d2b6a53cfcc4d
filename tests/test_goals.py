"""Goals: baseline and checkpoints equal the metric computed straight from the data, refusals,
lifecycle with history, suggestions, SMART check, statement, actions, feedback, priorities."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from collabplan import goals, text
from tests import factories as f
from tests.goal_factories import expected_metric, make_priority, make_team, school_export

THREE = (
    ("Fall", dt.date(2025, 9, 15)),
    ("Winter", dt.date(2026, 1, 20)),
    ("Spring", dt.date(2026, 5, 18)),
)


def _add(db, **kw):
    args = dict(
        team="Grade 3 team",
        assessment="Grade 3 Reading CFA",
        skill="Vocabulary",
        where={"grade": "3"},
        metric="pct_below_proficient",
        target=5,
        by="2026-06-15",
        baseline_term="Fall",
    )
    args.update(kw)
    return goals.cli_add_goal(db, **args)


def test_cli_goal_baseline_and_checkpoint_equal_metric_from_the_file(db):
    export = school_export(db)
    out = _add(db)
    value, n = expected_metric(export, "Fall", "Vocabulary", "pct_below_proficient", {"grade": "3"})
    assert out["baseline"] == {"term": "Fall", "date": "2025-09-15", "value": value, "students": n}
    later, later_n = expected_metric(
        export, "Winter", "Vocabulary", "pct_below_proficient", {"grade": "3"}
    )
    assert len(out["checkpoints"]) == 1
    cp = out["checkpoints"][0]
    assert (cp["term"], cp["date"], cp["value"], cp["students"]) == (
        "Winter",
        "2026-01-20",
        later,
        later_n,
    )
    assert out["population"] == {"grade": "3"}
    assert out["target"] == {"value": 5.0, "date": "2026-06-15"}
    assert set(out) >= {
        "id",
        "team",
        "statement",
        "assessment",
        "skill",
        "metric",
        "population",
        "baseline",
        "target",
        "checkpoints",
        "status",
    }
    assert json.loads(json.dumps(goals.goals_json(db)))[0] == json.loads(json.dumps(out))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    ("where", "metric"),
    [
        ({}, "pct_proficient"),
        ({"class": "3A"}, "pct_below_proficient"),
        ({"group": "ELL"}, "pct_proficient"),
        ({"teacher": "Ms Park"}, "pct_below_proficient"),
    ],
)
def test_held_out_exports_checkpoints_equal_independent_metric(db, seed, where, metric):
    export = school_export(db, name=f"Export {seed}", seed=seed)
    base, n = expected_metric(export, "Fall", "Comprehension", metric, where)
    target = max(base - 5, 0) if metric == "pct_below_proficient" else min(base + 5, 100)
    out = _add(
        db,
        assessment=f"Export {seed}",
        skill="Comprehension",
        where=where,
        metric=metric,
        target=target,
    )
    assert (out["baseline"]["value"], out["baseline"]["students"]) == (base, n)
    later, later_n = expected_metric(export, "Winter", "Comprehension", metric, where)
    assert [(c["value"], c["students"]) for c in out["checkpoints"]] == [(later, later_n)]


def test_cli_default_baseline_is_latest_window_that_scored_the_skill(db):
    export = school_export(db, windows=THREE)
    out = _add(db, baseline_term=None, target=1, by="2026-12-01")
    value, n = expected_metric(
        export, "Spring", "Vocabulary", "pct_below_proficient", {"grade": "3"}
    )
    assert out["baseline"]["term"] == "Spring"
    assert (out["baseline"]["value"], out["baseline"]["students"]) == (value, n)
    assert out["checkpoints"] == []
    assert out["status"] == "not enough data yet"


def test_expected_and_on_track_follow_the_straight_line(db):
    export = school_export(db, windows=THREE)
    base, _ = expected_metric(export, "Fall", "Vocabulary", "pct_below_proficient", {"grade": "3"})
    target_date = dt.date(2026, 5, 18)
    out = _add(db, target=round(base - 20, 1), by=target_date.isoformat())
    for cp, term in zip(out["checkpoints"], ["Winter", "Spring"], strict=True):
        at = export.dates[term]
        share = (at - dt.date(2025, 9, 15)).days / (target_date - dt.date(2025, 9, 15)).days
        expected = round(base + (round(base - 20, 1) - base) * share, 1)
        assert cp["expected"] == expected
        assert cp["on_track"] == (cp["value"] <= expected)
    prog = goals.goal_progress(db, out["id"])
    assert prog.latest.label.startswith("Spring")
    assert prog.status in {"on track", "behind", "met"}
    assert prog.gap_closed == pytest.approx(
        (prog.latest.value - base) / (round(base - 20, 1) - base), abs=1e-3
    )


def test_progress_status_met_when_latest_reaches_target(db):
    export = school_export(db, growth={"Vocabulary": 0.3})
    base, _ = expected_metric(export, "Fall", "Vocabulary", "pct_below_proficient", {"grade": "3"})
    later, _ = expected_metric(
        export, "Winter", "Vocabulary", "pct_below_proficient", {"grade": "3"}
    )
    assert later < base
    out = _add(db, target=later)
    assert out["status"] == "met"


def test_expected_value_holds_at_target_after_target_date():
    d0, d1 = dt.date(2025, 9, 1), dt.date(2026, 1, 1)
    assert goals.expected_value(d0, 40.0, d1, 20.0, dt.date(2025, 11, 1)) == pytest.approx(
        30.1, abs=0.2
    )
    assert goals.expected_value(d0, 40.0, d1, 20.0, dt.date(2026, 6, 1)) == 20.0
    assert goals.expected_value(d0, 40.0, None, 20.0, d1) is None


def test_checkpoint_under_min_group_size_is_suppressed(db):
    export = school_export(db)
    out = _add(db, where={"class": "3A"}, target=1)
    # Leave only five 3A Vocabulary scores in Winter.
    keep = db.rows(
        "SELECT student_id FROM score WHERE administration_id = ? AND skill = 'Vocabulary'"
        " AND class_name = '3A' ORDER BY student_id LIMIT 5",
        [export.windows["Winter"]],
    )
    with db.transaction() as cur:
        f.delete_scores(
            cur,
            "administration_id = ? AND skill = 'Vocabulary' AND class_name = '3A'"
            " AND NOT list_contains(?, student_id)",
            [export.windows["Winter"], [k for (k,) in keep]],
        )
    prog = goals.goal_progress(db, out["id"])
    (cp,) = prog.checkpoints
    assert cp.suppressed and cp.value is None and cp.on_track is None and cp.students == 5
    assert prog.latest is None and prog.status == "not enough data yet"
    assert goals.point_text(cp) == "fewer than 10 students"


def test_refuses_target_not_better_than_baseline(db):
    export = school_export(db)
    base, _ = expected_metric(export, "Fall", "Vocabulary", "pct_below_proficient", {"grade": "3"})
    with pytest.raises(ValueError, match="not better than the baseline"):
        _add(db, target=base)
    with pytest.raises(ValueError, match="not better than the baseline"):
        _add(db, target=min(base + 3, 100))
    with pytest.raises(ValueError, match="not better than the baseline"):
        _add(db, metric="pct_proficient", target=1)
    assert db.scalar("SELECT count(*) FROM goal") == 0


@pytest.mark.parametrize("target", [-5, 101, 250])
def test_refuses_impossible_target_outside_0_to_100(db, target):
    school_export(db)
    metric = "pct_below_proficient" if target < 0 else "pct_proficient"
    with pytest.raises(ValueError, match="impossible"):
        _add(db, metric=metric, target=target)


def test_refuses_target_date_on_or_before_baseline_and_leaves_db_unchanged(db):
    school_export(db)
    with pytest.raises(ValueError, match="not after the baseline"):
        _add(db, team="New team", target=1, by="2025-09-01")
    with pytest.raises(ValueError, match="not after the baseline"):
        _add(db, team="New team", target=1, by="2025-09-15")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        _add(db, team="New team", target=1, by="next spring")
    assert db.scalar("SELECT count(*) FROM goal") == 0
    assert db.scalar("SELECT count(*) FROM team") == 0


def test_refuses_population_under_min_group_size_with_reason(db):
    school_export(db)
    with pytest.raises(ValueError, match=r"only \d students .* at least 10"):
        _add(db, where={"class": "4B"}, target=1)


def test_refuses_unknown_assessment_skill_term_and_filter(db):
    school_export(db)
    with pytest.raises(ValueError, match="--assessment 'Nope'.*Grade 3 Reading CFA"):
        _add(db, assessment="Nope")
    with pytest.raises(ValueError, match="--skill 'Spelling'.*Vocabulary"):
        _add(db, skill="Spelling")
    with pytest.raises(ValueError, match="--baseline-term 'Summer'.*Fall"):
        _add(db, baseline_term="Summer")
    with pytest.raises(ValueError, match="'school'"):
        _add(db, where={"school": "x"})
    with pytest.raises(ValueError, match="metric"):
        _add(db, metric="mean_score")
    with pytest.raises(ValueError, match="no grade 9 students"):
        _add(db, where={"grade": "9"})


def test_cli_creates_missing_team_and_reuses_existing(db):
    school_export(db)
    first = _add(db, team="Third grade", target=1)
    second = _add(db, team="third grade", target=2)
    assert first["team"] == second["team"] == "Third grade"
    assert db.scalar("SELECT count(*) FROM team") == 1
    assert [g["id"] for g in goals.goals_json(db, team="Third grade")] == [
        first["id"],
        second["id"],
    ]
    with pytest.raises(ValueError, match="no such team"):
        goals.goals_json(db, team="Ghosts")


def test_statement_in_plain_words():
    text = goals.statement_text(
        "pct_below_proficient", "Vocabulary", {"grade": "3"}, 40.0, 25.0, dt.date(2027, 1, 29)
    )
    assert text == (
        "Reduce the share of grade 3 students below proficiency in vocabulary from 40% to 25% "
        "by 29 January 2027."
    )
    text = goals.statement_text(
        "pct_proficient", "RL.3.4", {"group": "ELL", "class": "3A"}, 42.5, 60.0, dt.date(2026, 6, 1)
    )
    assert text == (
        "Raise the share of ELL students in class 3A proficient in RL.3.4 from 42.5% to 60% "
        "by 1 June 2026."
    )


def _draft(db, export, **kw):
    team = kw.pop("team_id", None) or make_team(db, "Grade 3 team")
    args = dict(
        team_id=team,
        assessment_id=export.assessment_id,
        skill="Vocabulary",
        metric="pct_below_proficient",
        baseline_administration_id=export.windows["Winter"],
        population={"grade": "3"},
    )
    args.update(kw)
    return goals.create_goal(db, **args), team


def test_lifecycle_keeps_every_change_with_team(db):
    export = school_export(db)
    gid, team = _draft(db, export)
    other = make_team(db, "Leadership")
    pid = make_priority(db, "Reading success for every student")
    with pytest.raises(ValueError, match="say why.*priority.*target"):
        goals.set_status(db, gid, "refined", by_team_id=team)
    goals.update_goal(
        db,
        gid,
        by_team_id=team,
        why="Vocabulary holds back comprehension",
        priority_id=pid,
        target_value=10,
        target_date="2026-06-15",
    )
    goals.set_status(db, gid, "refined", by_team_id=team)
    goals.set_status(db, gid, "active", by_team_id=team)
    with pytest.raises(ValueError, match="being revised"):
        goals.update_goal(db, gid, by_team_id=team, target_value=12)
    with pytest.raises(ValueError, match="can become"):
        goals.set_status(db, gid, "draft", by_team_id=team)
    goals.set_status(db, gid, "revised", by_team_id=other, note="new data")
    goals.update_goal(db, gid, by_team_id=team, target_value=12)
    goals.set_status(db, gid, "active", by_team_id=team)
    hist = goals.goal_history(db, gid)
    assert list(hist["team"]) == ["Grade 3 team"] * 4 + [
        "Leadership",
        "Grade 3 team",
        "Grade 3 team",
    ]
    assert hist["change"].iloc[-3] == "being revised: new data"
    snap = json.loads(hist["snapshot"].iloc[-1])
    assert snap["status"] == "active" and snap["target_value"] == 12.0
    assert snap["priority"] == "Reading success for every student"
    assert goals.get_goal(db, gid).status == "active"


def test_update_refuses_bad_target_and_keeps_goal(db):
    export = school_export(db)
    gid, team = _draft(db, export)
    with pytest.raises(ValueError, match="not better"):
        goals.update_goal(db, gid, by_team_id=team, target_value=99, target_date="2026-06-01")
    assert goals.get_goal(db, gid).target_value is None
    assert len(goals.goal_history(db, gid)) == 1


def test_draft_refuses_small_population(db):
    export = school_export(db)
    with pytest.raises(ValueError, match="at least 10"):
        _draft(db, export, population={"class": "4B"})


def test_baseline_chart_data_marks_chosen_skill_and_matches_baseline(db):
    export = school_export(db)
    chart = goals.baseline_chart_data(
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


def test_suggestions_come_from_the_data_and_beat_the_baseline(db):
    export = school_export(db, windows=THREE)
    gid, _ = _draft(db, export, baseline_administration_id=export.windows["Spring"])
    goal = goals.get_goal(db, gid)
    base, _ = expected_metric(
        export, "Spring", "Vocabulary", "pct_below_proficient", {"grade": "3"}
    )
    sugg = goals.suggestions(db, goal)
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
    gid, team = _draft(
        db, export, population={}, baseline_administration_id=export.windows["Spring"]
    )
    items = {i.letter: i for i in goals.smart_check(db, goals.get_goal(db, gid))}
    assert [i for i in "SMART"] == list(items)
    assert not items["S"].met and "every student" in items["S"].why
    assert items["M"].met and "students scored in Spring 2026" in items["M"].why
    assert not items["A"].met and not items["R"].met and not items["T"].met
    pid = make_priority(db, "Reading success")
    base = goals.compute_baseline(
        db, export.windows["Spring"], "Vocabulary", "pct_below_proficient", {}
    )
    goals.update_goal(
        db,
        gid,
        population={"grade": "3"},
        priority_id=pid,
        target_value=base.value - 1,
        target_date="2026-12-01",
    )
    items = {i.letter: i for i in goals.smart_check(db, goals.get_goal(db, gid))}
    assert items["R"].met and "Reading success" in items["R"].why
    assert items["T"].met and "1 December 2026" in items["T"].why
    assert items["S"].met
    # An enormous jump is not achievable from the growth seen.
    goals.update_goal(db, gid, target_value=0, target_date="2026-06-30")
    assert not {i.letter: i for i in goals.smart_check(db, goals.get_goal(db, gid))}["A"].met


def test_feedback_from_other_teams_and_owner_answers(db):
    export = school_export(db)
    gid, team = _draft(db, export)
    other = make_team(db, "Grade 4 team")
    with pytest.raises(ValueError, match="other teams"):
        goals.add_feedback(db, gid, team, "suggestion", "try word walls")
    with pytest.raises(ValueError, match="suggestion"):
        goals.add_feedback(db, gid, other, "rant", "x")
    fid = goals.add_feedback(
        db, gid, other, "resource", "Frayer model templates in the shared drive"
    )
    with pytest.raises(ValueError, match="only the team"):
        goals.answer_feedback(db, fid, "thanks", by_team_id=other)
    goals.answer_feedback(db, fid, "Using them from Monday", by_team_id=team)
    fb = goals.list_feedback(db, gid)
    assert fb.iloc[0][["team", "kind", "answered", "answer"]].tolist() == [
        "Grade 4 team",
        "resource",
        True,
        "Using them from Monday",
    ]


def test_action_plan_saves_edits_and_feeds_timeline(db):
    export = school_export(db)
    gid, team = _draft(db, export)
    goals.add_action(
        db, gid, what="Word walls", who="Ms Lee", start_date="2026-02-01", due_date="2026-03-01"
    )
    table = goals.list_actions(db, gid)
    table.loc[0, "status"] = "in progress"
    table = pd.concat(
        [
            table,
            pd.DataFrame(
                [
                    {
                        "what": "Vocabulary games",
                        "who": "Mr Diaz",
                        "start_date": dt.date(2026, 2, 10),
                        "status": "planned",
                    },
                    {"what": None},
                ]
            ),
        ],
        ignore_index=True,
    )
    assert goals.save_actions(db, gid, table, by_team_id=team) == 2
    saved = goals.list_actions(db, gid)
    assert saved["what"].tolist() == ["Word walls", "Vocabulary games"]
    assert saved["status"].tolist() == ["in progress", "planned"]
    bad = saved.copy()
    bad.loc[0, "due_date"] = dt.date(2026, 1, 1)
    with pytest.raises(ValueError, match="due before it starts"):
        goals.save_actions(db, gid, bad)
    assert goals.save_actions(db, gid, saved.iloc[1:]) == 1
    timeline = goals.team_actions(db, team)
    assert (
        timeline["what"].tolist() == ["Vocabulary games"]
        and timeline["team"].iloc[0] == "Grade 3 team"
    )


def test_priorities_crud_and_archive_when_used(db):
    a = goals.add_priority(db, "Reading success for every student")
    b = goals.add_priority(db, "Belonging")
    with pytest.raises(ValueError, match="already"):
        goals.add_priority(db, "belonging")
    with pytest.raises(ValueError, match="title"):
        goals.add_priority(db, "  ")
    goals.move_priority(db, b, -1)
    assert goals.list_priorities(db)["title"].tolist() == [
        "Belonging",
        "Reading success for every student",
    ]
    export = school_export(db)
    _draft(db, export, priority_id=a)
    with pytest.raises(ValueError, match="archive"):
        goals.delete_priority(db, a)
    goals.update_priority(db, a, active=False)
    assert goals.list_priorities(db)["title"].tolist() == ["Belonging"]
    goals.delete_priority(db, b)
    assert goals.list_priorities(db, include_archived=True)["goals"].tolist() == [1]


def _spring_check(db):
    """A common assessment given once, in spring, that scores the same skill."""
    return school_export(
        db, name="Spring check", seed=11, windows=(("Spring", dt.date(2026, 5, 1)),)
    )


def test_follow_assessment_adds_its_later_windows_as_checkpoints(db):
    export = school_export(db)
    follow = _spring_check(db)
    gid, team = _draft(db, export)
    goals.update_goal(
        db,
        gid,
        follow_assessment_ids=[follow.assessment_id],
        target_value=1,
        target_date="2026-06-01",
    )
    prog = goals.goal_progress(db, gid)
    assert [p.assessment for p in prog.checkpoints] == ["Spring check"]
    value, n = expected_metric(
        follow, "Spring", "Vocabulary", "pct_below_proficient", {"grade": "3"}
    )
    assert (prog.checkpoints[0].value, prog.checkpoints[0].students) == (value, n)


def test_board_cards_show_current_version_and_filter_by_priority(db):
    export = school_export(db)
    p1, p2 = make_priority(db, "Reading"), make_priority(db, "Math")
    gid, team = _draft(
        db,
        export,
        priority_id=p1,
        baseline_administration_id=export.windows["Fall"],
        target_value=5,
        target_date="2026-06-01",
    )
    _draft(
        db, export, team_id=make_team(db, "Grade 4 team"), priority_id=p2, population={"grade": "4"}
    )
    goals.update_goal(db, gid, target_value=4)
    cards = goals.board_cards(db, priority_id=p1)
    assert [c["goal_id"] for c in cards] == [gid]
    card = cards[0]
    base, _ = expected_metric(export, "Fall", "Vocabulary", "pct_below_proficient", {"grade": "3"})
    assert card["target"] == "4%" and card["baseline"] == text.pct_exact(base)
    assert "to 4% by 1 June 2026" in card["statement"]
    assert len(goals.board_cards(db)) == 2
    assert len(goals.board_cards(db, include_drafts=False)) == 0


def test_delete_draft_only(db):
    export = school_export(db)
    gid, team = _draft(db, export)
    goals.delete_draft(db, gid)
    assert db.scalar("SELECT count(*) FROM goal_revision") == 0


# -- figures -------------------------------------------------------------------------------
def test_baseline_chart_highlights_goal_skill_and_labels_bars():
    from collabplan import charts
    from collabplan.charts.style import COLORS

    df = pd.DataFrame(
        {
            "skill": ["Vocabulary", "Phonics", "Fluency"],
            "students": [31, 30, 6],
            "value": [40.0, 12.5, None],
            "chosen": [True, False, False],
        }
    )
    fig = charts.baseline_chart(df, "Vocabulary", "pct_below_proficient")
    bar = fig.data[0]
    assert list(bar.y) == ["Fluency", "Phonics", "<b>Vocabulary</b> ◀ goal"]
    assert list(bar.x) == [0.0, 12.5, 40.0]
    assert list(bar.text) == ["fewer than 10 students", "12% (n=30)", "40% (n=31)"]
    assert bar.marker.color[-1] == COLORS["accent"] and bar.marker.color[1] == COLORS["muted"]
    assert fig.layout.title.text == "Vocabulary: 40% below proficient"
    assert list(fig.layout.xaxis.range) == [0, 100]


def test_progress_sparkline_skips_suppressed_points_and_draws_target():
    from collabplan import charts

    points = pd.DataFrame(
        {
            "kind": ["baseline", "checkpoint", "checkpoint"],
            "label": ["Fall", "Winter", "Spring"],
            "value": [40.0, None, 30.0],
        }
    )
    fig = charts.progress_sparkline(points, 25.0, "pct_below_proficient")
    assert list(fig.data[0].x) == ["Fall", "Spring"]
    assert list(fig.data[0].y) == [40.0, 30.0]
    assert list(fig.data[0].text) == ["40%", "30%"]
    (line,) = fig.layout.shapes
    assert line.y0 == line.y1 == 25.0 and line.line.dash == "dash"
    assert fig.layout.annotations[0].text == "target 25%"


def test_action_timeline_bars_span_start_to_due_on_a_date_axis():
    from collabplan import charts
    from collabplan.charts.goals import ACTION_COLORS, DAY_MS

    actions = pd.DataFrame(
        {
            "what": ["Word walls", "Games", "Undated"],
            "who": ["Ms Lee", None, "x"],
            "start_date": [dt.date(2026, 2, 1), dt.date(2026, 2, 10), None],
            "due_date": [dt.date(2026, 3, 1), None, None],
            "status": ["done", "planned", "planned"],
        }
    )
    fig = charts.action_timeline(actions)
    bar = fig.data[0]
    assert list(bar.y) == ["Games", "Word walls (Ms Lee)"]
    assert list(bar.base) == ["2026-02-10", "2026-02-01"]
    assert list(bar.x) == [7 * DAY_MS, 28 * DAY_MS]
    assert list(bar.text) == ["planned", "done"]
    assert list(bar.marker.color) == [ACTION_COLORS["planned"], ACTION_COLORS["done"]]
    assert fig.layout.xaxis.type == "date"
    assert fig.layout.title.text == "Action plan: 1 of 2 actions done (1 without dates)"
    empty = charts.action_timeline(actions.iloc[0:0])
    assert "No actions yet" in empty.layout.title.text


def test_skills_by_need_puts_lowest_latest_first_and_default_team_is_uploader(db):
    team = make_team(db, "Grade 3 team")
    export = school_export(
        db,
        team_id=team,
        growth={"Vocabulary": 0.0, "Comprehension": 0.1, "Phonics": 0.1, "Fluency": 0.1},
    )
    ranked = goals.skills_by_need(db, export.assessment_id)
    latest = {
        sk: expected_metric(export, "Winter", sk, "pct_proficient")[0]
        for sk in ("Vocabulary", "Comprehension", "Phonics", "Fluency")
    }
    assert ranked == sorted(latest, key=lambda sk: (latest[sk], sk))
    assert goals.default_team_for(db, export.assessment_id) == team


def test_smart_specific_accepts_all_students_of_a_single_grade(db):
    export = school_export(db)
    with db.transaction() as cur:
        f.delete_scores(cur, "grade <> '3'")
    gid, _ = _draft(db, export, population={})
    specific = goals.smart_check(db, goals.get_goal(db, gid))[0]
    assert specific.met and "grade 3 students" in specific.why


# -- held-out export through the importer ------------------------------------------------------
HELD_OUT_MAPPING = """
[assessment]
name = "Held-out Reading Check"
[columns]
student_id = "StudentID"
student_name = "Student"
grade = "Grade"
class = "Class"
teacher = "Teacher"
term = "Term"
date = "Date"
[columns.groups]
ELL = "ELL"
[scores]
layout = "long"
skill = "Skill"
score = "Score"
kind = "percent"
proficient = 0.8
"""


def _held_out_csv(seed: int) -> pd.DataFrame:
    import random

    rng = random.Random(seed)
    rows = []
    windows = [("Fall", "2025-09-20", 0), ("Winter", "2026-01-25", 1)]
    for i in range(70):
        grade = "3" if i < 45 else "4"
        cls = ["3A", "3B", "4A"][0 if i < 22 else 1 if i < 45 else 2]
        teacher = {"3A": "Lee", "3B": "Diaz", "4A": "Park"}[cls]
        ell = "Y" if rng.random() < 0.3 else "N"
        level = rng.uniform(50, 95)
        for term, date, w in windows:
            for skill, bump in (("Vocabulary", 6), ("Main Idea", 3), ("Inference", 9)):
                score = (
                    "Absent"
                    if rng.random() < 0.05
                    else str(round(min(level + w * bump + rng.uniform(-8, 8), 100)))
                )
                rows.append(
                    [
                        f"S{seed}{i:03d}",
                        f"Student {i}",
                        grade,
                        cls,
                        teacher,
                        ell,
                        term,
                        date,
                        skill,
                        score,
                    ]
                )
    return pd.DataFrame(
        rows,
        columns=[
            "StudentID",
            "Student",
            "Grade",
            "Class",
            "Teacher",
            "ELL",
            "Term",
            "Date",
            "Skill",
            "Score",
        ],
    )


def _independent(
    df: pd.DataFrame, term: str, skill: str, metric: str, where: dict
) -> tuple[float, int]:
    sel = df[(df["Term"] == term) & (df["Skill"] == skill) & (df["Score"] != "Absent")]
    col = {"grade": "Grade", "class": "Class", "teacher": "Teacher"}
    for key, value in where.items():
        sel = sel[sel["ELL"] == "Y"] if key == "group" else sel[sel[col[key]] == value]
    proficient = 100.0 * (sel["Score"].astype(float) >= 80).sum() / len(sel)
    return round(proficient if metric == "pct_proficient" else 100 - proficient, 1), len(sel)


@pytest.mark.parametrize("seed", [21, 22])
@pytest.mark.parametrize(
    ("where", "metric", "skill"),
    [
        ({"grade": "3"}, "pct_below_proficient", "Vocabulary"),
        ({}, "pct_proficient", "Inference"),
        ({"group": "ELL"}, "pct_proficient", "Main Idea"),
        ({"class": "4A"}, "pct_below_proficient", "Vocabulary"),
    ],
)
def test_held_out_import_goal_numbers_equal_the_file(db, seed, where, metric, skill):
    from collabplan.ingest.load import import_file
    from collabplan.ingest.mapping import load_mapping

    frame = _held_out_csv(seed)
    import_file(
        db,
        frame.to_csv(index=False).encode(),
        f"held_out_{seed}.csv",
        load_mapping(HELD_OUT_MAPPING),
        team="Grade 3 team",
    )
    base, n = _independent(frame, "Fall", skill, metric, where)
    target = max(base - 10, 0) if metric == "pct_below_proficient" else min(base + 10, 100)
    out = goals.cli_add_goal(
        db,
        team="Grade 3 team",
        assessment="Held-out Reading Check",
        skill=skill,
        baseline_term="Fall",
        where=where,
        metric=metric,
        target=target,
        by="2026-05-30",
    )
    assert (out["baseline"]["value"], out["baseline"]["students"]) == (base, n)
    later, later_n = _independent(frame, "Winter", skill, metric, where)
    (cp,) = out["checkpoints"]
    assert (cp["term"], cp["value"], cp["students"]) == ("Winter", later, later_n)
    assert goals.goals_json(db)[0]["checkpoints"] == out["checkpoints"]
    with pytest.raises(ValueError, match="not better|impossible"):
        goals.cli_add_goal(
            db,
            team="Grade 3 team",
            assessment="Held-out Reading Check",
            skill=skill,
            baseline_term="Fall",
            where=where,
            metric=metric,
            target=base,
            by="2026-05-30",
        )


def test_history_rows_show_each_version(db):
    export = school_export(db)
    gid, team = _draft(db, export)
    goals.update_goal(db, gid, by_team_id=team, target_value=10, target_date="2026-06-01")
    goals.update_goal(db, gid, by_team_id=team, target_value=8)
    rows = goals.history_rows(db, gid)
    assert rows["target"].tolist() == ["–", "10%", "8%"]
    assert rows["by"].tolist() == ["–", "2026-06-01", "2026-06-01"]
    assert rows["status"].tolist() == ["draft"] * 3


def test_an_active_goal_can_start_following_a_common_assessment(db):
    export = school_export(db)
    follow = _spring_check(db)
    gid, team = _draft(db, export)
    goals.update_goal(
        db,
        gid,
        by_team_id=team,
        why="Vocabulary holds back comprehension",
        priority_id=make_priority(db, "Reading"),
        target_value=1,
        target_date="2026-06-01",
    )
    goals.set_status(db, gid, "refined", by_team_id=team)
    goals.set_status(db, gid, "active", by_team_id=team)
    goals.update_goal(db, gid, by_team_id=team, follow_assessment_ids=[follow.assessment_id])
    goal = goals.get_goal(db, gid)
    assert goal.status == "active" and goal.follow_assessment_ids == [follow.assessment_id]
    assert [p.assessment for p in goals.goal_progress(db, gid).checkpoints] == ["Spring check"]
    with pytest.raises(ValueError, match="being revised"):
        goals.update_goal(db, gid, by_team_id=team, target_value=2)
