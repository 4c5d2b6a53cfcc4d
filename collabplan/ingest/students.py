"""Which stored student each student of a file is, what the file would change of them, and
the write and undo of those changes.

A file's student is the stored one with the same key (``id:<local id>`` or
``name:<lower-case name>``, see the normaliser's ``rows.py``); a row without an id whose key
is not stored is also that stored student when exactly one stored student has its name,
grade and class (:func:`match_students`). What a file would change of its known students is
counted and described before anything is written (:func:`student_changes`); the write keeps
each changed student's old values in ``student_change`` and every student an upload names in
``upload_student`` (migration 0006), so undoing the upload restores them (:func:`undo_students`).

Everything takes a DuckDB connection or cursor: the store's own cursor for a read-only
check, the write transaction's cursor for the write.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from collabplan.ingest.validate import StudentChanges
from collabplan.shared_store import delete_ids, next_ids

#: Examples of changed students named in the report.
MAX_EXAMPLES = 3

#: The student columns a file gives and an upload may change (besides the key).
DETAIL_COLUMNS = ("local_id", "display_name", "first_name", "last_name", "grade", "class_name", "teacher")

_names = itertools.count()


def _unique(prefix: str) -> str:
    return f"{prefix}_{next(_names)}"


@dataclass
class StudentMatch:
    """The stored student of each student of a file (by position in ``Prepared.students``)."""

    ids: np.ndarray  # stored id, -1 for a student not stored yet
    by_name: int = 0  # students without an id matched by name, grade and class
    ambiguous: int = 0  # students without an id whose name, grade and class fit several

    @property
    def new(self) -> np.ndarray:
        return self.ids < 0


def match_students(con: Any, students: pa.Table) -> StudentMatch:
    """Find each student of ``students`` (``Prepared.students``) among the stored ones.

    By key first; then a student with no id whose key is not stored matches the one stored
    student with the same name (case aside) and the grade and class the file gives (it must
    give one of them), when exactly one fits and no other student of the file is that one.
    Several fitting ones leave it a new student (counted in ``ambiguous``). Read-only.
    """
    ids = np.full(students.num_rows, -1, dtype=np.int32)
    if students.num_rows == 0 or not con.execute("SELECT EXISTS (FROM student)").fetchone()[0]:
        return StudentMatch(ids)  # a first import: nothing to look up
    name = _unique("file_students")
    con.register(
        name,
        students.select(["student_key", "local_id", "display_name", "grade", "class_name"])
        .append_column("student_no", pa.array(np.arange(students.num_rows, dtype=np.int32))),
    )
    try:
        found = con.execute(
            f"""SELECT n.student_no, s.id FROM {name} n
                JOIN student s ON s.student_key = n.student_key"""  # noqa: S608 (generated name)
        ).fetchnumpy()
        ids[found["student_no"]] = found["id"]
        if not (students.column("local_id").null_count and (ids < 0).any()):
            return StudentMatch(ids)
        taken = pa.array(ids[ids >= 0])
        taken_name = _unique("taken_ids")
        con.register(taken_name, pa.table({"id": taken}))
        try:
            rows = con.execute(
                f"""SELECT n.student_no, count(*) AS fits, min(s.id) AS id
                    FROM {name} n
                    JOIN student s ON lower(s.display_name) = lower(n.display_name)
                     AND (n.grade IS NULL OR s.grade = n.grade)
                     AND (n.class_name IS NULL OR s.class_name = n.class_name)
                    WHERE n.local_id IS NULL AND n.display_name IS NOT NULL
                      AND (n.grade IS NOT NULL OR n.class_name IS NOT NULL)
                      AND n.student_no IN (SELECT unnest(?::INTEGER[]))
                      AND s.id NOT IN (SELECT id FROM {taken_name})
                    GROUP BY n.student_no""",  # noqa: S608 (generated names)
                [np.flatnonzero(ids < 0).tolist()],
            ).fetchall()
        finally:
            con.unregister(taken_name)
    finally:
        con.unregister(name)
    match = StudentMatch(ids)
    by_key = set(found["student_no"].tolist())
    for student_no, fits, stored_id in rows:
        if fits == 1:
            ids[student_no] = stored_id
            match.by_name += 1
        else:
            match.ambiguous += 1
    # two students of the file fitting the same stored one: neither is that student
    values, counts = np.unique(ids[ids >= 0], return_counts=True)
    for stored_id in values[counts > 1]:
        for i in np.flatnonzero(ids == stored_id):
            if i not in by_key:
                ids[i] = -1
                match.by_name -= 1
                match.ambiguous += 1
    return match


def _incoming(students: pa.Table, match: StudentMatch) -> pa.Table:
    """The file's details of its stored students, with their stored ``id``."""
    known = ~match.new
    picked = students.select(list(DETAIL_COLUMNS)).filter(pa.array(known))
    return picked.append_column("id", pa.array(match.ids[known])).append_column(
        "student_no", pa.array(np.flatnonzero(known).astype(np.int32))
    )


def _any_change(stored: str = "s") -> str:
    """SQL: the file's row ``n`` changes the stored student ``stored``: for some column the
    file gives a value and it is another one."""
    return " OR ".join(
        f"(n.{c} IS NOT NULL AND n.{c} IS DISTINCT FROM {stored}.{c})" for c in DETAIL_COLUMNS
    )


_ANY_CHANGE = _any_change()
#: Another name: different once case and spacing are set aside (the regex runs only on names
#: that are not equal as they are, so a file of known students costs a comparison each).
_RENAMED = (
    "(n.display_name IS NOT NULL AND s.display_name IS NOT NULL"
    " AND n.display_name <> s.display_name AND"
    " lower(regexp_replace(trim(n.display_name), '\\s+', ' ', 'g')) <>"
    " lower(regexp_replace(trim(s.display_name), '\\s+', ' ', 'g')))"
)
#: Another person's name: no word of one name is a word of the other ("Ana Diaz" and "Ana
#: Maria Diaz" may be one girl; "Ava Lee" and "Maya Chen" are two people).
_WORDS = "list_filter(string_split_regex(lower(trim({x})), '[\\s,.''-]+'), w -> w <> '')"
_OTHER_PERSON = (
    f"(renamed AND NOT list_has_any({_WORDS.format(x='new_name')}, {_WORDS.format(x='old_name')}))"
)
_MOVED = (
    "((n.grade IS NOT NULL AND s.grade IS NOT NULL AND n.grade <> s.grade) OR "
    "(n.class_name IS NOT NULL AND s.class_name IS NOT NULL AND n.class_name <> s.class_name))"
)


def student_changes(con: Any, students: pa.Table, match: StudentMatch) -> StudentChanges:
    """What importing ``students`` would change of the stored students it names (read-only):
    how many exist, how many carry another name, grade or class, and a few examples."""
    changes = StudentChanges(
        known=int((~match.new).sum()), matched_by_name=match.by_name, ambiguous_by_name=match.ambiguous
    )
    if not changes.known:
        return changes
    name = _unique("incoming")
    con.register(name, _incoming(students, match))
    try:
        # one pass over the known students: flags per student, then only the changed ones
        row = con.execute(
            f"""WITH d AS (
                    SELECT n.student_no, s.local_id, s.display_name AS old_name,
                           n.display_name AS new_name, s.grade AS old_grade, n.grade AS new_grade,
                           s.class_name AS old_class, n.class_name AS new_class,
                           n.display_name IS NOT NULL AND s.display_name IS NOT NULL AS compared,
                           {_RENAMED} AS renamed, {_MOVED} AS moved, {_ANY_CHANGE} AS any_change
                    FROM {name} n JOIN student s ON s.id = n.id),
                c AS (SELECT *, {_OTHER_PERSON} AS other FROM d WHERE renamed OR moved)
                SELECT (SELECT count(*) FILTER (compared) FROM d),
                       (SELECT count(*) FILTER (any_change) FROM d),
                       count(*) FILTER (other), count(*) FILTER (renamed),
                       count(*) FILTER (moved), count(*),
                       list((local_id, old_name, new_name, old_grade, new_grade, old_class,
                             new_class, renamed, moved) ORDER BY other DESC, renamed DESC, student_no)
                FROM c"""  # noqa: S608 (fixed fragments, generated name)
        ).fetchone()
    finally:
        con.unregister(name)
    compared, updates, other, renamed, moved, changed, rows = row
    changes.compared_names, changes.other_names = int(compared), int(other)
    changes.renamed, changes.moved, changes.changed = int(renamed), int(moved), int(changed)
    changes.updates = int(updates)
    changes.examples = [_example(*(r.values() if isinstance(r, dict) else r)) for r in (rows or [])[:MAX_EXAMPLES]]
    return changes


def _example(
    local_id: str | None,
    old_name: str | None,
    new_name: str | None,
    old_grade: str | None,
    new_grade: str | None,
    old_class: str | None,
    new_class: str | None,
    renamed: bool,
    _moved: bool,
) -> str:
    """ "id 40012: Ava Lee → Maya Chen, grade 3 → 4" """
    who = f"id {local_id}" if local_id else (old_name or "a student")
    parts = []
    if renamed:
        parts.append(f"{old_name} → {new_name}")
    if new_grade is not None and old_grade is not None and new_grade != old_grade:
        parts.append(f"grade {old_grade} → {new_grade}")
    if new_class is not None and old_class is not None and new_class != old_class:
        parts.append(f"class {old_class} → {new_class}")
    return f"{who}: {', '.join(parts)}"


# ------------------------------------------------------------------------------------ write
def write_students(cur: Any, upload_id: int, students: pa.Table, match: StudentMatch) -> np.ndarray:
    """Save the students of an upload inside its write transaction; return each one's id.

    Stored students take the file's values where it gives one (their old values kept in
    ``student_change`` when any differs), new ones are inserted with ids from the sequence,
    and every student is listed in ``upload_student`` for this upload.
    """
    ids = match.ids.copy()
    new = ids < 0
    if not new.all():
        name = _unique("incoming")
        cur.register(name, _incoming(students, match))
        try:
            cur.execute(
                f"""INSERT INTO student_change (upload_id, student_id, {", ".join(DETAIL_COLUMNS)})
                    SELECT ?, s.id, {", ".join("s." + c for c in DETAIL_COLUMNS)}
                    FROM {name} n JOIN student s ON s.id = n.id
                    WHERE {_ANY_CHANGE}""",  # noqa: S608 (generated name, fixed columns)
                [upload_id],
            )
            sets = ",\n".join(f"{c} = coalesce(n.{c}, student.{c})" for c in DETAIL_COLUMNS)
            cur.execute(
                f"""UPDATE student SET {sets}
                    FROM {name} n
                    WHERE student.id = n.id
                      -- only rows that change: a re-import of the same roster rewrites nothing
                      AND ({_any_change("student")})"""  # noqa: S608 (fixed columns)
            )
        finally:
            cur.unregister(name)
    if new.any():
        # the new students' ids come from the sequence first, so no join has to find them
        ids[new] = next_ids(cur, "student_id_seq", int(new.sum()))
        added = students.select(["student_key", *DETAIL_COLUMNS])
        if not new.all():
            added = added.filter(pa.array(new))
        name = _unique("added_students")
        cur.register(name, added.append_column("id", pa.array(ids[new])))
        try:
            cur.execute(
                f"""INSERT INTO student (id, student_key, {", ".join(DETAIL_COLUMNS)})
                    SELECT id, student_key, {", ".join(DETAIL_COLUMNS)} FROM {name}"""  # noqa: S608
            )
        finally:
            cur.unregister(name)
    if len(ids):
        name = _unique("named_students")
        cur.register(name, pa.table({"student_id": pa.array(ids)}))
        try:
            cur.execute(
                f"INSERT INTO upload_student (upload_id, student_id) SELECT ?, student_id FROM {name}",  # noqa: S608
                [upload_id],
            )
        finally:
            cur.unregister(name)
    return ids


# ------------------------------------------------------------------------------------- undo
def undo_students(cur: Any, upload_id: int) -> tuple[int, int]:
    """Put back what an upload changed of students and remove those only it named.

    Call inside the undo's write transaction, after the upload's sittings and group rows are
    gone, with the temporary table ``undo_touched`` (kind, id) listing (kind 'student') the
    students its sittings and group rows named. A student a later upload changed again keeps
    its current values; that later upload's record takes this one's old values, so undoing
    it too goes back to them.
    Returns (students restored, students removed).
    """
    sets = ", ".join(f"{c} = c.{c}" for c in DETAIL_COLUMNS)
    cur.execute(
        f"""UPDATE student_change l SET {sets}
            FROM student_change c,
                 (SELECT c.student_id, min(l.upload_id) AS upload_id FROM student_change c
                  JOIN student_change l ON l.student_id = c.student_id AND l.upload_id > c.upload_id
                  WHERE c.upload_id = ? GROUP BY c.student_id) nxt
            WHERE c.upload_id = ? AND c.student_id = nxt.student_id
              AND l.student_id = nxt.student_id AND l.upload_id = nxt.upload_id""",  # noqa: S608 (fixed columns)
        [upload_id, upload_id],
    )
    # The rows are named first and then changed (not UPDATE/DELETE … RETURNING, which the
    # shared store's writer does not pass on); the write lock keeps them the same rows.
    restored = cur.execute(
        """SELECT c.student_id FROM student_change c
           WHERE c.upload_id = ? AND c.student_id IN (SELECT id FROM student)
             AND NOT EXISTS (SELECT 1 FROM student_change l
                             WHERE l.student_id = c.student_id AND l.upload_id > c.upload_id)""",
        [upload_id],
    ).fetchall()
    cur.execute(
        f"""UPDATE student SET {sets}
            FROM student_change c
            WHERE c.upload_id = ? AND student.id = c.student_id
              AND NOT EXISTS (SELECT 1 FROM student_change l
                              WHERE l.student_id = c.student_id AND l.upload_id > c.upload_id)""",  # noqa: S608 (fixed columns)
        [upload_id],
    )
    cur.execute("DELETE FROM student_change WHERE upload_id = ?", [upload_id])
    removed = cur.execute(
        """SELECT st.id FROM student st
           WHERE st.id IN (SELECT student_id FROM upload_student WHERE upload_id = ?
                           UNION SELECT id FROM undo_touched WHERE kind = 'student')
             AND NOT EXISTS (SELECT 1 FROM upload_student u
                             WHERE u.student_id = st.id AND u.upload_id <> ?)
             AND NOT EXISTS (SELECT 1 FROM sitting s WHERE s.student_id = st.id)
             AND NOT EXISTS (SELECT 1 FROM student_group g WHERE g.student_id = st.id)""",
        [upload_id, upload_id],
    ).fetchall()
    delete_ids(cur, "student", removed)
    cur.execute("DELETE FROM upload_student WHERE upload_id = ?", [upload_id])
    if removed:
        # a student removed here was created by this upload: nothing else records it
        cur.execute(
            "DELETE FROM student_change WHERE student_id IN (SELECT unnest(?::INTEGER[]))",
            [[r[0] for r in removed]],
        )
    return len(restored), len(removed)
