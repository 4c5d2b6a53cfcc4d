"""Progress figures: one goal's line toward its target, and every goal's share of the gap closed.

Both take tidy DataFrames of already-aggregated numbers (never student rows), so nothing a
chart draws or shows on hover can name a student.

``progress_figure`` reads one row per point, baseline first::

    kind       "baseline" | "checkpoint"
    label      what the teacher calls the sitting ("Winter 2025-26", "Unit 4 CFA")
    date       datetime.date or None
    value      0–100 or None (None: nobody scored, or the group is too small to show)
    students   how many students were scored
    expected   the straight-line value at that date (checkpoints), else None
    on_track   True / False / None
    suppressed True when fewer students than the minimum group size
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from collabplan.charts.style import (
    COLORS,
    FONT_SIZE,
    PERCENT_AXIS,
    base_layout,
    label_side,
    point_labels,
    text_as_text,
)
from collabplan.text import METRIC_WORDS, fewer_than, gap_text, lower_is_better, pct_exact

STATUS_WORDS = {
    "on track": "On track",
    "behind": "Behind",
    "met": "Goal met",
    "not enough data yet": "Not enough data yet",
}
#: Marker colour and symbol per point kind: colour never carries the meaning alone.
POINT_STYLE = {
    "baseline": (COLORS["target"], "circle"),
    "on track": (COLORS["primary"], "circle"),
    "behind": (COLORS["accent"], "diamond"),
    "unknown": (COLORS["muted"], "circle-open"),
}
STATUS_BAR_COLORS = {
    "met": COLORS["primary"],
    "on track": COLORS["primary"],
    "behind": COLORS["accent"],
    "not enough data yet": COLORS["muted"],
}
#: Drawn in chart text, so a font without emoji still shows it.
CELEBRATION = "★"


def point_kind(row: pd.Series) -> str:
    if row["kind"] == "baseline":
        return "baseline"
    if row.get("on_track") is True or row.get("on_track") == 1:
        return "on track"
    if row.get("on_track") is False or row.get("on_track") == 0:
        return "behind"
    return "unknown"


def point_hover(row: pd.Series, metric: str) -> str:
    """The hover text of one point: aggregated numbers only."""
    words = METRIC_WORDS.get(metric, metric)
    lines = [f"<b>{row['label']}</b>"]
    if _suppressed(row):
        lines.append(fewer_than())
    else:
        lines.append(f"{pct_exact(row['value'])} {words}")
        lines.append(f"{int(row['students'])} students scored")
    if row["kind"] == "baseline":
        lines.append("Baseline")
    elif not pd.isna(row.get("expected")):
        lines.append(f"Straight line to target: {pct_exact(row['expected'])}")
        kind = point_kind(row)
        if kind != "unknown":
            lines.append(kind.capitalize())
    return "<br>".join(lines)


def _suppressed(row: pd.Series) -> bool:
    return bool(row.get("suppressed")) or row.get("value") is None or pd.isna(row.get("value"))


def progress_title(status: str, metric: str, latest_value: float | None,
                   target_value: float | None, target_date: dt.date | None,
                   with_target: bool = True) -> str:
    """A title that states the message: "On track: 62% proficient (target 70% by Jun 2026)".

    ``with_target=False`` leaves the target out, for narrow charts that show it elsewhere.
    """
    words = METRIC_WORDS.get(metric, metric)
    by = f" by {target_date:%b %Y}" if target_date else ""
    head = STATUS_WORDS.get(status, status.capitalize())
    if status == "met":
        head = f"{CELEBRATION} {head}"
    now = f"{pct_exact(latest_value)} {words}" if latest_value is not None else "no checkpoint yet"
    if not with_target:
        return f"{head}: {now}"
    if target_value is None:
        return f"{head}: {now} (no target set yet)"
    return f"{head}: {now} (target {pct_exact(target_value)}{by})"


def _x_values(points: pd.DataFrame, target_date: dt.date | None) -> tuple[list[Any], Any, bool]:
    """Dates when every point (and the target) has one; else the labels in order."""
    dates = list(points["date"])
    if target_date is not None and all(d is not None and not pd.isna(d) for d in dates):
        return [pd.Timestamp(d) for d in dates], pd.Timestamp(target_date), True
    return list(points["label"]), "Target", False


@text_as_text
def progress_figure(points: pd.DataFrame, *, metric: str, target_value: float | None,
                    target_date: dt.date | None, status: str, title: str | None = None,
                    font_size: int = FONT_SIZE) -> go.Figure:
    """Baseline, checkpoints, a dashed straight line to the target, the target marked and
    the on-track side of the line shaded; the status in words in the title."""
    points = points.reset_index(drop=True)
    words = METRIC_WORDS.get(metric, metric)
    shown = points[~points.apply(_suppressed, axis=1)] if len(points) else points
    latest = None
    later = shown[shown["kind"] == "checkpoint"]
    if len(later):
        latest = float(later.iloc[-1]["value"])
    title = title or progress_title(status, metric, latest, target_value, target_date)
    fig = go.Figure()
    if points.empty:
        fig.update_layout(**base_layout(title, font={"size": font_size}))
        return fig

    xs, target_x, dated = _x_values(points, target_date)
    base = points.iloc[0]
    base_x = xs[0]
    base_value = None if _suppressed(base) else float(base["value"])

    if base_value is not None and target_value is not None:
        edge = 100.0 if not lower_is_better(metric) else 0.0
        # The shaded side of the straight line is named in the legend: results in it are on track.
        side = "below" if lower_is_better(metric) else "above"
        fig.add_trace(go.Scatter(
            x=[base_x, target_x, target_x, base_x], y=[base_value, target_value, edge, edge], fill="toself",
            fillcolor=COLORS["ok_band"], line={"width": 0}, mode="lines",
            name=f"On track: {side} the line", hoverinfo="skip", showlegend=True, legendrank=3,
        ))
        fig.add_trace(go.Scatter(
            x=[base_x, target_x], y=[base_value, target_value], mode="lines",
            line={"dash": "dash", "color": COLORS["target"], "width": 2},
            name="Straight line to target", hoverinfo="skip", showlegend=True, legendrank=2,
        ))

    if target_value is not None:
        rising = base_value is None or target_value >= base_value
        _add_target(fig, target_x, target_value, target_date, words, font_size, rising, latest)

    kinds = [point_kind(r) for _, r in points.iterrows()]
    keep = [i for i in range(len(points)) if not _suppressed(points.iloc[i])]
    if keep:
        fig.add_trace(go.Scatter(
            x=[xs[i] for i in keep], y=[float(points.iloc[i]["value"]) for i in keep],
            # the values are written beside the points by point_labels, on a white backing
            mode="lines+markers",
            line={"color": COLORS["primary"], "width": 3},
            marker={
                "size": font_size + 4,
                "color": [POINT_STYLE[kinds[i]][0] for i in keep],
                "symbol": [POINT_STYLE[kinds[i]][1] for i in keep],
                "line": {"width": 2, "color": "white"},
            },
            text=[pct_exact(points.iloc[i]["value"]) for i in keep],
            textposition="bottom center" if not lower_is_better(metric) else "top center",
            hovertext=[point_hover(points.iloc[i], metric) for i in keep],
            hoverinfo="text", name="Results", showlegend=False,
        ))
        values = [float(points.iloc[i]["value"]) for i in keep]
        point_labels(fig, [xs[i] for i in keep], values,
                     [pct_exact(points.iloc[i]["value"]) for i in keep],
                     [label_side(v, _line_at(points.iloc[i], base_value, target_value))
                      for v, i in zip(values, keep, strict=True)],
                     gap=font_size // 2 + 6, size=font_size)
    hidden = [i for i in range(len(points)) if i not in keep]
    if hidden:
        fig.add_trace(go.Scatter(
            x=[xs[i] for i in hidden], y=[4.0] * len(hidden), mode="markers+text",
            marker={"symbol": "x-open", "size": font_size, "color": COLORS["muted"]},
            text=[fewer_than()] * len(hidden), textposition="top center", cliponaxis=False,
            hovertext=[point_hover(points.iloc[i], metric) for i in hidden],
            hoverinfo="text", name="Not shown", showlegend=False,
        ))

    layout = base_layout(title, font={"size": font_size}, showlegend=True)
    layout["title"]["font"] = {"size": font_size + 6}
    layout["margin"] = {**layout["margin"], "t": layout["margin"]["t"] + font_size + 16}
    fig.update_layout(
        **layout,
        yaxis={**PERCENT_AXIS, "title": {"text": f"% {words}"}},
        xaxis={"title": {"text": ""}, "gridcolor": COLORS["grid"], "automargin": True,
               # month names at the slide's size need room: fewer ticks the larger the type
               # a month name at either end of the axis would run into the next axis
               **({"type": "date", "range": _date_range(xs, target_x),
                   "nticks": max(4, 120 // font_size),
                   "ticklabeloverflow": "hide past domain"} if dated
                  else {"type": "category"})},
        hoverlabel={"font": {"size": font_size}},
        # the legend sits between the title and the plot, clear of every point
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom",
                "font": {"size": font_size}, "traceorder": "normal"},
    )
    return fig


def _line_at(row: pd.Series, base_value: float | None, target_value: float | None) -> float | None:
    """Where the straight line to the target is at a point (its label goes the other way)."""
    if row["kind"] == "baseline":
        if base_value is None or target_value is None:
            return None
        # the line leaves the baseline towards the target: the label takes the other side
        return base_value + (1.0 if target_value >= base_value else -1.0)
    expected = row.get("expected")
    return None if expected is None or pd.isna(expected) else float(expected)


def _date_range(xs: list[Any], target_x: Any) -> list[str]:
    """Room either side so the first label and the target's label are not cut off."""
    first, last = min([*xs, target_x]), max([*xs, target_x])
    pad = max((last - first) * 0.06, pd.Timedelta(days=10))
    return [(first - pad).strftime("%Y-%m-%d"), (last + pad).strftime("%Y-%m-%d")]


def _add_target(fig: go.Figure, x: Any, value: float, date: dt.date | None, words: str,
                font_size: int, rising: bool = True, latest: float | None = None) -> None:
    fig.add_trace(go.Scatter(
        x=[x], y=[value], mode="markers",
        marker={"symbol": "star", "size": font_size + 10, "color": COLORS["target"]},
        text=[f"Target {pct_exact(value)}"],
        hovertext=[f"<b>Target</b><br>{pct_exact(value)} {words}"
                   + (f"<br>by {date:%d %b %Y}" if date else "")],
        hoverinfo="text", name="Target", showlegend=False,
    ))
    # The target is the last point in time: its label ends at the star, inside the chart, on
    # the side away from the latest result (which lies near the star's date), else away from
    # the straight line coming in; never off the axis.
    away = latest if latest is not None else (value - 1.0 if rising else value + 1.0)
    above = label_side(value, away, low=15, high=85)
    point_labels(fig, [x], [value], [f"Target {pct_exact(value)}"], [above],
                 gap=font_size // 2 + 4, size=font_size, leftwards=True)


@text_as_text
def gap_closed_figure(goals: pd.DataFrame, *, title: str = "Share of the gap closed, by school priority",
                      font_size: int = FONT_SIZE) -> go.Figure:
    """Horizontal bars, one per goal, grouped by priority.

    ``goals`` columns: goal (short name), priority (None: "No priority yet"), gap_closed
    (0–100; None when there is no checkpoint yet), status, and optionally gap_note ("past
    the target" / "moved away") and priority_order (the school's order of its priorities).
    Bars never pass 100 % nor fall below 0: what lies beyond is said in words.
    """
    df = goals.copy()
    fig = go.Figure()
    if df.empty:
        fig.update_layout(**base_layout(title, font={"size": font_size}))
        return fig
    df["priority"] = df["priority"].fillna("No priority yet").replace("", "No priority yet")
    df["shown"] = pd.to_numeric(df["gap_closed"], errors="coerce").clip(lower=0, upper=100)
    if "gap_note" not in df:
        df["gap_note"] = None
    if "priority_order" not in df:
        df["priority_order"] = 0
    # Goals without a priority come last; within a priority, the furthest along first.
    df["priority_order"] = df["priority_order"].fillna(10**6)
    df.loc[df["priority"] == "No priority yet", "priority_order"] = 10**6
    df = df.sort_values(["priority_order", "priority", "shown"], ascending=[True, True, False],
                        na_position="last")
    labels = []
    for _, r in df.iterrows():
        if pd.isna(r["shown"]):
            labels.append("not enough data yet")
        else:
            mark = f" {CELEBRATION} met" if r["status"] == "met" else ""
            labels.append(gap_text(r["shown"], r["gap_note"]) + mark)
    hover = [f"<b>{g}</b><br>{p}<br>{lab}<br>{STATUS_WORDS.get(s, s)}"
             for g, p, lab, s in zip(df["goal"], df["priority"], labels, df["status"], strict=True)]
    x = df["shown"].fillna(0)
    # One label column: each priority is a bold heading row with its goals beneath it.
    rows: list[str] = []
    for priority, group in df.groupby("priority", sort=False):
        rows.append(f"<b>{priority}</b>")
        rows.extend(group["goal"])
    fig.add_trace(go.Bar(
        y=list(df["goal"]), x=list(x), orientation="h",
        marker={"color": [STATUS_BAR_COLORS.get(s, COLORS["muted"]) for s in df["status"]]},
        text=labels, textposition="outside", cliponaxis=False,
        hovertext=hover, hoverinfo="text", name="Gap closed",
    ))
    # The labels run on past the bar into the right margin, sized to the longest label at this
    # type size (about 0.6 em a letter), so "100% of the gap: past the target ★ met" is never
    # cut off at the chart's edge, at a desk or on a slide.
    layout = base_layout(title, font={"size": font_size})
    longest = max(len(lab) for lab in labels)
    layout["margin"] = {**layout["margin"], "r": int(longest * font_size * 0.6) + 30}
    fig.update_layout(
        **layout,
        xaxis={"range": [0, 104], "ticksuffix": "%", "gridcolor": COLORS["grid"],
               "title": {"text": "share of the gap from baseline to target closed"}},
        yaxis={"categoryorder": "array", "categoryarray": rows, "range": [len(rows) - 0.5, -0.5],
               "tickfont": {"size": font_size - 2}},
        height=max(320, 110 + 50 * len(rows)),
    )
    fig.add_vline(x=100, line={"dash": "dash", "color": COLORS["target"]})
    return fig
