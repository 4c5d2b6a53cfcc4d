"""The validation report: what an import would do, computed before anything is written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from collabplan.ingest.normalise.rows import FILTERED, RETEST
from collabplan.ingest.normalise.sql import text_sql

#: Dates before this year are a warning (an export's birth date or a typo, not a test).
FIRST_YEAR = 1990
#: Examples given in a warning.
EXAMPLES = 3

#: At most this many skipped rows are listed one by one (all are counted).
MAX_LISTED = 500
#: Row numbers a skip reason's warning names (the rest are counted: "… and 12 more").
ROWS_NAMED = 10
#: Words every warning about changed students carries (projection mode cuts its examples).
CHANGED_STUDENTS = "already exist with another name, grade or class"


@dataclass
class StudentChanges:
    """What a file would change of the students already stored (see ingest/students.py)."""

    known: int = 0  # students of the file already stored (by id or key, or by name)
    compared_names: int = 0  # known students with a name both in the file and stored
    renamed: int = 0  # known students whose name in the file is another one
    other_names: int = 0  # … sharing no word with the stored one (another person's name)
    moved: int = 0  # known students in another grade or class
    changed: int = 0  # renamed or moved
    updates: int = 0  # known students the file gives any new detail (a name where none was …)
    examples: list[str] = field(default_factory=list)  # "id 40012: Ava Lee → Maya Chen"
    matched_by_name: int = 0  # students without an id matched by name, grade and class
    ambiguous_by_name: int = 0  # … whose name, grade and class fit several stored students

    @property
    def needs_confirmation(self) -> bool:
        """Most known students carry other people's names: another school, or ids used again.

        A name that keeps a word of the stored one (a middle name added, a spelling put
        right) is a change to report, not another person."""
        return self.other_names > 0 and 2 * self.other_names > self.compared_names

    def lines(self, done: bool = False) -> list[str]:
        """The report's warnings about students, examples included (``done``: worded for an
        import that has happened, else for a preview)."""
        out = []
        if self.changed:
            text = f"{_count(self.changed, 'student')} of this file {CHANGED_STUDENTS}"
            if self.examples:
                text += f" (e.g. {'; '.join(self.examples)})"
            if self.needs_confirmation and not done:
                text += (
                    f": {self.other_names} of the {self.compared_names} known students have other "
                    "people's names, so this may be another school or ids used again"
                )
            elif done:
                text += ": the file's details were saved (undoing this upload puts the earlier ones back)"
            else:
                text += ": the file's details will be saved (undoing the upload puts the earlier ones back)"
            out.append(text)
        if self.matched_by_name:
            out.append(
                f"{_count(self.matched_by_name, 'student')} without an id matched a known student "
                "by name, grade and class"
            )
        if self.ambiguous_by_name:
            out.append(
                f"{_count(self.ambiguous_by_name, 'student')} without an id match more than one "
                "known student by name, grade and class: kept as new students"
            )
        return out


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun if n == 1 else noun + 's'}"


def _was(n: int) -> str:
    return "was" if n == 1 else "were"


def without_names(warnings: list[str]) -> list[str]:
    """The warnings with the examples of changed students cut (they name students)."""
    out = []
    for w in warnings:
        if CHANGED_STUDENTS in w and " (e.g. " in w:
            head, _, rest = w.partition(" (e.g. ")
            tail = rest.rsplit("): ", 1)[1] if "): " in rest else ""
            w = head + (f": {tail}" if tail else "")
        out.append(w)
    return out


@dataclass
class Report:
    """What the file holds and what is wrong with it, in numbers a teacher can check."""

    rows_read: int = 0
    rows_skipped: int = 0
    skipped: list[tuple[str, int, str]] = field(default_factory=list)  # (sheet, row, reason)
    #: Why rows were skipped: (reason, rows, the first ROWS_NAMED (sheet, row)); the rows add
    #: up to ``rows_skipped``, so every skipped row is explained.
    skip_reasons: list[tuple[str, int, list[tuple[str, int]]]] = field(default_factory=list)
    students: int = 0
    skills: list[str] = field(default_factory=list)
    scores: int = 0
    administrations: list[str] = field(default_factory=list)
    out_of_range: int = 0
    unknown_levels: dict[str, int] = field(default_factory=dict)
    duplicate_students: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    scored_rows: int = 0  # source rows that gave at least one skill score
    item_scores: int = 0  # per-question rows of an item-level file
    rows_filtered: int = 0  # rows [filter] left out (not counted in rows_skipped)
    rows_replaced: int = 0  # rows a retest of the same student and window replaced (ditto)
    dates_unreadable: int = 0  # rows whose date cell holds no date (kept, without a date)
    dates_out_of_range: int = 0  # rows dated before 1990 or after next year (kept)
    rows_without_term: int = 0  # rows [terms] could not name a term for (kept, no term)
    control_characters: int = 0  # text cells whose hidden control characters were removed
    # compared with the database (ingest/compare.py check_with_store; None before that)
    student_changes: StudentChanges | None = None
    same_scores_as: str | None = None  # "upload 12 (file.xlsx)" when every score is stored
    replaces: int = 0  # stored scores the file gives another value

    @property
    def needs_confirmation(self) -> bool:
        """The import needs the user's word that the students are the same ones."""
        return self.student_changes is not None and self.student_changes.needs_confirmation

    @property
    def duplicate(self) -> bool:
        """Every score of the file is stored already and it changes no student."""
        return self.same_scores_as is not None

    def ok(self) -> bool:
        """False when nothing can be imported (``errors`` says why)."""
        return not self.errors

    def summary(self) -> str:
        """One line: "78 students, 5 skills, 370 scores; 2 rows skipped"."""
        text = f"{self.students} students, {len(self.skills)} skills, {self.scores} scores"
        if self.rows_skipped:
            text += f"; {self.rows_skipped} rows skipped"
        if self.rows_filtered:
            text += f"; {self.rows_filtered} rows filtered out"
        if self.rows_replaced:
            text += f"; {self.rows_replaced} rows replaced by a retest"
        if self.dates_unreadable:
            text += f"; {self.dates_unreadable} unreadable dates"
        return text


def _where(sheet: str, row: int, multi: bool, col: str | None = None) -> str:
    parts = [f"sheet {sheet!r}"] if multi else []
    parts.append(f"row {row}")
    if col:
        parts.append(f"column {col!r}")
    return ", ".join(parts)


def build_report(
    con: Any,
    tables: Mapping[str, pa.Table],
    *,
    students: int,
    problem_cells: tuple[str, list[Any]],
    cell_headers: Sequence[str],
    one_row_per_student_and_administration: bool,
    warnings: Sequence[str],
    file_name: str,
    name_sheets: bool,
    has_scores: bool,
    date_column: str | None = None,
    retest: str | None = None,
) -> Report:
    """Count rows, skips, scores and problems from the normaliser's tables.

    ``tables`` are the normaliser's Arrow tables, registered on ``con`` under their names
    (``rows_n``, ``measures``, ``scores_t``, ``rows_k``, ``admins``); ``problem_cells`` the
    SELECT (and parameters) of the score cells that may hold a problem, each with its
    ``problem``; ``cell_headers`` the header of each score column by its number ``ci``;
    ``warnings`` the normaliser's own, listed first; ``name_sheets``: messages name the sheet (a workbook);
    ``date_column`` the mapped date header and ``retest`` the mapping's ``[scores] retest``.
    Rows ``[filter]`` left out and rows a retest replaced are counted apart from skipped rows.
    Skill counts and duplicates are read from the scores (``scores_t``, by source row and
    measure), so the million-cell table is scanned once for problems and not again.
    """
    multi = name_sheets
    r = Report(students=students)
    # (the counts come from the Arrow tables: each would be a query of its own)
    rows = tables["rows_n"]
    r.rows_read = rows.num_rows
    r.rows_skipped = rows.num_rows - rows.column("skip_reason").null_count
    notes = _row_notes(con, r, rows, multi, date_column, retest) if r.rows_skipped else []
    if "date_bad" in rows.column_names and date_column:
        notes += _date_notes(con, r, multi, date_column)
    if "term_miss" in rows.column_names:
        notes += _term_notes(con, r, multi)
    if r.rows_skipped:
        r.skipped = [
            (sheet, int(row), reason)
            for sheet, row, reason in con.execute(
                "SELECT sheet, row, skip_reason FROM rows_n WHERE skip_reason IS NOT NULL"
                " AND NOT starts_with(skip_reason, ?) AND skip_reason <> ?"
                " ORDER BY sheet, row LIMIT ?",
                [FILTERED, RETEST, MAX_LISTED],
            ).fetchall()
        ]
    # skill scores only: question-level rows of an item-level file have an item
    measures = tables["measures"].to_pydict()
    # (chunk by chunk: one array of a million measure numbers would be a copy)
    per_measure = np.zeros(max(measures["measure_no"], default=-1) + 1, dtype=np.int64)
    for chunk in tables["scores_t"].column("measure_no").chunks:
        per_measure += np.bincount(chunk.drop_null().to_numpy(), minlength=len(per_measure))
    counts = [
        (skill, item is not None, int(per_measure[no]))
        for no, skill, item in zip(
            measures["measure_no"], measures["skill"], measures["item"], strict=True
        )
        if per_measure[no]
    ]
    r.skills = sorted({skill for skill, is_item, _n in counts if not is_item})
    r.scores = sum(n for _s, is_item, n in counts if not is_item)
    r.item_scores = sum(n for _s, is_item, n in counts if is_item)
    # a student scored twice on a skill in one administration, from different rows;
    # only possible when some student has two scored rows in one administration, which
    # numbering the sittings found out already (without scanning every score)
    two_rows = not one_row_per_student_and_administration
    # a source row gives a skill one score, so two scores of a skill for one student and
    # administration come from two rows; their names are looked up for those alone
    dups = (
        con.execute(
            """SELECT coalesce(n.display, n.sid_n) FROM (
                   SELECT min(k.rid) AS rid FROM scores_t k
                   JOIN rows_k r USING (rid)
                   SEMI JOIN (SELECT measure_no FROM measures WHERE item IS NULL) m USING (measure_no)
                   GROUP BY r.admin_no, r.student_no, k.measure_no
                   HAVING count(*) > 1
               ) d JOIN rows_n n USING (rid)"""
        ).fetchall()
        if two_rows
        else []
    )
    r.scored_rows = tables["rows_k"].num_rows
    r.administrations = [
        f"{a} {t}" if t else (f"{a} {d:%d %b %Y}" if d else a)
        for a, t, d in con.execute(
            "SELECT assessment, term, date FROM admins ORDER BY 1, 3, 2"
        ).fetchall()
    ]
    # every problem in one pass over the cells: counts, one example each, unknown levels by text
    cells, cells_params = problem_cells
    as_text = f"nullif(trim(coalesce(raw, {text_sql('num0', pa.float64())})), '')"
    problems = con.execute(
        f"""SELECT problem, level_text, count(*), arg_min(rid, (rid, ci)), arg_min(ci, (rid, ci)),
                  arg_min(cell_text, (rid, ci))
           FROM (SELECT *, {as_text} AS cell_text,
                        CASE WHEN problem = 'unknown level' THEN {as_text} END AS level_text
                 FROM ({cells}))
           WHERE problem IS NOT NULL AND problem <> 'missing'
           GROUP BY problem, level_text""",  # noqa: S608 (the normaliser's fixed fragments)
        cells_params,
    ).fetchall()
    unknown: list[tuple[str, int]] = []
    for problem, level_text, n, rid, ci, text in problems:
        if problem == "unknown level":
            unknown.append((level_text, n))
            continue
        sheet, row = con.execute("SELECT sheet, row FROM rows_n WHERE rid = ?", [rid]).fetchone()
        at = _where(sheet, row, multi, cell_headers[ci])
        if problem == "out of range":
            r.out_of_range = n
            r.warnings.append(f"{_count(n, 'score')} out of range {_was(n)} left out "
                              f"(e.g. {text!r} at {at})")
        elif problem == "not a number":
            r.warnings.append(
                f"{_count(n, 'score')} {_was(n)} not {'a number' if n == 1 else 'numbers'} and "
                f"{_was(n)} left out (e.g. {text!r} at {at})"
            )
        elif problem == "no skill":
            r.warnings.append(f"{_count(n, 'score')} {'names' if n == 1 else 'name'} no skill "
                              f"and {_was(n)} left out (e.g. {at})")
        elif problem == "no points possible":
            r.warnings.append(
                f"{_count(n, 'score')} {'has' if n == 1 else 'have'} no points possible and "
                f"{_was(n)} left out (e.g. {at}): give [scores] max"
            )
    r.unknown_levels = dict(sorted(unknown, key=lambda kv: (-kv[1], kv[0] is None, kv[0])))
    if r.unknown_levels:
        shown = ", ".join(f"{k!r} ({v})" for k, v in list(r.unknown_levels.items())[:5])
        r.warnings.append(f"values that are not a level of the scale were left out: {shown}")
    r.duplicate_students = sorted({d for (d,) in dups if d})
    if r.duplicate_students:
        shown = ", ".join(r.duplicate_students[:5])
        more = len(r.duplicate_students) - 5
        r.warnings.append(
            f"{_count(len(r.duplicate_students), 'student')} "
            f"{'appears' if len(r.duplicate_students) == 1 else 'appear'} twice in one administration ({shown}"
            + (f" and {more} more" if more > 0 else "")
            + "): the last row counts"
        )
    if r.rows_skipped:
        r.skip_reasons = [
            (str(reason), int(n), [(str(sh), int(row)) for sh, row in map(_tuple, ex)])
            for reason, n, ex in con.execute(
                """SELECT skip_reason, count(*), list((sheet, row) ORDER BY sheet, row)[1:?]
                   FROM rows_n WHERE skip_reason IS NOT NULL
                     AND NOT starts_with(skip_reason, ?) AND skip_reason <> ?
                   GROUP BY 1 ORDER BY 2 DESC, 1""",
                [ROWS_NAMED, FILTERED, RETEST],
            ).fetchall()
        ]
    # every skipped row is explained, blank ones too (a blank spacer row is rarely a problem)
    r.warnings += [skip_line(reason, n, ex, multi) for reason, n, ex in r.skip_reasons]
    r.warnings = [*warnings, *notes, *r.warnings]
    if students == 0:
        r.errors.append(
            f"{file_name}: no student rows under the header row: check [source] header_row "
            "and [columns] student_id / student_name"
        )
    elif has_scores and r.scores == 0:
        r.errors.append(
            f"{file_name}: no scores found: every score cell is blank, a missing mark or "
            "unreadable; check [scores] in the mapping"
        )
    return r


def skip_line(reason: str, n: int, named: list[tuple[str, int]], multi: bool) -> str:
    """ "6 rows skipped: blank row (sheet 'Room 21' rows 16 and 34; sheet 'Room 22' row 16 …)"."""
    return f"{_count(n, 'row')} skipped: {reason} ({skip_where(n, named, multi)})"


def skip_where(n: int, named: list[tuple[str, int]], multi: bool) -> str:
    """Where ``n`` skipped rows are, from the first ones ``named``: "rows 4, 9 and 15 and 3
    more" (by sheet in a workbook)."""
    by_sheet: dict[str, list[int]] = {}
    for sheet, row in named:
        by_sheet.setdefault(sheet, []).append(row)
    parts = []
    for sheet, rows in by_sheet.items():
        where = ("row " if len(rows) == 1 else "rows ") + _and(rows)
        parts.append(f"sheet {sheet!r} {where}" if multi else where)
    more = f" and {n - len(named):,} more" if n > len(named) else ""
    return "; ".join(parts) + more


def _and(items: list[Any]) -> str:
    words = [f"{i:,}" if isinstance(i, int) else str(i) for i in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _rows_text(found: list[tuple[str, int]], multi: bool) -> str:
    """ "row 4", "rows 4, 9 and 15" (with sheets in a workbook)."""
    if multi:
        return ", ".join(f"sheet {sh!r} row {row}" for sh, row in found)
    rows = [str(row) for _sh, row in found]
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(rows)


def _row_notes(
    con: Any, r: Report, rows: pa.Table, multi: bool, date_column: str | None, retest: str | None
) -> list[str]:
    """Count the rows ``[filter]`` left out and those a retest replaced (taking them out of
    ``rows_skipped``), with examples; the warnings that say so."""
    notes = []
    filtered = con.execute(
        """SELECT substr(skip_reason, length(?) + 1), count(*),
                  list((sheet, row) ORDER BY rid)[1:?]
           FROM rows_n WHERE starts_with(skip_reason, ?) GROUP BY 1 ORDER BY 2 DESC, 1""",
        [FILTERED, EXAMPLES, FILTERED],
    ).fetchall()
    r.rows_filtered = sum(n for _why, n, _ex in filtered)
    if filtered:
        parts = [
            f"{why}: {n:,} ({_rows_text([_tuple(e) for e in ex], multi)}"
            + (" …)" if n > len(ex) else ")")
            for why, n, ex in filtered[:EXAMPLES]
        ]
        notes.append(
            f"{_count(r.rows_filtered, 'row')} filtered out by the mapping's [filter] "
            f"({'; '.join(parts)}{'; …' if len(filtered) > EXAMPLES else ''})"
        )
    if "retest_row" in rows.column_names:
        n, ex = con.execute(
            "SELECT count(*), list((sheet, row, retest_row) ORDER BY rid)[1:?] FROM rows_n"
            " WHERE skip_reason = ?",
            [EXAMPLES, RETEST],
        ).fetchone()
        r.rows_replaced = int(n)
        if n:
            rule = {
                "latest": "the latest date kept",
                "first": "the first date kept",
                "highest": "the highest score kept",
            }.get(retest or "", "one row kept")
            shown = ", ".join(
                f"row {_tuple(e)[1]} by row {_tuple(e)[2]}"
                + (f" of sheet {_tuple(e)[0]!r}" if multi else "")
                for e in ex
            )
            notes.append(
                f"{_count(r.rows_replaced, 'row')} replaced by a retest of the same student in "
                f"the same window ({rule}; e.g. {shown})"
            )
    r.rows_skipped -= r.rows_filtered + r.rows_replaced
    return notes


def _tuple(e: Any) -> tuple:
    """A DuckDB struct (a dict or a tuple) as a tuple."""
    return tuple(e.values()) if isinstance(e, dict) else tuple(e)


def _date_notes(con: Any, r: Report, multi: bool, date_column: str) -> list[str]:
    """Rows kept whose date cannot be read, or lies before 1990 or after next year."""
    import datetime as dt

    last_year = dt.date.today().year + 1
    bad, bad_ex, odd, odd_ex = con.execute(
        """SELECT count(*) FILTER (date_bad IS NOT NULL),
                  list((date_bad, sheet, row) ORDER BY rid) FILTER (date_bad IS NOT NULL)[1:?],
                  count(*) FILTER (year(date_n) < ? OR year(date_n) > ?),
                  list((strftime(date_n, '%Y-%m-%d'), sheet, row) ORDER BY rid)
                      FILTER (year(date_n) < ? OR year(date_n) > ?)[1:?]
           FROM rows_n WHERE skip_reason IS NULL""",
        [EXAMPLES, FIRST_YEAR, last_year, FIRST_YEAR, last_year, EXAMPLES],
    ).fetchone()
    r.dates_unreadable, r.dates_out_of_range = int(bad), int(odd)
    notes = []

    def shown(examples: list[Any]) -> str:
        return ", ".join(
            f"{_tuple(e)[0]!r} at {_where(_tuple(e)[1], _tuple(e)[2], multi)}" for e in examples
        )

    if bad:
        notes.append(
            f"{_count(int(bad), 'row')} with a date in column {date_column!r} that could not be "
            f"read (e.g. {shown(bad_ex)}): kept without a date; write dates like 2025-10-14 "
            "or give [source] date_format"
        )
    if odd:
        notes.append(
            f"{_count(int(odd), 'row')} dated before {FIRST_YEAR} or after {last_year} in column "
            f"{date_column!r} (e.g. {shown(odd_ex)}): check the dates"
        )
    return notes


def _term_notes(con: Any, r: Report, multi: bool) -> list[str]:
    """Rows kept that ``[terms]`` could not give a term (no date, or outside the windows)."""
    found = con.execute(
        """SELECT term_miss, count(*), list((sheet, row) ORDER BY rid)[1:?] FROM rows_n
           WHERE skip_reason IS NULL AND term_miss IS NOT NULL GROUP BY 1 ORDER BY 1""",
        [EXAMPLES],
    ).fetchall()
    r.rows_without_term = sum(n for _w, n, _e in found)
    return [
        f"{_count(n, 'row')} {why} (e.g. {_rows_text([_tuple(e) for e in ex], multi)}): kept "
        "with no term"
        for why, n, ex in found
    ]
