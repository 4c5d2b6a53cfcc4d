"""Skill summaries, status, growth and goal metrics: parameterised SQL in, DataFrames out.

The definitions are those of ARCHITECTURE.md section 4. Every number a page, a chart, a
goal or the command line shows comes from these functions, so they agree by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
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
    """A WHERE clause over ``score s`` built only from placeholders.

    Each clause is about the sitting (upload, administration, student, grade/class/teacher,
    groups: ``s`` = a ``sitting`` row, ``st`` its student) or the measure (skill, item:
    ``s`` = a ``measure`` row). Both read the same over the ``score`` view; the metric
    queries filter the small sitting and measure tables first and join the score values to
    them (see :func:`_latest_scores_cte`).
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


def where_for(filters: Filters, items: bool = False) -> Where:
    """Translate filters into parameterised SQL over ``score s LEFT JOIN student st``
    (skill scores; with ``items``, the per-question rows instead)."""
    w = Where(measure=[("s.item IS NOT NULL" if items else "s.item IS NULL", [])])
    if filters.team_id is not None:
        w.add("s.upload_id IN (SELECT id FROM upload WHERE team_id = ?)", filters.team_id)
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
        WITH s AS ({_latest_scores_cte(db, filters, w, by_select)}),
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
    # The median of the skills with enough students, per group (a transform keeps groups
    # whose key is missing, and groups where every skill is suppressed, without a join).
    keys = [df[c] for c in group_by]
    df["median"] = df["pct_proficient"].where(ok).groupby(keys, dropna=False).transform("median")
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


# -- the data review ------------------------------------------------------------------------
#
# Every function below reads the same de-duplicated skill scores as skill_summary (one row
# per administration × skill × student, the later upload winning) and takes the same Filters.

def _band_sql(info: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL of a score's band for acting on it, for one assessment (:func:`assessment_info`):
    not yet proficient, proficient, or already well past the cut (points/percent: at least
    halfway from the cut to full marks; levels: above the assessment's proficient level).

    The assessment's rules go in as ? parameters, so a query over one administration needs
    no join to ``assessment`` for every score.
    """
    if info["kind"] == "level":
        levels = info["levels"] or None
        return (
            """CASE WHEN NOT s.proficient THEN 'not yet'
                    WHEN list_position(?::VARCHAR[], s.level)
                         > coalesce(list_position(?::VARCHAR[], ?), 1e9) THEN 'well past'
                    ELSE 'proficient' END""",
            [levels, levels, info["proficient_level"]],
        )
    return (
        """CASE WHEN NOT s.proficient THEN 'not yet'
                WHEN s.fraction >= (1 + ?) / 2 THEN 'well past'
                ELSE 'proficient' END""",
        [info["cut"]],
    )


BANDS = ("not yet", "proficient", "well past")


def _one_administration(filters: Filters, administration_id: int) -> Filters:
    return replace(filters, administration_ids=(int(administration_id),))


def _latest_scores_cte(db: Database, filters: Filters, w: Where, extra: str = "") -> str:
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
    if not _duplicate_free(db, filters):
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


def _memo(db: Database) -> dict[str, Any]:
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


def _duplicate_free(db: Database, filters: Filters) -> bool:
    """True when no student has two skill scores for one skill in the filters' windows."""
    memo = _memo(db).setdefault("duplicates", {})
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


def catalog(db: Database) -> pd.DataFrame:
    """What the scores hold: one row per team × assessment × administration × grade × class ×
    teacher that has skill scores (read once per write version; filter lists come from it)."""
    memo = _memo(db)
    if "catalog" not in memo:
        # Group the sittings that hold a skill score on their own columns first; only those
        # missing a grade, class or teacher keep their student, to be completed from the
        # student table afterwards. Every sitting holds a score, so only the sittings of
        # uploads with per-question rows need their score values checked for a skill.
        memo["catalog"] = db.query(
            """
            WITH items AS (SELECT DISTINCT upload_id FROM measure WHERE item IS NOT NULL),
            skilled AS (
                SELECT * FROM sitting WHERE upload_id NOT IN (SELECT upload_id FROM items)
                UNION ALL
                SELECT * FROM sitting
                WHERE upload_id IN (SELECT upload_id FROM items)
                  AND id IN (SELECT v.sitting_id FROM score_value v
                             WHERE v.measure_id IN (
                                 SELECT id FROM measure WHERE item IS NULL
                                   AND upload_id IN (SELECT upload_id FROM items)))
            ),
            r AS (
                SELECT upload_id, administration_id, grade, class_name, teacher,
                       CASE WHEN grade IS NULL OR class_name IS NULL OR teacher IS NULL
                            THEN student_id END AS student_id
                FROM skilled
                GROUP BY ALL
            )
            SELECT u.team_id, a.assessment_id, r.administration_id,
                   coalesce(r.grade, st.grade) AS grade,
                   coalesce(r.class_name, st.class_name) AS class_name,
                   coalesce(r.teacher, st.teacher) AS teacher
            FROM r LEFT JOIN student st ON st.id = r.student_id
            LEFT JOIN upload u ON u.id = r.upload_id
            JOIN administration a ON a.id = r.administration_id
            GROUP BY ALL
            """
        )
    return memo["catalog"]


def administrations(db: Database, assessment_id: int, team_id: int | None = None) -> pd.DataFrame:
    """The administrations of an assessment that have skill scores, oldest first.

    Columns: id, term, date, label.
    """
    cat = catalog(db)
    cat = cat[cat["assessment_id"] == assessment_id]
    if team_id is not None:
        cat = cat[cat["team_id"] == team_id]
    ids = sorted({int(i) for i in cat["administration_id"]})
    return db.query(
        "SELECT id, term, date, label FROM administration WHERE list_contains(?, id)"
        " ORDER BY date NULLS FIRST, term, id",
        [ids],
    )


def filter_options(
    db: Database, team_id: int | None = None, assessment_id: int | None = None
) -> dict[str, Any]:
    """What the review filters can offer: teams, assessments, administrations, grades,
    classes, teachers and student groups (the last four within the chosen assessment).

    Returns a dict of DataFrames (teams, assessments, administrations: id + name/label) and
    lists of text (grades, classes, teachers, groups).
    """
    teams = db.query("SELECT id, name FROM team ORDER BY name")
    cat = catalog(db)
    if team_id is not None:
        cat = cat[cat["team_id"] == team_id]
    assessments = db.query(
        "SELECT id, name, kind FROM assessment WHERE list_contains(?, id) ORDER BY name",
        [sorted({int(i) for i in cat["assessment_id"]})],
    )
    out: dict[str, Any] = {
        "teams": teams,
        "assessments": assessments,
        "administrations": pd.DataFrame(columns=["id", "term", "date", "label"]),
        "grades": [],
        "classes": [],
        "teachers": [],
        "groups": [],
    }
    if assessment_id is None:
        return out
    out["administrations"] = administrations(db, assessment_id, team_id)
    cat = cat[cat["assessment_id"] == assessment_id]
    for key, col in (("grades", "grade"), ("classes", "class_name"), ("teachers", "teacher")):
        out[key] = sorted({str(v) for v in cat[col].dropna()}, key=natural_key)
    out["groups"] = [g for (g,) in db.rows(
        "SELECT DISTINCT group_name FROM student_group ORDER BY group_name")]
    return out


def natural_key(text: Any) -> tuple:
    """Sort key that puts Q2 before Q10 and grade 3 before grade 10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
        for part in re.split(r"(\d+)", str(text))
        if part
    )


def growth(
    db: Database, filters: Filters, from_administration_id: int, to_administration_id: int
) -> pd.DataFrame:
    """Change in pct_proficient per skill among students scored in both administrations.

    Columns: skill, students (matched), before_proficient, after_proficient, before_pct,
    after_pct, growth (points, one decimal), stagnant (growth under STAGNANT_BELOW),
    suppressed (fewer matched students than the minimum group size).
    """
    a, b = int(from_administration_id), int(to_administration_id)
    both = replace(filters, administration_ids=(a, b))
    w = where_for(both)
    sql = f"""
        WITH s AS ({_latest_scores_cte(db, both, w)}),
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
    """  # noqa: S608 (see _latest_scores_cte)
    df = db.query(sql, [*w.params, a, a, b])
    df["before_pct"] = (100.0 * df["before_proficient"] / df["students"]).round(1)
    df["after_pct"] = (100.0 * df["after_proficient"] / df["students"]).round(1)
    df["growth"] = (df["after_pct"] - df["before_pct"]).round(1)
    df["suppressed"] = df["students"] < config.MIN_GROUP_SIZE
    df["stagnant"] = (df["growth"] < config.STAGNANT_BELOW) & ~df["suppressed"]
    return df


def equity_gap(db: Database, filters: Filters, administration_id: int, group: str) -> pd.DataFrame:
    """A student group against everyone else, per skill, on one administration.

    Columns: skill, group_students, group_pct, others_students, others_pct, gap (group minus
    others, points), suppressed (either side under the minimum group size).
    Numbers come from skill_summary(by="group:NAME"), so they match ``skills --by``.
    """
    f = replace(_one_administration(filters, administration_id), group=None)
    df = skill_summary(db, f, by=f"group:{group}")
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


def skill_summary_by_groups(db: Database, filters: Filters, groups: list[str]) -> pd.DataFrame:
    """skill_summary with one ``by`` column value per student group: each group's own
    students (the rows of ``skills --by group:NAME`` for NAME), for a skills × groups heatmap."""
    parts = []
    for group in groups:
        df = skill_summary(db, replace(filters, group=None), by=f"group:{group}")
        parts.append(df[df["by"] == group])
    if not parts:
        return skill_summary(db, replace(filters, skill="\x00none"), by="class")
    return pd.concat(parts, ignore_index=True)


def assessment_info(db: Database, assessment_id: int) -> dict[str, Any]:
    """name, kind, levels (lowest first), proficient_level and cut of one assessment."""
    row = db.rows(
        "SELECT name, kind, levels, proficient_level, cut FROM assessment WHERE id = ?",
        [assessment_id],
    )
    if not row:
        raise ValueError(f"no assessment with id {assessment_id}")
    name, kind, levels, proficient_level, cut = row[0]
    return {"name": name, "kind": kind, "levels": list(levels or []),
            "proficient_level": proficient_level, "cut": cut}


def band_rule(info: dict[str, Any]) -> str:
    """In words, what "not yet" and "well past" mean for one assessment (see _band_sql)."""
    if info["kind"] == "level" and info["levels"]:
        levels = info["levels"]
        prof = info["proficient_level"]
        above = levels[levels.index(prof) + 1:] if prof in levels else []
        past = f"{', '.join(above)}" if above else "no level is above it"
        return f"Proficient from {prof}; well past: {past}."
    cut = round(100 * info["cut"])
    return f"Proficient from {cut}%; well past: {round(50 * (1 + info['cut']))}% or more."


def _assessment_of(db: Database, administration_id: int) -> dict[str, Any]:
    aid = db.scalar("SELECT assessment_id FROM administration WHERE id = ?", [administration_id])
    if aid is None:
        raise ValueError(f"no administration with id {administration_id}")
    return assessment_info(db, aid)


def level_bands(kind: str, levels: list[str], cut: float) -> list[str]:
    """The names a level distribution shows, lowest first: the assessment's own levels, or
    for points/percent three bands around its cut."""
    if kind == "level" and levels:
        return list(levels)
    c = round(cut * 100)
    return [f"Under {c - 20}%", f"{c - 20}% to {c - 1}%", f"{c}% and up"]


def level_distribution(db: Database, filters: Filters, administration_id: int) -> pd.DataFrame:
    """Students per level (or per band around the cut) per skill, in the assessment's order.

    Columns: skill, level, order (0 = lowest), students, pct (of the skill's scored students),
    total (the skill's scored students).
    """
    info = _assessment_of(db, administration_id)
    names = level_bands(info["kind"], info["levels"], info["cut"])
    w = where_for(_one_administration(filters, administration_id))
    if info["kind"] == "level" and info["levels"]:
        value_sql, extra = "s.level", []
    else:
        value_sql = "CASE WHEN s.fraction >= ? THEN ? WHEN s.fraction >= ? THEN ? ELSE ? END"
        extra = [info["cut"], names[2], info["cut"] - 0.2, names[1], names[0]]
    sql = f"""
        WITH s AS ({_latest_scores_cte(db, _one_administration(filters, administration_id), w)})
        SELECT s.skill, {value_sql} AS level, count(*)::INTEGER AS students
        FROM s GROUP BY ALL
    """  # noqa: S608 (value_sql is one of two fixed fragments)
    df = db.query(sql, [*w.params, *extra])
    cols = ["skill", "level", "order", "students", "pct", "total"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["level"] = df["level"].fillna("No level").astype(str)
    order = {name: i for i, name in enumerate(names)}
    df["order"] = df["level"].map(lambda v: order.get(v, len(order)))
    df["total"] = df.groupby("skill")["students"].transform("sum")
    df["pct"] = (100.0 * df["students"] / df["total"]).round(1)
    df["skill_key"] = df["skill"].map(natural_key)
    df = df.sort_values(["skill_key", "order", "level"]).drop(columns="skill_key")
    return df[cols].reset_index(drop=True)


def item_analysis(db: Database, filters: Filters, administration_id: int) -> pd.DataFrame:
    """Percent of points earned per question of an item-level file, most-missed first.

    Columns: item, standard, students, points, max_points, pct_earned (0–100, one decimal).
    Empty when the administration was not scored by question.
    """
    w = where_for(_one_administration(filters, administration_id), items=True)
    sitting_sql, _ = w.part("sitting")
    measure_sql, _ = w.part("measure")
    join = " LEFT JOIN student st ON st.id = s.student_id" if "st." in sitting_sql else ""
    sql = f"""
        WITH s AS (
            SELECT m.item, m.skill, s.student_id, v.points, v.max_points
            FROM score_value v
            JOIN (SELECT s.id, s.student_id, s.upload_id FROM sitting s{join}
                  WHERE {sitting_sql}) s ON s.id = v.sitting_id
            JOIN (SELECT s.id, s.skill, s.item FROM measure s WHERE {measure_sql}) m
              ON m.id = v.measure_id
            WHERE v.points IS NOT NULL AND v.max_points > 0
            QUALIFY row_number() OVER (
                PARTITION BY m.item, s.student_id ORDER BY s.upload_id DESC) = 1
        )
        SELECT item, any_value(skill) AS standard, count(*)::INTEGER AS students,
               sum(points) AS points, sum(max_points) AS max_points
        FROM s GROUP BY item
    """  # noqa: S608 (where_for's clause)
    df = db.query(sql, w.params)
    if df.empty:
        return pd.DataFrame(
            columns=["item", "standard", "students", "points", "max_points", "pct_earned"]
        )
    df["pct_earned"] = (100.0 * df["points"] / df["max_points"]).round(1)
    df["item_key"] = df["item"].map(natural_key)
    df = df.sort_values(["pct_earned", "item_key"]).drop(columns="item_key")
    return df.reset_index(drop=True)


def students_by_skill(
    db: Database, filters: Filters, administration_id: int, skill: str
) -> pd.DataFrame:
    """Every scored student on one skill and administration, with their band.

    Columns: student_id, student, local_id, class, teacher, score (as the team reads it:
    "63%" or the level), fraction, level, proficient, band (not yet | proficient | well past).
    Sorted: not yet (lowest first), then proficient, then well past (highest first).
    Student-level: never show this in projection mode.
    """
    w = where_for(replace(_one_administration(filters, administration_id), skill=skill))
    extra = (
        f", {BY_COLUMNS['class']} AS class_name, {BY_COLUMNS['teacher']} AS teacher_name"
    )
    info = _assessment_of(db, administration_id)
    band_sql, band_params = _band_sql(info)
    sql = f"""
        WITH s AS ({_latest_scores_cte(db, _one_administration(filters, administration_id), w, extra)})
        SELECT s.student_id, st.display_name AS student, st.local_id,
               s.class_name AS class, s.teacher_name AS teacher,
               s.fraction, s.level, s.proficient, {band_sql} AS band,
               list_position(?::VARCHAR[], s.level) AS level_rank
        FROM s
        LEFT JOIN student st ON st.id = s.student_id
    """  # noqa: S608 (whitelisted expressions only)
    df = db.query(sql, [*w.params, *band_params, info["levels"] or None])
    df["score"] = [
        level if isinstance(level, str) and level else
        ("" if pd.isna(frac) else f"{100 * frac:.0f}%")
        for frac, level in zip(df["fraction"], df["level"], strict=True)
    ]
    df["band_order"] = df["band"].map({b: i for i, b in enumerate(BANDS)})
    df["strength"] = df["fraction"].fillna(df["level_rank"].astype("float64"))
    # not yet: weakest first; the others: strongest first.
    df["sort"] = df["strength"].where(df["band"] == "not yet", -df["strength"])
    df = df.sort_values(["band_order", "sort", "student"], na_position="last")
    cols = ["student_id", "student", "local_id", "class", "teacher", "score", "fraction",
            "level", "proficient", "band"]
    return df[cols].reset_index(drop=True)


def skill_bands(db: Database, filters: Filters, administration_id: int) -> pd.DataFrame:
    """How many students per skill are not yet proficient, proficient, or well past.

    Columns: skill, students, not_yet, proficient, well_past. Counts only: safe to show.
    """
    w = where_for(_one_administration(filters, administration_id))
    band_sql, band_params = _band_sql(_assessment_of(db, administration_id))
    sql = f"""
        WITH s AS ({_latest_scores_cte(db, _one_administration(filters, administration_id), w)}),
        b AS (SELECT s.skill, {band_sql} AS band FROM s)
        SELECT skill, count(*)::INTEGER AS students,
               count(*) FILTER (WHERE band = 'not yet')::INTEGER AS not_yet,
               count(*) FILTER (WHERE band = 'proficient')::INTEGER AS proficient,
               count(*) FILTER (WHERE band = 'well past')::INTEGER AS well_past
        FROM b GROUP BY skill ORDER BY skill
    """  # noqa: S608 (fixed fragments)
    return db.query(sql, [*w.params, *band_params])


def coach_lagging(db: Database, filters: Filters = Filters()) -> pd.DataFrame:
    """Lagging skills across every team and administration, most below their median first.

    Status is computed within each team's administration, as a team sees it on its own
    review page. Columns: team_id, team, assessment_id, assessment, administration_id, label,
    date, skill, students, pct_proficient, median, below (points under the median),
    lags_in (how many team × administration windows the same assessment skill lags in),
    teams (names of the teams where it lags), repeated (lags_in > 1).
    """
    everyone = replace(filters, team_id=None)
    w = where_for(everyone)
    if filters.team_id is not None:
        w.add("s.upload_id IN (SELECT id FROM upload WHERE team_id = ?)", filters.team_id)
    sitting_sql, sitting_params = w.part("sitting")
    measure_sql, measure_params = w.part("measure")
    join = " LEFT JOIN student st ON st.id = s.student_id" if "st." in sitting_sql else ""
    # The team is the upload's, looked up once per sitting.
    sittings = f"""(SELECT s.id, coalesce(u.team_id, 0) AS team_id, s.administration_id,
                           s.student_id, s.upload_id
                    FROM sitting s{join} LEFT JOIN upload u ON u.id = s.upload_id
                    WHERE {sitting_sql})"""  # noqa: S608 (where_for's clause)
    measures = f"(SELECT s.id, s.skill FROM measure s WHERE {measure_sql})"  # noqa: S608 (same)
    if _duplicate_free(db, everyone):
        # Every score value counts: count them per sitting team × administration × measure
        # first, and only then keep the chosen measures and name their skills. (Joined the
        # other way round the database misjudges the sizes and hashes the score values.)
        counts = f"""
            c0 AS (
                SELECT s.team_id, s.administration_id, v.measure_id, count(*) AS students,
                       count(*) FILTER (WHERE v.proficient) AS proficient
                FROM score_value v JOIN {sittings} s ON s.id = v.sitting_id
                WHERE v.proficient IS NOT NULL
                GROUP BY ALL
            ),
            c AS (
                SELECT c0.team_id, c0.administration_id, m.skill,
                       sum(c0.students)::INTEGER AS students,
                       sum(c0.proficient)::INTEGER AS proficient
                FROM c0 JOIN {measures} m ON m.id = c0.measure_id
                GROUP BY ALL
            )"""  # noqa: S608 (fixed fragments)
    else:
        counts = f"""
            c AS (
                SELECT team_id, administration_id, skill, count(*)::INTEGER AS students,
                       count(*) FILTER (WHERE proficient)::INTEGER AS proficient
                FROM (
                    SELECT s.team_id, s.administration_id, m.skill, s.student_id, v.proficient
                    FROM score_value v
                    JOIN {sittings} s ON s.id = v.sitting_id
                    JOIN {measures} m ON m.id = v.measure_id
                    WHERE v.proficient IS NOT NULL
                    QUALIFY row_number() OVER (
                        PARTITION BY s.team_id, s.administration_id, m.skill, s.student_id
                        ORDER BY s.upload_id DESC) = 1
                )
                GROUP BY ALL
            )"""  # noqa: S608 (fixed fragments)
    sql = f"""
        WITH {counts}
        SELECT c.team_id, coalesce(tm.name, 'No team') AS team, a.assessment_id,
               t.name AS assessment, c.administration_id, a.label, a.date, c.skill,
               c.students, c.proficient
        FROM c
        JOIN administration a ON a.id = c.administration_id
        JOIN assessment t ON t.id = a.assessment_id
        LEFT JOIN team tm ON tm.id = c.team_id
    """  # noqa: S608 (where_for's clause)
    df = db.query(sql, [*sitting_params, *measure_params])
    df = add_status(df, group_by=["team_id", "administration_id"])
    cols = ["team_id", "team", "assessment_id", "assessment", "administration_id", "label",
            "date", "skill", "students", "pct_proficient", "median", "below", "lags_in",
            "teams", "repeated"]
    lag = df[df["status"] == "lagging"].copy() if not df.empty else df
    if lag.empty:
        return pd.DataFrame(columns=cols)
    lag["below"] = (lag["median"] - lag["pct_proficient"]).round(1)
    key = ["assessment_id", "skill"]
    lag["lags_in"] = lag.groupby(key)["administration_id"].transform("size").astype(int)
    teams = lag.groupby(key)["team"].agg(lambda t: ", ".join(sorted(set(t), key=natural_key)))
    lag = lag.join(teams.rename("teams"), on=key)
    lag["repeated"] = lag["lags_in"] > 1
    lag = lag.sort_values(["below", "students"], ascending=[False, False])
    return lag[cols].reset_index(drop=True)
