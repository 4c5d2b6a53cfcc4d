"""Goal figures: the chart a baseline came from, a card's small progress line, the action timeline.

Pure functions of aggregated DataFrames: no student appears, so they are projection-safe.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from collabplan.charts.style import (
    COLORS,
    PERCENT_AXIS,
    base_layout,
    label_side,
    point_labels,
    text_as_text,
)
from collabplan.text import METRIC_WORDS, count, count_says, fewer_than
from collabplan.text import pct as _pct

ACTION_COLORS = {
    "planned": COLORS["muted"],
    "in progress": COLORS["primary"],
    "done": "#0b3a6e",
    "dropped": "#d9dde2",
}
DAY_MS = 86_400_000


def _empty(message: str, height: int = 200) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(**base_layout(message), height=height)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


@text_as_text
def baseline_chart(
    df: pd.DataFrame, skill: str, metric: str, title: str | None = None
) -> go.Figure:
    """Every skill of the baseline window as sorted bars, the goal's skill in orange.

    ``df`` columns (``goals.baseline_chart_data``): skill, students, value (None when
    suppressed), chosen. Bars read "40% · 31 students"; small groups say "fewer than 10 students".
    """
    if df.empty:
        return _empty("No scores in this window for this population")
    words = METRIC_WORDS[metric]
    data = df.copy()
    data["sort"] = data["value"].fillna(-1.0)
    # Largest share at the top: the chart answers "where are most students below?".
    data = data.sort_values("sort", ascending=True)
    chosen = data[data["chosen"]]
    if title is None:
        if not chosen.empty and pd.notna(chosen["value"].iloc[0]):
            title = f"{skill}: {_pct(chosen['value'].iloc[0])} {words}"
        else:
            title = f"{skill}: baseline"
    values = [0.0 if pd.isna(v) else float(v) for v in data["value"]]
    text = [
        fewer_than() if pd.isna(v) else f"{_pct(v)} · {count(int(n), 'student')}"
        for v, n in zip(data["value"], data["students"], strict=True)
    ]
    colors = [
        COLORS["accent"] if c else (COLORS["muted"] if pd.notna(v) else "#d9dde2")
        for c, v in zip(data["chosen"], data["value"], strict=True)
    ]
    labels = [
        f"<b>{s}</b> ◀ goal" if c else s for s, c in zip(data["skill"], data["chosen"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            text=text,
            textposition="outside",
            marker={"color": colors},
            hovertemplate="%{y}: %{text}<extra></extra>",
            cliponaxis=False,
        )
    )
    fig.update_layout(**base_layout(title), height=150 + 46 * len(data))
    fig.update_xaxes(**PERCENT_AXIS, title=f"% of students {words}")
    fig.update_yaxes(title=None)
    return fig


@text_as_text
def progress_sparkline(points: pd.DataFrame, target_value: float | None, metric: str) -> go.Figure:
    """A card's small line: baseline and checkpoints, the target as a dashed line.

    ``points`` columns (``goals.progress_frame``): kind, label, value (None when suppressed).
    Points without a value are left out of the line.
    """
    data = points[points["value"].notna()] if not points.empty else points
    fig = go.Figure()
    if not data.empty:
        fig.add_trace(
            go.Scatter(
                x=list(data["label"]),
                y=[float(v) for v in data["value"]],
                # the values are written by point_labels below, on a white backing
                mode="lines+markers",
                text=[_pct(v) for v in data["value"]],
                line={"color": COLORS["primary"], "width": 3},
                marker={"size": 8},
                hovertemplate="%{x}: %{text}<extra></extra>",
                cliponaxis=False,
            )
        )
    if target_value is not None:
        fig.add_hline(
            y=float(target_value),
            line={"color": COLORS["target"], "dash": "dash", "width": 2},
            annotation_text=f"target {_pct(target_value)}",
            annotation_position="right",
            annotation_font_size=12,
        )
    if not data.empty:
        # Each value on the side away from the target line, so the line never strikes it out.
        values = [float(v) for v in data["value"]]
        point_labels(fig, list(data["label"]), values, [_pct(v) for v in values],
                     [label_side(v, target_value, low=3, high=97) for v in values], gap=6)
    layout = base_layout("")
    # The right margin holds the target's label, clear of the points' own labels.
    layout.update(margin={"l": 5, "r": 90, "t": 20, "b": 5}, height=170, title=None)
    fig.update_layout(**layout)
    # Room under 0 % and over 100 % for a label on the far side of its point.
    fig.update_yaxes(**{**PERCENT_AXIS, "range": [-28, 118]}, showticklabels=False,
                     showgrid=False)
    fig.update_xaxes(showgrid=False, tickfont={"size": 12})
    return fig


def _span(start: Any, due: Any) -> tuple[dt.date, dt.date] | None:
    start = None if start is None or pd.isna(start) else pd.Timestamp(start).date()
    due = None if due is None or pd.isna(due) else pd.Timestamp(due).date()
    if start is None and due is None:
        return None
    if start is None:
        start = due
    if due is None or due < start:
        due = start + dt.timedelta(days=7)
    return start, due


@text_as_text
def action_timeline(actions: pd.DataFrame, title: str | None = None) -> go.Figure:
    """One bar per action from its start to its due date, coloured and labelled by status.

    ``actions`` columns (``goals.team_actions``): what, who, start_date, due_date, status,
    and optionally team / skill. An action with no dates is left out (the title says how many).
    A one-day action still shows as a day-wide bar.
    """
    if actions.empty:
        return _empty("No actions yet: add them to a goal's action plan")
    rows = []
    undated = 0
    for r in actions.to_dict("records"):
        span = _span(r.get("start_date"), r.get("due_date"))
        if span is None:
            undated += 1
            continue
        start, due = span
        rows.append({**r, "start": start, "end": due})
    if not rows:
        return _empty(f"{count_says(undated, 'action', 'has', 'have')} no dates yet: add a start or due date")
    data = pd.DataFrame(rows).sort_values(["start", "end"], ascending=False)
    names = [
        f"{w} ({who})" if isinstance(who, str) and who else str(w)
        for w, who in zip(data["what"], data["who"], strict=True)
    ]
    durations = [
        max((e - s).days, 1) * DAY_MS for s, e in zip(data["start"], data["end"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=durations,
            base=[s.isoformat() for s in data["start"]],
            orientation="h",
            text=[str(s) for s in data["status"]],
            textposition="inside",
            insidetextanchor="start",
            marker={"color": [ACTION_COLORS.get(s, COLORS["muted"]) for s in data["status"]]},
            customdata=[
                [s.isoformat(), e.isoformat()]
                for s, e in zip(data["start"], data["end"], strict=True)
            ],
            hovertemplate="%{y}<br>%{customdata[0]} to %{customdata[1]}<br>%{text}<extra></extra>",
        )
    )
    if title is None:
        done = int((data["status"] == "done").sum())
        title = f"Action plan: {done} of {len(data)} actions done"
        if undated:
            title += f" ({undated} without dates)"
    fig.update_layout(**base_layout(title), height=150 + 40 * len(data))
    fig.update_xaxes(type="date", gridcolor=COLORS["grid"], title=None)
    fig.update_yaxes(title=None)
    today = dt.date.today()
    lo, hi = min(data["start"]), max(data["end"])
    if lo <= today <= hi:
        # under the bars, so it never runs through a status written on one
        fig.add_vline(x=today.isoformat(), line={"color": COLORS["target"], "dash": "dot"},
                      layer="below")
    return fig
