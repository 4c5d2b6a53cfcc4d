"""Progress chart and gap-closed bars."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from collabplan.charts.progress import gap_closed_figure, progress_figure
from tests.progress_data import POINTS, points_frame

D = dt.date


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


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
    region = _trace(fig, "On track: above the line")
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
    pts = points_frame(
        {"kind": "baseline", "label": "Fall", "date": D(2025, 9, 1), "value": 60.0, "students": 30},
        {"kind": "checkpoint", "label": "Winter", "date": D(2026, 1, 1), "value": 35.0,
         "students": 30, "expected": 50.0, "on_track": True},
    )
    fig = progress_figure(pts, metric="pct_below_proficient", target_value=40.0,
                          target_date=D(2026, 5, 1), status="met")
    assert list(_trace(fig, "On track: below the line").y) == [60.0, 40.0, 0.0, 0.0]
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
    # issue 13: a share beyond the target is held at 100% and said in words
    assert list(bars.x) == [100.0, 40.0, 0.0, 20.0]
    assert list(bars.text) == ["100% of the gap ★ met", "40% of the gap", "not enough data yet",
                               "20% of the gap"]
    assert bars.marker.color[0] != bars.marker.color[1]
    assert "Goal met" in bars.hovertext[0]


def test_gap_closed_bars_stay_between_0_and_100_and_say_why_in_words():
    goals = pd.DataFrame({
        "goal": ["Vocabulary", "Fractions", "Fluency"],
        "priority": ["Reading", "Reading", "Reading"],
        "gap_closed": [169.0, -75.0, 40.0],
        "gap_note": ["past the target", "moved away", None],
        "status": ["met", "behind", "on track"],
    })
    fig = gap_closed_figure(goals)
    bars = fig.data[0]
    assert all(0 <= x <= 100 for x in bars.x)
    text = dict(zip(bars.y, bars.text, strict=True))
    assert text["Vocabulary"] == "100% of the gap: past the target ★ met"
    assert text["Fractions"] == "0% of the gap: moved away"
    assert text["Fluency"] == "40% of the gap"
    assert not any("-" in t or "169" in t for t in bars.text)
