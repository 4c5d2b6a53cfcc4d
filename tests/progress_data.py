"""A small multi-window school for the progress tests, written with parameterised SQL.

Two assessments (a benchmark given three times and a common assessment given once between
windows), one skill followed across both, and students whose names and ids must never show
in projection mode. ``expected`` recomputes a checkpoint from the generating rows alone.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field

import pandas as pd

from collabplan.db import Database
from collabplan.goals import actions, signposts
from collabplan.ingest import store
from tests.factories import score_table

BENCHMARK = (("Fall", dt.date(2025, 9, 15)), ("Winter", dt.date(2026, 1, 20)),
             ("Spring", dt.date(2026, 5, 10)))
COMMON = (("Unit 4", dt.date(2025, 11, 20)),)
SKILLS = ("Vocabulary", "Fluency")


@dataclass
class School:
    team_id: int
    priority_id: int
    benchmark_id: int
    common_id: int
    windows: dict[tuple[str, str], int]           # (assessment, term) -> administration id
    rows: list[tuple[str, str, str, str, float]] = field(default_factory=list)
    # (assessment, term, student key, skill, fraction)
    names: list[str] = field(default_factory=list)
    local_ids: list[str] = field(default_factory=list)


def load_school(db: Database, students: int = 24, seed: int = 3,
                growth: float = 0.08) -> School:
    rng = random.Random(seed)
    with db.transaction() as cur:
        team_id = cur.execute("INSERT INTO team (name) VALUES ('Grade 3 team') RETURNING id").fetchone()[0]
        priority_id = cur.execute(
            "INSERT INTO priority (title, position) VALUES ('Reading success for every student', 1)"
            " RETURNING id").fetchone()[0]
        upload_id = cur.execute(
            "INSERT INTO upload (file_name, sha256, team_id) VALUES ('map.csv', 'sha-progress', ?)"
            " RETURNING id", [team_id]).fetchone()[0]
        ids, windows = {}, {}
        for name, sittings in (("MAP Reading", BENCHMARK), ("Unit 4 CFA", COMMON)):
            ids[name] = cur.execute(
                "INSERT INTO assessment (name, kind, cut) VALUES (?, 'percent', 0.8) RETURNING id",
                [name]).fetchone()[0]
            for term, day in sittings:
                windows[(name, term)] = cur.execute(
                    "INSERT INTO administration (assessment_id, term, date, label)"
                    " VALUES (?, ?, ?, ?) RETURNING id",
                    [ids[name], term, day, f"{term} {day.year}"]).fetchone()[0]
        school = School(team_id, priority_id, ids["MAP Reading"], ids["Unit 4 CFA"], windows)
        sittings = [("MAP Reading", t, d) for t, d in BENCHMARK] + [("Unit 4 CFA", t, d) for t, d in COMMON]
        score_rows: list[dict] = []
        for n in range(students):
            first, last = f"Zorbina{n:02d}", f"Quillfeather{n:02d}"
            local_id = f"77{n:04d}"
            sid = cur.execute(
                "INSERT INTO student (student_key, local_id, display_name, first_name, last_name,"
                " grade, class_name, teacher) VALUES (?, ?, ?, ?, ?, '3', '3A', 'Ms Lee') RETURNING id",
                [f"id:{local_id}", local_id, f"{first} {last}", first, last]).fetchone()[0]
            school.names += [f"{first} {last}", first, last]
            school.local_ids.append(local_id)
            ability = rng.uniform(0.55, 0.9)
            for name, term, day in sittings:
                step = (day - BENCHMARK[0][1]).days / 100.0
                for skill in SKILLS:
                    if rng.random() < 0.08:
                        continue  # absent
                    frac = round(min(max(ability + growth * step + rng.uniform(-0.06, 0.06), 0), 1), 3)
                    score_rows.append({
                        "upload_id": upload_id, "administration_id": windows[(name, term)],
                        "student_id": sid, "skill": skill, "fraction": frac,
                        "proficient": frac >= 0.8, "grade": "3", "class_name": "3A",
                        "teacher": "Ms Lee"})
                    school.rows.append((name, term, f"id:{local_id}", skill, frac))
        store.write_score_rows(cur, score_table(score_rows))
    return school


def add_goal(db: Database, school: School, *, skill: str = "Vocabulary",
             metric: str = "pct_proficient", target: float = 80.0,
             target_date: dt.date = dt.date(2026, 6, 1), status: str = "active",
             follow_common: bool = False, what_worked: str | None = None,
             next_step: str | None = None) -> int:
    with db.transaction() as cur:
        return int(cur.execute(
            "INSERT INTO goal (team_id, priority_id, assessment_id, skill, metric, population,"
            " baseline_administration_id, target_value, target_date, why, status,"
            " follow_assessment_ids, what_worked, next_step)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'our readers stall on new words', ?, ?, ?, ?)"
            " RETURNING id",
            [school.team_id, school.priority_id, school.benchmark_id, skill, metric,
             json.dumps({"grade": "3"}), school.windows[("MAP Reading", "Fall")], target,
             target_date, status, [school.common_id] if follow_common else [], what_worked,
             next_step]).fetchone()[0])


def expected(school: School, assessment: str, term: str, skill: str,
             metric: str = "pct_proficient") -> tuple[float, int]:
    """The metric straight from the generating rows: (value 0–100 one decimal, students)."""
    chosen = [f for a, t, _k, s, f in school.rows if a == assessment and t == term and s == skill]
    pct = 100.0 * sum(f >= 0.8 for f in chosen) / len(chosen)
    return round(pct if metric == "pct_proficient" else 100.0 - pct, 1), len(chosen)


def straight_line(base: float, base_date: dt.date, target: float, target_date: dt.date,
                  at: dt.date) -> float:
    share = (at - base_date).days / (target_date - base_date).days
    return round(base + (target - base) * min(max(share, 0.0), 1.0), 1)


def points_frame(*rows: dict) -> pd.DataFrame:
    """Progress points as ``goal_overview`` gives them, with the optional columns filled in."""
    base = {"expected": None, "on_track": None, "suppressed": False}
    return pd.DataFrame([{**base, **r} for r in rows])


#: A baseline, two checkpoints and a suppressed one: the rows the progress chart and table read.
POINTS = points_frame(
    {"kind": "baseline", "label": "Fall 2025", "date": dt.date(2025, 9, 15), "value": 40.0, "students": 50},
    {"kind": "checkpoint", "label": "Winter 2026", "date": dt.date(2026, 1, 15), "value": 52.0,
     "students": 48, "expected": 50.0, "on_track": True},
    {"kind": "checkpoint", "label": "Unit 4 CFA", "date": dt.date(2026, 2, 15), "value": 50.0,
     "students": 47, "expected": 53.0, "on_track": False},
    {"kind": "checkpoint", "label": "Small retest", "date": dt.date(2026, 3, 1), "value": None,
     "students": 6, "expected": 55.0, "suppressed": True},
)


def school_with_goals(db: Database) -> tuple[School, int, int]:
    """The school with a met goal (formula-like and HTML-like text, an action) and a goal behind
    (a signpost whose notes start with "-"): what the report and workbook tests read."""
    school = load_school(db)
    latest, _ = expected(school, "MAP Reading", "Spring", "Vocabulary")
    met = add_goal(db, school, target=latest - 1, what_worked="=HYPERLINK(\"http://x\")",
                   next_step="Share word walls with grade 4")
    behind = add_goal(db, school, skill="Fluency", target=99.0)
    actions.add_action(db, met, what="Daily word wall <b>routine</b>", who="Ms Lee", status="done")
    signposts.add_signpost(db, behind, dt.date(2026, 2, 1), how_going="slow start",
                           resources="-1 extra coach hour", decisions="regroup weekly")
    return school, met, behind
