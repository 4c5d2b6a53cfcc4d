"""Rows for goal tests, inserted straight into the schema with parameterised SQL.

``school_export`` generates a small school's multi-window results the way an export would
hold them (one row per student, skill and window) and loads them; tests compute the
expected metrics independently from the returned rows.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from collabplan.db import Database
from collabplan.goals.as_json import cli_add_goal
from collabplan.goals.model import create_goal
from collabplan.ingest import store
from tests.factories import score_table

SKILLS = ("Vocabulary", "Comprehension", "Phonics", "Fluency")


@dataclass
class Row:
    student: str
    grade: str
    class_name: str
    teacher: str
    groups: tuple[str, ...]
    window: str
    skill: str
    fraction: float

    @property
    def proficient(self) -> bool:
        return self.fraction >= 0.8


@dataclass
class Export:
    assessment_id: int
    assessment: str
    upload_id: int
    windows: dict[str, int]  # term -> administration id
    dates: dict[str, dt.date]
    rows: list[Row] = field(default_factory=list)


def make_team(db: Database, name: str) -> int:
    with db.transaction() as cur:
        return int(
            cur.execute("INSERT INTO team (name) VALUES (?) RETURNING id", [name]).fetchone()[0]
        )


def make_priority(db: Database, title: str) -> int:
    with db.transaction() as cur:
        return int(
            cur.execute("INSERT INTO priority (title) VALUES (?) RETURNING id", [title]).fetchone()[
                0
            ]
        )


def school_export(
    db: Database,
    *,
    name: str = "Grade 3 Reading CFA",
    windows: tuple[tuple[str, dt.date], ...] = (
        ("Fall", dt.date(2025, 9, 15)),
        ("Winter", dt.date(2026, 1, 20)),
    ),
    seed: int = 7,
    team_id: int | None = None,
    growth: dict[str, float] | None = None,
    file_name: str | None = None,
) -> Export:
    """Load a school's results: grades 3 and 4, four classes (one of 6 students), ELL flags.

    Each student's skill fraction moves by ``growth[skill]`` (default 0.05) per window, plus
    noise; some scores are missing (no row), as an absent mark would be.
    """
    rng = random.Random(seed)
    growth = growth or {"Vocabulary": 0.06, "Comprehension": 0.04, "Phonics": 0.02, "Fluency": 0.08}
    classes = [
        ("3", "3A", "Ms Lee", 18),
        ("3", "3B", "Mr Diaz", 17),
        ("4", "4A", "Ms Park", 20),
        ("4", "4B", "Mr Ode", 6),
    ]
    ability = {"Vocabulary": 0.74, "Comprehension": 0.82, "Phonics": 0.88, "Fluency": 0.8}
    with db.transaction() as cur:
        assessment_id = int(
            cur.execute(
                "INSERT INTO assessment (name, subject, kind, cut) VALUES (?, 'Reading', 'percent', 0.8)"
                " RETURNING id",
                [name],
            ).fetchone()[0]
        )
        upload_id = int(
            cur.execute(
                "INSERT INTO upload (file_name, sha256, team_id, rows_read) VALUES (?, ?, ?, 0) RETURNING id",
                [file_name or f"{name}.xlsx", f"sha-{name}-{seed}", team_id],
            ).fetchone()[0]
        )
        admin_ids: dict[str, int] = {}
        for term, date in windows:
            admin_ids[term] = int(
                cur.execute(
                    "INSERT INTO administration (assessment_id, term, date, label) VALUES (?, ?, ?, ?)"
                    " RETURNING id",
                    [assessment_id, term, date, f"{term} {date.year}"],
                ).fetchone()[0]
            )
        rows: list[Row] = []
        score_rows: list[dict] = []
        n = 0
        for grade, cls, teacher, size in classes:
            for _ in range(size):
                n += 1
                key = f"id:{name[:3]}{seed}-{n:03d}"
                existing = cur.execute(
                    "SELECT id FROM student WHERE student_key = ?", [key]
                ).fetchone()
                if existing:
                    sid = int(existing[0])
                else:
                    sid = int(
                        cur.execute(
                            "INSERT INTO student (student_key, local_id, display_name, grade, class_name,"
                            " teacher) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                            [key, key[3:], f"Student {n}", grade, cls, teacher],
                        ).fetchone()[0]
                    )
                groups = ("ELL",) if rng.random() < 0.35 else ()
                for g in groups:
                    cur.execute(
                        "INSERT INTO student_group (student_id, group_name, upload_id)"
                        " VALUES (?, ?, ?)",
                        [sid, g, upload_id],
                    )
                base = {s: ability[s] + rng.uniform(-0.25, 0.2) for s in SKILLS}
                for w, (term, _date) in enumerate(windows):
                    for skill in SKILLS:
                        if rng.random() < 0.06:
                            continue  # absent: no score
                        frac = min(
                            max(
                                base[skill]
                                + w * growth.get(skill, 0.05)
                                + rng.uniform(-0.05, 0.05),
                                0.0,
                            ),
                            1.0,
                        )
                        frac = round(frac, 3)
                        score_rows.append(
                            {
                                "upload_id": upload_id,
                                "administration_id": admin_ids[term],
                                "student_id": sid,
                                "skill": skill,
                                "fraction": frac,
                                "proficient": frac >= 0.8,
                                "grade": grade,
                                "class_name": cls,
                                "teacher": teacher,
                            }
                        )
                        rows.append(Row(key, grade, cls, teacher, groups, term, skill, frac))
        store.write_score_rows(cur, score_table(score_rows))
    return Export(assessment_id, name, upload_id, admin_ids, dict(windows), rows)


def expected_metric(
    export: Export, term: str, skill: str, metric: str, population: dict[str, str] | None = None
) -> tuple[float | None, int]:
    """The metric computed straight from the generating rows (independent of the SQL)."""
    pop = population or {}
    chosen = [
        r
        for r in export.rows
        if r.window == term
        and r.skill == skill
        and r.grade == pop.get("grade", r.grade)
        and r.class_name == pop.get("class", r.class_name)
        and r.teacher == pop.get("teacher", r.teacher)
        and (pop.get("group") is None or pop["group"] in r.groups)
    ]
    if not chosen:
        return None, 0
    proficient = 100.0 * sum(r.proficient for r in chosen) / len(chosen)
    value = proficient if metric == "pct_proficient" else 100.0 - proficient
    return round(value, 1), len(chosen)


THREE = (
    ("Fall", dt.date(2025, 9, 15)),
    ("Winter", dt.date(2026, 1, 20)),
    ("Spring", dt.date(2026, 5, 18)),
)


def cli_goal(db: Database, **kw: Any) -> dict[str, Any]:
    """``goal add`` for the grade 3 vocabulary goal of ``school_export``; ``kw`` overrides."""
    args = dict(
        team="Grade 3 team",
        assessment="Grade 3 Reading CFA",
        skill="Vocabulary",
        where={"grade": "3"},
        metric="pct_below_proficient",
        target=5,
        by="2026-06-15",
        baseline_term="Fall",
    )
    args.update(kw)
    return cli_add_goal(db, **args)


def draft_goal(db: Database, export: Export, **kw: Any) -> tuple[int, int]:
    """A draft grade 3 vocabulary goal from the Winter window: (goal id, team id)."""
    team = kw.pop("team_id", None) or make_team(db, "Grade 3 team")
    args = dict(
        team_id=team,
        assessment_id=export.assessment_id,
        skill="Vocabulary",
        metric="pct_below_proficient",
        baseline_administration_id=export.windows["Winter"],
        population={"grade": "3"},
    )
    args.update(kw)
    return create_goal(db, **args), team


def spring_check(db: Database) -> Export:
    """A common assessment given once, in spring, that scores the same skill."""
    return school_export(
        db, name="Spring check", seed=11, windows=(("Spring", dt.date(2026, 5, 1)),)
    )
