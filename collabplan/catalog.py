"""What the stored scores hold, for the pickers and filters: teams, assessments, windows,
grades, classes, teachers and groups that have skill scores, and each assessment's rules.

Read once per database write version (see :func:`collabplan.metrics.per_version`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.metrics import LOCAL, per_version
from collabplan.text import natural_key


def catalog(db: Database, *, viewer: Viewer = LOCAL) -> pd.DataFrame:
    """What the scores hold: one row per team × assessment × administration × upload × grade ×
    class × teacher that has skill scores (read once per write version; filter lists come from it).

    A teacher gets the rows of their own teams' uploads only (the whole-school table is
    memoised once, then cut per viewer).
    """
    cat = _whole_catalog(db)
    scope = viewer.team_scope
    if scope is None:
        return cat
    return cat[cat["team_id"].isin(sorted(scope))].reset_index(drop=True)


def _whole_catalog(db: Database) -> pd.DataFrame:
    memo = per_version(db)
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
            SELECT u.team_id, a.assessment_id, r.administration_id, r.upload_id,
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


@dataclass(frozen=True)
class Opening:
    """What Data review shows first: a team (None: every team the viewer reads), an
    assessment and one of its testing windows."""

    team_id: int | None
    assessment_id: int
    administration_id: int


def opening(
    db: Database, *, viewer: Viewer = LOCAL, team_id: int | None = None,
    upload_id: int | None = None,
) -> Opening | None:
    """Where Data review opens: the results a team last brought, not the first name in a list.

    - ``upload_id``: that upload's team, assessment and latest testing window (the button
      after an import);
    - else the latest upload of ``team_id`` (the team acted for in this session) when the
      viewer may read it and it has scores;
    - else, for a teacher, the latest upload of their own teams (opened on that team); for a
      leader or coach, the school's latest upload (opened on every team, its assessment and
      window).

    "Latest" is the upload imported last (upload ids only grow). An upload holding several
    assessments opens on its latest-dated window. None when the viewer reads no scores.
    """
    cat = catalog(db, viewer=viewer)
    if cat.empty:
        return None
    rows = cat.iloc[0:0]
    if upload_id is not None:
        rows = cat[cat["upload_id"] == upload_id]
    if rows.empty and team_id is not None:
        rows = cat[cat["team_id"] == team_id]
    whole_school = rows.empty and viewer.team_scope is None
    if rows.empty:
        rows = cat
    latest = rows[rows["upload_id"] == rows["upload_id"].max()]
    found = db.rows(
        "SELECT id, assessment_id FROM administration WHERE list_contains(?, id)"
        " ORDER BY date DESC NULLS LAST, id DESC LIMIT 1",
        [sorted({int(i) for i in latest["administration_id"]})],
    )
    if not found:
        return None
    team = latest["team_id"].iloc[0]
    team = None if whole_school or pd.isna(team) else int(team)
    return Opening(team_id=team, assessment_id=int(found[0][1]),
                   administration_id=int(found[0][0]))


def administrations(
    db: Database, assessment_id: int, team_id: int | None = None, *, viewer: Viewer = LOCAL
) -> pd.DataFrame:
    """The administrations of an assessment that have skill scores (in uploads ``viewer`` may
    read), oldest first.

    Columns: id, term, date, label.
    """
    cat = catalog(db, viewer=viewer)
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
    db: Database, team_id: int | None = None, assessment_id: int | None = None,
    *, viewer: Viewer = LOCAL,
) -> dict[str, Any]:
    """What the review filters can offer: teams, assessments, administrations, grades,
    classes, teachers and student groups (the last four within the chosen assessment).

    Returns a dict of DataFrames (teams, assessments, administrations: id + name/label) and
    lists of text (grades, classes, teachers, groups). A teacher is offered their own teams
    and what their uploads hold.
    """
    teams = db.query("SELECT id, name FROM team ORDER BY name")
    if viewer.team_scope is not None:
        teams = teams[teams["id"].isin(sorted(viewer.team_scope))].reset_index(drop=True)
    cat = catalog(db, viewer=viewer)
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
    out["administrations"] = administrations(db, assessment_id, team_id, viewer=viewer)
    cat = cat[cat["assessment_id"] == assessment_id]
    for key, col in (("grades", "grade"), ("classes", "class_name"), ("teachers", "teacher")):
        out[key] = sorted({str(v) for v in cat[col].dropna()}, key=natural_key)
    out["groups"] = [g for (g,) in db.rows(
        "SELECT DISTINCT group_name FROM student_group ORDER BY group_name")]
    return out


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
