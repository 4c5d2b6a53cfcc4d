"""Data review figures: skill profile, heatmap, growth, equity gap, levels, item analysis.

Each takes the DataFrame a ``collabplan.metrics`` function returns and gives back one
Plotly figure whose title states what the chart shows. No student appears in any of them:
they are safe in projection mode. Groups under the minimum size are greyed and say so.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from collabplan import config
from collabplan.charts.style import (
    COLORS,
    LABEL_BACKING,
    PERCENT_AXIS,
    STATUS_COLORS,
    base_layout,
    text_as_text,
)
from collabplan.text import count, fewer_than, natural_key, pct, points

INK = COLORS["target"]  # dark text, for labels on light bars or on the page
SMALL = fewer_than()
SMALL_MARK = f"n<{config.MIN_GROUP_SIZE}"
#: Ordered level colours, lowest to highest: orange through grey to blue (colour-blind safe).
LEVEL_PALETTE = {
    2: ["#e07b00", "#1f5fa8"],
    3: ["#e07b00", "#c9ced6", "#1f5fa8"],
    4: ["#e07b00", "#f2b872", "#8fb3dd", "#1f5fa8"],
    5: ["#e07b00", "#f2b872", "#c9ced6", "#8fb3dd", "#1f5fa8"],
}


def wrap(title: str, width: int = 52) -> str:
    """Break a long title into lines (Plotly does not wrap titles)."""
    lines: list[str] = []
    for word in title.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _layout(title: str, rows: int, per_row: int = 46, right: int = 30, **extra: object) -> dict:
    """base_layout with the title wrapped, the top margin fitted to it, a height for the
    rows, and room on the right for labels beyond the bars."""
    text = wrap(title)
    layout = base_layout(text, **extra)
    lines = text.count("<br>") + 1
    # Plotly sets the title's first baseline at the middle of the top margin and lets more
    # lines run down from there: 64 px a line keeps them clear of a label on the plot's top
    # edge (a line's "median 43%")
    layout["margin"] = {**layout["margin"], "t": 8 + 64 * lines, "r": right}
    layout["height"] = _height(rows, per_row) + 64 * (lines - 1)
    return layout


def _height(rows: int, per_row: int = 46, base: int = 150) -> int:
    return base + per_row * max(rows, 1)


def empty_figure(message: str) -> go.Figure:
    """A blank figure that says why it is blank."""
    fig = go.Figure()
    fig.update_layout(**base_layout(message), height=200)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


# -- skill profile -----------------------------------------------------------------------


def profile_finding(df: pd.DataFrame) -> str:
    """The one-line finding of a skill summary (one administration): the skill furthest below
    the median, else the one furthest above, else how close together the skills are."""
    ok = df[df["status"] != "suppressed"]
    if ok.empty:
        return f"Every skill has {SMALL}"
    median = float(ok["median"].iloc[0])
    lag = ok[ok["status"] == "lagging"]
    if not lag.empty:
        row = lag.sort_values("pct_proficient").iloc[0]
        gap = median - row["pct_proficient"]
        if gap < config.STATUS_MARGIN:  # lags because it is under the school's floor
            return (f"{row['skill']} lags: {pct(row['pct_proficient'])} proficient, "
                    "under the school's floor")
        return (f"{row['skill']} lags: {pct(row['pct_proficient'])} proficient, "
                f"{gap:.0f} points below the median")
    top = ok[ok["status"] == "strength"]
    if not top.empty:
        row = top.sort_values("pct_proficient").iloc[-1]
        gap = row["pct_proficient"] - median
        return (f"{row['skill']} is the strength: {pct(row['pct_proficient'])} proficient, "
                f"{gap:.0f} points above the median")
    return f"Skills are close together: all within 10 points of the median ({pct(median)})"


@text_as_text
def skill_profile(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """pct_proficient per skill as sorted horizontal bars coloured by status, the median
    drawn, each bar labelled "38% · 74 students". ``df``: skill_summary of one administration."""
    if df.empty:
        return empty_figure("No skill scores for these filters")
    ok = df[df["status"] != "suppressed"].sort_values("pct_proficient")
    small = df[df["status"] == "suppressed"].sort_values("skill", ascending=False)
    rows = pd.concat([small, ok])  # plotly draws the first row at the bottom
    x = [0.0 if s == "suppressed" else float(p)
         for s, p in zip(rows["status"], rows["pct_proficient"], strict=True)]
    text = []
    for status, value, n in zip(rows["status"], rows["pct_proficient"], rows["students"],
                                strict=True):
        if status == "suppressed":
            text.append(SMALL)
        else:
            label = f"{pct(value)} · {count(int(n), 'student')}"
            text.append(label if status == "typical" else f"{label} · {status}")
    fig = go.Figure(
        go.Bar(
            x=x,
            y=rows["skill"].tolist(),
            orientation="h",
            marker={"color": [STATUS_COLORS[s] for s in rows["status"]]},
            text=text,
            # Long bars carry their label inside, on the bar the median line runs under;
            # short ones after the bar, on a white backing the line runs under (below).
            textposition=["inside" if v >= 45 else "none" for v in x],
            insidetextanchor="end",
            textfont={"color": [INK if s == "typical" else "white"
                                for s in rows["status"]]},
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    for value, skill, label in zip(x, rows["skill"], text, strict=True):
        if value < 45:
            fig.add_annotation(x=value, y=skill, text=label, showarrow=False, xanchor="left",
                               xshift=4, bgcolor=LABEL_BACKING, borderpad=1,
                               font={"color": INK})
    fig.update_layout(**_layout(title or profile_finding(df), len(rows), right=40),
                      uniformtext={"minsize": 13, "mode": "show"})
    fig.update_xaxes(**PERCENT_AXIS, title="Students proficient")
    fig.update_yaxes(automargin=True, title=None)
    if not ok.empty:
        median = float(ok["median"].iloc[0])
        fig.add_vline(x=median, line={"dash": "dash", "color": COLORS["target"], "width": 2},
                      layer="below", annotation_text=f"median {pct(median)}",
                      annotation_position="top", annotation_bgcolor=LABEL_BACKING)
    return fig


# -- heatmap -----------------------------------------------------------------------------


@text_as_text
def skill_heatmap(df: pd.DataFrame, by_label: str = "class") -> go.Figure:
    """Skills × class (teacher, group …): pct_proficient per cell; cells under the minimum
    group size are grey and marked, not coloured. ``df``: skill_summary(..., by=...)."""
    if df.empty:
        return empty_figure("No skill scores for these filters")
    skills = sorted(df["skill"].unique(), key=natural_key, reverse=True)
    groups = sorted(df["by"].dropna().astype(str).unique(), key=natural_key)
    cells = {(r.skill, str(r.by)): r for r in df.itertuples()}
    z, text, hover = [], [], []
    for skill in skills:
        zr, tr, hr = [], [], []
        for g in groups:
            r = cells.get((skill, g))
            if r is None:
                zr.append(None), tr.append(""), hr.append(f"{skill}, {g}: no scores")
            elif _hidden(r):
                zr.append(None), tr.append(SMALL_MARK), hr.append(f"{skill}, {g}: {SMALL}")
            else:
                zr.append(float(r.pct_proficient))
                tr.append(pct(r.pct_proficient))
                hr.append(f"{skill}, {g}: {pct(r.pct_proficient)} proficient, {count(int(r.students), 'student')}")
        z.append(zr), text.append(tr), hover.append(hr)
    fig = go.Figure(
        go.Heatmap(
            z=z, x=groups, y=skills, text=text, customdata=hover,
            texttemplate="%{text}", textfont={"size": 16},
            hovertemplate="%{customdata}<extra></extra>",
            zmin=0, zmax=100, colorscale="Blues", xgap=3, ygap=3,
            # the scale's title beside it, not above its top tick ("100%")
            colorbar={"title": {"text": "proficient", "side": "right"}, "ticksuffix": "%"},
        )
    )
    fig.update_layout(**_layout(heatmap_finding(df, by_label), len(skills), per_row=52,
                                plot_bgcolor=STATUS_COLORS["suppressed"]))
    fig.update_xaxes(title=by_label.capitalize(), type="category", automargin=True)
    fig.update_yaxes(automargin=True, type="category")
    return fig


def _hidden(r: Any) -> bool:
    """A summary row whose numbers may not be shown: under the minimum, or hidden by
    collabplan.disclosure (status "suppressed", numbers missing)."""
    n = r.students
    return getattr(r, "status", None) == "suppressed" or pd.isna(n) or n < config.MIN_GROUP_SIZE


def heatmap_finding(df: pd.DataFrame, by_label: str) -> str:
    ok = df[(df["students"] >= config.MIN_GROUP_SIZE) & (df.get("status") != "suppressed")]
    spread = ok.groupby("skill")["pct_proficient"].agg(["min", "max", "count"])
    spread = spread[spread["count"] > 1]
    if spread.empty:
        return f"Skills by {by_label}"
    spread["range"] = spread["max"] - spread["min"]
    skill = spread["range"].idxmax()
    lo, hi = spread.loc[skill, "min"], spread.loc[skill, "max"]
    return f"{skill} varies most by {by_label}: {pct(lo)} to {pct(hi)} proficient"


# -- growth ------------------------------------------------------------------------------


def growth_finding(df: pd.DataFrame, since: str) -> str:
    ok = df[~df["suppressed"]]
    if ok.empty:
        return f"Too few students scored both times ({SMALL})"
    stalled = ok[ok["stagnant"]].sort_values("growth")
    if not stalled.empty:
        row = stalled.iloc[0]
        more = f" (and {len(stalled) - 1} more)" if len(stalled) > 1 else ""
        return f"{row['skill']} stalled: {points(row['growth'])} since {since}{more}"
    best = ok.sort_values("growth").iloc[-1]
    return (f"Every skill grew at least {config.STAGNANT_BELOW:.0f} points since {since}; "
            f"most: {best['skill']} {points(best['growth'])}")


@text_as_text
def growth_chart(df: pd.DataFrame, before: str = "before", after: str = "after") -> go.Figure:
    """A dumbbell per skill from ``before`` to ``after`` pct_proficient (matched students),
    stagnant skills orange and labelled. ``df``: metrics.growth."""
    if df.empty:
        return empty_figure(f"No students were scored on both {before} and {after}")
    rows = pd.concat([df[df["suppressed"]], df[~df["suppressed"]].sort_values("growth",
                                                                                  ascending=False)])
    ok = rows[~rows["suppressed"]]
    line_x: list[float | None] = []
    line_y: list[str | None] = []
    for r in ok.itertuples():
        line_x += [r.before_pct, r.after_pct, None]
        line_y += [r.skill, r.skill, None]
    labels = [
        f"{points(r.growth)} · {count(int(r.students), 'student')}" + (" · stagnant" if r.stagnant else "")
        for r in ok.itertuples()
    ]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=line_x, y=line_y, mode="lines", hoverinfo="skip",
                             line={"color": COLORS["muted"], "width": 5}))
    fig.add_trace(go.Scatter(
        x=ok["before_pct"].tolist(), y=ok["skill"].tolist(), mode="markers", name=before,
        marker={"size": 16, "color": "white", "line": {"color": COLORS["muted"], "width": 3}},
        hovertemplate=f"%{{y}}, {before}: %{{x:.0f}}%<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=ok["after_pct"].tolist(), y=ok["skill"].tolist(), mode="markers+text", name=after,
        marker={"size": 18,
                "color": [STATUS_COLORS["lagging"] if s else STATUS_COLORS["strength"]
                          for s in ok["stagnant"]],
                "symbol": ["diamond" if s else "circle" for s in ok["stagnant"]]},
        text=labels, textposition="middle right", cliponaxis=False,
        hovertemplate=f"%{{y}}, {after}: %{{x:.0f}}% · %{{text}}<extra></extra>",
    ))
    small = rows[rows["suppressed"]]
    if not small.empty:
        fig.add_trace(go.Scatter(
            x=[0] * len(small), y=small["skill"].tolist(), mode="text",
            text=[SMALL] * len(small), textposition="middle right", hoverinfo="skip",
        ))
    fig.update_layout(**_layout(growth_finding(df, before), len(rows), right=230))
    fig.update_xaxes(**PERCENT_AXIS, title=f"Students proficient: ○ {before} → ● {after}")
    fig.update_yaxes(automargin=True, type="category",
                     categoryorder="array", categoryarray=rows["skill"].tolist()[::-1])
    return fig


# -- equity gap --------------------------------------------------------------------------


def equity_finding(df: pd.DataFrame, group: str) -> str:
    ok = df[~df["suppressed"]].dropna(subset=["gap"])
    if ok.empty:
        return f"{group}: too few students to compare ({SMALL} on a side)"
    row = ok.sort_values("gap").iloc[0]
    if row["gap"] < 0:
        return (f"Largest gap: {row['skill']}, {group} {count(round(abs(row['gap'])), 'point')} below "
                f"everyone else")
    return f"{group} students are at or above everyone else on every skill"


@text_as_text
def equity_gap_chart(df: pd.DataFrame, group: str) -> go.Figure:
    """Points between a student group and everyone else per skill, both n on each bar.
    ``df``: metrics.equity_gap."""
    if df.empty:
        return empty_figure(f"No scores to compare {group} with everyone else")
    rows = pd.concat([df[df["suppressed"]], df[~df["suppressed"]].sort_values("gap",
                                                                                ascending=False)])
    x, colors, text, labels = [], [], [], []
    for r in rows.itertuples():
        if pd.isna(r.group_students) or pd.isna(r.others_students):
            labels.append(f"{r.skill}<br>{group} and others: {SMALL} on one side")
        else:
            labels.append(
                f"{r.skill}<br>{group} n={int(r.group_students)} · others n={int(r.others_students)}")
        if r.suppressed or pd.isna(r.gap):
            x.append(0.0)
            colors.append(STATUS_COLORS["suppressed"])
            text.append(f"{SMALL} on one side")
            continue
        x.append(float(r.gap))
        colors.append(STATUS_COLORS["lagging"] if r.gap < 0 else STATUS_COLORS["strength"])
        text.append(f"{points(r.gap)}: {pct(r.group_pct)} vs {pct(r.others_pct)}")
    reach = max([abs(v) for v in x] + [10.0]) * 1.8
    fig = go.Figure(go.Bar(
        x=x, y=labels, orientation="h", marker={"color": colors},
        text=text, textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    fig.update_layout(**_layout(equity_finding(df, group), len(rows), per_row=60, right=30))
    fig.update_xaxes(range=[-reach, reach], zeroline=True, zerolinewidth=3,
                     zerolinecolor=COLORS["target"], gridcolor=COLORS["grid"],
                     title=f"Points: {group} minus everyone else")
    fig.update_yaxes(automargin=True, type="category")
    return fig


# -- level distribution ------------------------------------------------------------------


def level_colors(n: int) -> list[str]:
    if n in LEVEL_PALETTE:
        return LEVEL_PALETTE[n]
    base = LEVEL_PALETTE[5]
    return [base[round(i * 4 / max(n - 1, 1))] for i in range(n)]


@text_as_text
def level_distribution_chart(df: pd.DataFrame) -> go.Figure:
    """100% stacked bars of the level names per skill, lowest level first (left), in the
    assessment's own order. ``df``: breakdowns.level_distribution."""
    if df.empty:
        return empty_figure("No levels for these filters")
    levels = (df.sort_values(["order", "level"]).drop_duplicates("level")["level"].tolist())
    skills = sorted(df["skill"].unique(), key=natural_key, reverse=True)
    colors = level_colors(len(levels))
    hidden = df["suppressed"].astype(bool) if "suppressed" in df.columns else df["skill"].isna()
    shown = df[~hidden]
    fig = go.Figure()
    for level, color in zip(levels, colors, strict=True):
        part = shown[shown["level"] == level].set_index("skill")
        values = [float(part["pct"].get(s, 0.0)) for s in skills]
        counts = [int(part["students"].get(s, 0)) for s in skills]
        fig.add_trace(go.Bar(
            name=level, x=values, y=skills, orientation="h", marker={"color": color},
            text=[pct(v) if v >= 6 else "" for v in values], textposition="inside",
            insidetextanchor="middle", customdata=counts,
            hovertemplate=f"%{{y}}, {level}: %{{x:.0f}}% (%{{customdata}} students)<extra></extra>",
        ))
    if hidden.any():
        # The hidden levels of a skill together: what its shown levels leave of 100%.
        rest = {s: 100.0 - float(shown.loc[shown["skill"] == s, "pct"].sum())
                for s in df.loc[hidden, "skill"].unique()}
        values = [rest.get(s, 0.0) for s in skills]
        fig.add_trace(go.Bar(
            name=f"Levels with {SMALL}", x=values, y=skills, orientation="h",
            marker={"color": STATUS_COLORS["suppressed"]},
            text=[SMALL_MARK if v > 0 else "" for v in values], textposition="inside",
            insidetextanchor="middle",
            hovertemplate=f"%{{y}}: levels with {SMALL} (not shown)<extra></extra>",
        ))
    lowest = shown[shown["order"] == 0]
    if shown.empty:
        title = f"Levels not shown: {SMALL} at each level"
    elif lowest.empty:
        title = "Students by level"
    else:
        row = lowest.sort_values("pct").iloc[-1]
        title = f"{row['skill']} has the most at {levels[0]}: {pct(row['pct'])}"
    fig.update_layout(**_layout(title, len(skills), showlegend=True), barmode="stack",
                      legend={"orientation": "h", "y": -0.15, "traceorder": "normal"})
    fig.update_layout(height=fig.layout.height + 60)
    fig.update_xaxes(**PERCENT_AXIS, title=None)
    fig.update_yaxes(automargin=True, type="category")
    return fig


# -- item analysis -----------------------------------------------------------------------


@text_as_text
def item_analysis_chart(df: pd.DataFrame, max_items: int = 30) -> go.Figure:
    """Percent of points earned per question with its standard, most-missed on top.
    ``df``: breakdowns.item_analysis (already most-missed first)."""
    if df.empty:
        return empty_figure("This assessment was not scored by question")
    rows = df.head(max_items).iloc[::-1]
    labels = [f"{i} · {s}" for i, s in zip(rows["item"], rows["standard"], strict=True)]
    # Questions hidden by collabplan.disclosure have no result: a grey "fewer than 10".
    small = rows["pct_earned"].isna()
    low = rows["pct_earned"] < 60
    fig = go.Figure(go.Bar(
        x=rows["pct_earned"].fillna(0.0).tolist(), y=labels, orientation="h",
        marker={"color": [STATUS_COLORS["suppressed"] if h else STATUS_COLORS["lagging"] if v
                          else STATUS_COLORS["strength"] for h, v in zip(small, low, strict=True)]},
        text=[SMALL if pd.isna(v) else f"{pct(v)} of points · {count(int(n), 'student')}" for v, n in
              zip(rows["pct_earned"], rows["students"], strict=True)],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    answered = df.dropna(subset=["pct_earned"])
    if answered.empty:
        title = f"Every question: {SMALL} answered it"
    else:
        first = answered.iloc[0]
        title = (f"Most missed: {first['item']} ({first['standard']}), "
                 f"{pct(first['pct_earned'])} of points earned")
    fig.update_layout(**_layout(title, len(rows), per_row=36, right=190))
    fig.update_xaxes(**PERCENT_AXIS, title="Points earned")
    fig.update_yaxes(automargin=True, type="category")
    return fig


# -- coach view --------------------------------------------------------------------------


def _behind(r: Any) -> tuple[float, str]:
    """How far a lagging skill is behind, and behind what: the team's median or, when that is
    further, the school's floor (a skill under the floor lags whatever the median)."""
    floor_gap = getattr(r, "floor_gap", None)
    if floor_gap is not None and not pd.isna(floor_gap) and floor_gap > r.below:
        return float(floor_gap), f"{floor_gap:.0f} points under the school's floor"
    return float(r.below), f"{r.below:.0f} points below the team's median"


@text_as_text
def coach_chart(df: pd.DataFrame, max_rows: int = 15) -> go.Figure:
    """Lagging skills across teams, ranked by how far behind they are (below their team's
    median, or under the school's floor when that is further), furthest first (the top bar);
    skills that lag in more than one team or window are marked "lags in N". The title names
    the top bar's skill, team and window. ``df``: breakdowns.coach_lagging."""
    if df.empty:
        return empty_figure("No skill lags in any team")
    behind = [_behind(r) for r in df.itertuples()]
    df = df.assign(behind=[b for b, _ in behind], behind_text=[t for _, t in behind])
    ranked = df.sort_values("behind", ascending=False, kind="stable").head(max_rows)
    rows = ranked.iloc[::-1]  # a horizontal bar chart draws its last category on top
    labels = [f"{r.skill} · {r.team} · {r.label}" for r in rows.itertuples()]
    if len(set(labels)) < len(labels) and "assessment" in rows:
        # two assessments with a "Fall" window: name the assessment, or the bars would merge
        labels = [f"{lab} · {a}" for lab, a in zip(labels, rows["assessment"], strict=True)]
    text = [f"{r.behind_text} ({pct(r.pct_proficient)}, n={r.students})"
            + (f" · lags in {r.lags_in}" if r.repeated else "") for r in rows.itertuples()]
    fig = go.Figure(go.Bar(
        x=rows["behind"].tolist(), y=labels, orientation="h",
        marker={"color": [STATUS_COLORS["lagging"] if r else STATUS_COLORS["typical"]
                          for r in rows["repeated"]]},
        text=text, textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    top = ranked.iloc[0]
    title = f"Furthest behind: {top['skill']} in {top['team']} ({top['label']}), {top['behind_text']}"
    if bool(top["repeated"]):
        title += f"; it lags in {int(top['lags_in'])} team windows"
    reach = max(float(df["behind"].max()), 10.0) * 2.1
    fig.update_layout(**_layout(title, len(rows), per_row=40))
    fig.update_xaxes(range=[0, reach], title="Points behind: below the team's median, or under "
                     "the school's floor", gridcolor=COLORS["grid"])
    fig.update_yaxes(automargin=True, type="category")
    return fig
