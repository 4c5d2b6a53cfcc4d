"""Write a prepared upload to the database in one transaction, list uploads, undo one.

Students, scores and groups go in as registered Arrow tables with ``INSERT … SELECT``, so a
file of a million scores is a handful of statements, not a million.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.ingest import store
from collabplan.ingest.compare import (
    StoreCheck,
    StudentsChangedError,
    check_with_store,
    with_store,
)
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.prepare import Prepared, prepare
from collabplan.ingest.parser import Job
from collabplan.ingest.students import (
    match_students,
    student_changes,
    undo_students,
    write_students,
)
from collabplan.shared_store import delete_ids
from collabplan.text import clean_text

if TYPE_CHECKING:  # pandas loads only for list_uploads, never while importing
    import pandas as pd

Progress = Callable[[float, str], None]


@dataclass
class ImportResult:
    """What one import did (or, with ``duplicate``, found already done)."""

    upload_id: int | None
    file_name: str
    assessment: str | list[str]
    administrations: int
    students: int
    scores: int
    skills: list[str]
    warnings: list[str] = field(default_factory=list)
    duplicate: bool = False
    detected: str = ""
    mapping: str | None = None  # the preset or saved mapping used, or "tracker"
    #: how sure detection was ({"confidence": "high", "confidence_score": 0.97, "runner_up":
    #: {...}}); None when a mapping was given or the file was imported before
    detection: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """Exactly the object ``python -m collabplan import --json`` prints for a file."""
        sure = self.detection or {}
        return {
            "mapping": self.mapping,
            "confidence": sure.get("confidence"),
            "confidence_score": sure.get("confidence_score"),
            "runner_up": sure.get("runner_up"),
            "file": self.file_name,
            "upload_id": self.upload_id,
            "assessment": self.assessment,
            "administrations": self.administrations,
            "students": self.students,
            "scores": self.scores,
            "skills": list(self.skills),
            "warnings": list(self.warnings),
            "duplicate": self.duplicate,
        }


def _mapping_used(name: str | None) -> str | None:
    """The mapping name as the CLI gives it: the tracker template is "tracker"."""
    return "tracker" if name == "teacher_tracker" else name


def _how_read(p: Prepared) -> dict[str, Any]:
    """ImportResult's ``mapping`` and ``detection`` for a prepared file."""
    if p.detection is not None:
        return {"mapping": p.detection.name, "detection": p.detection.to_json()}
    return {"mapping": _mapping_used(p.mapping.name), "detection": None}


def _one_or_list(names: list[str]) -> str | list[str]:
    return names[0] if len(names) == 1 else names


def _label(term: str | None, date: dt.date | None) -> str:
    if term:
        return term
    return f"{date.day} {date:%b %Y}" if date else "undated"


# ------------------------------------------------------------------------------------ import
def import_file(
    db: Database,
    data: bytes,
    file_name: str,
    mapping: Mapping | None = None,
    *,
    team: str | None = None,
    uploaded_by: str | None = None,
    progress: Progress | None = None,
    update_students: bool = False,
) -> ImportResult:
    """Read, check and save one file; the same bytes again, or the same scores in other
    bytes, add nothing (``duplicate=True``). See :func:`import_prepared` for
    ``update_students``."""
    file_name = clean_text(file_name)  # it is shown and stored: no control characters
    sha = hashlib.sha256(data).hexdigest()
    done = _existing(db, sha, file_name)
    if done is not None:
        return done
    prepared = prepare(data, file_name, mapping, progress=progress)
    return import_prepared(
        db, prepared, team=team, uploaded_by=uploaded_by, progress=progress,
        update_students=update_students,
    )


def import_files(
    db: Database,
    files: list[tuple[str, bytes]],
    mapping: Mapping | None = None,
    *,
    team: str | None = None,
    uploaded_by: str | None = None,
    progress: Progress | None = None,
    jobs: Sequence[Job | None] = (),
    update_students: bool = False,
) -> list[ImportResult]:
    """Several files at once (e.g. MAP results + the StudentsBySchool roster, either order).

    Every file is read and checked (also against the store: see :func:`import_prepared` for
    ``update_students``) before anything is written, so one bad or refused file leaves the
    database unchanged; then each file is saved in its own transaction. Files join through
    the student id, so the order does not matter. ``jobs``: the parses already started for
    the files, in the same order (see :func:`collabplan.ingest.parser.start`); the caller
    closes them.
    """
    prepared: list[Prepared | ImportResult] = []
    for i, (name, data) in enumerate(files):
        sha = hashlib.sha256(data).hexdigest()
        done = _existing(db, sha, name)
        job = jobs[i] if i < len(jobs) else None
        if done is None:
            sub = _scaled(progress, i / len(files) * 0.6, (i + 1) / len(files) * 0.6)
            done = prepare(data, name, mapping, progress=sub, job=job)
            if not done.report.ok():
                raise UserError(done.report.errors[0])
            if not update_students:  # (the students alone: the scores are compared on saving)
                cur = db.cursor()
                changes = student_changes(cur, done.students, match_students(cur, done.students))
                if changes.needs_confirmation:
                    raise StudentsChangedError(name, changes)
        prepared.append(done)
    results = []
    for i, item in enumerate(prepared):
        if isinstance(item, ImportResult):
            results.append(item)
            continue
        sub = _scaled(progress, 0.6 + i / len(files) * 0.4, 0.6 + (i + 1) / len(files) * 0.4)
        results.append(
            import_prepared(
                db, item, team=team, uploaded_by=uploaded_by, progress=sub,
                update_students=update_students,
            )
        )
    return results


def _scaled(progress: Progress | None, lo: float, hi: float) -> Progress | None:
    if progress is None:
        return None
    return lambda f, msg: progress(lo + (hi - lo) * f, msg)


def _existing(db: Database, sha: str, file_name: str) -> ImportResult | None:
    row = db.rows(
        "SELECT id, students, scores, warnings, mapping_name FROM upload WHERE sha256 = ?", [sha]
    )
    if not row:
        return None
    upload_id, students, scores, _warnings, mapping_name = row[0]
    # An upload's sittings and measures are its own (see ingest/store.py): no score join needed.
    names = [
        n
        for (n,) in db.rows(
            """SELECT DISTINCT t.name FROM sitting si JOIN administration a ON a.id = si.administration_id
               JOIN assessment t ON t.id = a.assessment_id WHERE si.upload_id = ? ORDER BY 1""",
            [upload_id],
        )
    ]
    admins = db.scalar(
        "SELECT count(DISTINCT administration_id) FROM sitting WHERE upload_id = ?", [upload_id]
    )
    skills = [
        s
        for (s,) in db.rows(
            "SELECT DISTINCT skill FROM measure WHERE upload_id = ? AND item IS NULL ORDER BY 1",
            [upload_id],
        )
    ]
    return ImportResult(
        upload_id=int(upload_id),
        file_name=file_name,
        assessment=_one_or_list(names),
        administrations=int(admins or 0),
        students=int(students),
        scores=int(scores),
        skills=skills,
        warnings=[f"{file_name}: already imported as upload {upload_id}; nothing was added"],
        duplicate=True,
        mapping=_mapping_used(mapping_name),
    )


def import_prepared(
    db: Database,
    prepared: Prepared,
    *,
    team: str | None = None,
    uploaded_by: str | None = None,
    progress: Progress | None = None,
    update_students: bool = False,
) -> ImportResult:
    """Write a :class:`Prepared` upload in one transaction (all or nothing).

    The upload is first compared with the store (:func:`~collabplan.ingest.compare.check_with_store`)
    inside the transaction. When most of its students that are stored already carry other
    names, it raises :class:`StudentsChangedError` unless ``update_students`` (the user said
    they are the same students). When every score is stored with the same value and no
    student would change, nothing is written and the result is a duplicate of the upload(s)
    holding them. Otherwise its warnings say what it changes (students, replaced scores) and
    the old student details are kept for undo.
    """
    report = prepared.report
    if not report.ok():
        raise UserError(report.errors[0])
    if progress:
        progress(0.7, "Saving")
    sha = prepared.sha256 or hashlib.sha256(prepared.file_name.encode()).hexdigest()
    with db.transaction(plain_text=True) as cur:
        if cur.execute("SELECT 1 FROM upload WHERE sha256 = ?", [sha]).fetchone():
            pass  # raced with another import of the same bytes: report it as a duplicate below
        else:
            check = check_with_store(cur, prepared)
            if check.changes.needs_confirmation and not update_students:
                raise StudentsChangedError(prepared.file_name, check.changes)
            if check.duplicate:
                return _same_scores(prepared, check)
            report = with_store(report, check, done=True)
            upload_id = _write(cur, prepared, report, sha, team, uploaded_by, check)
            if progress:
                progress(1.0, "Saved")
            admins = prepared.administrations
            return ImportResult(
                upload_id=upload_id,
                file_name=prepared.file_name,
                assessment=_one_or_list(sorted(set(admins.column("assessment").to_pylist()))),
                administrations=admins.num_rows,
                students=report.students,
                scores=report.scores,
                skills=list(report.skills),
                warnings=list(report.warnings),
                duplicate=False,
                detected=prepared.detected,
                **_how_read(prepared),
            )
    done = _existing(db, sha, prepared.file_name)
    assert done is not None
    return done


def _same_scores(p: Prepared, check: StoreCheck) -> ImportResult:
    """The result of an upload whose scores are all stored already: nothing written."""
    admins = p.administrations
    return ImportResult(
        upload_id=check.same_as[-1][0],
        file_name=p.file_name,
        assessment=_one_or_list(sorted(set(admins.column("assessment").to_pylist()))),
        administrations=admins.num_rows,
        students=p.report.students,
        scores=p.report.scores,
        skills=list(p.report.skills),
        warnings=[f"same scores as {check.same_as_text()}; nothing was added"],
        duplicate=True,
        detected=p.detected,
        **_how_read(p),
    )


def write_then_rollback(db: Database, prepared: Prepared, fn: Callable[[], Any]) -> Any:
    """Write ``prepared`` exactly as :func:`import_prepared` would, call ``fn()`` while the rows
    are there (reads through ``db`` in this thread see them), then roll everything back.

    Returns what ``fn`` returned: a preview of what the import would give. Bytes already
    imported are not written again (``fn`` sees the database as it is).
    """
    report = prepared.report
    if not report.ok():
        raise UserError(report.errors[0])
    sha = prepared.sha256 or hashlib.sha256(prepared.file_name.encode()).hexdigest()
    with db.scratch() as cur:
        if not cur.execute("SELECT 1 FROM upload WHERE sha256 = ?", [sha]).fetchone():
            check = check_with_store(cur, prepared)
            if not check.duplicate:  # written as if confirmed: the preview shows what it would do
                report = with_store(report, check, done=True)
                _write(cur, prepared, report, sha, None, None, check)
        return fn()


def _write(
    cur: Any,
    p: Prepared,
    report: Any,
    sha: str,
    team: str | None,
    who: str | None,
    check: StoreCheck,
) -> int:
    team_id = None
    if team:
        row = cur.execute("SELECT id FROM team WHERE name = ?", [team]).fetchone()
        if row is None:
            row = cur.execute("INSERT INTO team (name) VALUES (?) RETURNING id", [team]).fetchone()
        team_id = row[0]
    upload_id = cur.execute(
        """INSERT INTO upload (file_name, sha256, team_id, uploaded_by, mapping_name, mapping_toml,
               rows_read, rows_skipped, students, scores, warnings)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        [
            p.file_name,
            sha,
            team_id,
            who,
            p.mapping.name,
            p.mapping.to_toml(),
            report.rows_read,
            report.rows_skipped,
            report.students,
            report.scores,
            list(report.warnings),
        ],
    ).fetchone()[0]

    # students: one per key across uploads (or matched by name); a newer file's names,
    # grade, class and teacher win, the old ones kept for undo
    student_ids = write_students(cur, upload_id, p.students, check.match)
    groups = p.students.column("groups").combine_chunks()
    group_names = pc.list_flatten(groups)
    if len(group_names):
        cur.register(
            "new_groups",
            pa.table({
                "student_id": pa.array(student_ids[pc.list_parent_indices(groups).to_numpy()]),
                "group_name": group_names,
            }),
        )
        try:
            cur.execute(
                """INSERT INTO student_group (student_id, group_name, upload_id)
                   SELECT student_id, group_name, ? FROM new_groups""",
                [upload_id],
            )
        finally:
            cur.unregister("new_groups")

    # assessments and administrations: few rows, one statement each
    kinds = {a["name"]: a for a in p.assessments}
    admin_ids: list[int] = []  # by position in p.administrations
    for adm in p.administrations.to_pylist():
        name, term, date = adm["assessment"], adm["term"], adm["date"]
        info = kinds.get(name, {})
        row = cur.execute("SELECT id FROM assessment WHERE name = ?", [name]).fetchone()
        if row is None:
            row = cur.execute(
                """INSERT INTO assessment (name, subject, kind, levels, proficient_level, cut)
                   VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
                [
                    name,
                    info.get("subject"),
                    info.get("kind") or "points",
                    info.get("levels"),
                    info.get("proficient_level"),
                    info.get("cut", 0.8),
                ],
            ).fetchone()
        assessment_id = row[0]
        if term is None and date is None:
            date = dt.date.today()
        if term is not None:
            found = cur.execute(
                "SELECT id, date FROM administration WHERE assessment_id = ? AND term = ?",
                [assessment_id, term],
            ).fetchone()
        else:
            found = cur.execute(
                "SELECT id, date FROM administration WHERE assessment_id = ? AND term IS NULL AND date = ?",
                [assessment_id, date],
            ).fetchone()
        if found is None:
            admin_id = cur.execute(
                """INSERT INTO administration (assessment_id, term, date, label)
                   VALUES (?, ?, ?, ?) RETURNING id""",
                [assessment_id, term, date, _label(term, date)],
            ).fetchone()[0]
        else:
            admin_id = found[0]
            if date is not None and (found[1] is None or date < found[1]):
                cur.execute("UPDATE administration SET date = ? WHERE id = ?", [date, admin_id])
        admin_ids.append(admin_id)

    values = p.rows_to_save()
    if values.num_rows:
        store.insert_slim(
            cur,
            upload_id,
            p.sittings(),
            p.measures(),
            values,
            student_ids,
            np.asarray(admin_ids, dtype=np.int32),
        )
    return int(upload_id)


# -------------------------------------------------------------------------------------- undo
def delete_upload(db: Database, upload_id: int, *, who: str | None = None) -> dict[str, Any]:
    """Undo one import: its scores and group rows, the upload row, and whatever only it used.

    Administrations, assessments and students that this upload's rows pointed at are removed
    when nothing else refers to them any more (no other score, group row, goal or note; a
    student also stays while another upload names it). Students whose name, grade, class or
    teacher it changed get their earlier details back (``students_restored``); scores of the
    same students, windows and skills from earlier uploads count again.
    An audit row records who did it. Raises UserError for an unknown id.
    """
    with db.transaction() as cur:
        row = cur.execute("SELECT file_name FROM upload WHERE id = ?", [upload_id]).fetchone()
        if row is None:
            raise UserError(f"there is no upload {upload_id}: see `python -m collabplan uploads`")
        file_name = row[0]
        cur.execute(
            """CREATE TEMP TABLE IF NOT EXISTS undo_touched (kind VARCHAR, id INTEGER);
               DELETE FROM undo_touched;"""
        )
        cur.execute(
            """INSERT INTO undo_touched
               SELECT DISTINCT 'administration', administration_id FROM sitting WHERE upload_id = ?
               UNION SELECT DISTINCT 'student', student_id FROM sitting WHERE upload_id = ?
               UNION SELECT DISTINCT 'student', student_id FROM student_group WHERE upload_id = ?""",
            [upload_id, upload_id, upload_id],
        )
        groups = cur.execute(
            "SELECT count(*) FROM student_group WHERE upload_id = ?", [upload_id]
        ).fetchone()[0]
        scores = store.delete_upload_scores(cur, upload_id)
        cur.execute("DELETE FROM student_group WHERE upload_id = ?", [upload_id])
        cur.execute("DELETE FROM upload WHERE id = ?", [upload_id])
        cur.execute(
            """INSERT INTO undo_touched SELECT DISTINCT 'assessment', assessment_id
               FROM administration WHERE id IN (SELECT id FROM undo_touched WHERE kind = 'administration')"""
        )
        admins = delete_ids(cur, "administration", cur.execute(
            """SELECT a.id FROM administration a
               WHERE a.id IN (SELECT id FROM undo_touched WHERE kind = 'administration')
                 AND NOT EXISTS (SELECT 1 FROM sitting s WHERE s.administration_id = a.id)
                 AND NOT EXISTS (SELECT 1 FROM goal g WHERE g.baseline_administration_id = a.id)
                 AND NOT EXISTS (SELECT 1 FROM review_note r WHERE r.administration_id = a.id)"""
        ).fetchall())
        assessments = delete_ids(cur, "assessment", cur.execute(
            """SELECT t.id FROM assessment t
               WHERE t.id IN (SELECT id FROM undo_touched WHERE kind = 'assessment')
                 AND NOT EXISTS (SELECT 1 FROM administration a WHERE a.assessment_id = t.id)
                 AND NOT EXISTS (SELECT 1 FROM goal g WHERE g.assessment_id = t.id
                                 OR list_contains(g.follow_assessment_ids, t.id))"""
        ).fetchall())
        # A team's focus ratings and choice mean nothing once their window or test is gone.
        cur.execute("DELETE FROM focus_choice WHERE administration_id NOT IN"
                    " (SELECT id FROM administration)")
        cur.execute("DELETE FROM focus_rating WHERE assessment_id NOT IN (SELECT id FROM assessment)")
        restored, students = undo_students(cur, upload_id)
        cur.execute("DROP TABLE undo_touched")
        detail = (
            f"upload {upload_id} ({file_name}): removed {scores} scores and {groups} group rows"
            + (f", put back the earlier details of {restored} students" if restored else "")
        )
        cur.execute(
            "INSERT INTO audit (who, action, detail) VALUES (?, 'undo upload', ?)", [who, detail]
        )
    return {
        "upload_id": upload_id,
        "file_name": file_name,
        "scores": int(scores),
        "student_groups": int(groups),
        "administrations": len(admins),
        "assessments": len(assessments),
        "students": students,
        "students_restored": restored,
    }


# ----------------------------------------------------------------------------- history, saved
def list_uploads(db: Database) -> pd.DataFrame:
    """Every upload, newest first."""
    return db.query(
        """SELECT u.id, u.file_name, t.name AS team, u.uploaded_by, u.uploaded_at, u.mapping_name,
                  u.rows_read, u.rows_skipped, u.students, u.scores, u.warnings
           FROM upload u LEFT JOIN team t ON t.id = u.team_id
           ORDER BY u.id DESC"""
    )


def save_mapping(db: Database, name: str, mapping: Mapping) -> None:
    """Save (or replace) a named mapping so the upload page can offer it again."""
    if not name.strip():
        raise UserError("give the mapping a name")
    text = mapping.copy(name=name.strip()).to_toml()
    with db.transaction() as cur:
        cur.execute("DELETE FROM saved_mapping WHERE name = ?", [name.strip()])
        cur.execute("INSERT INTO saved_mapping (name, toml) VALUES (?, ?)", [name.strip(), text])


def saved_mappings(db: Database) -> dict[str, Mapping]:
    return {
        name: Mapping.from_toml(text, name=name)
        for name, text in db.rows("SELECT name, toml FROM saved_mapping ORDER BY name")
    }
