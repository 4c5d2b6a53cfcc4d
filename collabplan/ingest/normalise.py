"""Raw sheets + a mapping -> long score rows and students, computed in memory.

The reshaping is vectorised: each sheet's data rows are registered as an Arrow table in a
private in-memory DuckDB, the score columns are unpivoted with one ``UNION ALL`` of column
selects, and numbers, missing marks, levels, percent forms, roll-ups and proficiency are all
worked out in SQL. Nothing here touches the application database.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from collabplan import config
from collabplan.errors import UserError
from collabplan.ingest.mapping import (
    COLUMN_ROLES,
    SHEET_CLASS,
    Mapping,
    Scores,
    header_key,
    presets,
)
from collabplan.ingest.validate import Report, build_report

#: Rows per Arrow batch of a sheet's data rows as the normaliser scans them.
SHEET_BATCH_ROWS = 10_240
#: Source rows from which the row-by-row tables are built in parts, side by side.
SPLIT_ROWS = 20_000
#: How many rows from the top are searched for the header row / preset headers.
HEADER_SEARCH_ROWS = 30
#: Rows that name no student: "Class average", "Total", a repeated "Points possible" …
SUMMARY_ROW = (
    r"^\s*((class|group|section|grade|school|period|overall|team)\s+)?"
    r"(average|averages|avg|mean|median|mode|totals?|count|sum|minimum|maximum|min|max|summary"
    r"|%\s*correct|percent\s+correct|mastery|points\s+possible|possible|out\s+of|standards?|key"
    r"|answer\s+key|max\s+points)\b"
)
YES_VALUES = ("y", "yes", "true", "1", "x", "t", "checked", "✓")
NO_VALUES = ("n", "no", "false", "0", "f", "")
_QUESTION = re.compile(
    r"^(q|question|item|problem|prob|p|#|no\.?)\s*[-.#]?\s*\d+[a-z]?$|^\d+[a-z]?$", re.I
)
_ID_HEADER = re.compile(
    r"^(student|stu|pupil|learner|sis|local|state)?(id|number|num|no|#|idnumber|sisid|localid|lasid|ssid)$"
)
_NAME_HEADER = re.compile(
    r"^(student|pupil|learner|full)?name$|^student$|^(last,?first|lastname,?firstname)$|^name\(last,first\)$"
)
_SKILL_ROW_LABEL = re.compile(
    r"standard|skill|target|objective|domain|strand|teks|ccss|outcome|concept|teaches", re.I
)
_MAX_ROW_LABEL = re.compile(r"point|possible|max|out\s*of|value|worth", re.I)
_TOTAL_HEADER = re.compile(
    r"^(total|totals|sum|score|raw|%|percent|pct|average|avg|grade|overall|mastery)", re.I
)
_DATE_IN_TEXT = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})\b")


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
    administrations: pa.Table = field(default_factory=lambda: pa.table({}))
    assessments: list[dict[str, Any]] = field(default_factory=list)
    _source: _Normalised | None = field(default=None, repr=False, compare=False)

    @property
    def scores(self) -> pa.Table:
        """The normalised long rows (see the ingest API); computed once, on first use."""
        cached = self.__dict__.get("_scores")
        if cached is None:
            cached = self._source.scores() if self._source is not None else _EMPTY_SCORES
            self.__dict__["_scores"] = cached
        return cached

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

#: Rows per Arrow batch of :meth:`Prepared.rows_to_save`: the database inserts batches in
#: parallel, so a million rows in one batch would be written by one thread.
SAVE_BATCH_ROWS = 122_880


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
        sitting_of_rid: Any = None,
    ) -> None:
        self.con = con
        self.tables = tables  # the Arrow tables registered on ``con`` (kept alive here)
        self.raw_sql = raw_sql  # scores_t's SELECT with each score's cell text and number
        self.sitting_of_rid = sitting_of_rid  # see _Normaliser.group_sittings
        self.lock = threading.Lock()

    def scores(self) -> pa.Table:
        sql, params = self.raw_sql
        with self.lock:
            return self.con.execute(
                f"""WITH k AS ({sql})
                    SELECT {_SCORE_COLUMNS.format(raw_num=_text_sql("k.raw_num", pa.float64()))}
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


@dataclass
class _Part:
    """One wide score column: its number, header number, question (header), skill and points
    possible, and the measures its scores count towards."""

    part: int
    ci: int
    item: str
    skill: str
    mx: float | None
    skill_measure: int = 0
    item_measure: int = 0


@dataclass
class _Sheet:
    """One sheet resolved against the mapping: where headers, skills and points possible are."""

    raw: Any
    header_idx: int  # table row index of the header row
    headers: list[str | None]  # header text per table column
    data_idx: int  # first table row index of data
    index: dict[str, int]  # header_key -> column number


# ------------------------------------------------------------------------------------ public
def prepare(
    data: bytes,
    file_name: str,
    mapping: Mapping | None = None,
    *,
    progress: Callable[[float, str], None] | None = None,
) -> Prepared:
    """Read, map, normalise and validate one upload; raises UserError for unreadable input."""
    from collabplan.ingest.read import read_arguments, read_upload

    if progress:
        progress(0.05, f"Reading {file_name}")
    sha = hashlib.sha256(data).hexdigest()
    sheets = read_upload(data, file_name, **read_arguments(mapping))
    if mapping is None:
        mapping, detected = detect_mapping(sheets, file_name)
        sheets = _pick_sheets(sheets, mapping, file_name)
    else:
        detected = f"{mapping.label or mapping.name} (mapping)"
    if progress:
        progress(0.35, "Working out students and scores")
    prepared = prepare_sheets(sheets, file_name, mapping, detected=detected, sha256=sha)
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
) -> Prepared:
    """Normalise already-read sheets (see :func:`prepare`)."""
    if not sheets:
        raise UserError(f"{file_name}: the file has no sheet with data")
    try:
        con = _spare.pop()
    except IndexError:
        con = duckdb.connect()
    try:
        return _Normaliser(con, sheets, file_name, mapping).run(detected or mapping.name, sha256)
    except BaseException:
        con.close()
        raise


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


# --------------------------------------------------------------------------------- detection
def detect_mapping(sheets: list[Any], file_name: str) -> tuple[Mapping, str]:
    """Pick a preset by its detect headers, else detect a teacher tracker; UserError if neither."""
    if not sheets or all(s.table.num_rows == 0 for s in sheets):
        raise UserError(f"{file_name}: the file is empty: export it again with the results in it")
    tops = [_top_rows(s) for s in sheets]
    best: tuple[int, str, Mapping] | None = None
    for name, preset in presets().items():
        if not preset.detect:
            continue
        wanted = {header_key(h) for h in preset.detect}
        for rows in tops:
            if any(wanted <= {header_key(c) for c in row if c} for row in rows):
                if best is None or len(wanted) > best[0]:
                    best = (len(wanted), name, preset)
                break
    if best is not None:
        preset = best[2]
        return preset, f"{preset.label or best[1]} (preset)"
    tracker = _detect_tracker(sheets, file_name)
    if tracker is not None:
        return tracker, "Teacher tracker (detected)"
    raise UserError(
        f"{file_name}: could not tell which columns hold scores: give a mapping file with "
        "[columns] student_id or student_name and [scores] layout and columns or pattern"
    )


def _top_rows(sheet: Any) -> list[list[str | None]]:
    return [
        [(v.strip() if isinstance(v, str) else v) for v in row]
        for row in sheet.text_rows(0, HEADER_SEARCH_ROWS)
    ]


def _is_number(text: Any) -> bool:
    if text is None:
        return False
    try:
        float(str(text).strip().rstrip("%"))
    except ValueError:
        return False
    return True


def _detect_tracker(sheets: list[Any], file_name: str) -> Mapping | None:
    """A header row with a name or id column and question-like (or numeric) columns."""
    template = presets().get("teacher_tracker")
    found: list[tuple[Any, dict[str, Any]]] = []
    for sheet in sheets:
        shape = _tracker_shape(sheet)
        if shape is not None:
            found.append((sheet, shape))
    if not found:
        return None
    sheet0, shape = found[0]
    same = [s.name for s, sh in found if sh["signature"] == shape["signature"]]
    m = Mapping(name="teacher_tracker", label="Teacher tracker")
    m.scores = (
        Scores(**vars(template.scores)) if template and template.scores else Scores(kind="points")
    )
    m.scores.columns = shape["score_headers"]
    m.header_row = shape["header_row"]
    m.skill_row = shape["skill_row"]
    m.max_row = shape["max_row"]
    m.columns = dict(shape["columns"])
    if len(same) > 1:
        m.sheet = same
        m.columns.setdefault("class", SHEET_CLASS)
    elif sheet0.name and len(sheets) > 1:
        m.sheet = sheet0.name
    if shape["date"]:
        m.assessment_date = shape["date"]
    if m.max_row is None:
        if shape["question_like"]:
            m.scores.kind = "points"
            m.scores.max = shape["observed_max"] or None
        else:
            m.scores.kind = "percent"
    return m


def _tracker_shape(sheet: Any) -> dict[str, Any] | None:
    rows = _top_rows(sheet)
    for i, row in enumerate(rows):
        keys = [header_key(c) if isinstance(c, str) and not _is_number(c) else "" for c in row]
        id_col = next((j for j, k in enumerate(keys) if k and _ID_HEADER.match(k)), None)
        name_col = next((j for j, k in enumerate(keys) if k and _NAME_HEADER.match(k)), None)
        first_col = next((j for j, k in enumerate(keys) if k in ("firstname", "first")), None)
        last_col = next((j for j, k in enumerate(keys) if k in ("lastname", "last")), None)
        if id_col is None and name_col is None and (first_col is None or last_col is None):
            continue
        role_cols = {c for c in (id_col, name_col, first_col, last_col) if c is not None}
        texts = [c if isinstance(c, str) else None for c in row]
        question = [
            j for j, t in enumerate(texts) if t and j not in role_cols and _QUESTION.match(t)
        ]
        below = rows[i + 1 : i + 1 + 40]
        label_col = min(role_cols)
        # rows of standards / points possible right under the header
        skill_row = max_row = None
        k = 0
        while k < 2 and k < len(below):
            r = below[k]
            label = r[label_col] if label_col < len(r) else None
            has_id = id_col is not None and r[id_col] not in (None, "")
            cells = [r[j] for j in question] if question else []
            if label and _SKILL_ROW_LABEL.search(str(label)) and not has_id and skill_row is None:
                skill_row = k
            elif label and _MAX_ROW_LABEL.search(str(label)) and not has_id and max_row is None:
                max_row = k
            elif (
                cells
                and not has_id
                and not label
                and skill_row is None
                and all(c and not _is_number(c) for c in cells)
            ):
                skill_row = k
            else:
                break
            k += 1
        data_rows = below[k:]
        if not question:
            # skill columns holding numbers (percent or points per skill)
            question = []
            for j, t in enumerate(texts):
                if not t or j in role_cols or _TOTAL_HEADER.match(t.strip()):
                    continue
                vals = [r[j] for r in data_rows if j < len(r) and r[j] not in (None, "")]
                if len(vals) >= 1 and sum(_is_number(v) for v in vals) >= 0.8 * len(vals):
                    question.append(j)
            question_like = False
        else:
            question_like = True
        if not question:
            continue
        observed = 0.0
        for r in data_rows:
            for j in question:
                if j < len(r) and _is_number(r[j]):
                    observed = max(observed, float(str(r[j]).rstrip("%")))
        columns: dict[str, str] = {}
        if id_col is not None:
            columns["student_id"] = texts[id_col]
        if name_col is not None:
            columns["student_name"] = texts[name_col]
        elif first_col is not None and last_col is not None:
            columns["first_name"] = texts[first_col]
            columns["last_name"] = texts[last_col]
        date = None
        for r in rows[:i]:
            for c in r:
                if isinstance(c, str) and (m := _DATE_IN_TEXT.search(c)):
                    date = m.group(1)
                    break
            if date:
                break
        header_row = sheet.first_row + i
        return {
            "header_row": header_row,
            "skill_row": header_row + 1 + skill_row if skill_row is not None else None,
            "max_row": header_row + 1 + max_row if max_row is not None else None,
            "columns": columns,
            "score_headers": [texts[j] for j in question],
            "question_like": question_like,
            "observed_max": observed if observed > 1 or question_like else None,
            "date": date,
            "signature": tuple(header_key(t) for t in texts if t),
        }
    return None


# ------------------------------------------------------------------------------- normalising
class _Normaliser:
    def __init__(
        self, con: duckdb.DuckDBPyConnection, sheets: list[Any], file_name: str, mapping: Mapping
    ):
        self.con = con
        self.sheets = sheets
        self.file_name = file_name
        self.m = mapping
        self.warnings: list[str] = []
        self.scores_cfg = mapping.scores
        self.kind = (
            self.scores_cfg.resolved_kind(mapping.max_row is not None) if self.scores_cfg else None
        )
        self.item_level = False
        self.next_rid = 0
        #: header of each score source column, by its number ``ci`` in the cells table
        self.cell_cols: list[str] = []
        #: each wide score column: its cells carry only the part number
        self.parts: list[_Part] = []
        #: SELECTs of the score cells, one or more per sheet (see plan_cells)
        self.cell_parts: list[str] = []
        #: cell_parts index -> (sheet table, [(part, column)]) of the typed number columns
        self.numeric_parts: dict[int, tuple[str, list[tuple[int, int]]]] = {}
        #: (registered name, Arrow table with _row and _rid) of each sheet read; once
        #: skipped rows are dropped (drop_skipped_rows), the rows that are left
        self.sheet_tables: list[tuple[str, pa.Table]] = []
        #: intermediate tables by name (see table())
        self.kept: dict[str, pa.Table] = {}
        #: Arrow type of each column of the sheet being planned
        self.types: dict[str, pa.DataType] = {}
        #: no student has two scored rows in one administration (see group_sittings)
        self.one_row_per_student_and_administration = False

    # -- helpers -----------------------------------------------------------------------
    def where(self, sheet: Any) -> str:
        return (
            f"{self.file_name}, sheet {sheet.name!r}"
            if len(self.sheets) > 1 or self._is_book()
            else self.file_name
        )

    def _is_book(self) -> bool:
        return not self.file_name.lower().endswith((".csv", ".txt", ".tsv"))

    def _wanted_headers(self) -> list[str]:
        cols = self.m.columns
        wanted = [
            cols[r] for r in ("student_id", "student_name", "first_name", "last_name") if r in cols
        ]
        s = self.scores_cfg
        if s is not None and s.layout == "long":
            wanted += [s.skill, s.score]
        if s is not None and s.layout == "groups":
            wanted += [s.skill.replace("{n}", "1"), s.score.replace("{n}", "1")]
        return [w for w in wanted if w and w != SHEET_CLASS]

    def resolve(self, sheet: Any) -> _Sheet | None:
        """Find the header row of one sheet; None when the sheet lacks the mapped headers."""
        t = sheet.table
        if self.m.header_row is not None:
            idx = self.m.header_row - sheet.first_row
            if idx < 0 or idx >= t.num_rows:
                return None
        else:
            wanted = {header_key(w) for w in self._wanted_headers()}
            top = _top_rows(sheet)
            idx = None
            for i, row in enumerate(top):
                keys = {header_key(c) for c in row if isinstance(c, str)}
                if wanted and wanted <= keys:
                    idx = i
                    break
            if idx is None:
                if wanted:
                    return None
                # no named columns: the first row with the most text cells
                counts = [
                    sum(1 for c in row if isinstance(c, str) and c and not _is_number(c))
                    for row in top
                ]
                if not counts or max(counts) < 2:
                    return None
                idx = counts.index(max(counts))
        header = sheet.text_rows(idx, idx + 1)[0]
        headers = [(v.strip() if isinstance(v, str) else v) for v in header]
        index: dict[str, int] = {}
        for j, h in enumerate(headers):
            if h:
                index.setdefault(header_key(h), j)
        extra = [r for r in (self.m.skill_row, self.m.max_row) if r is not None]
        data_idx = max([idx + 1] + [r - sheet.first_row + 1 for r in extra])
        return _Sheet(sheet, idx, headers, data_idx, index)

    def col(self, sh: _Sheet, header: str, key: str) -> int:
        j = sh.index.get(header_key(header))
        if j is None:
            shown = ", ".join(h for h in sh.headers if h)[:200]
            raise UserError(
                f"{self.where(sh.raw)}: no column {header!r} in the header row "
                f"(row {sh.raw.first_row + sh.header_idx}: {shown}); fix {key} in the mapping"
            )
        return j

    def sheet_row_values(self, sh: _Sheet, sheet_row: int | None) -> list[str | None] | None:
        if sheet_row is None:
            return None
        i = sheet_row - sh.raw.first_row
        if i < 0 or i >= sh.raw.table.num_rows:
            return [None] * sh.raw.table.num_columns
        return [(v.strip() if isinstance(v, str) else v) for v in sh.raw.text_rows(i, i + 1)[0]]

    # -- per-sheet SQL -----------------------------------------------------------------
    def sheet_sql(self, n: int, sh: _Sheet) -> tuple[str, list[Any]]:
        """The SELECT of this sheet's source rows; the score cells are planned alongside.

        The sheet's data rows are registered as an Arrow table ``sheet_n``. A column may be
        text or typed (numbers, dates, booleans from a workbook): :func:`_text_sql` and
        :func:`_score_cell_sql` read either kind, so a typed number is never formatted and parsed
        again just to be a score.
        """
        raw = sh.raw
        data = raw.table.slice(sh.data_idx)
        import numpy as np

        rownum = pa.array(
            np.arange(
                raw.first_row + sh.data_idx,
                raw.first_row + sh.data_idx + data.num_rows,
                dtype=np.int64,
            )
        )
        data = data.append_column("_row", rownum)
        # a number for each source row across all sheets: cells and rows join on it, not on text
        data = data.append_column(
            "_rid",
            pa.array(np.arange(self.next_rid, self.next_rid + data.num_rows, dtype=np.int32)),
        )
        self.next_rid += data.num_rows
        # DuckDB scans an Arrow table a batch per thread: a sheet read as one big batch
        # would be reshaped by one thread (zero-copy slices)
        data = pa.Table.from_batches(data.to_batches(max_chunksize=SHEET_BATCH_ROWS), data.schema)
        name = f"sheet_{n}"
        self.con.register(name, data)
        self.sheet_tables.append((name, data))
        self.types = {f.name: f.type for f in data.schema}
        cols = self.m.columns
        p: list[Any] = [raw.name]

        def c(role: str) -> str:
            header = cols.get(role)
            if header is None:
                return "NULL::VARCHAR"
            if header == SHEET_CLASS:
                p.append(raw.name)
                return "?::VARCHAR"
            return self.text(self.col(sh, header, f"[columns] {role}"))

        # identifiers below are generated column names cN of our own Arrow table
        sel = {role: c(role) for role in COLUMN_ROLES}
        # an id or grade read as a number is already its text ("300500"); text is trimmed and
        # loses an Excel ".0" ("300500.0" -> "300500")
        typed = {}
        for role in ("student_id", "grade"):
            header = cols.get(role)
            j = sh.index.get(header_key(header)) if header and header != SHEET_CLASS else None
            typed[role] = j is not None and self.is_number_column(j)
            if not typed[role]:
                x = sel[role]
                sel[role] = (
                    f"nullif(trim(CASE WHEN contains({x}, '.')"
                    f" THEN regexp_replace({x}, '^\\s*(\\d+)\\.0+\\s*$', '\\1') ELSE {x} END), '')"
                )
        if self.m.assessment_name_column:
            sel["assessment"] = self.text(
                self.col(sh, self.m.assessment_name_column, "[assessment] name_column")
            )
        else:
            p.append(self.m.assessment_name or PurePath(self.file_name).stem)
            sel["assessment"] = "?::VARCHAR"
        nonblank = (
            " + ".join(f"(c{j} IS NOT NULL)::INTEGER" for j in range(raw.table.num_columns)) or "0"
        )
        group_sel = []
        for g, (gname, header) in enumerate(self.m.groups.items()):
            j = sh.index.get(header_key(header))
            if j is None:
                self.warn_once(
                    f"{self.where(raw)}: no column {header!r} for group {gname}: groups left out"
                )
                group_sel.append(f"NULL::VARCHAR AS g{g}")
            else:
                group_sel.append(f"{self.text(j)} AS g{g}")
        rows_sql = (
            f"SELECT ?::VARCHAR AS sheet, _row AS row, _rid AS rid, {sel['student_id']} AS sid_n,"  # noqa: S608 (generated cN names; values are ?)
            f" {'true' if typed['student_id'] else 'false'} AS sid_is_number, {sel['student_name']} AS name,"
            f" {sel['first_name']} AS first, {sel['last_name']} AS last, {sel['grade']} AS grade,"
            f" {sel['class']} AS class, {sel['teacher']} AS teacher, {sel['term']} AS term,"
            f" {sel['date']} AS date_raw, {sel['assessment']} AS assessment, {nonblank} AS nonblank"
            + "".join(f", {g}" for g in group_sel)
            + f" FROM {name}"
        )
        self.plan_cells(sh, name)
        return rows_sql, p

    # intermediate tables: Arrow tables registered on the connection (cheaper to build than
    # DuckDB temp tables, which compress every column as they are written)
    def table(
        self, name: str, sql: str, params: list[Any] | None = None, batch_rows: int = SHEET_BATCH_ROWS
    ) -> None:
        """Run ``sql`` and keep its result as the table ``name``, in batches of ``batch_rows``.

        Small batches suit tables of text (DuckDB grows each batch's text buffer as it fills,
        copying it); the score values are kept in batches of a DuckDB row group
        (:data:`SAVE_BATCH_ROWS`), which is how the database takes them fastest.
        """
        self.keep(name, self.con.execute(sql, params or []).to_arrow_table(batch_rows))

    def table_by_rows(
        self, name: str, sql: str, params: list[Any] | None = None, batch_rows: int = SHEET_BATCH_ROWS
    ) -> None:
        """:meth:`table` for a query whose result rows each come from one source row (or one
        rid's group): large files run it in parts, a range of rids each, side by side.

        DuckDB computes a query on every core but hands its result to Arrow on one, which
        is most of the time for a table of text; parts of the sheets on their own cursors,
        one thread each, do both on every core. The parts' results follow each other in rid
        order, as one query's would.
        """
        parts = int(self.con.execute("SELECT current_setting('threads')").fetchone()[0])
        if parts < 2 or self.next_rid < SPLIT_ROWS:
            self.table(name, sql, params, batch_rows)
            return
        import concurrent.futures

        bounds = [self.next_rid * k // parts for k in range(parts + 1)]
        cursors = [self.con.cursor() for _ in range(parts)]
        for k, cur in enumerate(cursors):
            for table_name, table in self.kept.items():
                cur.register(table_name, table)
            for sheet_name, data in self.sheet_tables:
                rids = data.column("_rid").to_numpy()
                lo, hi = (int(x) for x in rids.searchsorted(bounds[k : k + 2]))
                cur.register(sheet_name, data.slice(lo, hi - lo))

        def run(cur: duckdb.DuckDBPyConnection) -> pa.Table:
            return cur.execute(sql, params or []).to_arrow_table(batch_rows)

        self.con.execute("SET threads = 1")
        try:
            with concurrent.futures.ThreadPoolExecutor(parts) as pool:
                results = list(pool.map(run, cursors))
        finally:
            self.con.execute(f"SET threads = {parts}")  # noqa: S608 (an int read from DuckDB)
            for cur in cursors:
                cur.close()
        self.keep(name, pa.concat_tables(results))

    def keep(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)
        self.kept[name] = table

    def drop(self, name: str) -> None:
        if self.kept.pop(name, None) is not None:
            self.con.unregister(name)

    # typed-or-text column expressions (cN of the sheet registered last)
    def text(self, j: int) -> str:
        return _text_sql(f"c{j}", self.types.get(f"c{j}", pa.string()))

    def is_number_column(self, j: int) -> bool:
        t = self.types.get(f"c{j}", pa.string())
        return pa.types.is_floating(t) or pa.types.is_integer(t)

    @staticmethod
    def number_text(col: str) -> str:
        """SQL giving a number column as a cell's text (for examples and previews)."""
        return _text_sql(col, pa.float64())

    def warn_once(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def plan_cells(self, sh: _Sheet, name: str) -> None:
        """Add this sheet's score cells to ``cell_parts`` (SELECTs of the cell columns).

        Every part gives: rid, ci (the score column's header number), part (a wide column's
        number, else NULL), row_skill (long layouts), raw (the cell's text; NULL for a typed
        number), num0 (its number), has_pct, mx (points possible) and cut_num.
        """
        s = self.scores_cfg
        raw = sh.raw
        if s is None:
            return
        if s.layout == "wide":
            role_cols = {
                sh.index.get(header_key(h)) for h in self.m.columns.values() if h != SHEET_CLASS
            }
            if s.columns:
                picked = [(self.col(sh, h, "[scores] columns"), h) for h in s.columns]
                skills = {j: h for j, h in picked}
            elif s.pattern:
                rx = re.compile(s.pattern, re.I)
                excluded = {header_key(e) for e in s.exclude}
                picked, skills = [], {}
                for j, h in enumerate(sh.headers):
                    if not isinstance(h, str) or j in role_cols or header_key(h) in excluded:
                        continue
                    mt = rx.search(h)
                    if mt:
                        picked.append((j, h))
                        skill = mt.groupdict().get("skill") if "skill" in rx.groupindex else None
                        skills[j] = (skill or h).strip()
            else:
                raise UserError(
                    f"{self.where(raw)}: the mapping does not say which columns hold scores: "
                    "give [scores] columns or pattern"
                )
            if not picked:
                return
            skill_vals = self.sheet_row_values(sh, self.m.skill_row)
            if skill_vals is not None:
                last = None
                prev_j = None
                for j, h in picked:
                    v = skill_vals[j] if j < len(skill_vals) else None
                    if v in (None, "") and last is not None and prev_j == j - 1:
                        v = last  # merged cells: the standard spans several questions
                    skills[j] = v or h
                    last, prev_j = skills[j], j
            self.item_level = self.item_level or (
                self.m.skill_row is not None or len(set(skills.values())) < len(picked)
            )
            max_vals = self.sheet_row_values(sh, self.m.max_row)
            numeric, text = [], []
            for j, h in picked:
                mx = self.column_max(sh, j, h, max_vals)
                part = len(self.parts)
                self.parts.append(_Part(part, self.cell_col(h), h, skills[j], mx))
                (numeric if self.is_number_column(j) else text).append((part, j))
            for group, is_num in ((numeric, True), (text, False)):
                if not group:
                    continue
                value = (lambda j: f"CAST(c{j} AS DOUBLE)") if is_num else self.text
                picks = ", ".join(f'{value(j)} AS "{part}"' for part, j in group)
                names = ", ".join(f'"{part}"' for part, _j in group)
                raw_sql, num_sql, pct_sql = _score_cell_sql("v", is_num)
                if is_num:
                    self.numeric_parts[len(self.cell_parts)] = (name, group)
                self.cell_parts.append(
                    f"""SELECT rid, part::INTEGER AS part, NULL::INTEGER AS ci,
                           NULL::VARCHAR AS row_skill, {raw_sql} AS raw,
                           {num_sql} AS num0, {pct_sql} AS has_pct, NULL::DOUBLE AS max_num,
                           NULL::DOUBLE AS cut_num
                        FROM (SELECT _rid AS rid, {picks} FROM {name})
                        UNPIVOT INCLUDE NULLS (v FOR part IN ({names}))"""  # noqa: S608 (generated names)
                )
        elif s.layout == "long":
            skill_c = self.col(sh, s.skill, "[scores] skill")
            score_c = self.col(sh, s.score, "[scores] score")
            max_sql = "NULL::DOUBLE"
            if isinstance(s.max, str):
                max_sql = self.plain_number(self.col(sh, s.max, "[scores] max"))
            elif isinstance(s.max, float):
                max_sql = repr(float(s.max))
            elif isinstance(s.max, dict):
                raise UserError(
                    f'{self.mapping_where()}: [scores] max as a table needs layout = "wide"'
                )
            cut_sql = (
                self.cut_number(self.col(sh, s.proficient_score, "[scores] proficient_score"))
                if s.proficient_score
                else "NULL::DOUBLE"
            )
            self.cell_parts.append(
                self.row_cell_sql(name, score_c, skill_c, max_sql, cut_sql, self.cell_col(s.score))
            )
        else:  # groups
            found = 0
            for n in range(1, 101):
                jk = sh.index.get(header_key(s.skill.replace("{n}", str(n))))
                js = sh.index.get(header_key(s.score.replace("{n}", str(n))))
                if jk is None or js is None:
                    if n > 1 and found:
                        break
                    continue
                found += 1
                max_sql = "NULL::DOUBLE"
                if isinstance(s.max, str):
                    jm = sh.index.get(header_key(s.max.replace("{n}", str(n))))
                    max_sql = self.plain_number(jm) if jm is not None else "NULL::DOUBLE"
                elif isinstance(s.max, float):
                    max_sql = repr(float(s.max))
                cut_sql = "NULL::DOUBLE"
                if s.proficient_score:
                    jc = sh.index.get(header_key(s.proficient_score.replace("{n}", str(n))))
                    cut_sql = self.cut_number(jc) if jc is not None else "NULL::DOUBLE"
                self.cell_parts.append(
                    self.row_cell_sql(name, js, jk, max_sql, cut_sql, self.cell_col(s.score))
                    + f" WHERE nullif(trim({self.text(jk)}), '') IS NOT NULL"
                )
            if not found:
                self.col(sh, s.skill.replace("{n}", "1"), "[scores] skill")

    def row_cell_sql(
        self, name: str, score_c: int, skill_c: int, max_sql: str, cut_sql: str, ci: int
    ) -> str:
        """A long (or repeated-group) layout's cells: one per source row, skill from a column."""
        is_num = self.is_number_column(score_c)
        raw_sql, num_sql, pct_sql = _score_cell_sql(
            f"CAST(c{score_c} AS DOUBLE)" if is_num else self.text(score_c), is_num
        )
        return (
            f"SELECT _rid AS rid, NULL::INTEGER AS part, {int(ci)} AS ci,"  # noqa: S608 (generated cN names and fixed fragments)
            f" trim({self.text(skill_c)}) AS row_skill, {raw_sql} AS raw, {num_sql} AS num0,"
            f" {pct_sql} AS has_pct, {max_sql} AS max_num, {cut_sql} AS cut_num FROM {name}"
        )

    def plain_number(self, j: int) -> str:
        """A points-possible cell as a number ("4", 4.0)."""
        if self.is_number_column(j):
            return f"CAST(c{j} AS DOUBLE)"
        return f"TRY_CAST(trim({self.text(j)}) AS DOUBLE)"

    def cut_number(self, j: int) -> str:
        """A per-row cut score ("3", "75%", 3.0)."""
        if self.is_number_column(j):
            return f"CAST(c{j} AS DOUBLE)"
        return f"TRY_CAST(replace(trim({self.text(j)}), '%', '') AS DOUBLE)"

    def column_max(self, sh: _Sheet, j: int, h: str, max_vals: list | None) -> float | None:
        """Points possible of one wide score column (from the max row or the mapping)."""
        s = self.scores_cfg
        raw = sh.raw
        mx: float | None = None
        if max_vals is not None:
            v = max_vals[j] if j < len(max_vals) else None
            try:
                mx = float(str(v).strip()) if v not in (None, "") else None
            except ValueError:
                mx = None
            if mx is None and self.kind == "points":
                raise UserError(
                    f"{self.where(raw)}: row {self.m.max_row}, column {h!r}: no points possible "
                    f"(found {v!r}); put a number there or fix [source] max_row"
                )
        elif isinstance(s.max, dict):
            lookup = {header_key(k): v for k, v in s.max.items()}
            mx = lookup.get(header_key(h))
            if mx is None and self.kind == "points":
                raise UserError(
                    f"{self.mapping_where()}: [scores] max has no points possible for column {h!r}"
                )
        elif isinstance(s.max, float):
            mx = s.max
        elif isinstance(s.max, str):
            raise UserError(
                f"{self.mapping_where()}: [scores] max = {s.max!r} names a column, which only "
                'works for layout = "long"; give a number or a table {Q1 = 2}'
            )
        return mx

    def cell_col(self, header: str) -> int:
        """The number of a score column's header (cells carry this small number, not the text).

        Columns with the same header share a number: percent fractions are detected per header.
        """
        if header not in self.cell_cols:
            self.cell_cols.append(header)
        return self.cell_cols.index(header)

    def problem_values_sql(self) -> tuple[str, list[Any]]:
        """values_sql over only the cells that may hold a problem (see clean_number_parts)."""
        clean = self.clean_number_parts()
        if not clean:
            return self.values_sql()
        source = self.cells_source(i for i in range(len(self.cell_parts)) if i not in clean)
        return self.values_sql(self.cells_select.format(source=source))

    def mapping_where(self) -> str:
        return f"{self.file_name}: mapping {self.m.name}"

    @property
    def rollup(self) -> bool:
        """Items roll up into skills (blank items then count 0 in a scored row)."""
        return bool(self.item_level and (self.kind or "points") == "points")

    # -- the whole file ----------------------------------------------------------------
    def run(self, detected: str, sha256: str) -> Prepared:
        resolved: list[_Sheet] = []
        for sheet in self.sheets:
            if sheet.table.num_rows == 0:
                continue
            sh = self.resolve(sheet)
            if sh is None:
                if len(self.sheets) > 1:
                    self.warn_once(
                        f"{self.file_name}, sheet {sheet.name!r}: not in the mapped layout, skipped"
                    )
                    continue
                wanted = self._wanted_headers()
                if wanted:
                    raise UserError(
                        f"{self.where(sheet)}: no row has the headers {', '.join(repr(w) for w in wanted)}"
                        " in the first rows; fix [columns] in the mapping or give [source] header_row"
                    )
                raise UserError(
                    f"{self.where(sheet)}: could not find the header row; give [source] header_row"
                )
            resolved.append(sh)
        if not resolved:
            raise UserError(
                f"{self.file_name}: no sheet has the mapped columns "
                f"({', '.join(self._wanted_headers())}); fix [columns] or [source] sheet in the mapping"
            )
        rows_parts, rows_params = [], []
        for n, sh in enumerate(resolved):
            rs, rp = self.sheet_sql(n, sh)
            rows_parts.append(rs)
            rows_params += rp
        if self.scores_cfg is not None and not self.cell_parts:
            s = self.scores_cfg
            what = f"pattern {s.pattern!r}" if s.pattern else "columns"
            raise UserError(
                f"{self.where(resolved[0].raw)}: no score columns match [scores] {what} "
                f"(headers: {', '.join(h for h in resolved[0].headers if h)[:200]}); fix the mapping"
            )
        # every fragment is built from our own generated names; values are ? parameters
        self.rows_source = " UNION ALL BY NAME ".join(f"({part})" for part in rows_parts)
        self.rows_params = rows_params
        self.make_rows()
        self.make_cells()
        return self.finish(detected, sha256)

    def make_rows(self) -> None:
        """Clean ids and names, build student keys, and say why a row is not a student."""
        id_header = self.m.columns.get("student_id")
        groups = "".join(f", g{g}" for g in range(len(self.m.groups)))
        self.table_by_rows(
            "rows_n",
            f"""
            WITH r AS (
                SELECT *,
                    nullif(trim(CASE WHEN {_HAS_WHITESPACE_RUN.format(x="name")}
                        THEN regexp_replace(name, '\\s+', ' ', 'g') ELSE name END), '') AS name_t,
                    nullif(trim(first), '') AS first_t, nullif(trim(last), '') AS last_t
                FROM ({self.rows_source})
            ), n AS (
                -- name_t is trimmed, so a part running to its start or end is trimmed on
                -- that side already (an untrimmed side costs a scan of the whole string)
                SELECT *,
                    CASE WHEN first_t IS NOT NULL OR last_t IS NOT NULL THEN first_t
                         WHEN contains(name_t, ',') THEN nullif(ltrim(substr(name_t, strpos(name_t, ',') + 1)), '')
                         WHEN contains(name_t, ' ') THEN trim(left(name_t, length(name_t) - length(split_part(name_t, ' ', -1)) - 1))
                         ELSE name_t END AS first_n,
                    CASE WHEN first_t IS NOT NULL OR last_t IS NOT NULL THEN last_t
                         WHEN contains(name_t, ',') THEN nullif(rtrim(split_part(name_t, ',', 1)), '')
                         WHEN contains(name_t, ' ') THEN split_part(name_t, ' ', -1)
                         ELSE NULL END AS last_n
                FROM r
            ), d AS (
                SELECT *,
                    nullif(concat_ws(' ', first_n, last_n), '') AS display
                FROM n
            )
            SELECT sheet, row, rid, sid_n, display, first_n, last_n{groups},
                CASE WHEN sid_n IS NOT NULL THEN 'id:' || sid_n
                     WHEN display IS NOT NULL THEN 'name:' || lower(display) END AS student_key,
                CASE WHEN nonblank = 0 THEN 'blank row'
                     -- (an id column of numbers holds no header text)
                     WHEN NOT sid_is_number AND sid_n IS NOT NULL
                          AND length(sid_n) = length(?::VARCHAR)
                          AND lower(sid_n) = lower(?::VARCHAR) THEN 'a repeated header row'
                     WHEN sid_n IS NULL AND display IS NULL THEN 'no student id or name'
                     WHEN (sid_n IS NULL OR (NOT sid_is_number AND TRY_CAST(sid_n AS DOUBLE) IS NULL
                                             AND regexp_matches(lower(sid_n), ?)))
                          AND regexp_matches(lower(coalesce(name_t, first_t || ' ' || last_t, sid_n, '')), ?)
                         THEN 'not a student (a summary row)'
                END AS skip_reason,
                grade AS grade_n,
                nullif(trim(class), '') AS class_n,
                nullif(trim(teacher), '') AS teacher_n,
                nullif(trim(term), '') AS term_n,
                coalesce(nullif(trim(assessment), ''), ?) AS assessment_n,
                CASE WHEN date_raw IS NOT NULL THEN {_DATE_SQL.format(x="date_raw")} END AS date_n
            FROM d
            """,  # noqa: S608 (only fixed SQL fragments and generated names are formatted in)
            [
                *self.rows_params,
                id_header,
                id_header,
                SUMMARY_ROW,
                SUMMARY_ROW,
                self.m.assessment_name or PurePath(self.file_name).stem,
            ],
        )

    def make_cells(self) -> None:
        """Numbers, missing marks, levels and points possible of every score cell, in SQL.

        One table, ``cells``, holds each cell once with what the file says (its text for a
        text cell, its number, its points possible); what depends on a whole column (percent
        fractions) or a whole row (blank items that count 0) is worked out from it afterwards.
        Blank cells are kept only where they can count (a roll-up of items).
        """
        s = self.scores_cfg or Scores()
        kind = self.kind or "points"
        levels = [lv.strip() for lv in s.levels]
        prof_level = 0
        cut = config.DEFAULT_CUT
        if kind == "level":
            lower = [lv.lower() for lv in levels]
            prof_level = (
                lower.index(str(s.proficient).lower()) + 1
                if isinstance(s.proficient, str)
                else len(levels)
            )
        elif isinstance(s.proficient, float):
            cut = s.proficient
        self.cut = cut
        self.prof_level = prof_level
        self.levels = levels
        self.drop_skipped_rows()
        marks = self.m.missing_marks
        # A cell that reads as a number can only be a missing mark when some mark reads as one
        # too (the same parse; it ignores case): otherwise only non-numbers are looked up.
        (self.numeric_marks,) = self.con.execute(
            f"SELECT coalesce(bool_or({_NUMBER_SQL.format(x='m')} IS NOT NULL), false)"  # noqa: S608
            " FROM unnest(?::VARCHAR[]) t(m)",
            [marks],
        ).fetchone()
        as_text = f"coalesce(raw, {_text_sql('num0', pa.float64())})"
        level_pos = (
            f"list_position(?::VARCHAR[], lower(trim({as_text})))"
            if kind == "level"
            else "NULL::INTEGER"
        )
        level_params = [[lv.lower() for lv in levels]] if kind == "level" else []
        source = self.cells_source(range(len(self.cell_parts)))
        # the cells are a SELECT read where needed, not a stored table: reading a typed sheet
        # again costs less than storing a million rows. The SQL is specialised in Python to
        # what this file can hold (no per-cell test of a setting).
        if self.numeric_marks:
            marked = f"NOT blank AND list_contains(?, lower(trim({as_text})))"
            marked_params: list[Any] = [marks]
        else:
            marked = (
                "NOT blank AND raw IS NOT NULL AND num0 IS NULL"
                " AND list_contains(?, lower(trim(raw)))"
            )
            marked_params = [marks]
        self.cells_select = f"""
            SELECT rid, part, ci, row_skill, raw, num0, has_pct, mx, cut_num, blank,
                {marked} AS marked_missing, {level_pos} AS level_pos
            FROM (
                SELECT c.rid, c.part, coalesce(c.ci, list_extract(?::INTEGER[], c.part + 1)) AS ci,
                    c.row_skill, c.raw, c.num0, c.has_pct,
                    coalesce(c.max_num, list_extract(?::DOUBLE[], c.part + 1)) AS mx, c.cut_num,
                    CASE WHEN c.raw IS NOT NULL THEN trim(c.raw) = '' ELSE c.num0 IS NULL END AS blank
                FROM ({{source}}) c
            )
            {"" if self.rollup else "WHERE NOT blank"}
            """  # noqa: S608 (fixed fragments and generated names; values are ?)
        self.cells_sql = self.cells_select.format(source=source)
        self.cells_params = [
            *marked_params,
            *level_params,
            [p.ci for p in self.parts],
            [p.mx for p in self.parts],
        ]
        self.fraction_cols = self.fraction_columns() if kind == "percent" else []

    def cells_source(self, which: Any) -> str:
        """The UNION of the cell SELECTs numbered ``which`` (see plan_cells)."""
        picked = [self.cell_parts[i] for i in which]
        if not picked:
            return (
                "SELECT NULL::INTEGER AS rid, NULL::INTEGER AS part, NULL::INTEGER AS ci,"
                " NULL::VARCHAR AS row_skill, NULL::VARCHAR AS raw, NULL::DOUBLE AS num0,"
                " false AS has_pct, NULL::DOUBLE AS max_num, NULL::DOUBLE AS cut_num WHERE false"
            )
        return " UNION ALL BY NAME ".join(f"({part})" for part in picked)

    @functools.cached_property
    def number_bounds(self) -> dict[int, tuple[float | None, float | None]]:
        """(min, max) of each wide part read from a typed number column (of rows not skipped).

        One aggregate per sheet: what whole columns hold is known without reading cell by cell.
        """
        bounds = {}
        for name, group in self.numeric_parts.values():
            stats = self.con.execute(
                "SELECT "  # noqa: S608 (generated column names)
                + ", ".join(f"min(c{j}), max(c{j})" for _part, j in group)
                + f" FROM {name}"
            ).fetchone()
            for k, (part, _j) in enumerate(group):
                bounds[part] = (stats[2 * k], stats[2 * k + 1])
        return bounds

    def clean_number_parts(self) -> set[int]:
        """cell_parts whose typed number columns hold only scores in range (no problem to list).

        Checked with one min/max per column over the sheet (:meth:`number_bounds`), so the
        report scans cell by cell only the columns that may hold a problem.
        """
        kind = self.kind or "points"
        if kind == "level" or self.numeric_marks:
            return set()
        bounds = self.number_bounds
        clean = set()
        for index, (_name, group) in self.numeric_parts.items():
            ok = True
            for part, _j in group:
                lo, hi = bounds[part]
                if lo is None:
                    continue
                top = 100.0 if kind == "percent" else self.parts[part].mx
                if top is None or lo < 0 or hi > top + 1e-9:
                    ok = False
                    break
            if ok:
                clean.add(index)
        return clean

    def drop_skipped_rows(self) -> None:
        """Re-register each sheet without its skipped rows, so their cells are never read.

        Done in Arrow rather than with a join: the sheets are Arrow scans, and a join would
        cost a hash probe per cell.
        """
        import numpy as np

        rows = self.kept["rows_n"]
        kept_by_rid = np.zeros(self.next_rid, dtype=bool)
        kept_by_rid[rows.column("rid").to_numpy()] = (
            rows.column("skip_reason").is_null().to_numpy(zero_copy_only=False)
        )
        for i, (name, data) in enumerate(self.sheet_tables):
            keep = kept_by_rid[data.column("_rid").to_numpy()]
            if not keep.all():
                data = data.filter(pa.array(keep))
                self.con.register(name, data)
                self.sheet_tables[i] = (name, data)

    def fraction_columns(self) -> list[int]:
        """Percent columns (by header) whose plain numbers all lie between 0 and 1: fractions.

        Typed number columns answer from their min/max (:meth:`number_bounds`); only text
        cells (or numbers that may be missing marks) are read one by one.
        """
        ranges: dict[int, list[bool]] = {}  # ci -> for each part with numbers: all in 0..1
        scanned = set(range(len(self.cell_parts)))
        if not self.numeric_marks:
            bounds = self.number_bounds
            for index, (_name, group) in self.numeric_parts.items():
                scanned.discard(index)
                for part, _j in group:
                    lo, hi = bounds[part]
                    if lo is not None:
                        ranges.setdefault(self.parts[part].ci, []).append(lo >= 0 and hi <= 1)
        if scanned:
            cells = self.cells_select.format(source=self.cells_source(sorted(scanned)))
            for ci, ok in self.con.execute(
                f"""SELECT ci, bool_and(num0 BETWEEN 0 AND 1) FROM ({cells})
                   WHERE num0 IS NOT NULL AND NOT has_pct AND NOT marked_missing
                   GROUP BY ci""",  # noqa: S608 (fixed fragments)
                self.cells_params,
            ).fetchall():
                ranges.setdefault(ci, []).append(ok)
        return sorted(ci for ci, oks in ranges.items() if all(oks))

    def values_sql(self, cells_sql: str | None = None) -> tuple[str, list[Any]]:
        """A SELECT over ``cells`` adding skill, num, fraction0 and problem (why a cell is no score).

        ``problem`` is NULL for a cell that gives a score. Computed where it is used (it is
        cheap arithmetic) so the million-cell table is stored once.
        """
        kind = self.kind or "points"
        rollup = self.rollup
        cells_sql = cells_sql or self.cells_sql
        # in a roll-up a blank item counts 0 when its row has other scores
        # only a roll-up needs to know whether a row has other scores (a join: no join else)
        scored = (
            f"""LEFT JOIN (SELECT rid, bool_or(NOT marked_missing AND num0 IS NOT NULL) AS row_scored
                          FROM ({cells_sql}) GROUP BY rid) rs USING (rid)"""  # noqa: S608
            if rollup
            else ""
        )
        row_scored = "coalesce(rs.row_scored, false)" if rollup else "false"
        if kind == "level":
            fraction0 = "NULL::DOUBLE"
            bad = "WHEN coalesce(level_pos, 0) = 0 THEN 'unknown level'"
        elif kind == "percent":
            as_fraction = (
                "CASE WHEN has_pct OR NOT list_contains(?::INTEGER[], ci) THEN num / 100.0 ELSE num END"
                if self.fraction_cols
                else "num / 100.0"
            )
            fraction0 = as_fraction
            bad = (
                "WHEN num IS NULL THEN 'not a number' "
                f"WHEN num < 0 OR ({as_fraction}) > 1 + 1e-9 THEN 'out of range'"
            )
        else:
            fraction0 = "num / nullif(mx, 0)"
            bad = (
                "WHEN num IS NULL THEN 'not a number' "
                "WHEN mx IS NULL THEN 'no points possible' "
                "WHEN num < 0 OR num > mx + 1e-9 THEN 'out of range'"
            )
        no_skill = "" if self.parts else "WHEN nullif(row_skill, '') IS NULL THEN 'no skill'"
        missing = (
            "marked_missing OR (blank AND NOT row_scored)" if rollup else "marked_missing OR blank"
        )
        num = (
            "CASE WHEN blank AND row_scored THEN 0.0 WHEN marked_missing THEN NULL ELSE num0 END"
            if rollup
            else "CASE WHEN marked_missing THEN NULL ELSE num0 END"
        )
        sql = f"""
            SELECT *, {fraction0} AS fraction0,
                CASE WHEN {missing} THEN 'missing' {no_skill} {bad} END AS problem
            FROM (
                SELECT *, {num} AS num
                FROM (
                    SELECT c.*, coalesce(c.row_skill, list_extract(?::VARCHAR[], c.part + 1)) AS skill,
                        {row_scored} AS row_scored
                    FROM ({cells_sql}) c {scored}
                )
            )
        """  # noqa: S608 (fixed fragments only; values are ?)
        fraction_params = [self.fraction_cols] if kind == "percent" and self.fraction_cols else []
        params = [
            *fraction_params,
            *fraction_params,
            [p.skill for p in self.parts],
            *self.cells_params,
            *(self.cells_params if rollup else []),
        ]
        return sql, params

    def make_measures(self) -> None:
        """The skills (and, by question, items) scored: ``measures`` (measure_no, skill, item).

        A wide file's measures follow from its columns (``_Part.skill_measure`` and
        ``item_measure``); a long file's from the skills its rows name.
        """
        if self.parts:
            found: dict[tuple[str, str | None], int] = {}
            for p in self.parts:
                p.skill_measure = found.setdefault((p.skill, None), len(found))
            if self.item_level:
                for p in self.parts:
                    p.item_measure = found.setdefault((p.skill, p.item), len(found))
            measures = pa.table(
                {
                    "measure_no": pa.array(list(found.values()), pa.int32()),
                    "skill": pa.array([k[0] for k in found], pa.string()),
                    "item": pa.array([k[1] for k in found], pa.string()),
                }
            )
            self.keep("measures", measures)
        else:
            self.table(
                "measures",
                f"""SELECT (row_number() OVER (ORDER BY skill) - 1)::INTEGER AS measure_no, skill,
                       NULL::VARCHAR AS item
                   FROM (SELECT DISTINCT row_skill AS skill FROM ({self.cells_sql})
                         WHERE nullif(row_skill, '') IS NOT NULL)""",  # noqa: S608 (fixed fragments)
                self.cells_params,
            )

    def make_scores(self) -> None:
        """Every score of the file: ``scores_t`` (rid, measure_no, points, max_points, fraction,
        proficient, and level for a level scale), skill scores first worked out per cell or,
        for an item-level file, rolled up from its items. The cells' own text (``raw``,
        ``raw_num``) is left out here and worked out again only for a preview
        (:meth:`scores_sql`): a million-row table is cheaper without it."""
        self.make_measures()
        typed = self.typed_scores()
        if typed is not None:
            self.keep("scores_t", typed)
            return
        sql, params = self.scores_sql(with_raw=False)
        self.table_by_rows("scores_t", sql, params, batch_rows=SAVE_BATCH_ROWS)

    def typed_scores(self) -> pa.Table | None:
        """``scores_t`` of a wide file whose score columns all hold typed numbers, or None.

        Such scores are a reshape of the columns plus arithmetic, done here on whole numpy
        arrays (several times faster than the SQL, which turns every cell into a row first).
        Only the plain case qualifies: percent or points, no items rolled up and no missing
        mark that reads as a number; anything else goes through :meth:`scores_sql`, which
        this must match value for value (a test holds the two side by side).
        """
        import numpy as np

        kind = self.kind or "points"
        if (
            not self.parts
            or self.item_level
            or kind not in ("percent", "points")
            or self.numeric_marks
            or len(self.numeric_parts) != len(self.cell_parts)
        ):
            return None
        pieces: list[pa.Table] = []
        fraction_cols = set(self.fraction_cols)
        sheets = dict(self.sheet_tables)
        for index in range(len(self.cell_parts)):
            name, group = self.numeric_parts[index]
            data = sheets[name]
            parts = [self.parts[part] for part, _j in group]
            if data.num_rows == 0:
                continue
            # rows x columns; row by row, the columns in order is the order the SQL gives
            cells = np.column_stack(
                [
                    data.column(f"c{j}").cast(pa.float64()).to_numpy(zero_copy_only=False)
                    for _part, j in group
                ]
            )
            keep = ~np.isnan(cells)
            keep &= cells >= 0
            with np.errstate(invalid="ignore", divide="ignore"):
                if kind == "percent":
                    # a column of plain numbers holds percents; a column of fractions stays
                    cells /= np.array([1.0 if p.ci in fraction_cols else 100.0 for p in parts])
                    keep &= cells <= 1 + 1e-9
                    fraction = cells[keep]
                    # (fresh memory is slow to come by: the points reuse the cells' buffer,
                    # and the constant 100 is a one-value dictionary)
                    points = np.multiply(fraction, 100, out=cells.reshape(-1)[: len(fraction)])
                    top = pa.DictionaryArray.from_arrays(
                        pa.array(np.zeros(len(fraction), np.int8)), pa.array([100.0])
                    )
                else:
                    tops = np.array([np.nan if p.mx is None else p.mx for p in parts])
                    keep &= cells <= tops + 1e-9  # False where there are no points possible
                    points = cells[keep]
                    top = np.broadcast_to(tops, cells.shape)[keep]
                    fraction = points / np.where(top == 0, np.nan, top)
            unknown = np.isnan(fraction)  # points possible 0: a score with no fraction
            rids = data.column("_rid").to_numpy()
            pieces.append(
                pa.table(
                    {
                        "rid": pa.array(np.broadcast_to(rids[:, None], cells.shape)[keep]),
                        "measure_no": pa.array(
                            np.broadcast_to(
                                np.array([p.skill_measure for p in parts], np.int32), cells.shape
                            )[keep]
                        ),
                        "points": pa.array(points),
                        "max_points": pa.array(top),
                        "fraction": pa.array(fraction, mask=unknown),
                        "proficient": pa.array(fraction >= self.cut - 1e-9, mask=unknown),
                    }
                )
            )
        if not pieces:
            return None
        table = pa.concat_tables(pieces)
        return pa.Table.from_batches(table.to_batches(max_chunksize=SAVE_BATCH_ROWS))

    def scores_sql(self, *, with_raw: bool) -> tuple[str, list[Any]]:
        """The SELECT of ``scores_t``; ``with_raw`` adds each score's cell text and number."""
        kind = self.kind or "points"
        levels = self.levels
        cells, cells_params = self.values_sql()
        if kind == "level":
            proficient = "list_position(?, lower(level)) >= ? AS proficient"
            prof_params: list[Any] = [[lv.lower() for lv in levels], self.prof_level]
        else:
            proficient = """CASE WHEN cut_num IS NOT NULL THEN points >= cut_num - 1e-9
                                 ELSE fraction >= ? - 1e-9 END AS proficient"""
            prof_params = [self.cut]
        level_col = ", level" if kind == "level" or with_raw else ""
        raw_cols = ", raw, raw_num" if with_raw else ""
        if self.parts:
            measures = [p.skill_measure for p in self.parts]
            if measures == list(range(len(measures))):  # the usual wide file: part = measure
                skill_measure, measure_params = "v.part", []
            else:
                skill_measure = "list_extract(?::INTEGER[], v.part + 1)"
                measure_params = [measures]
            measure_join = ""
        else:
            skill_measure = "m.measure_no"
            measure_params = []
            measure_join = "JOIN measures m ON m.skill = v.skill AND m.item IS NULL"
        if not self.item_level:
            sql = f"""
                SELECT rid, measure_no, points, max_points, fraction{level_col}, {proficient}{raw_cols}
                FROM (
                    SELECT v.rid, {skill_measure} AS measure_no, v.raw, v.num0 AS raw_num,
                        {"fraction0 * 100" if kind == "percent" else "num"} AS points,
                        {"100.0::DOUBLE" if kind == "percent" else "mx"} AS max_points,
                        fraction0 AS fraction,
                        {"list_extract(?, level_pos)" if kind == "level" else "NULL::VARCHAR"} AS level,
                        cut_num
                    FROM ({cells}) v {measure_join} WHERE problem IS NULL
                )
                """  # noqa: S608 (fixed fragments only)
            return sql, [
                *prof_params,
                *measure_params,
                *([levels] if kind == "level" else []),
                *cells_params,
            ]
        # items roll up into their skill; the questions themselves are kept too
        raw_skill = (
            """, CASE WHEN ? = 'points' THEN printf('%g/%g', sum(num), sum(mx))
                      ELSE printf('%g', avg(num)) END AS raw, NULL::DOUBLE AS raw_num"""
            if with_raw
            else ""
        )
        raw_item = ", raw, num0" if with_raw else ""
        sql = f"""
            SELECT rid, measure_no, points, max_points, fraction{level_col}, {proficient}{raw_cols}
            FROM (
                SELECT rid, sm AS measure_no,
                    CASE WHEN ? = 'points' THEN sum(num) ELSE avg(fraction0) * 100 END AS points,
                    CASE WHEN ? = 'points' THEN sum(mx) ELSE 100.0 END::DOUBLE AS max_points,
                    CASE WHEN ? = 'points' THEN sum(num) / nullif(sum(mx), 0) ELSE avg(fraction0) END AS fraction,
                    NULL::VARCHAR AS level,
                    NULL::DOUBLE AS cut_num{raw_skill}
                FROM (SELECT *, list_extract(?::INTEGER[], part + 1) AS sm FROM ({cells}))
                WHERE problem IS NULL AND ? <> 'level'
                GROUP BY rid, sm
            )
            UNION ALL
            SELECT rid, list_extract(?::INTEGER[], part + 1), num, mx, fraction0{", NULL::VARCHAR" if level_col else ""},
                (fraction0 >= ? - 1e-9){raw_item}
            FROM ({cells}) WHERE problem IS NULL
            """  # noqa: S608 (fixed fragments only)
        return sql, [
            *prof_params,
            kind,
            kind,
            kind,
            *([kind] if with_raw else []),
            [p.skill_measure for p in self.parts],
            *cells_params,
            kind,
            [p.item_measure for p in self.parts],
            self.cut,
            *cells_params,
        ]

    def finish(self, detected: str, sha256: str) -> Prepared:
        con = self.con
        kind = self.kind
        self.make_scores()
        self.number_rows()
        # administrations: assessment + term; date = earliest date among their rows that gave
        # a skill score; admin_no is the position in Prepared.administrations
        self.table(
            "admins",
            """
            SELECT (row_number() OVER (ORDER BY assessment, date, term) - 1)::INTEGER AS admin_no, *
            FROM (
                SELECT r.assessment_n AS assessment, r.term_n AS term,
                       coalesce(min(r.date_n), TRY_CAST(? AS DATE)) AS date
                FROM rows_n r
                WHERE r.scored AND ?
                GROUP BY ALL
            )
            """,
            [
                _iso_date(con, self.m.assessment_date, self.mapping_where()),
                self.scores_cfg is not None,
            ],
        )
        self.make_students()
        self.make_row_keys()
        self.sitting_of_rid = self.group_sittings()
        students = self.kept["students_n"].drop_columns(["student_no"])
        administrations = con.execute(
            "SELECT assessment, term, date FROM admins ORDER BY admin_no"
        ).to_arrow_table()
        s = self.scores_cfg
        assessments = [
            {
                "name": name,
                "subject": self.m.subject,
                "kind": kind,
                "levels": list(s.levels) if s and kind == "level" else None,
                "proficient_level": (
                    s.levels[self.prof_level - 1] if s and kind == "level" else None
                ),
                "cut": self.cut if kind != "level" else config.DEFAULT_CUT,
            }
            for (name,) in con.execute(
                "SELECT DISTINCT assessment FROM admins ORDER BY 1"
            ).fetchall()
        ]
        report = build_report(con, self, students.num_rows)
        # the scores, measures, rows and sheets are read again for previews; free the rest
        for name in ("students_n", "admins"):
            self.drop(name)
        return Prepared(
            file_name=self.file_name,
            sha256=sha256,
            mapping=self.m,
            detected=detected,
            sheets=self.sheets,
            students=students,
            report=report,
            administrations=administrations,
            assessments=assessments,
            _source=_Normalised(
                con, self.kept, self.scores_sql(with_raw=True), self.sitting_of_rid
            ),
        )

    def make_row_keys(self) -> None:
        """``rows_k``: what the scores of each scored source row share (the student, the
        administration, and the grade, class and teacher the file gave), in rid order; rows
        sharing all of them are one sitting (:meth:`group_sittings`)."""
        admins = self.kept["admins"]
        rows = self.kept["rows_n"]
        if admins.num_rows == 1 and _in_rid_order(rows):
            # one administration (the usual file): every scored row is in it, since the
            # administrations are the scored rows' assessments and terms, so no join is needed
            flags = rows.column("scored")
            scored = rows if flags.null_count == 0 and pc.all(flags).as_py() else rows.filter(flags)
            n = scored.num_rows
            self.keep(
                "rows_k",
                pa.table({
                    "rid": scored.column("rid"),
                    "sitting_no": scored.column("rid"),
                    "student_no": scored.column("student_no"),
                    "admin_no": _repeat(admins.column("admin_no")[0], n),
                    "date": _repeat(admins.column("date")[0], n),
                    "grade_n": scored.column("grade_n"),
                    "class_n": scored.column("class_n"),
                    "teacher_n": scored.column("teacher_n"),
                }),
            )
            return
        # (numbered by the first row, so in rid order: a join's order is not fixed)
        self.table(
            "rows_k",
            """
            SELECT r.rid, r.rid AS sitting_no, r.student_no, a.admin_no, a.date,
                   r.grade_n, r.class_n, r.teacher_n
            FROM rows_n r
            JOIN admins a ON a.assessment = r.assessment_n AND a.term IS NOT DISTINCT FROM r.term_n
            WHERE r.scored
            ORDER BY r.rid
            """,
        )

    def group_sittings(self) -> Any:
        """Number the sittings: rows of one student, administration, grade, class and teacher
        are one sitting (a long file has a row per skill), numbered in order of their first
        row. Returns each source row's sitting number (an array by rid), or None when every
        row is a sitting of its own (the usual wide file), whose number is then its rid.
        """
        import numpy as np

        rows = self.kept["rows_k"]
        if rows.num_rows < 2:
            self.one_row_per_student_and_administration = True
            return None
        admins = int(pc.max(rows.column("admin_no")).as_py()) + 1
        key = rows.column("student_no").to_numpy().astype(np.int64) * admins + rows.column(
            "admin_no"
        ).to_numpy()
        _keys, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        self.one_row_per_student_and_administration = len(first) == rows.num_rows
        if self.one_row_per_student_and_administration:
            return None
        # grade, class and teacher are the same in every row of a student's sitting, as a
        # rule; where they are not, the rows are told apart by them too
        codes = []
        for name in ("grade_n", "class_n", "teacher_n"):
            encoded = pc.dictionary_encode(rows.column(name).combine_chunks())
            codes.append(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False))
        if any((c != c[first][inverse]).any() for c in codes):
            _keys, first, inverse = np.unique(
                np.stack([key, *codes], axis=1), axis=0, return_index=True, return_inverse=True
            )
            inverse = inverse.reshape(-1)
        rank = np.empty(len(first), dtype=np.int32)
        rank[np.argsort(first, kind="stable")] = np.arange(len(first), dtype=np.int32)
        sitting_no = rank[inverse]
        self.keep("rows_k", rows.set_column(1, "sitting_no", pa.array(sitting_no)))
        by_rid = np.full(self.next_rid, -1, dtype=np.int32)
        by_rid[rows.column("rid").to_numpy()] = sitting_no
        return by_rid

    def number_rows(self) -> None:
        """Add ``student_no`` (students numbered in order of their first row) and ``scored``
        (the row gave a skill score) to ``rows_n``.

        Done on the Arrow columns (a hash of the keys and a mask), not with joins on the key
        text: both are needed for every row of a large file.
        """
        import numpy as np

        rows = self.kept["rows_n"]
        scores = self.kept["scores_t"]
        rid = scores.column("rid")
        if self.item_level:  # questions do not make a row scored; their skill does
            measures = self.kept["measures"]
            skills = measures.filter(pc.is_null(measures.column("item"))).column("measure_no")
            skills = skills.combine_chunks()
            rid = rid.filter(pc.is_in(scores.column("measure_no"), value_set=skills))
        scored_by_rid = np.zeros(self.next_rid, dtype=bool)
        for chunk in rid.chunks:  # (a rid given twice is set twice: cheaper than unique)
            scored_by_rid[chunk.to_numpy()] = True
        row_rid = rows.column("rid").to_numpy()
        keep = rows.column("skip_reason").is_null().to_numpy(zero_copy_only=False)
        scored = scored_by_rid[row_rid] & keep
        keys = rows.column("student_key")
        if not keep.all():
            keys = keys.filter(pa.array(keep))
        keys = keys.combine_chunks()
        encoded = pc.dictionary_encode(keys)
        student_no = np.full(rows.num_rows, -1, dtype=np.int32)
        student_no[keep] = encoded.indices.to_numpy(zero_copy_only=False)
        self.student_count = len(encoded.dictionary)
        rows = rows.append_column(
            "student_no", pa.array(student_no, mask=~keep)
        ).append_column("scored", pa.array(scored))
        self.keep("rows_n", rows)

    def make_students(self) -> None:
        """One row per student key (``student_no`` = its position in Prepared.students)."""
        rows = self.kept["rows_n"]
        columns = {
            "student_key": "student_key",
            "local_id": "sid_n",
            "display_name": "display",
            "first_name": "first_n",
            "last_name": "last_n",
            "grade": "grade_n",
            "class_name": "class_n",
            "teacher": "teacher_n",
        }
        kept_rows = rows.column("skip_reason").null_count  # rows not skipped
        if self.student_count == kept_rows:
            # a row per student (the usual file): the students are those rows, in order
            skipped = rows.num_rows - kept_rows
            picked = rows.filter(pc.is_valid(rows.column("student_no"))) if skipped else rows
            students = pa.table(
                {"student_no": picked.column("student_no")}
                | {name: picked.column(source) for name, source in columns.items()}
            )
        else:
            # several rows per student: the largest value of each column
            students = self.con.execute(
                "SELECT student_no, any_value(student_key) AS student_key, "  # noqa: S608 (fixed names)
                + ", ".join(f"max({source}) AS {name}" for name, source in columns.items() if name != "student_key")
                + " FROM rows_n WHERE student_no IS NOT NULL GROUP BY student_no ORDER BY student_no"
            ).to_arrow_table()
        students = students.append_column("groups", self.student_groups(students.num_rows))
        self.keep("students_n", students)

    def student_groups(self, count: int) -> pa.ChunkedArray:
        """The groups of each student (by student_no): "ELL", "Ethnicity: Hispanic" …"""
        if not self.m.groups:
            offsets = pa.array([0] * (count + 1), pa.int32())
            return pa.chunked_array([pa.ListArray.from_arrays(offsets, pa.array([], pa.string()))])
        group_parts, group_params = [], []
        for g, (gname, _header) in enumerate(self.m.groups.items()):
            # yes/no columns make a flag; anything else makes "Name: value" groups
            group_parts.append(
                f"""SELECT student_no, CASE WHEN flag THEN ? ELSE ? || ': ' || v END AS grp
                FROM (SELECT student_no, nullif(trim(g{g}), '') AS v,
                        bool_and(lower(coalesce(trim(g{g}), '')) IN {_sql_list(YES_VALUES + NO_VALUES)}) OVER () AS flag
                      FROM rows_n WHERE student_no IS NOT NULL)
                WHERE v IS NOT NULL AND (NOT flag OR lower(v) IN {_sql_list(YES_VALUES)})"""  # noqa: S608
            )
            group_params += [gname, gname]
        return self.con.execute(
            f"""
            WITH g AS ({" UNION ALL ".join(group_parts)}),
            gl AS (SELECT student_no, list(DISTINCT grp ORDER BY grp) AS groups FROM g GROUP BY student_no)
            SELECT coalesce(gl.groups, []::VARCHAR[]) AS groups
            FROM range(?) n(student_no) LEFT JOIN gl USING (student_no)
            ORDER BY n.student_no
            """,  # noqa: S608 (fragments use generated column names only)
            [*group_params, count],
        ).to_arrow_table().column("groups")


#: True when ``\s+`` -> ' ' would change the text (a run of spaces, or a tab or line break;
#: RE2's ``\s`` is [\t\n\f\r ]): the regex replace then runs only on those few cells.
_HAS_WHITESPACE_RUN = (
    "(contains({x}, '  ') OR contains({x}, chr(9)) OR contains({x}, chr(10))"
    " OR contains({x}, chr(12)) OR contains({x}, chr(13)))"
)

#: A score cell's number: "85", " 85 % ", "0.85" (the percent sign is looked at separately).
_NUMBER_SQL = "TRY_CAST(replace(replace(trim({x}), '%', ''), ' ', '') AS DOUBLE)"

_DATE_SQL = (
    "coalesce(TRY_CAST(CASE WHEN regexp_matches(trim({x}), '^\\d{{4}}-\\d{{2}}-\\d{{2}}') "
    "THEN left(trim({x}), 10) END AS DATE), "
    "try_strptime(split_part(trim({x}), ' ', 1), ['%m/%d/%Y', '%m/%d/%y', '%d.%m.%Y'])::DATE, "
    "try_strptime(trim({x}), ['%d %b %Y', '%d %B %Y', '%b %d, %Y', '%B %d, %Y'])::DATE)"
)


def _in_rid_order(rows: pa.Table) -> bool:
    rid = rows.column("rid").to_numpy()
    return bool((rid[1:] > rid[:-1]).all())


def _repeat(value: pa.Scalar, count: int) -> pa.Array:
    """``value`` ``count`` times (a null of its type when it is null)."""
    return pa.nulls(count, value.type).fill_null(value)


def _text_sql(col: str, t: pa.DataType) -> str:
    """SQL giving a cell of Arrow type ``t`` as text, as :func:`read.cell_text` writes it."""
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return col
    if pa.types.is_null(t):
        return "NULL::VARCHAR"
    if pa.types.is_floating(t):
        return (
            f"(CASE WHEN {col} = trunc({col}) AND abs({col}) < 1e15"
            f" THEN CAST(CAST({col} AS BIGINT) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END)"
        )
    if pa.types.is_boolean(t):
        return f"(CASE WHEN {col} THEN 'TRUE' WHEN NOT {col} THEN 'FALSE' END)"
    if pa.types.is_timestamp(t):
        return (
            f"(CASE WHEN CAST({col} AS TIME) = TIME '00:00:00' THEN strftime({col}, '%Y-%m-%d')"
            f" WHEN CAST({col} AS DATE) IN (DATE '1899-12-30', DATE '1899-12-31')"
            f" THEN strftime({col}, '%H:%M:%S') ELSE strftime({col}, '%Y-%m-%dT%H:%M:%S') END)"
        )
    if pa.types.is_date(t):
        return f"strftime({col}, '%Y-%m-%d')"
    if pa.types.is_duration(t):
        secs = f"CAST(floor(epoch({col})) AS BIGINT)"
        return f"printf('%02d:%02d:%02d', {secs} // 3600, ({secs} % 3600) // 60, {secs} % 60)"
    return f"CAST({col} AS VARCHAR)"


def _score_cell_sql(value: str, is_number: bool) -> tuple[str, str, str]:
    """SQL for a score cell's (raw text, number, has a percent sign) from ``value``: a typed
    number is its own number with no text; text is parsed."""
    if is_number:
        return "NULL::VARCHAR", value, "false"
    return value, _NUMBER_SQL.format(x=value), f"contains(coalesce({value}, ''), '%')"


def _sql_list(values: tuple[str, ...]) -> str:
    """A literal SQL list of our own constants (no user text)."""
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def _iso_date(con: duckdb.DuckDBPyConnection, text: str | None, where: str) -> str | None:
    if not text:
        return None
    value = con.execute(
        f"SELECT {_DATE_SQL.format(x='v')} FROM (SELECT ?::VARCHAR AS v)",  # noqa: S608
        [text],
    ).fetchone()[0]
    if value is None:
        raise UserError(
            f"{where}: [assessment] date {text!r} is not a date; write it like 2025-10-14"
        )
    return value.isoformat()
