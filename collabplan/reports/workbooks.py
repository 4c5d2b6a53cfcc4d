"""The goals workbook a leader can download: Goals, Checkpoints and Signposts sheets.

Numbers stay numbers; every text cell is formula-safe (``collabplan.exports``), and groups
under the minimum size show "fewer than 10 students" instead of a value.
"""

from __future__ import annotations

import pandas as pd

from collabplan import exports
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.goals.model import LOCAL
from collabplan.goals.progress import goal_overview
from collabplan.goals.signposts import signposts_for_goal
from collabplan.text import METRIC_LABELS, fewer_than

GOAL_SHEET_COLUMNS = {
    "goal_id": "goal id", "team": "team", "priority": "priority", "assessment": "assessment",
    "skill": "skill", "metric": "measure", "statement": "goal", "baseline_label": "baseline window",
    "baseline_value": "baseline %", "latest_label": "latest window", "latest_value": "latest %",
    "target_value": "target %", "target_date": "target date", "status": "progress",
    "gap_closed": "% of gap closed", "gap_note": "beyond 0-100%", "lifecycle": "goal step", "what_worked": "what worked",
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


def goals_xlsx(db: Database, *, viewer: Viewer = LOCAL) -> bytes:
    """The goals workbook as xlsx bytes; every text cell is formula-safe (section 7).

    Goals and figures only (no student row); figures count the students ``viewer`` may read."""
    overview, points = goal_overview(db, viewer=viewer)
    posts = {int(gid): signposts_for_goal(db, int(gid)) for gid in overview["goal_id"]}
    return exports.to_xlsx_bytes(workbook_frames(overview, points, posts))
