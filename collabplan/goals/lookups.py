"""What the goal pickers offer: teams, assessments, their administrations and skills, the
populations an assessment scored, and the other assessments a goal may follow.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from collabplan import config
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.values import to_date
from collabplan.metrics import LOCAL, Filters, skill_summary
from collabplan.text import clean_population


def list_teams(db: Database) -> pd.DataFrame:
    return db.query("SELECT id, name FROM team ORDER BY name")


def team_id_for(db: Database, name: str, create: bool = False) -> int:
    """The id of the team called ``name`` (created when ``create``)."""
    name = (name or "").strip()
    if not name:
        raise UserError("--team needs a team name", kind="input")
    found = db.scalar("SELECT id FROM team WHERE lower(name) = lower(?)", [name])
    if found is not None:
        return int(found)
    if not create:
        raise UserError(f"no team called {name!r}", kind="input")
    with db.transaction() as cur:
        return int(
            cur.execute("INSERT INTO team (name) VALUES (?) RETURNING id", [name]).fetchone()[0]
        )


def team_name(db: Database, team_id: int | None) -> str | None:
    if team_id is None:
        return None
    return db.scalar("SELECT name FROM team WHERE id = ?", [team_id])


def list_assessments(db: Database) -> pd.DataFrame:
    return db.query("SELECT id, name, subject, kind FROM assessment ORDER BY name")


def administrations_scoring(
    db: Database,
    assessment_id: int,
    skill: str,
    population: dict[str, Any] | None = None,
    *,
    viewer: Viewer = LOCAL,
) -> pd.DataFrame:
    """Administrations of an assessment that scored ``skill`` for the population (the students
    ``viewer`` may read), oldest first.

    Columns: administration_id, term, date, label, students, proficient, pct_proficient.
    """
    df = skill_summary(
        db,
        Filters.from_population(
            clean_population(population), assessment_id=assessment_id, skill=skill
        ),
        viewer=viewer,
    )
    cols = [
        "administration_id",
        "term",
        "date",
        "label",
        "students",
        "proficient",
        "pct_proficient",
    ]
    if df.empty:
        return pd.DataFrame(columns=cols)
    return df[cols].reset_index(drop=True)


def _uploads(viewer: Viewer) -> list[int] | None:
    """The team ids ``viewer``'s reads are limited to, as a query parameter (None: all)."""
    return None if viewer.team_scope is None else sorted(viewer.team_scope)


#: "Only the uploads of the viewer's teams" over ``score s`` (two parameters: _uploads twice).
_IN_SCOPE = (" AND (?::INTEGER[] IS NULL OR s.upload_id IN ("
             "SELECT id FROM upload WHERE list_contains(?::INTEGER[], team_id)))")


def skills_of(db: Database, assessment_id: int, *, viewer: Viewer = LOCAL) -> list[str]:
    """The skills an assessment scored (in the uploads ``viewer`` may read)."""
    scope = _uploads(viewer)
    return [
        r[0]
        for r in db.rows(
            "SELECT DISTINCT s.skill FROM score s JOIN administration a ON a.id = s.administration_id"  # noqa: S608 (fixed fragments)
            " WHERE a.assessment_id = ? AND s.item IS NULL" + _IN_SCOPE + " ORDER BY s.skill",
            [assessment_id, scope, scope],
        )
    ]


def skills_by_need(db: Database, assessment_id: int, *, viewer: Viewer = LOCAL) -> list[str]:
    """The assessment's skills, lowest % proficient in its latest window first (then the rest)."""
    df = skill_summary(db, Filters(assessment_id=assessment_id), viewer=viewer)
    every = skills_of(db, assessment_id, viewer=viewer)
    if df.empty:
        return every
    df = df.assign(_d=df["date"].map(to_date))
    latest = df.sort_values(["_d", "administration_id"], na_position="first").iloc[-1]
    window = df[df["administration_id"] == latest["administration_id"]]
    window = window[window["students"] >= config.MIN_GROUP_SIZE]
    ranked = list(window.sort_values(["pct_proficient", "skill"])["skill"])
    return ranked + [s for s in every if s not in ranked]


def default_team_for(db: Database, assessment_id: int, *, viewer: Viewer = LOCAL) -> int | None:
    """The team (of ``viewer``'s, for a teacher) that most recently uploaded results of this
    assessment (None when none did)."""
    scope = _uploads(viewer)
    found = db.scalar(
        "SELECT u.team_id FROM upload u WHERE u.team_id IS NOT NULL AND u.id IN ("
        " SELECT s.upload_id FROM score s JOIN administration a ON a.id = s.administration_id"
        " WHERE a.assessment_id = ?)"
        " AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], u.team_id))"
        " ORDER BY u.uploaded_at DESC, u.id DESC LIMIT 1",
        [assessment_id, scope, scope],
    )
    return None if found is None else int(found)


def population_choices(
    db: Database, assessment_id: int, *, viewer: Viewer = LOCAL
) -> dict[str, list[str]]:
    """The grades, classes, teachers and groups seen on an assessment (for select boxes), in
    the uploads ``viewer`` may read."""
    scope = _uploads(viewer)
    out: dict[str, list[str]] = {}
    for key, expr in (
        ("grade", "coalesce(s.grade, st.grade)"),
        ("class", "coalesce(s.class_name, st.class_name)"),
        ("teacher", "coalesce(s.teacher, st.teacher)"),
    ):
        sql = (
            f"SELECT DISTINCT {expr} AS v FROM score s LEFT JOIN student st ON st.id = s.student_id"  # noqa: S608 - expr is one of three fixed column expressions above
            " JOIN administration a ON a.id = s.administration_id"
            " WHERE a.assessment_id = ? AND s.item IS NULL AND v IS NOT NULL" + _IN_SCOPE
            + " ORDER BY v"
        )
        out[key] = [str(r[0]) for r in db.rows(sql, [assessment_id, scope, scope])]
    out["group"] = [
        str(r[0])
        for r in db.rows(
            "SELECT DISTINCT g.group_name FROM student_group g WHERE g.student_id IN ("  # noqa: S608 (fixed fragments)
            " SELECT s.student_id FROM score s JOIN administration a ON a.id = s.administration_id"
            " WHERE a.assessment_id = ?" + _IN_SCOPE + ") ORDER BY 1",
            [assessment_id, scope, scope],
        )
    ]
    return out


def administration(db: Database, administration_id: int) -> dict[str, Any]:
    """One sitting: id, assessment_id, assessment, term (None when blank), date, label."""
    df = db.query(
        "SELECT a.id, a.assessment_id, t.name AS assessment, a.term, a.date, a.label"
        " FROM administration a JOIN assessment t ON t.id = a.assessment_id WHERE a.id = ?",
        [administration_id],
    )
    if df.empty:
        raise UserError(f"there is no administration {administration_id}", kind="state")
    row = df.iloc[0].to_dict()
    row["date"] = to_date(row["date"])
    row["term"] = None if pd.isna(row["term"]) else row["term"]
    return row


def follow_candidates(db: Database, goal_id: int) -> pd.DataFrame:
    """Other assessments that scored the goal's skill: id, name, sittings (for "follow into")."""
    return db.query(
        """
        SELECT a.id, a.name, count(DISTINCT ad.id)::INTEGER AS sittings
        FROM goal g
        JOIN assessment a ON a.id <> g.assessment_id
        JOIN administration ad ON ad.assessment_id = a.id
        JOIN score s ON s.administration_id = ad.id AND s.item IS NULL AND s.skill = g.skill
        WHERE g.id = ?
        GROUP BY a.id, a.name
        ORDER BY a.name
        """,
        [int(goal_id)],
    )
