"""Breakdowns of one window's scores for the data review: level mix, questions, the bands
a team acts on (not yet, proficient, well past), student lists by skill, and the coach's
lagging skills across teams.

Each reads the same de-duplicated skill scores as :func:`collabplan.metrics.skill_summary`
and takes the same :class:`~collabplan.metrics.Filters`, limited to what ``viewer`` may read
(:func:`collabplan.metrics.scoped`); :func:`students_by_skill` lists students and is refused
to a coach and in projection mode.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from collabplan.access import Viewer
from collabplan.catalog import assessment_info
from collabplan.db import Database
from collabplan.metrics import (
    BY_COLUMNS,
    LOCAL,
    Filters,
    add_status,
    duplicate_free,
    latest_scores_sql,
    one_administration,
    scoped,
    where_for,
)
from collabplan.school import lagging_floor
from collabplan.skill_codes import fullest_label, skill_key, standard_code
from collabplan.text import natural_key


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


def level_distribution(
    db: Database, filters: Filters, administration_id: int, *, viewer: Viewer = LOCAL
) -> pd.DataFrame:
    """Students per level (or per band around the cut) per skill, in the assessment's order.

    Columns: skill, level, order (0 = lowest), students, pct (of the skill's scored students),
    total (the skill's scored students).
    """
    filters = scoped(filters, viewer)
    info = _assessment_of(db, administration_id)
    names = level_bands(info["kind"], info["levels"], info["cut"])
    w = where_for(one_administration(filters, administration_id))
    if info["kind"] == "level" and info["levels"]:
        value_sql, extra = "s.level", []
    else:
        value_sql = "CASE WHEN s.fraction >= ? THEN ? WHEN s.fraction >= ? THEN ? ELSE ? END"
        extra = [info["cut"], names[2], info["cut"] - 0.2, names[1], names[0]]
    sql = f"""
        WITH s AS ({latest_scores_sql(db, one_administration(filters, administration_id), w)})
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


def item_analysis(
    db: Database, filters: Filters, administration_id: int, *, viewer: Viewer = LOCAL
) -> pd.DataFrame:
    """Percent of points earned per question of an item-level file, most-missed first.

    Columns: item, standard, students, points, max_points, pct_earned (0–100, one decimal).
    Empty when the administration was not scored by question.
    """
    filters = scoped(filters, viewer)
    w = where_for(one_administration(filters, administration_id), items=True)
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
    db: Database, filters: Filters, administration_id: int, skill: str, *, viewer: Viewer = LOCAL
) -> pd.DataFrame:
    """Every scored student on one skill and administration, with their band.

    Columns: student_id, student, local_id, class, teacher, score (as the team reads it:
    "63%" or the level), fraction, level, proficient, band (not yet | proficient | well past).
    Sorted: not yet (lowest first), then proficient, then well past (highest first).
    Student-level: refused (UserError) to a coach and in projection mode; a teacher gets
    their own teams' students only.
    """
    viewer.require_students()
    filters = scoped(filters, viewer)
    w = where_for(replace(one_administration(filters, administration_id), skill=skill))
    extra = (
        f", {BY_COLUMNS['class']} AS class_name, {BY_COLUMNS['teacher']} AS teacher_name"
    )
    info = _assessment_of(db, administration_id)
    band_sql, band_params = _band_sql(info)
    sql = f"""
        WITH s AS ({latest_scores_sql(db, one_administration(filters, administration_id), w, extra)})
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


def skill_bands(
    db: Database, filters: Filters, administration_id: int, *, viewer: Viewer = LOCAL
) -> pd.DataFrame:
    """How many students per skill are not yet proficient, proficient, or well past.

    Columns: skill, students, not_yet, proficient, well_past. Counts only: safe to show.
    """
    filters = scoped(filters, viewer)
    w = where_for(one_administration(filters, administration_id))
    band_sql, band_params = _band_sql(_assessment_of(db, administration_id))
    sql = f"""
        WITH s AS ({latest_scores_sql(db, one_administration(filters, administration_id), w)}),
        b AS (SELECT s.skill, {band_sql} AS band FROM s)
        SELECT skill, count(*)::INTEGER AS students,
               count(*) FILTER (WHERE band = 'not yet')::INTEGER AS not_yet,
               count(*) FILTER (WHERE band = 'proficient')::INTEGER AS proficient,
               count(*) FILTER (WHERE band = 'well past')::INTEGER AS well_past
        FROM b GROUP BY skill ORDER BY skill
    """  # noqa: S608 (fixed fragments)
    return db.query(sql, [*w.params, *band_params])


#: The columns of :func:`coach_lagging`.
COACH_COLUMNS = ["team_id", "team", "assessment_id", "assessment", "administration_id", "label",
                 "date", "skill", "key", "code", "skill_label", "students", "pct_proficient",
                 "median", "below", "under_floor", "floor_gap", "lags_in", "teams", "repeated"]


def coach_lagging(
    db: Database, filters: Filters | None = None, *, viewer: Viewer = LOCAL
) -> pd.DataFrame:
    """Lagging skills across every team and administration, most below their median first.

    Status is computed within each team's administration, as a team sees it on its own
    review page. Columns: team_id, team, assessment_id, assessment, administration_id, label,
    date, skill, key (:func:`~collabplan.skill_codes.skill_key`: the standard code, else the
    name), code (the standard code or None), skill_label (the fullest name of that key),
    students, pct_proficient, median, below (points under the median), under_floor (under the
    school's floor: lags whatever the median), floor_gap (points under the floor), lags_in (how many
    team × administration windows the same skill lags in, across assessments: one standard
    is matched by its code), teams (names of the teams where it lags), repeated (lags_in > 1).
    """
    filters = scoped(filters or Filters(), viewer)
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
    if duplicate_free(db, everyone):
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
    floor = lagging_floor(db)
    df = add_status(df, group_by=["team_id", "administration_id"], floor=floor)
    cols = COACH_COLUMNS
    lag = df[df["status"] == "lagging"].copy() if not df.empty else df
    if lag.empty:
        return pd.DataFrame(columns=cols)
    lag["below"] = (lag["median"] - lag["pct_proficient"]).round(1)
    lag["under_floor"] = lag["pct_proficient"] < floor
    lag["floor_gap"] = (floor - lag["pct_proficient"]).round(1)
    # one standard is one skill across assessments: "RI.7.6" = "RI.7.6 Author's point of view"
    lag["key"] = lag["skill"].map(skill_key)
    lag["code"] = lag["skill"].map(standard_code)
    labels = lag.groupby("key")["skill"].agg(fullest_label)
    lag = lag.join(labels.rename("skill_label"), on="key")
    key = ["key"]
    lag["lags_in"] = lag.groupby(key)["administration_id"].transform("size").astype(int)
    teams = lag.groupby(key)["team"].agg(lambda t: ", ".join(sorted(set(t), key=natural_key)))
    lag = lag.join(teams.rename("teams"), on=key)
    lag["repeated"] = lag["lags_in"] > 1
    lag = lag.sort_values(["below", "students"], ascending=[False, False])
    return lag[cols].reset_index(drop=True)
