"""Read, map, normalise and check one upload: :func:`prepare` and :func:`prepare_sheets` run
the steps of this package in order and return a :class:`Prepared` (nothing is written).

The sheets' data rows are registered as Arrow tables in a private in-memory DuckDB; each step
reads what it needs from it and returns Arrow tables or frozen values, which this module
registers under their names (``rows_n``, ``measures``, ``scores_t``, ``admins``, ``rows_k``) for
the steps and the report after it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pyarrow as pa

from collabplan import config
from collabplan.errors import UserError
from collabplan.ingest.detect import Detection, detect_layout
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.benchmarks import apply_benchmarks, apply_placements
from collabplan.ingest.normalise.cells import CellPlan, plan_sheet_cells
from collabplan.ingest.normalise.control import HiddenCharacters, clean_sheets
from collabplan.ingest.normalise.dates import decide_date_order
from collabplan.ingest.normalise.header_terms import has_header_terms, split_header_terms
from collabplan.ingest.normalise.job import Job
from collabplan.ingest.normalise.rows import drop_skipped_rows, make_rows, number_rows, rows_select
from collabplan.ingest.normalise.scores import make_measures, make_scores, scores_sql
from collabplan.ingest.normalise.sheets import SheetData, load_sheet, resolve_sheets
from collabplan.ingest.normalise.sittings import (
    group_sittings,
    make_administrations,
    make_row_keys,
)
from collabplan.ingest.normalise.sql import text_sql
from collabplan.ingest.normalise.students import make_students
from collabplan.ingest.normalise.values import Cells, make_cells, problem_values_sql
from collabplan.ingest.normalise.windows import name_terms, resolve_retests
from collabplan.ingest.validate import Report, build_report
from collabplan.text import clean_text

if TYPE_CHECKING:
    from collabplan.ingest.parser import Job as ParseJob


@dataclass
class Prepared:
    """Everything an import would write, computed in memory; the database is untouched.

    The long score rows (``scores``, one per student x skill or question with its student's
    key, name, sheet and row) are built only when asked for (previews, tests): saving reads
    the compact :meth:`rows_to_save` straight from the normaliser's tables instead.
    """

    file_name: str
    sha256: str
    mapping: Mapping
    detected: str
    sheets: list[Any]
    students: pa.Table
    report: Report
    detection: Detection | None = None  # how the layout was picked (None: a mapping was given)
    administrations: pa.Table = field(default_factory=lambda: pa.table({}))
    assessments: list[dict[str, Any]] = field(default_factory=list)
    _source: _Normalised | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def scores(self) -> pa.Table:
        """The normalised long rows (see the ingest API); computed once, on first use."""
        return self._source.scores() if self._source is not None else _EMPTY_SCORES

    def sittings(self) -> pa.Table:
        """One row per sitting (sitting_no, student_no, administration_no, grade, class_name,
        teacher): the scored source rows."""
        return self._source.sittings() if self._source is not None else _EMPTY_SITTINGS

    def measures(self) -> pa.Table:
        """One row per skill or question scored (skill, item)."""
        return self._source.measures() if self._source is not None else _EMPTY_MEASURES

    def rows_to_save(self) -> pa.Table:
        """The score values by position of sitting and measure (see :data:`SAVE_COLUMNS`)."""
        if self._source is not None:
            return self._source.rows_to_save()
        return pa.table({c: pa.array([], t) for c, t in SAVE_COLUMNS.items()})


#: The columns of :meth:`Prepared.rows_to_save` and their types; ``level`` only for a level
#: scale (the writer stores NULL for a column left out).
SAVE_COLUMNS = {
    "sitting_no": pa.int32(),
    "measure_no": pa.int32(),
    "points": pa.float64(),
    "max_points": pa.float64(),
    "fraction": pa.float64(),
    "level": pa.string(),
    "proficient": pa.bool_(),
}

#: The long score rows: what every score row repeats from its source row (``r``, rows_k),
#: its skill or question (``m``) and its own values (``k``).
_SCORE_COLUMNS = """
    r.student_key, r.sid_n AS local_id, r.display AS display_name, r.assessment_n AS assessment,
    r.term_n AS term, rows_k.date, m.skill, m.item,
    coalesce(k.raw, {raw_num}) AS raw, k.points, k.max_points,
    k.fraction, k.level, k.proficient, r.grade_n AS grade, r.class_n AS class_name,
    r.teacher_n AS teacher, r.sheet, r.row,
    rows_k.student_no, rows_k.admin_no AS administration_no
"""

_EMPTY_SCORES = pa.table({})
_EMPTY_SITTINGS = pa.table(
    {
        "sitting_no": pa.array([], pa.int32()),
        "student_no": pa.array([], pa.int32()),
        "administration_no": pa.array([], pa.int32()),
        "grade": pa.array([], pa.string()),
        "class_name": pa.array([], pa.string()),
        "teacher": pa.array([], pa.string()),
    }
)
_EMPTY_MEASURES = pa.table({"skill": pa.array([], pa.string()), "item": pa.array([], pa.string())})


class _Normalised:
    """The normaliser's in-memory database, kept for the score rows of one prepared file.

    ``scores_t`` holds each score once (by source row and measure), ``rows_k`` (and
    ``rows_n``) what each source row shares, ``measures`` the skills and questions; the sheets
    stay registered so a preview can read each score's cell text again (``raw_sql``).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        tables: dict[str, pa.Table],
        raw_sql: tuple[str, list[Any]],
        sitting_of_rid: np.ndarray | None = None,
    ) -> None:
        self.con = con
        self.tables = tables  # the Arrow tables registered on ``con`` (kept alive here)
        self.raw_sql = raw_sql  # scores_t's SELECT with each score's cell text and number
        self.sitting_of_rid = sitting_of_rid  # see sittings.group_sittings
        self.lock = threading.Lock()

    def scores(self) -> pa.Table:
        sql, params = self.raw_sql
        with self.lock:
            return self.con.execute(
                f"""WITH k AS ({sql})
                    SELECT {_SCORE_COLUMNS.format(raw_num=text_sql("k.raw_num", pa.float64()))}
                    FROM k JOIN rows_k USING (rid) JOIN rows_n r USING (rid)
                    JOIN measures m USING (measure_no)
                    ORDER BY rid, m.item IS NOT NULL, k.measure_no""",  # noqa: S608 (fixed text)
                params,
            ).to_arrow_table()

    def sittings(self) -> pa.Table:
        if self.sitting_of_rid is None:  # a sitting per source row: rows_k, in rid order
            rows = self.tables["rows_k"]
            return pa.table(
                {
                    "sitting_no": rows.column("sitting_no"),
                    "student_no": rows.column("student_no"),
                    "administration_no": rows.column("admin_no"),
                    "grade": rows.column("grade_n"),
                    "class_name": rows.column("class_n"),
                    "teacher": rows.column("teacher_n"),
                }
            )
        with self.lock:
            return self.con.execute(
                """SELECT sitting_no, any_value(student_no) AS student_no,
                          any_value(admin_no) AS administration_no, any_value(grade_n) AS grade,
                          any_value(class_n) AS class_name, any_value(teacher_n) AS teacher
                   FROM rows_k GROUP BY sitting_no ORDER BY sitting_no"""
            ).to_arrow_table()

    def measures(self) -> pa.Table:
        with self.lock:
            return self.con.execute(
                "SELECT skill, item FROM measures ORDER BY measure_no"
            ).to_arrow_table()

    def rows_to_save(self) -> pa.Table:
        # a score's sitting is its source row's (or the row itself, numbered by its rid)
        scores = self.tables["scores_t"]
        if self.sitting_of_rid is not None:
            sitting = self.sitting_of_rid[scores.column("rid").to_numpy()]
            scores = scores.set_column(0, "rid", pa.array(sitting))
        names = [c for c in SAVE_COLUMNS if c in scores.column_names or c == "sitting_no"]
        return scores.select(["rid", *names[1:]]).rename_columns(names)

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter exit closing may fail harmlessly
            self.con.close()


def prepare(
    data: bytes,
    file_name: str,
    mapping: Mapping | None = None,
    *,
    progress: Callable[[float, str], None] | None = None,
    job: ParseJob | None = None,
    read: list[Any] | None = None,
    detection: Detection | None = None,
) -> Prepared:
    """Read, map, normalise and validate one upload; raises UserError for unreadable input.

    ``job``: a parse of ``data`` already started (:func:`collabplan.ingest.parser.start`),
    used when it reads the sheets this mapping names (read_upload closes it either way).
    ``read``: every sheet of ``data`` as ``read_upload(sheets="*")`` gave them (the upload
    page has them already: the file is not parsed again), used when ``mapping`` is None;
    ``detection``: :func:`detect_layout` of those sheets, used when cleaning them changed
    nothing (else the cleaned sheets are detected again).
    """
    from collabplan.ingest.read import read_arguments, read_upload

    if progress:
        progress(0.05, f"Reading {file_name}")
    sha = hashlib.sha256(data).hexdigest()
    if read is not None and mapping is None:
        sheets = list(read)
    else:
        sheets = read_upload(data, file_name, job=job, **read_arguments(mapping))
    # hidden control characters go before anything reads a header or a name
    sheets, hidden = _clean(sheets, file_name)
    if hidden.note() or read is None or mapping is not None:
        detection = None
    file_name = clean_text(file_name)
    if mapping is None:
        detection = detection or detect_layout(sheets, file_name)
        if detection.mapping is None:
            raise UserError(detection.question, kind="mapping")
        mapping, detected = detection.mapping, detection.label
        sheets = _pick_sheets(sheets, mapping, file_name)
    else:
        detected = f"{mapping.label or mapping.name} (mapping)"
    if progress:
        progress(0.35, "Working out students and scores")
    prepared = prepare_sheets(sheets, file_name, mapping, detected=detected, sha256=sha, hidden=hidden)
    if detection is not None:
        prepared.detection = detection
        prepared.report.warnings[:0] = detection.notes
    # how the file was read (a csv's lines decoded as Windows-1252) comes first
    prepared.report.warnings[:0] = [n for sheet in sheets for n in getattr(sheet, "notes", ())]
    if progress:
        progress(0.6, "Checked: ready to save")
    return prepared


def _pick_sheets(sheets: list[Any], mapping: Mapping, file_name: str) -> list[Any]:
    if mapping.sheet is None:
        return sheets[:1]
    if mapping.sheet == "*":
        return sheets
    wanted = [mapping.sheet] if isinstance(mapping.sheet, str) else list(mapping.sheet)
    picked = [s for s in sheets if s.name in wanted]
    if not picked:
        raise UserError(f"{file_name}: no sheet named {', '.join(wanted)}")
    return picked


def prepare_sheets(
    sheets: list[Any],
    file_name: str,
    mapping: Mapping,
    *,
    detected: str | None = None,
    sha256: str = "",
    hidden: HiddenCharacters | None = None,
) -> Prepared:
    """Normalise already-read sheets (see :func:`prepare`).

    ``hidden``: what :func:`prepare` already removed from these sheets (control characters);
    ``None``: the sheets come straight from a reader and are cleaned here.
    """
    if not sheets:
        raise UserError(f"{file_name}: the file has no sheet with data")
    if hidden is None:
        sheets, hidden = _clean(sheets, file_name)
        file_name = clean_text(file_name)
    try:
        con = _spare.pop()
    except IndexError:
        con = duckdb.connect()
    try:
        prepared = _normalise(con, sheets, file_name, mapping, detected or mapping.name, sha256)
    except BaseException:
        con.close()
        raise
    note = hidden.note()
    if note:
        prepared.report.control_characters = hidden.cells
        prepared.report.warnings.append(note)
    return prepared


def _clean(sheets: list[Any], file_name: str) -> tuple[list[Any], HiddenCharacters]:
    # places name their sheet as Job.where does: in a workbook, or when there are several
    book = not file_name.lower().endswith((".csv", ".txt", ".tsv"))
    sheets, hidden = clean_sheets(sheets, name_sheets=book or len(sheets) > 1)
    hidden.names += clean_text(file_name) != file_name
    return sheets, hidden


#: In-memory databases made ahead by :func:`warm_up`, taken by the next normalising.
_spare: list[duckdb.DuckDBPyConnection] = []


def warm_up() -> None:
    """Do now what the first normalising would do first (while a workbook is being parsed).

    Loads pyarrow's dataset module, which DuckDB loads the first time it scans an Arrow
    table, and opens the in-memory database the next :func:`prepare_sheets` works in.
    """
    import pyarrow.dataset  # noqa: F401

    if not _spare:
        _spare.append(duckdb.connect())


def _normalise(
    con: duckdb.DuckDBPyConnection,
    sheets: list[Any],
    file_name: str,
    mapping: Mapping,
    detected: str,
    sha256: str,
) -> Prepared:
    """The steps in order, on the in-memory database ``con`` (kept by the result)."""
    job = Job(con, file_name, mapping, len(sheets))
    layouts, warnings = resolve_sheets(job, sheets)
    given = mapping
    if has_header_terms(mapping):
        mapping, layouts = split_header_terms(mapping, layouts, job.where)
        job = Job(con, file_name, mapping, len(sheets))
    if mapping.benchmarks and mapping.scores is not None:
        layouts = apply_benchmarks(mapping, layouts, job.where)
    if mapping.scores is not None and mapping.scores.placement:
        layouts = apply_placements(mapping, layouts)
    loaded: list[SheetData] = []
    selects: list[str] = []
    params: list[Any] = []
    plan = CellPlan()
    rid_count = 0
    for n, layout in enumerate(layouts):
        sheet = load_sheet(job, layout, n, rid_count)
        rid_count += sheet.table.num_rows
        sql, sql_params, more = rows_select(job, sheet)
        selects.append(sql)
        params += sql_params
        warnings += [w for w in more if w not in warnings]
        plan = plan_sheet_cells(job, sheet, plan)
        loaded.append(sheet)
    if mapping.scores is not None and not plan.selects:
        s = mapping.scores
        first = layouts[0]
        what = f"pattern {s.pattern!r}" if s.pattern else "columns"
        raise UserError(
            f"{job.where(first.raw.name)}: no score columns match [scores] {what} "
            f"(headers: {', '.join(h for h in first.headers if h)[:200]}); fix the mapping"
        )
    # the tables registered on con by name (the steps' SQL reads them; kept alive here)
    tables: dict[str, pa.Table] = {}

    def keep(name: str, table: pa.Table) -> pa.Table:
        con.register(name, table)
        tables[name] = table
        return table

    dates, date_warnings = decide_date_order(con, mapping, loaded, job.where(layouts[0].raw.name))
    warnings += date_warnings
    rows = keep("rows_n", make_rows(job, selects, params, loaded, rid_count, dates))
    if mapping.terms:
        rows = keep("rows_n", name_terms(job, rows))
    loaded = drop_skipped_rows(job, rows, loaded, rid_count)
    cells = make_cells(job, plan)
    measures = make_measures(job, cells)
    keep("measures", measures.table)
    scores = keep("scores_t", make_scores(job, cells, measures, loaded, tables, rid_count))
    if mapping.scores is not None and mapping.scores.retest:
        rows, scores = resolve_retests(job, rows, scores, rid_count)
        keep("rows_n", rows)
        keep("scores_t", scores)
    skills = measures.skills() if plan.item_level else None
    rows, student_count = number_rows(rows, scores, skills, rid_count)
    keep("rows_n", rows)
    admins = keep("admins", make_administrations(job))
    students = make_students(con, rows, student_count, mapping)
    sittings = group_sittings(make_row_keys(job, rows, admins), rid_count)
    keep("rows_k", sittings.rows_k)
    administrations = con.execute(
        "SELECT assessment, term, date FROM admins ORDER BY admin_no"
    ).to_arrow_table()
    assessments = _assessments(job, cells)
    report = build_report(
        con,
        tables,
        students=students.num_rows,
        problem_cells=problem_values_sql(cells),
        cell_headers=plan.headers,
        one_row_per_student_and_administration=sittings.one_row_per_student_and_administration,
        warnings=warnings,
        file_name=file_name,
        name_sheets=job.is_book,
        has_scores=mapping.scores is not None,
        date_column=mapping.columns.get("date"),
        retest=mapping.scores.retest if mapping.scores is not None else None,
    )
    # the scores, measures, rows and sheets are read again for previews; free the rest
    con.unregister("admins")
    del tables["admins"]
    return Prepared(
        file_name=file_name,
        sha256=sha256,
        mapping=given,
        detected=detected,
        sheets=sheets,
        students=students,
        report=report,
        administrations=administrations,
        assessments=assessments,
        _source=_Normalised(
            con, tables, scores_sql(cells, measures, with_raw=True), sittings.sitting_of_rid
        ),
    )


def _assessments(job: Job, cells: Cells) -> list[dict[str, Any]]:
    """Each assessment of the registered ``admins`` with its subject, scale and cut."""
    kind = job.kind
    s = job.mapping.scores
    return [
        {
            "name": name,
            "subject": job.mapping.subject,
            "kind": kind,
            "levels": list(s.levels) if s and kind == "level" else None,
            "proficient_level": (s.levels[cells.prof_level - 1] if s and kind == "level" else None),
            "cut": cells.cut if kind != "level" else config.DEFAULT_CUT,
        }
        for (name,) in job.con.execute(
            "SELECT DISTINCT assessment FROM admins ORDER BY 1"
        ).fetchall()
    ]
