"""What the goal pickers offer: teams, assessments, their administrations and skills, the
populations an assessment scored, and the other assessments a goal may follow.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from collabplan import config
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.values import to_date
from collabplan.metrics import Filters, skill_summary
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
) -> pd.DataFrame:
    """Administrations of an assessment that scored ``skill`` for the population, oldest first.

    Columns: administration_id, term, date, label, students, proficient, pct_proficient.
    """
    df = skill_summary(
        db,
        Filters.from_population(
            clean_population(population), assessment_id=assessment_id, skill=skill
        ),
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


def skills_of(db: Database, assessment_id: int) -> list[str]:
    return [
        r[0]
        for r in db.rows(
            "SELECT DISTINCT s.skill FROM score s JOIN administration a ON a.id = s.administration_id"
            " WHERE a.assessment_id = ? AND s.item IS NULL ORDER BY s.skill",
            [assessment_id],
        )
    ]


def skills_by_need(db: Database, assessment_id: int) -> list[str]:
    """The assessment's skills, lowest % proficient in its latest window first (then the rest)."""
    df = skill_summary(db, Filters(assessment_id=assessment_id))
    every = skills_of(db, assessment_id)
    if df.empty:
        return every
    df = df.assign(_d=df["date"].map(to_date))
    latest = df.sort_values(["_d", "administration_id"], na_position="first").iloc[-1]
    window = df[df["administration_id"] == latest["administration_id"]]
    window = window[window["students"] >= config.MIN_GROUP_SIZE]
    ranked = list(window.sort_values(["pct_proficient", "skill"])["skill"])
    return ranked + [s for s in every if s not in ranked]


def default_team_for(db: Database, assessment_id: int) -> int | None:
    """The team that most recently uploaded results of this assessment (None when none did)."""
    found = db.scalar(
        "SELECT u.team_id FROM upload u WHERE u.team_id IS NOT NULL AND u.id IN ("
        " SELECT s.upload_id FROM score s JOIN administration a ON a.id = s.administration_id"
        " WHERE a.assessment_id = ?) ORDER BY u.uploaded_at DESC, u.id DESC LIMIT 1",
        [assessment_id],
    )
    return None if found is None else int(found)


def population_choices(db: Database, assessment_id: int) -> dict[str, list[str]]:
    """The grades, classes, teachers and groups seen on an assessment (for select boxes)."""
    out: dict[str, list[str]] = {}
    for key, expr in (
        ("grade", "coalesce(s.grade, st.grade)"),
        ("class", "coalesce(s.class_name, st.class_name)"),
        ("teacher", "coalesce(s.teacher, st.teacher)"),
    ):
        sql = (
            f"SELECT DISTINCT {expr} AS v FROM score s LEFT JOIN student st ON st.id = s.student_id"  # noqa: S608 - expr is one of three fixed column expressions above
            " JOIN administration a ON a.id = s.administration_id"
            " WHERE a.assessment_id = ? AND s.item IS NULL AND v IS NOT NULL ORDER BY v"
        )
        out[key] = [str(r[0]) for r in db.rows(sql, [assessment_id])]
    out["group"] = [
        str(r[0])
        for r in db.rows(
            "SELECT DISTINCT g.group_name FROM student_group g WHERE g.student_id IN ("
            " SELECT s.student_id FROM score s JOIN administration a ON a.id = s.administration_id"
            " WHERE a.assessment_id = ?) ORDER BY 1",
            [assessment_id],
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
