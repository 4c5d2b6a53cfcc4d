"""Skill summaries, status, growth and goal metrics: parameterised SQL in, DataFrames out.

The definitions are those of ARCHITECTURE.md section 4. Every number a page, a chart, a
goal or the command line shows comes from these functions, so they agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from collabplan import config
from collabplan.db import Database

METRICS = ("pct_proficient", "pct_below_proficient")
# A score row carries the grade/class/teacher its file gave; when the file had none (a MAP
# results file without a roster column) the student's latest known value stands in.
BY_COLUMNS = {
    "class": "coalesce(s.class_name, st.class_name)",
    "teacher": "coalesce(s.teacher, st.teacher)",
    "grade": "coalesce(s.grade, st.grade)",
}


@dataclass(frozen=True)
class Filters:
    """Which scores a summary reads. Empty fields mean "all"."""

    team_id: int | None = None
    assessment_id: int | None = None
    administration_ids: tuple[int, ...] = ()
    grade: str | None = None
    class_name: str | None = None
    teacher: str | None = None
    group: str | None = None
    skill: str | None = None

    @classmethod
    def from_population(cls, population: dict[str, Any] | None, **kw: Any) -> Filters:
        """Filters from a goal's population dict ({"grade", "class", "teacher", "group"})."""
        population = population or {}
        return cls(
            grade=_text(population.get("grade")),
            class_name=_text(population.get("class")),
            teacher=_text(population.get("teacher")),
            group=_text(population.get("group")),
            **kw,
        )


@dataclass
class Where:
    """A WHERE clause over ``score s`` built only from placeholders."""

    clauses: list[str] = field(default_factory=lambda: ["s.item IS NULL"])
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses)


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def where_for(filters: Filters) -> Where:
    """Translate filters into parameterised SQL over ``score s LEFT JOIN student st``."""
    w = Where()
    if filters.team_id is not None:
        w.add("s.upload_id IN (SELECT id FROM upload WHERE team_id = ?)", filters.team_id)
    if filters.assessment_id is not None:
        w.add(
            "s.administration_id IN (SELECT id FROM administration WHERE assessment_id = ?)",
            filters.assessment_id,
        )
    if filters.administration_ids:
        w.add(
            "list_contains(?, s.administration_id)", list(map(int, filters.administration_ids))
        )
    if filters.grade is not None:
        w.add(f"{BY_COLUMNS['grade']} = ?", filters.grade)
    if filters.class_name is not None:
        w.add(f"{BY_COLUMNS['class']} = ?", filters.class_name)
    if filters.teacher is not None:
        w.add(f"{BY_COLUMNS['teacher']} = ?", filters.teacher)
    if filters.group is not None:
        w.add(
            "s.student_id IN (SELECT student_id FROM student_group WHERE group_name = ?)",
            filters.group,
        )
    if filters.skill is not None:
        w.add("s.skill = ?", filters.skill)
    return w


def by_expression(by: str | None) -> tuple[str | None, list[Any]]:
    """SQL for a ``--by`` choice: class | teacher | grade | group:NAME (from a whitelist)."""
    if by is None:
        return None, []
    if by in BY_COLUMNS:
        return BY_COLUMNS[by], []
    if by.startswith("group:") and len(by) > len("group:"):
        name = by[len("group:") :]
        expr = (
            "CASE WHEN s.student_id IN (SELECT student_id FROM student_group WHERE group_name = ?)"
            " THEN ? ELSE ? END"
        )
        return expr, [name, name, f"not {name}"]
    raise ValueError(f"--by must be class, teacher, grade or group:NAME, not {by!r}")


def skill_summary(db: Database, filters: Filters = Filters(), by: str | None = None) -> pd.DataFrame:
    """pct_proficient per assessment × administration × skill (× by-group), with status.

    Columns: assessment_id, assessment, administration_id, term, date, label, skill,
    [by], students, proficient, pct_proficient (0–100, one decimal), median, status.
    A student counts once per skill and administration: if a file scored them twice, the
    later upload wins.
    """
    w = where_for(filters)
    by_sql, by_params = by_expression(by)
    by_select = f", {by_sql} AS by_value" if by_sql else ""
    by_group = ", by_value" if by_sql else ""
    # Only whitelisted fragments are formatted in; every value is a ? parameter.
    sql = f"""
        WITH s AS (
            SELECT s.administration_id, s.skill, s.student_id, s.proficient{by_select}
            FROM score s LEFT JOIN student st ON st.id = s.student_id
            WHERE {w.sql} AND s.proficient IS NOT NULL
            QUALIFY row_number() OVER (
                PARTITION BY s.administration_id, s.skill, s.student_id
                ORDER BY s.upload_id DESC) = 1
        )
        SELECT a.assessment_id, t.name AS assessment, s.administration_id, a.term, a.date,
               a.label, s.skill{by_group},
               count(*)::INTEGER AS students,
               count(*) FILTER (WHERE s.proficient)::INTEGER AS proficient
        FROM s
        JOIN administration a ON a.id = s.administration_id
        JOIN assessment t ON t.id = a.assessment_id
        GROUP BY ALL
        ORDER BY t.name, a.date NULLS FIRST, a.term, s.skill{by_group}
    """  # noqa: S608
    df = db.query(sql, [*by_params, *w.params])
    if by_sql:
        df = df.rename(columns={"by_value": "by"})
    return add_status(df, group_by=["administration_id", "by"] if by_sql else ["administration_id"])


def add_status(df: pd.DataFrame, group_by: list[str]) -> pd.DataFrame:
    """Add pct_proficient, the median of the group's skills, and status (section 4)."""
    df = df.copy()
    df["pct_proficient"] = (100.0 * df["proficient"] / df["students"]).round(1)
    if df.empty:
        df["median"] = pd.Series(dtype="float64")
        df["status"] = pd.Series(dtype="object")
        return df
    ok = df["students"] >= config.MIN_GROUP_SIZE
    medians = df[ok].groupby(group_by, dropna=False)["pct_proficient"].median().rename("median")
    df = df.join(medians, on=group_by)
    diff = df["pct_proficient"] - df["median"]
    df["status"] = "typical"
    df.loc[diff >= config.STATUS_MARGIN, "status"] = "strength"
    df.loc[diff <= -config.STATUS_MARGIN, "status"] = "lagging"
    df.loc[~ok, "status"] = "suppressed"
    return df


def metric_value(
    db: Database,
    administration_id: int,
    skill: str,
    metric: str = "pct_proficient",
    population: dict[str, Any] | None = None,
) -> tuple[float | None, int]:
    """A goal's metric on one administration: (value 0–100 one decimal, students scored).

    The value is None when nobody in the population was scored on the skill.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}")
    filters = Filters.from_population(population, administration_ids=(administration_id,), skill=skill)
    df = skill_summary(db, filters)
    if df.empty:
        return None, 0
    students = int(df["students"].sum())
    proficient = int(df["proficient"].sum())
    pct = 100.0 * proficient / students
    value = pct if metric == "pct_proficient" else 100.0 - pct
    return round(value, 1), students
