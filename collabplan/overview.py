"""What the database holds, for the home page: counts and the latest uploads."""

from __future__ import annotations

import pandas as pd

from collabplan.db import Database

#: Tile name -> the count query behind it (fixed text, no user input).
_COUNTS = {
    "teams": "SELECT count(*) FROM team",
    "assessments": "SELECT count(*) FROM assessment",
    "administrations": "SELECT count(*) FROM administration",
    "students": "SELECT count(*) FROM student",
    # skill scores only: per-question rows of item-level files roll up into these
    "scores": "SELECT count(*) FROM score WHERE item IS NULL",
    "uploads": "SELECT count(*) FROM upload",
    "goals": "SELECT count(*) FROM goal",
}


def database_overview(db: Database) -> dict[str, int]:
    """Counts of teams, assessments, administrations (testing windows), students, skill
    scores, uploads and goals; ``empty`` is True when no results and no teams are stored."""
    counts = {name: int(db.scalar(sql) or 0) for name, sql in _COUNTS.items()}
    counts["empty"] = counts["scores"] == 0 and counts["teams"] == 0 and counts["uploads"] == 0
    return counts


def latest_uploads(db: Database, n: int = 5) -> pd.DataFrame:
    """The ``n`` most recent uploads: file, team, who, when, students, scores."""
    return db.query(
        """
        SELECT u.id, u.file_name AS file, t.name AS team, u.uploaded_by AS who,
               u.uploaded_at AS "when", u.students, u.scores
        FROM upload u LEFT JOIN team t ON t.id = u.team_id
        ORDER BY u.uploaded_at DESC, u.id DESC
        LIMIT ?
        """,
        [int(n)],
    )


def assessment_windows(db: Database) -> pd.DataFrame:
    """Each assessment with its testing windows (administrations) and how many students sat them."""
    return db.query(
        """
        SELECT a.name AS assessment, ad.label AS window, ad.date,
               count(DISTINCT s.student_id) AS students
        FROM administration ad
        JOIN assessment a ON a.id = ad.assessment_id
        LEFT JOIN score s ON s.administration_id = ad.id AND s.item IS NULL
        GROUP BY a.name, ad.label, ad.date, ad.id
        ORDER BY a.name, ad.date NULLS LAST, ad.id
        """
    )


def team_names(db: Database) -> list[str]:
    """The teams, by name (for pickers)."""
    return [name for (name,) in db.rows("SELECT name FROM team ORDER BY name")]
