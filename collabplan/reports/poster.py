"""The goal poster (the guides' "Goal Planning Organizer"): one printable page per goal, for a
team to pin its goal on a wall and gather colleagues' notes on it.

Each page carries the team, the goal statement, why, the baseline → target chart, the
actions (who, by when, status), the school priority it serves, and three ruled boxes left
empty for handwriting once printed ("Notes from colleagues", "Questions", "Resources to
share"). The chart is an inline SVG drawn from the goal's numbers (``goals.progress`` on
the baseline in force from ``goals.baseline``), never typed, so it prints crisply with no
JavaScript. Print CSS makes one goal exactly one letter-size page: the browser's print
makes the PDF.

Privacy (ARCHITECTURE.md section 7): aggregates only, and a figure that rests on fewer than
the minimum group size is not shown; it reads "fewer than 10 students" instead, as in the
HTML report. The document comes from ``templates/poster.html.j2`` (autoescape on): every
text from the database is passed as a plain value, the chart as numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from collabplan.access import Viewer
from collabplan.charts.progress import CELEBRATION, STATUS_WORDS
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.actions import list_actions
from collabplan.goals.model import LIFECYCLE_LABELS, Goal, get_goal, list_goals
from collabplan.goals.progress import GoalProgress, Point, goal_progress
from collabplan.goals.statement import statement_text
from collabplan.reports.render import blank, render
from collabplan.text import (
    METRIC_LABELS,
    describe_population,
    fewer_than,
    long_date,
    pct_exact,
    short_date,
)

#: The actions a page has room for; the rest are counted ("and 3 more on the goal page").
MAX_ACTIONS = 6
#: Longest "why" and action text a page prints (a wall poster, not the whole record).
MAX_WHY = 300
MAX_ACTION = 110
#: The handwriting boxes, in the order they are printed.
NOTE_BOXES = ("Notes from colleagues", "Questions", "Resources to share")

# The chart's drawing box (SVG user units; the SVG scales to the page width).
WIDTH, HEIGHT = 1000, 360
LEFT, RIGHT, TOP, BOTTOM = 70, 40, 24, 100
#: How far under the 0% line a value label may go (the dates are written below that).
UNDER_AXIS = 30


@dataclass(frozen=True)
class ChartPoint:
    """One point as the template draws it: where, what its label says, what kind it is."""

    x: float
    y: float | None  # None: no figure to draw (its group is too small)
    value: str
    when: str
    kind: str  # baseline | on track | behind | checkpoint | target | small
    row: int  # 0 or 1: which line under the axis its date goes on (so close dates do not overlap)
    label_y: float | None = None  # where its value is written: on the side away from the line


def _label_y(y: float, below: bool) -> float:
    """A value label's y: below or above its point, flipped when it would leave the plot."""
    if below and y + 36 > HEIGHT - BOTTOM + UNDER_AXIS:
        below = False
    elif not below and y - 16 < TOP + 20:
        below = True
    return round(y + 36 if below else y - 16, 1)


def _clip(value: Any, limit: int) -> str:
    """``value`` cut to ``limit`` characters at a word, with "…" when cut ("" for none/NaN)."""
    words = " ".join(("" if blank(value) == "" else str(value)).split())
    if len(words) <= limit:
        return words
    return words[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _y(value: float) -> float:
    """A percentage (fixed 0–100 axis, as every chart here) as the SVG's y."""
    return round(TOP + (100.0 - max(0.0, min(100.0, value))) / 100.0 * (HEIGHT - TOP - BOTTOM), 1)


def _when(point: Point) -> str:
    if point.date is None or short_date(point.date) in point.label \
            or long_date(point.date) in point.label:
        return point.label
    return f"{point.label} · {short_date(point.date)}"


def chart_geometry(progress: GoalProgress) -> dict[str, Any] | None:
    """Where the baseline, each checkpoint, the target and the on-track line go on the page.

    None when there is no baseline figure to draw (nobody scored, or fewer than the minimum
    group size): the page says so in words instead of an empty chart. Checkpoints whose group
    is too small keep their place on the time axis with "fewer than 10 students" and no point.
    x follows the dates (baseline to the later of the target date and the last checkpoint);
    without dates the points are spaced evenly in order.
    """
    base = progress.baseline
    if base.value is None:
        return None
    stops: list[tuple[Point | None, str]] = [(base, "baseline")]
    stops += [(p, "checkpoint") for p in progress.checkpoints]
    target = progress.target_value
    if target is not None:
        stops.append((None, "target"))
    dates = [p.date for p, _ in stops if p is not None]
    dated = base.date is not None and all(d is not None for d in dates)
    end = progress.target_date
    if dated:
        last = max(d for d in dates if d is not None)
        end = max(end, last) if end is not None else last
    span = (end - base.date).days if dated and end is not None else 0
    plot_w = WIDTH - LEFT - RIGHT

    def x_at(i: int, day: dt.date | None) -> float:
        if span > 0 and day is not None:
            return round(LEFT + (day - base.date).days / span * plot_w, 1)
        return round(LEFT + (i / max(len(stops) - 1, 1)) * plot_w, 1)

    points: list[ChartPoint] = []
    for i, (p, kind) in enumerate(stops):
        if p is None:  # the target
            x = x_at(i, progress.target_date) if span > 0 and progress.target_date else \
                LEFT + plot_w
            y = _y(target)
            points.append(ChartPoint(x, y, f"Target {pct_exact(target)}",
                                     "by " + short_date(progress.target_date)
                                     if progress.target_date else "no date yet",
                                     "target", i % 2, _label_y(y, False)))
            continue
        x = x_at(i, p.date)
        if p.value is None:
            points.append(ChartPoint(x, None, fewer_than(), _when(p), "small", i % 2))
            continue
        shown, y = kind, _y(p.value)
        if kind == "checkpoint" and p.on_track is not None:
            shown = "on track" if p.on_track else "behind"
        # The label goes on the side away from the on-track line (the baseline: away from
        # the target), so line and label never cross.
        line_y = _y(p.expected) if p.expected is not None else (
            _y(target) if kind == "baseline" and target is not None else y - 1)
        points.append(ChartPoint(x, y, pct_exact(p.value), _when(p), shown, i % 2,
                                 _label_y(y, below=y >= line_y)))
    measured = [pt for pt in points if pt.y is not None and pt.kind != "target"]
    line = None
    if target is not None and progress.target_date is not None and dated and span > 0:
        line = {"x1": points[0].x, "y1": points[0].y,
                "x2": x_at(len(stops) - 1, progress.target_date), "y2": _y(target)}
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
        "top": TOP, "bottom": HEIGHT - BOTTOM,
        "grid": [{"y": _y(v), "label": f"{v}%"} for v in (0, 25, 50, 75, 100)],
        "points": points,
        "path": " ".join(f"{'M' if i == 0 else 'L'} {p.x} {p.y}" for i, p in enumerate(measured)),
        "on_track_line": line,
    }


def _no_chart_words(progress: GoalProgress) -> str:
    """Why a page has no chart, in words: no baseline figure, and what would give one."""
    base = progress.baseline
    if base.students == 0:
        return (f"No baseline yet: nobody in the group this goal is about has a score on {base.label}. "
                "The chart appears once the results are uploaded.")
    return (f"The baseline rests on {fewer_than()}, so no figure is shown: "
            "a wider group gives a chart that names nobody.")


def _actions(db: Database, goal_id: int) -> tuple[list[dict[str, str]], int]:
    """The actions a page prints (what, who, by when, status) and how many more there are."""
    frame = list_actions(db, goal_id)
    rows = []
    for r in frame.head(MAX_ACTIONS).to_dict("records"):
        rows.append({
            "what": _clip(r["what"], MAX_ACTION),
            "who": _clip(r["who"], 40) or "not named",
            "due": short_date(r["due_date"], none="no date"),
            "status": str(r["status"]),
        })
    return rows, max(len(frame) - MAX_ACTIONS, 0)


def _page(db: Database, goal: Goal, viewer: Viewer) -> dict[str, Any]:
    """What ``poster.html.j2`` prints of one goal."""
    progress = goal_progress(db, goal.id, viewer=viewer)
    base, latest = progress.baseline, progress.latest
    actions, more = _actions(db, goal.id)
    status = progress.status
    return {
        "id": goal.id,
        "team": goal.team or "Team not named",
        "lifecycle": LIFECYCLE_LABELS.get(goal.status, goal.status),
        "statement": statement_text(goal.metric, goal.skill, goal.population, base.value,
                                    goal.target_value, goal.target_date),
        "who": describe_population(goal.population),
        "assessment": goal.assessment or "",
        "measure": METRIC_LABELS.get(goal.metric, goal.metric),
        "why": _clip(goal.why, MAX_WHY),
        "priority": goal.priority,
        "baseline": fewer_than() if base.value is None and base.students else pct_exact(base.value),
        "baseline_when": base.label,
        "latest": "no checkpoint yet" if latest is None else pct_exact(latest.value),
        "latest_when": None if latest is None else latest.label,
        "target": pct_exact(goal.target_value) if goal.target_value is not None
        else "not set yet",
        "target_when": long_date(goal.target_date) if goal.target_date else None,
        "status": (f"{CELEBRATION} " if status == "met" else "") + STATUS_WORDS.get(status, status),
        "chart": chart_geometry(progress),
        "no_chart": _no_chart_words(progress),
        "no_target": goal.target_value is None,
        "actions": actions,
        "more_actions": more,
    }


def _document(db: Database, viewer: Viewer, goals: list[Goal],
              made: dt.date | None = None) -> str:
    made = made or dt.date.today()
    one = goals[0] if len(goals) == 1 else None
    title = (f"Goal poster: {one.team}, {one.skill}" if one else "Goal posters")
    return str(render(
        "poster.html.j2",
        title=title,
        made=long_date(made),
        fewer=fewer_than(),
        pages=[_page(db, g, viewer) for g in goals],
        boxes=NOTE_BOXES,
    ))


def poster(db: Database, viewer: Viewer, goal_id: int, *, made: dt.date | None = None) -> str:
    """One goal's poster: a whole HTML document of one printable letter page.

    Figures count the students ``viewer`` may read (a teacher: their own teams' uploads), as
    on the goal page. UserError (one line) when there is no such goal.
    """
    return _document(db, viewer, [get_goal(db, int(goal_id))], made)


def posters(db: Database, viewer: Viewer, goal_ids: list[int] | None = None, *,
            made: dt.date | None = None) -> str:
    """Every goal's poster (or those of ``goal_ids``, in that order), one page each, in one
    HTML document. Every role reads every team's goals (the goal board), so ``None`` is every
    goal, drafts included, team by team. UserError when there is no goal to print."""
    goals = list_goals(db) if goal_ids is None else [get_goal(db, int(i)) for i in goal_ids]
    if not goals:
        raise UserError("there is no goal to print yet: a team drafts one on Draft a goal",
                        kind="state")
    return _document(db, viewer, goals, made)
