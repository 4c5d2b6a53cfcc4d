"""A prepared upload beside what is stored: which students and testing windows it names are
known, what it would change of those students, and which of its scores are stored already.

:func:`check_with_store` only reads; the upload page runs it for its preview
(:func:`checked_report`) and the importer runs it again inside its write transaction, where
its answer decides what is written: a refusal when most known students would get other names
(unless the user confirmed), nothing at all when every score is stored already.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from collabplan.errors import UserError
from collabplan.ingest.students import StudentMatch, match_students, student_changes
from collabplan.ingest.validate import Report, StudentChanges

if TYPE_CHECKING:
    from collabplan.db import Database
    from collabplan.ingest.normalise.prepare import Prepared

_names = itertools.count()


class StudentsChangedError(UserError):
    """Most students of the file that are stored already have other names in it: refused
    until the user says they are the same students (``update_students``)."""

    def __init__(self, file_name: str, changes: StudentChanges) -> None:
        examples = f" (e.g. {'; '.join(changes.examples)})" if changes.examples else ""
        super().__init__(
            f"{file_name}: {changes.other_names} of the {changes.compared_names} students this file "
            f"shares with the database have other people's names in it{examples}: another school "
            "or ids used again? Nothing was imported",
            kind="file",
        )
        self.file_name = file_name
        self.changes = changes


@dataclass
class StoreCheck:
    """What :func:`check_with_store` found."""

    match: StudentMatch
    changes: StudentChanges
    administration_ids: np.ndarray  # stored id of each of the file's administrations, -1 new
    same_as: list[tuple[int, str]] = field(default_factory=list)  # (upload id, file name)
    replaces: int = 0  # stored skill scores the file gives another value

    @property
    def duplicate(self) -> bool:
        """Every score is stored with the same value, and no student would change or be added."""
        return bool(self.same_as)

    def same_as_text(self) -> str | None:
        """ "upload 12 (file.xlsx)" or "uploads 3 (a.csv) and 5 (b.csv)"; None when not a duplicate."""
        if not self.same_as:
            return None
        parts = [f"{i} ({name})" for i, name in self.same_as]
        head = "upload" if len(parts) == 1 else "uploads"
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"{head} {listed}"


def stored_administrations(con: Any, prepared: Prepared) -> np.ndarray:
    """The stored id of each of ``prepared.administrations`` (-1 when not stored), found the way
    the importer finds them: the assessment by name, then its term, or its date when undated."""
    ids = np.full(prepared.administrations.num_rows, -1, dtype=np.int32)
    for i, adm in enumerate(prepared.administrations.to_pylist()):
        term, date = adm["term"], adm["date"]
        if term is None and date is None:
            date = dt.date.today()
        row = con.execute(
            """SELECT a.id FROM administration a JOIN assessment t ON t.id = a.assessment_id
               WHERE t.name = ? AND (CASE WHEN ? IS NOT NULL THEN a.term = ?
                                          ELSE a.term IS NULL AND a.date = ? END)""",
            [adm["assessment"], term, term, date],
        ).fetchone()
        if row is not None:
            ids[i] = row[0]
    return ids


def check_with_store(con: Any, prepared: Prepared) -> StoreCheck:
    """Compare ``prepared`` with the store through ``con`` (a cursor; nothing is written)."""
    match = match_students(con, prepared.students)
    changes = student_changes(con, prepared.students, match)
    check = StoreCheck(match, changes, stored_administrations(con, prepared))
    if (check.administration_ids < 0).all() or match.new.all():
        return check  # no score of the file can be stored yet
    same, other, absent, replaced, uploads = _compare_scores(con, prepared, check)
    check.replaces = replaced
    if same and not other and not absent and not changes.updates and not match.new.any():
        check.same_as = [
            (int(i), str(n))
            for i, n in con.execute(
                "SELECT id, file_name FROM upload WHERE id IN (SELECT unnest(?::INTEGER[])) ORDER BY id",
                [uploads],
            ).fetchall()
        ]
    return check


def _compare_scores(
    con: Any, prepared: Prepared, check: StoreCheck
) -> tuple[int, int, int, int, list[int]]:
    """(scores stored with the same value, stored with another, not stored, skill scores stored
    with another value, the uploads holding the same ones): each score of the file against
    the stored one that counts (the later upload's, as in metrics)."""
    values = prepared.rows_to_save()
    if values.num_rows == 0:
        return 0, 0, 0, 0, []
    sittings = prepared.sittings()
    measures = prepared.measures()
    numbers = sittings.column("sitting_no").to_numpy()
    position = np.searchsorted(numbers, values.column("sitting_no").to_numpy())
    student = check.match.ids[sittings.column("student_no").to_numpy()[position]]
    admin = check.administration_ids[sittings.column("administration_no").to_numpy()[position]]
    measure_no = values.column("measure_no").combine_chunks()
    known = (student >= 0) & (admin >= 0)
    absent = int((~known).sum())
    level = (
        values.column("level")
        if "level" in values.column_names
        else pa.nulls(values.num_rows, pa.string())
    )
    table = pa.table({
        "student_id": pa.array(student),
        "administration_id": pa.array(admin),
        "skill": measures.column("skill").take(measure_no),
        "item": measures.column("item").take(measure_no),
        "fraction": values.column("fraction"),
        "level": level,
    })
    if not known.all():
        table = table.filter(pa.array(known))
    if table.num_rows == 0:
        return 0, 0, absent, 0, []
    name = f"file_scores_{next(_names)}"
    con.register(name, table)
    try:
        same_value = (
            "(abs(coalesce(c.fraction, -1) - coalesce(f.fraction, -1)) < 1e-9"
            " AND c.level IS NOT DISTINCT FROM f.level)"
        )
        same, other, missing, replaced, uploads = con.execute(
            f"""WITH c AS (
                    SELECT si.student_id, si.administration_id, m.skill, m.item, v.fraction,
                           v.level, si.upload_id
                    FROM score_value v
                    JOIN sitting si ON si.id = v.sitting_id
                    JOIN measure m ON m.id = v.measure_id
                    WHERE si.administration_id IN (SELECT unnest(?::INTEGER[]))
                    QUALIFY row_number() OVER (
                        PARTITION BY si.administration_id, m.skill, m.item, si.student_id
                        ORDER BY si.upload_id DESC) = 1)
                SELECT count(*) FILTER (c.upload_id IS NOT NULL AND {same_value}),
                       count(*) FILTER (c.upload_id IS NOT NULL AND NOT {same_value}),
                       count(*) FILTER (c.upload_id IS NULL),
                       count(*) FILTER (c.upload_id IS NOT NULL AND NOT {same_value}
                                        AND f.item IS NULL),
                       coalesce(list(DISTINCT c.upload_id) FILTER ({same_value}), [])
                FROM {name} f
                LEFT JOIN c ON c.student_id = f.student_id
                 AND c.administration_id = f.administration_id
                 AND c.skill = f.skill AND c.item IS NOT DISTINCT FROM f.item""",  # noqa: S608 (generated name, fixed SQL)
            [sorted({int(a) for a in check.administration_ids if a >= 0})],
        ).fetchone()
    finally:
        con.unregister(name)
    return int(same), int(other), absent + int(missing), int(replaced), list(uploads)


def with_store(report: Report, check: StoreCheck, *, done: bool = False) -> Report:
    """A copy of ``report`` with what the check found, in numbers and warnings (``done``:
    worded for an import that has happened, else for a preview)."""
    warnings = list(report.warnings) + check.changes.lines(done)
    same = check.same_as_text()
    if same:
        warnings.append(
            f"same scores as {same}; nothing {'was' if done else 'would be'} added"
        )
    elif check.replaces:
        one = check.replaces == 1
        warnings.append(
            f"{check.replaces:,} stored {'score' if one else 'scores'} for the same student, "
            f"testing window and skill {'gets' if one else 'get'} another value here: "
            f"{'the new score counts' if one else 'the new scores count'} (undoing this upload "
            f"brings {'the earlier one' if one else 'the earlier ones'} back)"
        )
    return dataclasses.replace(
        report,
        warnings=warnings,
        student_changes=check.changes,
        same_scores_as=same,
        replaces=check.replaces,
    )


def checked_report(db: Database, prepared: Prepared) -> Report:
    """``prepared.report`` with what the store says about it (read-only): changed students,
    students matched by name, scores stored already or replaced."""
    return with_store(prepared.report, check_with_store(db.cursor(), prepared))

