"""What the database holds, for the home page: counts and the latest uploads.

A teacher's counts, uploads and windows are those of their own teams' uploads
(``viewer.team_scope``); leaders and coaches see the whole school's.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.metrics import LOCAL

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


#: The same tiles over a teacher's own uploads only (``?`` = the list of their team ids).
_SCOPED_COUNTS = {
    "students": "SELECT count(DISTINCT student_id) FROM sitting"
                " WHERE upload_id IN (SELECT id FROM upload WHERE list_contains(?, team_id))",
    "scores": "SELECT count(*) FROM score WHERE item IS NULL"
              " AND upload_id IN (SELECT id FROM upload WHERE list_contains(?, team_id))",
    "uploads": "SELECT count(*) FROM upload WHERE list_contains(?, team_id)",
}


def _scope(viewer: Viewer) -> list[int] | None:
    return None if viewer.team_scope is None else sorted(viewer.team_scope)


def database_overview(db: Database, *, viewer: Viewer = LOCAL) -> dict[str, int]:
    """Counts of teams, assessments, administrations (testing windows), students, skill
    scores, uploads and goals; ``empty`` is True when no results and no teams are stored
    (in the whole database). A teacher's students, scores and uploads are their own teams'."""
    counts: dict[str, Any] = {}
    scope = _scope(viewer)
    for name, sql in _COUNTS.items():
        if scope is not None and name in _SCOPED_COUNTS:
            counts[name] = int(db.scalar(_SCOPED_COUNTS[name], [scope]) or 0)
        else:
            counts[name] = int(db.scalar(sql) or 0)
    # "empty" is about the database, not the viewer's share of it (the welcome and the demo).
    counts["empty"] = counts["teams"] == 0 and not db.scalar("SELECT count(*) FROM upload") \
        and not db.scalar("SELECT count(*) FROM score WHERE item IS NULL")
    return counts


def latest_uploads(db: Database, n: int = 5, *, viewer: Viewer = LOCAL) -> pd.DataFrame:
    """The ``n`` most recent uploads (a teacher: of their teams): file, team, who, when,
    students, scores."""
    scope = _scope(viewer)
    return db.query(
        """
        SELECT u.id, u.file_name AS file, t.name AS team, u.uploaded_by AS who,
               u.uploaded_at AS "when", u.students, u.scores
        FROM upload u LEFT JOIN team t ON t.id = u.team_id
        WHERE ?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], u.team_id)
        ORDER BY u.uploaded_at DESC, u.id DESC
        LIMIT ?
        """,
        [scope, scope, int(n)],
    )


def assessment_windows(db: Database, *, viewer: Viewer = LOCAL) -> pd.DataFrame:
    """Each assessment with its testing windows (administrations) and how many students sat
    them (a teacher: their teams' students)."""
    scope = _scope(viewer)
    return db.query(
        """
        SELECT a.name AS assessment, ad.label AS window, ad.date,
               count(DISTINCT s.student_id) AS students
        FROM administration ad
        JOIN assessment a ON a.id = ad.assessment_id
        LEFT JOIN score s ON s.administration_id = ad.id AND s.item IS NULL
             AND (?::INTEGER[] IS NULL OR s.upload_id IN (
                  SELECT id FROM upload WHERE list_contains(?::INTEGER[], team_id)))
        GROUP BY a.name, ad.label, ad.date, ad.id
        ORDER BY a.name, ad.date NULLS LAST, ad.id
        """,
        [scope, scope],
    )


def team_names(db: Database) -> list[str]:
    """The teams, by name (for pickers)."""
    return [name for (name,) in db.rows("SELECT name FROM team ORDER BY name")]
