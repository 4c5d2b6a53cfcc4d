"""Choosing a focus: when a team's results show several lagging skills, the team rates each one
for *interest* and for *capacity for growth* (1–5) and sees the ratings beside the data
before drafting a goal ("based on their specific interest and capacity for growth").

Candidates are the skills that lag (ARCHITECTURE.md section 4: at least 10 points below the
median of the test's skills, or under the school's floor) in the team's latest testing window
of an assessment, counted over the team's own uploads and the students ``viewer`` may read;
a skill of fewer students than the minimum group size is never a candidate (its status is
"suppressed"). Ratings are kept per team × assessment × skill (migration 0015) with who rated
and when; the chosen focus per team × assessment, with the window it came from, is what
"Draft a goal" opens on. Writes: the team's teachers and leaders (``viewer.can_edit_team``),
each in the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from collabplan import audit
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.lookups import skills_of
from collabplan.goals.values import to_date
from collabplan.metrics import LOCAL, Filters, skill_summary
from collabplan.school import lagging_floor
from collabplan.text import count, pct

#: The rating scale, for interest and for capacity for growth.
SCALE = (1, 2, 3, 4, 5)
SCALE_WORDS = {1: "1 (low)", 2: "2", 3: "3", 4: "4", 5: "5 (high)"}
#: The suggested order, in the words the page shows.
ORDER_RULE = (
    "Suggested order: the skills the team rated highest for interest plus capacity for growth "
    "come first; a tie goes to the skill with the larger gap in the data (then the lower % "
    "proficient); skills not rated yet follow, largest gap first."
)
FOCUS_COLUMNS = ["order", "skill", "pct_proficient", "students", "gap", "gap_words", "interest",
                 "capacity", "together", "rated_by", "rated_at", "chosen", "window"]


def team_window(db: Database, team_id: int, assessment_id: int, *,
                viewer: Viewer = LOCAL) -> dict[str, Any] | None:
    """The team's latest testing window of the assessment (its uploads that ``viewer`` may
    read): {"administration_id", "label"}, or None when the team has no results for it."""
    df = skill_summary(db, Filters(team_id=team_id, assessment_id=assessment_id), viewer=viewer,
                       floor=0.0)
    if df.empty:
        return None
    df = df.assign(_d=df["date"].map(to_date))
    latest = df.sort_values(["_d", "administration_id"], na_position="first").iloc[-1]
    return {"administration_id": int(latest["administration_id"]), "label": str(latest["label"])}


def candidates(db: Database, team_id: int, assessment_id: int, *, viewer: Viewer = LOCAL,
               floor: float | None = None) -> pd.DataFrame:
    """The skills that lag in the team's latest window of the assessment, lowest first.

    Columns: skill, administration_id, window, students, pct_proficient, median, gap (points
    short of not lagging: the larger of the distance below the median and below the floor),
    gap_words (why it lags, in words).
    """
    cols = ["skill", "administration_id", "window", "students", "pct_proficient", "median",
            "gap", "gap_words"]
    window = team_window(db, team_id, assessment_id, viewer=viewer)
    if window is None:
        return pd.DataFrame(columns=cols)
    floor = lagging_floor(db) if floor is None else floor
    df = skill_summary(db, Filters(team_id=team_id, assessment_id=assessment_id,
                                   administration_ids=(window["administration_id"],)),
                       viewer=viewer, floor=floor)
    lag = df[df["status"] == "lagging"].copy()
    if lag.empty:
        return pd.DataFrame(columns=cols)
    lag["window"] = window["label"]
    lag["gap"] = [round(max(m - p, floor - p), 1)
                  for m, p in zip(lag["median"], lag["pct_proficient"], strict=True)]
    lag["gap_words"] = [_gap_words(p, m, floor)
                        for p, m in zip(lag["pct_proficient"], lag["median"], strict=True)]
    return lag.sort_values(["pct_proficient", "skill"])[cols].reset_index(drop=True)


def _gap_words(value: float, median: float, floor: float) -> str:
    """Why a skill lags: "12 points below the median (62%); 8 points under the school's floor"."""
    parts = []
    if median - value > 0:
        parts.append(f"{count(round(median - value), 'point')} below the median ({pct(median)})")
    if value < floor:
        parts.append(f"{count(round(floor - value), 'point')} under the school's floor "
                     f"({floor:g}%)")
    return "; ".join(parts)


def ratings(db: Database, team_id: int, assessment_id: int) -> pd.DataFrame:
    """The team's ratings for the assessment: skill, interest, capacity, rated_by, rated_at."""
    return db.query(
        "SELECT skill, interest, capacity, rated_by, rated_at FROM focus_rating"
        " WHERE team_id = ? AND assessment_id = ? ORDER BY skill", [team_id, assessment_id])


def chosen_focus(db: Database, team_id: int, assessment_id: int) -> dict[str, Any] | None:
    """The team's chosen focus for the assessment: skill, administration_id, chosen_by,
    chosen_at; None before the team chooses."""
    df = db.query("SELECT skill, administration_id, chosen_by, chosen_at FROM focus_choice"
                  " WHERE team_id = ? AND assessment_id = ?", [team_id, assessment_id])
    return None if df.empty else df.iloc[0].to_dict()


def suggested_order(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (skill, pct_proficient, gap, interest, capacity) in the order of
    :data:`ORDER_RULE`, with ``together`` (interest + capacity, None until both are rated)
    and ``order`` (1, 2, …)."""
    out = table.copy()
    both = out["interest"].notna() & out["capacity"].notna()
    out["together"] = (out["interest"] + out["capacity"]).where(both)
    out["_rated"] = both
    out = out.sort_values(["_rated", "together", "gap", "pct_proficient", "skill"],
                          ascending=[False, False, False, True, True], na_position="last")
    out["order"] = range(1, len(out) + 1)
    return out.drop(columns="_rated").reset_index(drop=True)


def focus_table(db: Database, team_id: int, assessment_id: int, *, viewer: Viewer = LOCAL,
                floor: float | None = None) -> pd.DataFrame:
    """The combined view: each candidate's figure and gap beside the team's interest and
    capacity, in the suggested order, and whether it is the chosen focus (FOCUS_COLUMNS)."""
    found = candidates(db, team_id, assessment_id, viewer=viewer, floor=floor)
    if found.empty:
        return pd.DataFrame(columns=FOCUS_COLUMNS)
    rated = ratings(db, team_id, assessment_id)
    table = found.merge(rated, on="skill", how="left")
    for col in ("interest", "capacity"):
        table[col] = table[col].astype("Float64")
    chosen = chosen_focus(db, team_id, assessment_id)
    table["chosen"] = table["skill"] == (chosen["skill"] if chosen else None)
    return suggested_order(table)[FOCUS_COLUMNS]


def _names(cur: Any, team_id: int, assessment_id: int) -> str:
    """"Grade 3 Reading, MAP Reading": the audit log's words for a team × assessment."""
    row = cur.execute("SELECT (SELECT name FROM team WHERE id = ?),"
                      " (SELECT name FROM assessment WHERE id = ?)",
                      [team_id, assessment_id]).fetchone()
    return f"{row[0] or f'team {team_id}'}, {row[1] or f'assessment {assessment_id}'}"


def _rating(value: Any, what: str, skill: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in SCALE or number != value:
        raise UserError(f"rate {what} for {skill!r} from 1 to 5", kind="input")
    return number


def rate(db: Database, team_id: int, assessment_id: int,
         given: Mapping[str, tuple[Any, Any]], *, viewer: Viewer = LOCAL) -> int:
    """Save the team's (interest, capacity) per skill; returns how many changed.

    A skill the assessment never scored is refused; a rating the same as the saved one is
    not written again. Each change is one audit row ("focus rating"), all in one transaction.
    """
    viewer.require_team(team_id, "rate this team's skills")
    known = set(skills_of(db, assessment_id))
    clean: dict[str, tuple[int, int]] = {}
    for skill, (interest, capacity) in given.items():
        if skill not in known:
            raise UserError(f"{skill!r} is not a skill of this assessment", kind="input")
        clean[skill] = (_rating(interest, "interest", skill), _rating(capacity, "capacity", skill))
    before = {r.skill: (int(r.interest), int(r.capacity))
              for r in ratings(db, team_id, assessment_id).itertuples()}
    changed = {s: v for s, v in clean.items() if before.get(s) != v}
    if not changed:
        return 0
    with db.transaction() as cur:
        where = _names(cur, team_id, assessment_id)
        for skill, (interest, capacity) in changed.items():
            # (replace, not ON CONFLICT: the shared store's writer passes no upsert on)
            cur.execute(
                "DELETE FROM focus_rating WHERE team_id = ? AND assessment_id = ? AND skill = ?",
                [team_id, assessment_id, skill])
            cur.execute(
                "INSERT INTO focus_rating (team_id, assessment_id, skill, interest, capacity,"
                " rated_by, rated_at) VALUES (?, ?, ?, ?, ?, ?, now())",
                [team_id, assessment_id, skill, interest, capacity, viewer.who])
            audit.record(cur, viewer.who, "focus rating",
                         f"{where}: {skill} interest {interest}, capacity {capacity}")
    return len(changed)


def choose(db: Database, team_id: int, assessment_id: int, skill: str, *,
           viewer: Viewer = LOCAL) -> dict[str, Any]:
    """Record ``skill`` as the team's focus for the assessment (it must lag in the team's
    latest window); returns the seed "Draft a goal" opens on (ids and names only): the team,
    assessment, skill, the window as baseline, the whole team's students, % below proficient.
    """
    viewer.require_team(team_id, "choose this team's focus")
    found = candidates(db, team_id, assessment_id, viewer=viewer)
    if skill not in set(found["skill"]):
        raise UserError(f"{skill!r} does not lag in the team's latest results: choose one of "
                        "the skills listed", kind="input")
    window = int(found.loc[found["skill"] == skill, "administration_id"].iloc[0])
    with db.transaction() as cur:
        cur.execute("DELETE FROM focus_choice WHERE team_id = ? AND assessment_id = ?",
                    [team_id, assessment_id])
        cur.execute(
            "INSERT INTO focus_choice (team_id, assessment_id, skill, administration_id,"
            " chosen_by, chosen_at) VALUES (?, ?, ?, ?, ?, now())",
            [team_id, assessment_id, skill, window, viewer.who])
        audit.record(cur, viewer.who, "focus chosen",
                     f"{_names(cur, team_id, assessment_id)}: {skill}")
    return {"team_id": team_id, "assessment_id": assessment_id, "skill": skill,
            "population": {}, "baseline_administration_id": window,
            "metric": "pct_below_proficient", "lagging": True, "focus": True}


def focus_for_goal(db: Database, team_id: int, assessment_id: int,
                   skill: str) -> dict[str, Any] | None:
    """The team's rating of a goal's skill, for the report: interest, capacity, chosen (was
    it the team's chosen focus), rated (how many skills the team rated); None if unrated."""
    rated = ratings(db, team_id, assessment_id)
    row = rated[rated["skill"] == skill]
    if row.empty:
        return None
    chosen = chosen_focus(db, team_id, assessment_id)
    return {"interest": int(row["interest"].iloc[0]), "capacity": int(row["capacity"].iloc[0]),
            "chosen": bool(chosen and chosen["skill"] == skill), "rated": len(rated)}
