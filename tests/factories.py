"""Small builders that write rows straight into a test database (parameterised SQL only).

They do not go through the importer, so metric and chart tests can run on exactly the
scores they need: a team, an assessment, its administrations, students and score rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from collabplan import db as db_module
from collabplan.db import Database
from collabplan.ingest import store


def own_tables(db: Database) -> str:
    """SQL naming where the database's own tables are in a catalog view (information_schema:
    ``table_catalog``/``table_schema``): the file's ``main`` schema, or the shared store's."""
    if db.shared:
        return "table_catalog = 'store' AND table_schema = 'public'"
    return "table_catalog = current_database() AND table_schema = 'main'"


def team(db: Database, name: str = "Grade 7 ELA") -> int:
    with db.transaction() as cur:
        return cur.execute("INSERT INTO team (name) VALUES (?) RETURNING id", [name]).fetchone()[0]


def upload(db: Database, team_id: int | None = None, name: str = "results.xlsx") -> int:
    with db.transaction() as cur:
        n = cur.execute("SELECT count(*) FROM upload").fetchone()[0]
        return cur.execute(
            "INSERT INTO upload (file_name, sha256, team_id) VALUES (?, ?, ?) RETURNING id",
            [name, f"sha-{n}-{name}", team_id],
        ).fetchone()[0]


def assessment(
    db: Database,
    name: str = "Unit 2 CFA",
    kind: str = "points",
    levels: Sequence[str] | None = None,
    proficient_level: str | None = None,
    cut: float = 0.8,
) -> int:
    with db.transaction() as cur:
        return cur.execute(
            "INSERT INTO assessment (name, kind, levels, proficient_level, cut)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            [name, kind, list(levels) if levels else None, proficient_level, cut],
        ).fetchone()[0]


def administration(db: Database, assessment_id: int, term: str | None, date: str) -> int:
    with db.transaction() as cur:
        return cur.execute(
            "INSERT INTO administration (assessment_id, term, date, label)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            [assessment_id, term, date, f"{term} ({date})" if term else date],
        ).fetchone()[0]


def student(
    db: Database,
    local_id: str,
    name: str,
    grade: str | None = "7",
    class_name: str | None = None,
    teacher: str | None = None,
    groups: Iterable[str] = (),
) -> int:
    with db.transaction() as cur:
        sid = cur.execute(
            "INSERT INTO student (student_key, local_id, display_name, grade, class_name, teacher)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [f"id:{local_id}", local_id, name, grade, class_name, teacher],
        ).fetchone()[0]
        for g in groups:
            cur.execute(
                "INSERT INTO student_group (student_id, group_name) VALUES (?, ?)", [sid, g]
            )
    return sid


def score_table(rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Score rows (dicts in the ``score`` view's shape) as an Arrow table for
    :func:`store.write_score_rows`; a key missing from a dict is NULL."""
    rows = list(rows)
    cols = [c for c in store.SCORE_COLUMNS if any(c in r for r in rows)]
    unknown = {k for r in rows for k in r} - set(store.SCORE_COLUMNS)
    if unknown:
        raise ValueError(f"not score columns: {sorted(unknown)}")
    arrays = []
    for c in cols:
        values = [r.get(c) for r in rows]
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. grade given as 3 and as "3"
            arrays.append(pa.array([None if v is None else str(v) for v in values]))
    return pa.table(dict(zip(cols, arrays, strict=True)))


def scores(db: Database, rows: Iterable[dict[str, Any]]) -> None:
    """Insert score rows; each dict needs upload_id, administration_id, student_id and skill,
    and either fraction (points/percent; proficient derived from ``cut``, default 0.8) or
    level + proficient; item, points, max_points, grade, class_name, teacher are optional."""
    prepared = []
    for row in rows:
        row = dict(row)
        cut = row.pop("cut", 0.8)
        if "proficient" not in row and row.get("fraction") is not None:
            row["proficient"] = row["fraction"] >= cut
        prepared.append(row)
    if not prepared:
        return
    with db.transaction() as cur:
        store.write_score_rows(cur, score_table(prepared))


def delete_scores(cur: Any, where: str, params: Sequence[Any] = ()) -> None:
    """Delete the score rows matching ``where`` (SQL over the ``score`` view's columns other
    than upload_id), then any sitting or measure left without a score value, as an undo would.
    ``where`` is fixed test text; values go in ``params``."""
    cur.execute(
        f"""DELETE FROM score_value v USING sitting si, measure m
            WHERE si.id = v.sitting_id AND m.id = v.measure_id AND ({where})""",  # noqa: S608 fixed test text
        list(params),
    )
    cur.execute(
        "DELETE FROM sitting WHERE NOT EXISTS (SELECT 1 FROM score_value v WHERE v.sitting_id = sitting.id)"
    )
    cur.execute(
        "DELETE FROM measure WHERE NOT EXISTS (SELECT 1 FROM score_value v WHERE v.measure_id = measure.id)"
    )


def class_of_students(
    db: Database,
    n: int,
    class_name: str,
    teacher: str,
    start: int = 1,
    groups_every: dict[str, int] | None = None,
) -> list[int]:
    """``n`` students in one class; every k-th student is in group G for {G: k}."""
    ids = []
    for i in range(start, start + n):
        groups = [g for g, k in (groups_every or {}).items() if i % k == 0]
        ids.append(
            student(db, f"S{i:04d}", f"Student{i:04d}, Pat", class_name=class_name,
                    teacher=teacher, groups=groups)
        )
    return ids


def skill_scores(
    db: Database,
    upload_id: int,
    administration_id: int,
    student_ids: Sequence[int],
    skill: str,
    proficient_count: int,
    class_name: str | None = None,
    high: float = 0.9,
    low: float = 0.5,
) -> None:
    """One skill score per student: the first ``proficient_count`` score ``high``, others ``low``."""
    scores(
        db,
        (
            {
                "upload_id": upload_id,
                "administration_id": administration_id,
                "student_id": sid,
                "skill": skill,
                "fraction": high if i < proficient_count else low,
                "class_name": class_name,
            }
            for i, sid in enumerate(student_ids)
        ),
    )


def database_before(path: Path, version: int) -> duckdb.DuckDBPyConnection:
    """A database file as an older app left it: only the migrations numbered below
    ``version``, recorded. Open for the caller to add rows; close it before ``Database``."""
    con = duckdb.connect(str(path))
    con.execute(db_module.SCHEMA_VERSION_TABLE)
    for number, name, sql in db_module.migrations():
        if number < version:
            con.execute(sql)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [number, name])
    return con


#: Students proficient per skill (of 24) in the review school's two windows.
REVIEW_FALL = {"RL.7.1": 20, "RI.7.6": 6, "L.7.4": 12, "RL.7.2": 14}
REVIEW_WINTER = {"RL.7.1": 22, "RI.7.6": 14, "L.7.4": 13, "RL.7.2": 20}


def review_school(db: Database) -> dict[str, Any]:
    """24 grade-7 students in two classes (ELL: every other one), a CFA given fall and winter."""
    team_id = team(db, "Grade 7 ELA")
    up = upload(db, team_id)
    cfa = assessment(db, "Unit 2 CFA")
    fall = administration(db, cfa, "Fall", "2025-10-01")
    winter = administration(db, cfa, "Winter", "2026-01-15")
    a = class_of_students(db, 12, "7A", "Ms. Lee", start=1, groups_every={"ELL": 2})
    b = class_of_students(db, 12, "7B", "Mr. Kim", start=13, groups_every={"ELL": 2})
    for admin, counts in ((fall, REVIEW_FALL), (winter, REVIEW_WINTER)):
        for skill, n in counts.items():
            skill_scores(db, up, admin, a + b, skill, n)
    return {"team": team_id, "upload": up, "cfa": cfa, "fall": fall, "winter": winter,
            "a": a, "b": b}
