"""Goal figures: the baseline chart, the progress sparkline, the action timeline."""

from __future__ import annotations

import datetime as dt

import pandas as pd

D = dt.date


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
    assert list(bar.text) == ["fewer than 10 students", "12% · 30 students", "40% · 31 students"]
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
