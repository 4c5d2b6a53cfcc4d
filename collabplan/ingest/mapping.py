"""The mapping file (ARCHITECTURE.md section 5): how to read one kind of export.

A :class:`Mapping` is parsed from TOML, checked (unknown keys and bad values are an
:class:`UserError` naming the key), and written back with :meth:`Mapping.to_toml`.
Presets are mappings with an extra ``[preset]`` table (see ``collabplan/presets/README.md``).
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from collabplan.errors import UserError
from collabplan.ingest.mapping_tables import benchmarks_from, placement_from, terms_from
from collabplan.ingest.mapping_values import (
    Problems,
    check_date_format,
    check_delimiter,
    check_encoding,
    check_max,
    check_proficient,
    check_skill_from_filename,
    clean_strings,
    drop_empty,
    filters_from,
    opt_str,
    unknown_key,
)
from collabplan.ingest.patterns import check_pattern

PRESETS_DIR = Path(__file__).resolve().parent.parent / "presets"

#: Marks that mean "no score" in every file (compared lower-case, trimmed). Blank too.
MISSING_MARKS = (
    "",
    "absent",
    "n/a",
    "na",
    "-",
    "md",
    "discontinue",
    "tested out",
    "excused",
    "ex",
)
LAYOUTS = ("wide", "long", "groups")
KINDS = ("points", "percent", "level")
#: How several rows of one student in one administration are resolved (``[scores] retest``).
RETESTS = ("latest", "first", "highest")
COLUMN_ROLES = (
    "student_id",
    "student_name",
    "first_name",
    "last_name",
    "grade",
    "class",
    "teacher",
    "term",
    "date",
)
SHEET_CLASS = "$sheet"

_SECTION_KEYS: dict[str, set[str]] = {
    "source": {
        "sheet",
        "header_row",
        "skill_row",
        "max_row",
        "delimiter",
        "encoding",
        "date_format",
    },
    "assessment": {"name", "name_column", "date", "subject"},
    "columns": {*COLUMN_ROLES, "groups"},
    "scores": {
        "layout",
        "columns",
        "pattern",
        "exclude",
        "skill",
        "score",
        "kind",
        "max",
        "levels",
        "proficient",
        "proficient_score",
        "missing",
        "skill_from_filename",
        "retest",
        "term_names",
        "placement",
    },
    "preset": {"label", "detect", "absent", "tracker"},
}
#: Sections whose keys are the file's column headers or the team's term names.
_FREE_SECTIONS = ("filter", "terms", "benchmarks")


@dataclass
class Scores:
    """The ``[scores]`` table."""

    layout: str = "wide"
    columns: list[str] = field(default_factory=list)
    pattern: str | None = None
    exclude: list[str] = field(default_factory=list)
    skill: str | None = None
    score: str | None = None
    kind: str | None = None
    max: float | dict[str, float] | str | None = None
    levels: list[str] = field(default_factory=list)
    proficient: float | str | None = None
    proficient_score: str | None = None
    missing: list[str] = field(default_factory=list)
    #: wide, one score column: the skill from the file's name (True: the name itself; a
    #: table: the skill of each code found in the name, e.g. {SR = "Star Reading"})
    skill_from_filename: bool | dict[str, str] = False
    retest: str | None = None  # latest | first | highest (see RETESTS)
    #: a wide pattern's window words read from the headers, renamed ({beg = "beginning"})
    term_names: dict[str, str] = field(default_factory=dict)
    #: a placement per cell ("Early 3", "Level 6") read against the row's grade: band -> level
    placement: dict[str, str] = field(default_factory=dict)

    def resolved_kind(self, has_max_row: bool = False) -> str:
        """The kind, inferred when not given: levels -> level, a max -> points, else percent."""
        if self.kind:
            return self.kind
        if self.levels:
            return "level"
        if self.max is not None or has_max_row:
            return "points"
        return "percent"


@dataclass
class Mapping:
    """Every key of the mapping format; ``name`` is how uploads and the UI refer to it."""

    name: str = "mapping"
    sheet: str | list[str] | None = None
    header_row: int | None = None
    skill_row: int | None = None
    max_row: int | None = None
    delimiter: str | None = None
    encoding: str | None = None
    date_format: str | None = None  # e.g. "%d/%m/%Y": day and month when a column cannot say
    assessment_name: str | None = None
    assessment_name_column: str | None = None
    assessment_date: str | None = None
    subject: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    scores: Scores | None = None
    #: ``[filter]``: header -> values; rows whose value is not kept are left out
    filters: dict[str, list[str]] = field(default_factory=dict)
    #: ``[terms]``: term name -> (first, last) as written, a month 1-12 or an "MM-DD" day
    terms: dict[str, tuple[int | str, int | str]] = field(default_factory=dict)
    #: ``[benchmarks]``: skill -> {"<grade> <window>" -> cut scores}: a level from a score
    benchmarks: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    label: str | None = None
    detect: list[str] = field(default_factory=list)
    #: headers of a neighbouring layout: a file holding any of them is not this preset's
    absent: list[str] = field(default_factory=list)
    tracker: bool = False

    # -- reading -----------------------------------------------------------------------
    @classmethod
    def from_toml(cls, text: str, name: str = "mapping") -> Mapping:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise UserError(
                f"mapping {name}: not valid TOML ({exc}); check quotes and brackets"
            ) from exc
        return cls.from_dict(data, name=name)

    @classmethod
    def from_dict(cls, data: dict[str, Any], name: str = "mapping") -> Mapping:
        """The mapping in ``data`` (parsed TOML), every key checked.

        Each mistake is one line naming the key and what to write instead; several mistakes
        are all reported at once (one :class:`UserError` whose ``lines`` hold one each).
        """
        data = clean_strings(data)  # a mapping is text from outside too: no control characters
        problems = Problems(name)
        bad = problems.bad
        for section, body in data.items():
            if section not in _SECTION_KEYS and section not in _FREE_SECTIONS:
                known = ", ".join([*_SECTION_KEYS, *_FREE_SECTIONS])
                problems.add(f"[{section}]", f"is not a mapping section (use {known})")
            elif not isinstance(body, dict):
                problems.add(section, "must be a table, e.g. [" + section + "]")
            elif section not in _FREE_SECTIONS:
                for key in sorted(set(body) - _SECTION_KEYS[section]):
                    problems.add(f"[{section}] {key}", unknown_key(key, _SECTION_KEYS[section]))

        def table(section: str) -> dict[str, Any]:
            body = data.get(section, {})
            return body if isinstance(body, dict) else {}

        src = table("source")
        asm = table("assessment")
        cols = dict(table("columns"))
        groups = cols.pop("groups", {}) or {}
        pre = table("preset")
        m = cls(name=name)
        m.sheet = src.get("sheet")
        if m.sheet is not None and not (
            isinstance(m.sheet, str) or (isinstance(m.sheet, list) and all(isinstance(x, str) for x in m.sheet))
        ):
            problems.add("[source] sheet", 'must be a sheet name, a list of names or "*"')
            m.sheet = None
        for key in ("header_row", "skill_row", "max_row"):
            value = src.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                problems.add(f"[source] {key}", "must be a row number (1 = the first row), e.g. 4")
                value = None
            setattr(m, key, value)
        with problems.collecting():
            m.delimiter = check_delimiter(src.get("delimiter"), bad)
        with problems.collecting():
            m.encoding = check_encoding(src.get("encoding"), bad)
        with problems.collecting():
            m.date_format = check_date_format(src.get("date_format"), bad)
        m.assessment_name = opt_str(asm.get("name"))
        m.assessment_name_column = opt_str(asm.get("name_column"))
        m.assessment_date = opt_str(asm.get("date"))
        m.subject = opt_str(asm.get("subject"))
        for role, header in list(cols.items()):
            if not isinstance(header, str) or not header.strip():
                problems.add(f"[columns] {role}", "must be a column header in quotes")
                del cols[role]
        m.columns = {k: v for k, v in cols.items()}
        if not isinstance(groups, dict) or not all(isinstance(v, str) for v in groups.values()):
            problems.add(
                "[columns.groups]",
                'must map group names to column headers, e.g. ELL = "ELL Status"',
            )
            groups = {}
        m.groups = dict(groups)
        if "scores" in data and isinstance(data["scores"], dict):
            m.scores = _scores_from(data["scores"], problems)
        if m.scores is not None and m.scores.placement and "grade" not in m.columns:
            problems.add(
                "[scores] placement",
                "reads each placement against the student's grade: map [columns] grade",
            )
        with problems.collecting():
            m.filters = filters_from(table("filter"), bad)
        with problems.collecting():
            m.terms = terms_from(table("terms"), bad)
        with problems.collecting():
            m.benchmarks = benchmarks_from(
                table("benchmarks"), m.scores.levels if m.scores else [], bad
            )
        m.label = opt_str(pre.get("label"))
        m.detect = [str(h) for h in pre.get("detect", [])]
        m.absent = [str(h) for h in pre.get("absent", [])]
        m.tracker = bool(pre.get("tracker", False))
        if (
            not m.tracker
            and "columns" not in problems.keys
            and not ({"student_id", "student_name"} & set(m.columns))
            and not ({"first_name", "last_name"} <= set(m.columns))
        ):
            problems.add(
                "[columns]",
                "needs student_id or student_name (or first_name and last_name) naming the column headers",
            )
        problems.raise_any()
        return m

    # -- writing -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.label or self.detect or self.tracker:
            out["preset"] = drop_empty(
                {
                    "label": self.label,
                    "detect": self.detect,
                    "absent": self.absent,
                    "tracker": self.tracker or None,
                }
            )
        out["source"] = drop_empty(
            {
                "sheet": self.sheet,
                "header_row": self.header_row,
                "skill_row": self.skill_row,
                "max_row": self.max_row,
                "delimiter": self.delimiter,
                "encoding": self.encoding,
                "date_format": self.date_format,
            }
        )
        out["assessment"] = drop_empty(
            {
                "name": self.assessment_name,
                "name_column": self.assessment_name_column,
                "date": self.assessment_date,
                "subject": self.subject,
            }
        )
        cols: dict[str, Any] = dict(self.columns)
        if self.groups:
            cols["groups"] = dict(self.groups)
        out["columns"] = cols
        if self.scores is not None:
            s = self.scores
            out["scores"] = drop_empty(
                {
                    "layout": s.layout,
                    "columns": s.columns,
                    "pattern": s.pattern,
                    "exclude": s.exclude,
                    "skill": s.skill,
                    "score": s.score,
                    "kind": s.kind,
                    "max": s.max,
                    "levels": s.levels,
                    "proficient": s.proficient,
                    "proficient_score": s.proficient_score,
                    "missing": s.missing,
                    "skill_from_filename": s.skill_from_filename or None,
                    "retest": s.retest,
                    "term_names": s.term_names or None,
                    "placement": s.placement or None,
                }
            )
        if self.filters:
            out["filter"] = {k: v[0] if len(v) == 1 else list(v) for k, v in self.filters.items()}
        if self.terms:
            out["terms"] = {k: list(v) for k, v in self.terms.items()}
        if self.benchmarks:
            out["benchmarks"] = {k: dict(v) for k, v in self.benchmarks.items()}
        return {k: v for k, v in out.items() if v}

    def to_toml(self) -> str:
        """The mapping as TOML text that :meth:`from_toml` reads back to an equal mapping."""
        return f"# mapping: {self.name}\n\n" + tomli_w.dumps(self.to_dict())

    # -- helpers -----------------------------------------------------------------------
    @property
    def missing_marks(self) -> list[str]:
        extra = [m.strip().lower() for m in (self.scores.missing if self.scores else [])]
        return sorted(set(MISSING_MARKS) | set(extra))

    def copy(self, **changes: Any) -> Mapping:
        m = copy.deepcopy(self)
        for key, value in changes.items():
            setattr(m, key, value)
        return m


def _scores_from(body: dict[str, Any], problems: Problems) -> Scores:
    """The ``[scores]`` table; every mistake goes to ``problems`` (and a neutral value is kept)."""
    add = problems.add
    s = Scores()
    s.layout = str(body.get("layout", "wide"))
    if s.layout not in LAYOUTS:
        add("[scores] layout", f"must be one of {', '.join(LAYOUTS)}, not {s.layout!r}")
        s.layout = "wide"
    for key in ("columns", "exclude", "levels", "missing"):
        value = body.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            add(f"[scores] {key}", 'must be a list of text, e.g. ["Q1", "Q2"]')
            value = []
        setattr(s, key, [str(v) for v in value])
    s.pattern = opt_str(body.get("pattern"))
    if s.pattern:
        with problems.collecting():
            check_pattern(s.pattern, where=f"mapping {problems.name}: [scores] pattern")
    s.skill = opt_str(body.get("skill"))
    s.score = opt_str(body.get("score"))
    s.kind = opt_str(body.get("kind"))
    if s.kind is not None and s.kind not in KINDS:
        add("[scores] kind", f"must be one of {', '.join(KINDS)}, not {s.kind!r}")
        s.kind = None
    with problems.collecting():
        s.max = check_max(body.get("max"), problems.bad)
    with problems.collecting():
        s.proficient = check_proficient(body.get("proficient"), problems.bad)
    s.proficient_score = opt_str(body.get("proficient_score"))
    with problems.collecting():
        s.skill_from_filename = check_skill_from_filename(body.get("skill_from_filename", False), problems.bad)
    retest = body.get("retest")
    if retest is not None and (not isinstance(retest, str) or retest.strip().lower() not in RETESTS):
        add("[scores] retest", f"must be one of {', '.join(RETESTS)}, not {retest!r}")
        retest = None
    s.retest = retest.strip().lower() if retest is not None else None
    names = body.get("term_names", {})
    if not isinstance(names, dict) or not all(
        isinstance(v, str) and v.strip() and str(k).strip() for k, v in names.items()
    ):
        add(
            "[scores] term_names",
            'must rename the window words read from the headers, e.g. {beg = "beginning"}',
        )
        names = {}
    s.term_names = {str(k).strip(): v.strip() for k, v in names.items()}
    if "placement" in body:
        with problems.collecting():
            s.placement = placement_from(body["placement"], s.levels, problems.bad)
    if s.layout == "wide" and (s.skill or s.skill_from_filename):
        if s.skill and s.skill_from_filename:
            add("[scores] skill_from_filename", "and skill cannot both name the skill; keep one")
        elif len(s.columns) > 1:
            which = "skill" if s.skill else "skill_from_filename"
            add(
                f"[scores] {which}",
                "names the skill of one score column; list one column, or leave it out",
            )
    elif s.skill_from_filename:
        add("[scores] skill_from_filename", 'works with layout = "wide" (one score column)')
    if s.layout == "long" and not (s.skill and s.score):
        add(
            "[scores]",
            'layout "long" needs skill = "<column naming the skill>" and score = "<column holding the score>"',
        )
    if s.layout == "groups" and not (s.skill and s.score and "{n}" in s.skill and "{n}" in s.score):
        add("[scores]", 'layout "groups" needs skill and score with {n}, e.g. skill = "Goal{n}Name"')
    if len({x.strip().lower() for x in s.levels}) != len(s.levels) or any(not x.strip() for x in s.levels):
        add("[scores] levels", 'must name each level once, lowest first, e.g. ["Below", "Near", "At", "Above"]')
    kind = s.resolved_kind()
    if kind == "level":
        if not s.levels:
            add("[scores] levels", 'must list the level names, lowest first, for kind = "level"')
        elif isinstance(s.proficient, str) and s.proficient.lower() not in [
            x.lower() for x in s.levels
        ]:
            add("[scores] proficient", f"{s.proficient!r} is not one of the levels {s.levels}")
        elif isinstance(s.proficient, float):
            add("[scores] proficient", f"must name the lowest proficient level, one of {s.levels}")
    elif isinstance(s.proficient, str):
        add("[scores] proficient", "must be a fraction like 0.8 for points or percent scores")
    return s


def load_mapping(path_or_text: str | Path) -> Mapping:
    """A mapping from a .toml path or from TOML text."""
    if isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str)
        and "\n" not in path_or_text
        and path_or_text.endswith(".toml")
    ):
        path = Path(path_or_text)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise UserError(f"{path}: cannot read the mapping file ({exc.strerror})") from exc
        return Mapping.from_toml(text, name=path.stem.removesuffix(".mapping"))
    return Mapping.from_toml(str(path_or_text))


def presets() -> dict[str, Mapping]:
    """The shipped presets by file stem (collabplan/presets/*.toml)."""
    found: dict[str, Mapping] = {}
    for path in sorted(PRESETS_DIR.glob("*.toml")):
        found[path.stem] = Mapping.from_toml(path.read_text(encoding="utf-8"), name=path.stem)
    return found


def header_key(text: Any) -> str:
    """How headers are compared: case-insensitive, spaces/underscores ignored, BOM stripped."""
    if text is None:
        return ""
    return re.sub(r"[\s_]+", "", str(text).replace("\ufeff", "")).lower()
