"""The HTML report a leader can email: one self-contained file.

It carries plotly.js inline once (the first chart) so it opens with no server and no
internet; every goal has its interactive progress chart, statement, baseline -> latest ->
target, actions, signposts, what worked and the next step, and the planning workspaces follow.
Everything in it is aggregated; groups under the minimum size show "fewer than 10 students".
The page comes from ``templates/report.html.j2`` and ``goal.html.j2`` (autoescape on).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from markupsafe import Markup

from collabplan.access import Viewer
from collabplan.charts.progress import CELEBRATION, STATUS_WORDS, gap_closed_figure, progress_figure
from collabplan.db import Database
from collabplan.goals.actions import list_actions
from collabplan.goals.focus import focus_for_goal
from collabplan.goals.model import LOCAL, get_goal
from collabplan.goals.progress import checkpoint_table, gap_summary, goal_overview, journey_text
from collabplan.goals.signposts import signposts_for_goal
from collabplan.goals.values import to_date
from collabplan.reports.render import chart, render
from collabplan.reports.workspace import workspace_sections
from collabplan.text import count, fewer_than, gap_text, pct_exact


def table(frame: pd.DataFrame) -> dict[str, list]:
    """A DataFrame as the header and rows the templates' ``table`` macro takes."""
    return {"header": list(frame.columns), "rows": [list(row) for row in frame.itertuples(index=False)]}


def build_html_report(
    overview: pd.DataFrame,
    points: dict[int, pd.DataFrame],
    actions: dict[int, pd.DataFrame],
    signposts: dict[int, pd.DataFrame],
    sections: list[tuple[str, Markup]] | None = None,
    *,
    title: str = "Goals and progress",
    generated: dt.datetime | None = None,
    focus: dict[int, dict[str, Any]] | None = None,
) -> str:
    """The whole report as one HTML document (no external files or scripts).

    ``sections`` are (title, markup) pairs rendered by this package's templates. ``focus``:
    per goal id, the team's rating of its skill (``goals.focus.focus_for_goal``), if rated.
    """
    generated = generated or dt.datetime.now()
    shown = []
    overview_chart = None
    if not overview.empty:
        overview_chart = chart(gap_closed_figure(gap_summary(overview)), with_plotlyjs=True)
        for _, row in overview.iterrows():
            gid = int(row["goal_id"])
            shown.append(_goal(row, points[gid], actions.get(gid, pd.DataFrame()),
                               signposts.get(gid, pd.DataFrame()), (focus or {}).get(gid)))
    return str(render(
        "report.html.j2",
        title=title,
        generated=f"{generated:%d %B %Y at %H:%M}",
        fewer=fewer_than(),
        overview_chart=overview_chart,
        goals=shown,
        sections=sections or [],
    ))


def focus_text(rated: dict[str, Any] | None) -> str | None:
    """The team's interest and capacity for a goal's skill in words (None when not rated)."""
    if not rated:
        return None
    scores = (f"interest {rated['interest']} and capacity for growth {rated['capacity']} "
              f"(of 5), among {count(rated['rated'], 'skill')} the team rated")
    if rated["chosen"]:
        return f"The team's chosen focus: {scores}."
    return f"Rated by the team when choosing a focus: {scores}."


def _goal(row: pd.Series, pts: pd.DataFrame, actions: pd.DataFrame,
          signposts: pd.DataFrame, rated: dict[str, Any] | None = None) -> dict[str, Any]:
    """What ``goal.html.j2`` shows of one goal (plotly.js came with the overview chart)."""
    status = str(row["status"])
    fig = progress_figure(pts, metric=row["metric"], target_value=_num(row["target_value"]),
                          target_date=to_date(row["target_date"]), status=status)
    shown_actions = actions[[c for c in ("what", "who", "status", "evidence") if c in actions]]
    shown_signposts = signposts.assign(
        done=signposts["done"].map(lambda d: "yes" if d else "not yet")
    )[["date", "how_going", "resources", "decisions", "done"]].rename(columns={
        "how_going": "how it is going", "resources": "resources needed",
        "decisions": "decisions taken"}) if not signposts.empty else signposts
    return {
        "name": row["name"],
        "mark": f" {CELEBRATION}" if status == "met" else "",
        "assessment": row["assessment"],
        "priority": row["priority"],
        "lifecycle": row["lifecycle"],
        "statement": row["statement"],
        "focus": focus_text(rated),
        "journey": journey_text(row),
        "gap": gap_text(row["gap_closed"], row["gap_note"]),
        "baseline_note": (
            f"The baseline agreed when the goal was posted is {pct_exact(row['baseline_value'])}; "
            f"the data now says {pct_exact(row['baseline_now_value'])}."
            if bool(row["baseline_changed"]) else None
        ),
        "status_class": status.replace(" ", "-"),
        "status_words": STATUS_WORDS.get(status, status),
        "chart": chart(fig, with_plotlyjs=False),
        "checkpoints": table(checkpoint_table(pts)),
        "actions": table(shown_actions),
        "what_worked": row["what_worked"],
        "next_step": row["next_step"],
        "signposts": table(shown_signposts),
    }


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def html_report(
    db: Database, title: str = "Goals and progress", *, viewer: Viewer = LOCAL
) -> str:
    """The HTML report of every goal (drafts included) straight from the database.

    Goals and figures only, never a student row; the figures count the students ``viewer``
    may read (a teacher: their own teams' uploads)."""
    overview, points = goal_overview(db, viewer=viewer)
    ids = [int(i) for i in overview["goal_id"]]
    actions = {gid: list_actions(db, gid) for gid in ids}
    posts = {gid: signposts_for_goal(db, gid) for gid in ids}
    goals = [get_goal(db, gid) for gid in ids]
    focus = {g.id: focus_for_goal(db, g.team_id, g.assessment_id, g.skill) for g in goals}
    return build_html_report(overview, points, actions, posts, workspace_sections(db), title=title,
                             focus=focus)
