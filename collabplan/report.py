"""Reports a leader can email: one self-contained HTML file, and an xlsx of goals and checkpoints.

The HTML report carries plotly.js inline once (the first chart) so it opens with no server
and no internet; every goal has its interactive progress chart, statement, baseline ->
latest -> target, actions, signposts, what worked and the next step. Other areas add their
own sections through ``collabplan.workspace.report_sections(db)`` when that exists.
Everything in it is aggregated; groups under the minimum size show "fewer than 10 students".
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from collabplan import exports
from collabplan.charts.progress import CELEBRATION, STATUS_WORDS, gap_closed_figure, progress_figure
from collabplan.db import Database
from collabplan.goals.actions import list_actions
from collabplan.goals.progress import checkpoint_table, gap_summary, goal_overview, journey_text
from collabplan.goals.signposts import signposts_for_goal
from collabplan.goals.values import to_date
from collabplan.text import METRIC_LABELS, fewer_than

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}

CSS = """
body { font-family: "Source Sans Pro", Arial, sans-serif; color: #1d2733; margin: 0 auto;
       max-width: 1100px; padding: 24px; line-height: 1.45; }
h1 { font-size: 2em; margin-bottom: 0.2em; } h2 { margin-top: 2em; border-top: 2px solid #e6e9ee;
padding-top: 1em; } h3 { margin-bottom: 0.3em; }
.meta { color: #5b6675; } .statement { font-size: 1.25em; font-weight: 600; }
.journey { font-size: 1.15em; } .status { display: inline-block; padding: 2px 10px;
border-radius: 12px; background: #e6e9ee; font-weight: 600; }
.status.behind { background: #fde7cc; } .status.on-track, .status.met { background: #d6e4f5; }
table { border-collapse: collapse; margin: 0.5em 0 1em; } th, td { border: 1px solid #d9dde2;
padding: 4px 10px; text-align: left; vertical-align: top; } th { background: #f3f5f8; }
.empty { color: #5b6675; font-style: italic; } .chart { margin: 0.5em 0; }
@media print { .chart { page-break-inside: avoid; } }
"""


def _esc(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def table_html(df: pd.DataFrame, empty: str) -> str:
    """A small escaped HTML table (or a sentence saying there is nothing yet)."""
    if df.empty:
        return f'<p class="empty">{_esc(empty)}</p>'
    head = "".join(f"<th>{_esc(c)}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>"
        for row in df.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class _Charts:
    """Turns figures into HTML, carrying plotly.js inline with the first one only."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, fig: go.Figure) -> str:
        first = self.count == 0
        self.count += 1
        div = fig.to_html(full_html=False, include_plotlyjs=first, config=PLOTLY_CONFIG,
                          default_height="460px")
        return f'<div class="chart">{div}</div>'


def build_html_report(
    overview: pd.DataFrame,
    points: dict[int, pd.DataFrame],
    actions: dict[int, pd.DataFrame],
    signposts: dict[int, pd.DataFrame],
    sections: list[tuple[str, str]] | None = None,
    *,
    title: str = "Goals and progress",
    generated: dt.datetime | None = None,
) -> str:
    """The whole report as one HTML document (no external files or scripts)."""
    generated = generated or dt.datetime.now()
    chart = _Charts()
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_esc(title)}</h1>",
        f'<p class="meta">Made {generated:%d %B %Y at %H:%M}. Numbers for groups of fewer '
        f"students than the minimum show as “{_esc(fewer_than())}”. "
        "No student names or ids are in this report.</p>",
    ]
    if overview.empty:
        parts.append('<p class="empty">No goals yet: a team drafts one on "Draft a goal".</p>')
    else:
        parts.append("<h2>Every goal at a glance</h2>")
        parts.append(chart(gap_closed_figure(gap_summary(overview))))
        for _, row in overview.iterrows():
            gid = int(row["goal_id"])
            parts.append(_goal_section(row, points[gid], actions.get(gid, pd.DataFrame()),
                                       signposts.get(gid, pd.DataFrame()), chart))
    for section_title, fragment in sections or []:
        parts.append(f"<h2>{_esc(section_title)}</h2>{fragment}")
    parts.append("</body></html>")
    return "\n".join(parts)


def _goal_section(row: pd.Series, pts: pd.DataFrame, actions: pd.DataFrame,
                  signposts: pd.DataFrame, chart: Callable[[go.Figure], str]) -> str:
    status = str(row["status"])
    mark = f" {CELEBRATION}" if status == "met" else ""
    fig = progress_figure(pts, metric=row["metric"], target_value=_num(row["target_value"]),
                          target_date=to_date(row["target_date"]), status=status)
    shown_actions = actions[[c for c in ("what", "who", "status", "evidence") if c in actions]]
    shown_signposts = signposts.assign(
        done=signposts["done"].map(lambda d: "yes" if d else "not yet")
    )[["date", "how_going", "resources", "decisions", "done"]].rename(columns={
        "how_going": "how it is going", "resources": "resources needed",
        "decisions": "decisions taken"}) if not signposts.empty else signposts
    return "\n".join([
        f"<h2>{_esc(row['name'])}{mark}</h2>",
        f'<p class="meta">{_esc(row["assessment"])} · priority: '
        f'{_esc(row["priority"]) or "none yet"} · goal {_esc(row["lifecycle"])}</p>',
        f'<p class="statement">{_esc(row["statement"])}</p>',
        f'<p class="journey">{_esc(journey_text(row))} '
        f'<span class="status {status.replace(" ", "-")}">'
        f"{_esc(STATUS_WORDS.get(status, status))}</span></p>",
        chart(fig),
        "<h3>Checkpoints</h3>",
        table_html(checkpoint_table(pts), "No checkpoints yet."),
        "<h3>What the team tried</h3>",
        table_html(shown_actions, "No actions written down yet."),
        "<h3>What worked</h3>",
        f"<p>{_esc(row['what_worked']) or '<span class=empty>Not written yet.</span>'}</p>",
        "<h3>Next step</h3>",
        f"<p>{_esc(row['next_step']) or '<span class=empty>Not written yet.</span>'}</p>",
        "<h3>Signposts</h3>",
        table_html(shown_signposts, "No signposts scheduled yet."),
    ])


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def workspace_sections(db: Database) -> list[tuple[str, str]]:
    """Sections the collaboration workspace adds to the report (none until it exists)."""
    try:
        workspace = importlib.import_module("collabplan.workspace")
    except ImportError:
        return []
    fn = getattr(workspace, "report_sections", None)
    return list(fn(db)) if fn else []


def html_report(db: Database, title: str = "Goals and progress") -> str:
    """The HTML report of every goal (drafts included) straight from the database."""
    overview, points = goal_overview(db)
    ids = [int(i) for i in overview["goal_id"]]
    actions = {gid: list_actions(db, gid) for gid in ids}
    posts = {gid: signposts_for_goal(db, gid) for gid in ids}
    return build_html_report(overview, points, actions, posts, workspace_sections(db), title=title)


GOAL_SHEET_COLUMNS = {
    "goal_id": "goal id", "team": "team", "priority": "priority", "assessment": "assessment",
    "skill": "skill", "metric": "measure", "statement": "goal", "baseline_label": "baseline window",
    "baseline_value": "baseline %", "latest_label": "latest window", "latest_value": "latest %",
    "target_value": "target %", "target_date": "target date", "status": "progress",
    "gap_closed": "% of gap closed", "lifecycle": "goal step", "what_worked": "what worked",
    "next_step": "next step",
}


def workbook_frames(overview: pd.DataFrame, points: dict[int, pd.DataFrame],
                    signposts: dict[int, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The sheets of the goals workbook: Goals, Checkpoints, Signposts (numbers as numbers)."""
    goals_sheet = overview[list(GOAL_SHEET_COLUMNS)].rename(columns=GOAL_SHEET_COLUMNS)
    goals_sheet["measure"] = goals_sheet["measure"].map(METRIC_LABELS).fillna(goals_sheet["measure"])
    rows = []
    for _, g in overview.iterrows():
        for _, p in points[int(g["goal_id"])].iterrows():
            small = bool(p["suppressed"])
            rows.append({
                "goal id": int(g["goal_id"]), "team": g["team"], "skill": g["skill"],
                "kind": p["kind"], "assessment": p["assessment"], "window": p["label"],
                "date": p["date"],
                "value %": None if small else p["value"],
                "students": fewer_than() if small else int(p["students"]),
                "straight line %": p["expected"],
                "on track": None if p["kind"] == "baseline" or p["on_track"] is None
                or pd.isna(p["on_track"]) else ("yes" if p["on_track"] else "no"),
            })
    checkpoints = pd.DataFrame(rows, columns=["goal id", "team", "skill", "kind", "assessment",
                                              "window", "date", "value %", "students",
                                              "straight line %", "on track"])
    posts = [s.assign(goal_id=gid) for gid, s in signposts.items() if not s.empty]
    signpost_sheet = (pd.concat(posts) if posts else pd.DataFrame(
        columns=["goal_id", "date", "how_going", "resources", "decisions", "done"]))
    signpost_sheet = signpost_sheet[["goal_id", "date", "how_going", "resources", "decisions",
                                     "done"]].rename(columns={
        "goal_id": "goal id", "how_going": "how it is going", "resources": "resources needed",
        "decisions": "decisions taken"})
    return {"Goals": goals_sheet, "Checkpoints": checkpoints, "Signposts": signpost_sheet}


def goals_xlsx(db: Database) -> bytes:
    """The goals workbook as xlsx bytes; every text cell is formula-safe (section 7)."""
    overview, points = goal_overview(db)
    posts = {int(gid): signposts_for_goal(db, int(gid)) for gid in overview["goal_id"]}
    return exports.to_xlsx_bytes(workbook_frames(overview, points, posts))
