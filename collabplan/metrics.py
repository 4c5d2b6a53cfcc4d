"""Skill summaries, status, growth and goal metrics: parameterised SQL in, DataFrames out.

The definitions are those of ARCHITECTURE.md section 4. Every number a page, a chart, a
goal or the command line shows comes from these functions, so they agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from collabplan import config
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.school import lagging_floor
from collabplan.text import natural_key

METRICS = ("pct_proficient", "pct_below_proficient")
# A score row carries the grade/class/teacher its file gave; when the file had none (a MAP
# results file without a roster column) the student's latest known value stands in.
BY_COLUMNS = {
    "class": "coalesce(s.class_name, st.class_name)",
    "teacher": "coalesce(s.teacher, st.teacher)",
    "grade": "coalesce(s.grade, st.grade)",
}
#: The person of the command line and of an app without sign-in (a leader: reads everything).
LOCAL = Viewer.local_user()


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
    #: The teams whose uploads may be read (None: every team); set by :func:`scoped` only.
    teams: tuple[int, ...] | None = None

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
    """A WHERE clause over ``score s`` built only from placeholders.

    Each clause is about the sitting (upload, administration, student, grade/class/teacher,
    groups: ``s`` = a ``sitting`` row, ``st`` its student) or the measure (skill, item:
    ``s`` = a ``measure`` row). Both read the same over the ``score`` view; the metric
    queries filter the small sitting and measure tables first and join the score values to
    them (see :func:`latest_scores_sql`).
    """

    sitting: list[tuple[str, list[Any]]] = field(default_factory=list)
    measure: list[tuple[str, list[Any]]] = field(
        default_factory=lambda: [("s.item IS NULL", [])]
    )

    def add(self, clause: str, *params: Any, on: str = "sitting") -> None:
        parts = self.measure if on == "measure" else self.sitting
        parts.append((clause, list(params)))

    def part(self, on: str) -> tuple[str, list[Any]]:
        """(SQL, params) of the sitting or the measure clauses alone."""
        parts = self.measure if on == "measure" else self.sitting
        return " AND ".join(c for c, _ in parts) or "true", [p for _, ps in parts for p in ps]

    @property
    def clauses(self) -> list[str]:
        return [c for c, _ in self.sitting + self.measure]

    @property
    def params(self) -> list[Any]:
        return [p for _, ps in self.sitting + self.measure for p in ps]

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses)


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def scoped(filters: Filters, viewer: Viewer) -> Filters:
    """``filters`` limited to the uploads ``viewer`` may read (a teacher: their teams').

    Every query over student scores goes through this, so a teacher's counts, percents and
    lists never include a student of another team's uploads.
    """
    scope = viewer.team_scope
    if scope is None:
        return filters
    teams = tuple(sorted(int(t) for t in scope))
    if filters.teams is not None:
        teams = tuple(t for t in filters.teams if t in teams)
    return replace(filters, teams=teams)


def where_for(filters: Filters, items: bool = False) -> Where:
    """Translate filters into parameterised SQL over ``score s LEFT JOIN student st``
    (skill scores; with ``items``, the per-question rows instead)."""
    w = Where(measure=[("s.item IS NOT NULL" if items else "s.item IS NULL", [])])
    if filters.team_id is not None:
        w.add("s.upload_id IN (SELECT id FROM upload WHERE team_id = ?)", filters.team_id)
    if filters.teams is not None:
        # One list parameter; the upload table is small, the sitting scan uses the id list.
        w.add(
            "s.upload_id IN (SELECT id FROM upload WHERE list_contains(?::INTEGER[], team_id))",
            [int(t) for t in filters.teams],
        )
    if filters.assessment_id is not None:
        w.add(
            "s.administration_id IN (SELECT id FROM administration WHERE assessment_id = ?)",
            filters.assessment_id,
        )
    if filters.administration_ids:
        ids = [int(i) for i in filters.administration_ids]
        # A plain = or IN list (placeholders only) lets DuckDB skip row groups by min/max.
        if len(ids) == 1:
            w.add("s.administration_id = ?", ids[0])
        else:
            w.add(f"s.administration_id IN ({', '.join('?' * len(ids))})", *ids)
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
        w.add("s.skill = ?", filters.skill, on="measure")
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
    raise UserError(f"--by must be class, teacher, grade or group:NAME, not {by!r}")


def skill_summary(
    db: Database, filters: Filters = Filters(), by: str | None = None, *, viewer: Viewer = LOCAL,
    floor: float | None = None,
) -> pd.DataFrame:
    """pct_proficient per assessment × administration × skill (× by-group), with status.

    Columns: assessment_id, assessment, administration_id, term, date, label, skill,
    [by], students, proficient, pct_proficient (0–100, one decimal), median, status.
    A student counts once per skill and administration: if a file scored them twice, the
    later upload wins. Only the uploads ``viewer`` may read are counted. ``floor``: the
    school's floor for lagging (read from the database when not given).
    """
    if floor is None:
        floor = lagging_floor(db)
    filters = scoped(filters, viewer)
    w = where_for(filters)
    by_sql, by_params = by_expression(by)
    by_select = f", {by_sql} AS by_value" if by_sql else ""
    by_group = ", by_value" if by_sql else ""
    # Only whitelisted fragments are formatted in; every value is a ? parameter.
    sql = f"""
        WITH s AS ({latest_scores_sql(db, filters, w, by_select)}),
        c AS (
            SELECT s.administration_id, s.skill{by_group},
                   count(*)::INTEGER AS students,
                   count(*) FILTER (WHERE s.proficient)::INTEGER AS proficient
            FROM s GROUP BY ALL
        )
        SELECT a.assessment_id, t.name AS assessment, c.administration_id, a.term, a.date,
               a.label, c.skill{by_group}, c.students, c.proficient
        FROM c
        JOIN administration a ON a.id = c.administration_id
        JOIN assessment t ON t.id = a.assessment_id
        ORDER BY t.name, a.date NULLS FIRST, a.term, c.skill{by_group}
    """  # noqa: S608
    df = db.query(sql, [*by_params, *w.params])
    if by_sql:
        df = df.rename(columns={"by_value": "by"})
    return add_status(df, group_by=["administration_id", "by"] if by_sql else ["administration_id"],
                      floor=floor)


def add_status(df: pd.DataFrame, group_by: list[str], *, floor: float) -> pd.DataFrame:
    """Add pct_proficient, the median of the group's skills, and status (section 4).

    ``floor`` is the school's floor (school.lagging_floor): a skill under it lags whatever
    the median; 0 gives the relative status alone. Small groups are "suppressed" above all.
    """
    df = df.copy()
    df["pct_proficient"] = (100.0 * df["proficient"] / df["students"]).round(1)
    if df.empty:
        df["median"] = pd.Series(dtype="float64")
        df["status"] = pd.Series(dtype="object")
        return df
    ok = df["students"] >= config.MIN_GROUP_SIZE
    # The median of the skills with enough students, per group (a transform keeps groups
    # whose key is missing, and groups where every skill is suppressed, without a join).
    keys = [df[c] for c in group_by]
    df["median"] = df["pct_proficient"].where(ok).groupby(keys, dropna=False).transform("median")
    diff = df["pct_proficient"] - df["median"]
    df["status"] = "typical"
    df.loc[diff >= config.STATUS_MARGIN, "status"] = "strength"
    df.loc[diff <= -config.STATUS_MARGIN, "status"] = "lagging"
    df.loc[df["pct_proficient"] < floor, "status"] = "lagging"
    df.loc[~ok, "status"] = "suppressed"
    return df


def metric_value(
    db: Database,
    administration_id: int,
    skill: str,
    metric: str = "pct_proficient",
    population: dict[str, Any] | None = None,
    *,
    viewer: Viewer = LOCAL,
) -> tuple[float | None, int]:
    """A goal's metric on one administration: (value 0–100 one decimal, students scored).

    The value is None when nobody in the population was scored on the skill.
    """
    if metric not in METRICS:
        raise UserError(f"metric must be one of {', '.join(METRICS)}")
    filters = Filters.from_population(population, administration_ids=(administration_id,), skill=skill)
    df = skill_summary(db, filters, viewer=viewer)
    if df.empty:
        return None, 0
    students = int(df["students"].sum())
    proficient = int(df["proficient"].sum())
    pct = 100.0 * proficient / students
    value = pct if metric == "pct_proficient" else 100.0 - pct
    return round(value, 1), students


# -- the data review ------------------------------------------------------------------------
#
# Every function below reads the same de-duplicated skill scores as skill_summary (one row
# per administration × skill × student, the later upload winning) and takes the same Filters.

def one_administration(filters: Filters, administration_id: int) -> Filters:
    return replace(filters, administration_ids=(int(administration_id),))


def latest_scores_sql(db: Database, filters: Filters, w: Where, extra: str = "") -> str:
    """SQL (for ``WITH s AS (…)``) of the scores a metric counts, one per student and skill.

    Columns: administration_id, student_id, upload_id, the ``extra`` columns, skill,
    proficient, fraction, level. ``extra`` (", expr AS name, …") may use the sitting ``s``
    and its student ``st`` only.

    The sittings and measures that pass the filters are chosen first (small tables; the
    student join and the grade/class/teacher text stay at one row per sitting), then the
    score values are joined to them: score values are stored in sitting order, so the scan
    skips every row group outside the chosen sittings' id range.

    The "later upload wins" rule needs a window over every row; it is skipped when the
    administrations read hold no student scored twice on a skill (the usual case), which
    the database answers once per administration and write version.
    """
    sitting_sql, _ = w.part("sitting")
    measure_sql, _ = w.part("measure")
    join = " LEFT JOIN student st ON st.id = s.student_id" if "st." in sitting_sql + extra else ""
    qualify = ""
    if not duplicate_free(db, filters):
        qualify = """
        QUALIFY row_number() OVER (
            PARTITION BY s.administration_id, m.skill, s.student_id
            ORDER BY s.upload_id DESC) = 1"""
    return f"""
        SELECT s.* EXCLUDE (id), m.skill, v.proficient, v.fraction, v.level
        FROM score_value v
        JOIN (SELECT s.id, s.administration_id, s.student_id, s.upload_id{extra}
              FROM sitting s{join} WHERE {sitting_sql}) s ON s.id = v.sitting_id
        JOIN (SELECT s.id, s.skill FROM measure s WHERE {measure_sql}) m ON m.id = v.measure_id
        WHERE v.proficient IS NOT NULL{qualify}
    """  # noqa: S608 (only the whitelisted WHERE of where_for and fixed column lists)


# -- answers kept per database write version ------------------------------------------------
#
# A few facts about the whole table are read once per write (Database.version bumps on every
# commit), so that each page run does not re-scan every score for them.

_MEMO: dict[tuple[int, str], tuple[int, dict[str, Any]]] = {}


def per_version(db: Database) -> dict[str, Any]:
    key = (id(db), db.path)
    version, memo = _MEMO.get(key, (-1, {}))
    if version != db.version:
        memo = {}
        _MEMO[key] = (db.version, memo)
    return memo


def _administration_ids(db: Database, filters: Filters) -> list[int]:
    if filters.administration_ids:
        return [int(i) for i in filters.administration_ids]
    if filters.assessment_id is not None:
        return [i for (i,) in db.rows("SELECT id FROM administration WHERE assessment_id = ?",
                                      [filters.assessment_id])]
    return [i for (i,) in db.rows("SELECT id FROM administration")]


def duplicate_free(db: Database, filters: Filters) -> bool:
    """True when no student has two skill scores for one skill in the filters' windows."""
    memo = per_version(db).setdefault("duplicates", {})
    ids = _administration_ids(db, filters)
    missing = [i for i in ids if i not in memo]
    if missing:
        twice = {
            a
            for (a,) in db.rows(
                f"""
                SELECT DISTINCT administration_id FROM (
                    SELECT administration_id FROM score
                    WHERE item IS NULL AND proficient IS NOT NULL
                      AND administration_id IN ({', '.join('?' * len(missing))})
                    GROUP BY administration_id, skill, student_id HAVING count(*) > 1)
                """,  # noqa: S608 (placeholders only)
                missing,
            )
        }
        for i in missing:
            memo[i] = i in twice
    return not any(memo[i] for i in ids)


def growth(
    db: Database, filters: Filters, from_administration_id: int, to_administration_id: int,
    *, viewer: Viewer = LOCAL,
) -> pd.DataFrame:
    """Change in pct_proficient per skill among students scored in both administrations.

    Columns: skill, students (matched), before_proficient, after_proficient, before_pct,
    after_pct, growth (points, one decimal), stagnant (growth under STAGNANT_BELOW),
    suppressed (fewer matched students than the minimum group size).
    """
    a, b = int(from_administration_id), int(to_administration_id)
    filters = scoped(filters, viewer)
    both = replace(filters, administration_ids=(a, b))
    w = where_for(both)
    sql = f"""
        WITH s AS ({latest_scores_sql(db, both, w)}),
        p AS (
            SELECT skill, sum(CASE WHEN administration_id = ? THEN 1 ELSE 2 END) AS seen,
                   bool_or(proficient AND administration_id = ?) AS before,
                   bool_or(proficient AND administration_id = ?) AS after
            FROM s GROUP BY skill, student_id
        )
        SELECT skill, count(*)::INTEGER AS students,
               count(*) FILTER (WHERE before)::INTEGER AS before_proficient,
               count(*) FILTER (WHERE after)::INTEGER AS after_proficient
        FROM p WHERE seen = 3
        GROUP BY skill ORDER BY skill
    """  # noqa: S608 (see latest_scores_sql)
    df = db.query(sql, [*w.params, a, a, b])
    df["before_pct"] = (100.0 * df["before_proficient"] / df["students"]).round(1)
    df["after_pct"] = (100.0 * df["after_proficient"] / df["students"]).round(1)
    df["growth"] = (df["after_pct"] - df["before_pct"]).round(1)
    df["suppressed"] = df["students"] < config.MIN_GROUP_SIZE
    df["stagnant"] = (df["growth"] < config.STAGNANT_BELOW) & ~df["suppressed"]
    return df


def equity_gap(
    db: Database, filters: Filters, administration_id: int, group: str, *, viewer: Viewer = LOCAL
) -> pd.DataFrame:
    """A student group against everyone else, per skill, on one administration.

    Columns: skill, group_students, group_pct, others_students, others_pct, gap (group minus
    others, points), suppressed (either side under the minimum group size).
    Numbers come from skill_summary(by="group:NAME"), so they match ``skills --by``.
    """
    f = replace(one_administration(filters, administration_id), group=None)
    df = skill_summary(db, f, by=f"group:{group}", viewer=viewer)
    cols = ["skill", "group_students", "group_pct", "others_students", "others_pct", "gap",
            "suppressed"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    ins = df[df["by"] == group].set_index("skill")
    outs = df[df["by"] != group].set_index("skill")
    skills = sorted(set(ins.index) | set(outs.index), key=natural_key)
    out = pd.DataFrame({"skill": skills})
    out["group_students"] = [int(ins["students"].get(s, 0)) for s in skills]
    out["group_pct"] = [ins["pct_proficient"].get(s) for s in skills]
    out["others_students"] = [int(outs["students"].get(s, 0)) for s in skills]
    out["others_pct"] = [outs["pct_proficient"].get(s) for s in skills]
    out["group_pct"] = pd.to_numeric(out["group_pct"])
    out["others_pct"] = pd.to_numeric(out["others_pct"])
    out["gap"] = (out["group_pct"] - out["others_pct"]).round(1)
    out["suppressed"] = (out["group_students"] < config.MIN_GROUP_SIZE) | (
        out["others_students"] < config.MIN_GROUP_SIZE
    )
    return out[cols]


def skill_summary_by_groups(
    db: Database, filters: Filters, groups: list[str], *, viewer: Viewer = LOCAL
) -> pd.DataFrame:
    """skill_summary with one ``by`` column value per student group: each group's own
    students (the rows of ``skills --by group:NAME`` for NAME), for a skills × groups heatmap."""
    parts = []
    floor = lagging_floor(db)  # once for every group
    for group in groups:
        df = skill_summary(db, replace(filters, group=None), by=f"group:{group}", viewer=viewer,
                           floor=floor)
        parts.append(df[df["by"] == group])
    if not parts:  # no groups: no rows, with the columns a caller reads
        return skill_summary(db, filters, by="class", viewer=viewer, floor=floor).head(0)
    return pd.concat(parts, ignore_index=True)
