"""The mapping file (ARCHITECTURE.md section 5): how to read one kind of export.

A :class:`Mapping` is parsed from TOML, checked (unknown keys and bad values are an
:class:`UserError` naming the key), and written back with :meth:`Mapping.to_toml`.
Presets are mappings with an extra ``[preset]`` table (see ``collabplan/presets/README.md``).
"""

from __future__ import annotations

import codecs
import copy
import difflib
import math
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from collabplan.errors import UserError
from collabplan.ingest.mapping_tables import benchmarks_from, placement_from, terms_from
from collabplan.ingest.patterns import check_pattern
from collabplan.text import clean_text

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
        data = _clean_strings(data)  # a mapping is text from outside too: no control characters
        problems = _Problems(name)
        bad = problems.bad
        for section, body in data.items():
            if section not in _SECTION_KEYS and section not in _FREE_SECTIONS:
                known = ", ".join([*_SECTION_KEYS, *_FREE_SECTIONS])
                problems.add(f"[{section}]", f"is not a mapping section (use {known})")
            elif not isinstance(body, dict):
                problems.add(section, "must be a table, e.g. [" + section + "]")
            elif section not in _FREE_SECTIONS:
                for key in sorted(set(body) - _SECTION_KEYS[section]):
                    problems.add(f"[{section}] {key}", _unknown_key(key, _SECTION_KEYS[section]))

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
            m.delimiter = _delimiter(src.get("delimiter"), bad)
        with problems.collecting():
            m.encoding = _encoding(src.get("encoding"), bad)
        with problems.collecting():
            m.date_format = _date_format(src.get("date_format"), bad)
        m.assessment_name = _opt_str(asm.get("name"))
        m.assessment_name_column = _opt_str(asm.get("name_column"))
        m.assessment_date = _opt_str(asm.get("date"))
        m.subject = _opt_str(asm.get("subject"))
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
            m.filters = _filters_from(table("filter"), bad)
        with problems.collecting():
            m.terms = terms_from(table("terms"), bad)
        with problems.collecting():
            m.benchmarks = benchmarks_from(
                table("benchmarks"), m.scores.levels if m.scores else [], bad
            )
        m.label = _opt_str(pre.get("label"))
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
            out["preset"] = _drop_empty(
                {
                    "label": self.label,
                    "detect": self.detect,
                    "absent": self.absent,
                    "tracker": self.tracker or None,
                }
            )
        out["source"] = _drop_empty(
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
        out["assessment"] = _drop_empty(
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
            out["scores"] = _drop_empty(
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


def _scores_from(body: dict[str, Any], problems: _Problems) -> Scores:
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
    s.pattern = _opt_str(body.get("pattern"))
    if s.pattern:
        with problems.collecting():
            check_pattern(s.pattern, where=f"mapping {problems.name}: [scores] pattern")
    s.skill = _opt_str(body.get("skill"))
    s.score = _opt_str(body.get("score"))
    s.kind = _opt_str(body.get("kind"))
    if s.kind is not None and s.kind not in KINDS:
        add("[scores] kind", f"must be one of {', '.join(KINDS)}, not {s.kind!r}")
        s.kind = None
    with problems.collecting():
        s.max = _max(body.get("max"), problems.bad)
    with problems.collecting():
        s.proficient = _proficient(body.get("proficient"), problems.bad)
    s.proficient_score = _opt_str(body.get("proficient_score"))
    with problems.collecting():
        s.skill_from_filename = _skill_from_filename(body.get("skill_from_filename", False), problems.bad)
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


def _max(value: Any, bad) -> float | dict[str, float] | str | None:
    """``[scores] max``: a finite number over 0, a table {column = such a number}, or a header."""
    shape = "must be a number over 0 (e.g. 4), a table {column = number} or a column header"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | dict):
        raise bad("[scores] max", shape)
    if isinstance(value, str):
        if not value.strip():
            raise bad("[scores] max", shape)
        return value
    if isinstance(value, dict):
        table: dict[str, float] = {}
        for column, points in value.items():
            if isinstance(points, bool) or not isinstance(points, int | float):
                raise bad("[scores] max", f"table values must be numbers, e.g. {{Q1 = 2}} (not {column} = {points!r})")
            if not math.isfinite(points) or points < 0:  # 0: a column worth no points (not scored)
                raise bad("[scores] max", f"{column} must be 0 or more, e.g. {{{column} = 2}} (not {points})")
            table[str(column)] = float(points)
        return table
    if not math.isfinite(value) or value <= 0:
        raise bad("[scores] max", f"must be a number over 0, e.g. max = 4 (not {value})")
    return float(value)


def _proficient(value: Any, bad) -> float | str | None:
    """``[scores] proficient``: a fraction 0-1 (a number over 1 is a percent: 80 = 0.8) or a
    level name. A cut outside 0-100 %, or not a number, would silently make everyone (or no
    one) proficient, so it is refused."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            raise bad("[scores] proficient", 'must be a fraction like 0.8 or a level name in quotes')
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad("[scores] proficient", "must be a fraction like 0.8 or a level name")
    if not math.isfinite(value) or value < 0 or value > 100:
        raise bad(
            "[scores] proficient",
            f"must be a cut between 0 and 1, e.g. proficient = 0.8 (80 also means 80%), not {value}",
        )
    return float(value) / 100.0 if value > 1 else float(value)  # "80" means 80%


#: Characters a csv delimiter cannot be: they end a line or quote a field.
_NOT_DELIMITERS = {"\n", "\r", '"'}


def _delimiter(value: Any, bad) -> str | None:
    """``[source] delimiter``: one character that separates fields."""
    if value is None:
        return None
    if isinstance(value, str) and value == "\\t":  # a tab written as two characters
        return "\t"
    if not isinstance(value, str) or len(value) != 1 or value in _NOT_DELIMITERS:
        raise bad(
            "[source] delimiter",
            f'must be one character, e.g. delimiter = ";" or "\\t" for a tab (not {value!r})',
        )
    return value


#: The encodings offered by name in messages; any text encoding Python knows is accepted.
COMMON_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")


def _encoding(value: Any, bad) -> str | None:
    """``[source] encoding``: a text encoding Python knows (``codecs.lookup``)."""
    if value is None:
        return None
    suggest = ", ".join(f'"{e}"' for e in COMMON_ENCODINGS)
    if not isinstance(value, str) or not value.strip():
        raise bad("[source] encoding", f"must be an encoding name such as {suggest}")
    try:
        codecs.lookup(value.strip())
        "a".encode(value.strip())  # refuses codecs that are not text encodings (rot13, base64)
    except UnicodeError:
        pass
    except LookupError:
        raise bad(
            "[source] encoding", f"{value!r} is not a text encoding collabplan knows; write {suggest}"
        ) from None
    return value.strip()


def _clean_strings(value: Any) -> Any:
    """``value`` (parsed TOML) with :func:`clean_text` applied to every text key and value."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {_clean_strings(k): _clean_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_strings(v) for v in value]
    return value


def _unknown_key(key: str, known: set[str]) -> str:
    close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"is not a known key ({hint}known: {', '.join(sorted(known))})"


class _Problems:
    """Every mistake of one mapping, one line each, raised together by :meth:`raise_any`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        #: the section or "[section] key" of each mistake, without brackets
        self.keys: set[str] = set()

    def bad(self, key: str, why: str) -> UserError:
        """The error for one mistake (raised by a helper, caught by :meth:`collecting`)."""
        self.keys.add(key.strip("[]").split("]")[0])
        return UserError(f"mapping {self.name}: {key} {why}", kind="mapping")

    def add(self, key: str, why: str) -> None:
        self.lines.append(str(self.bad(key, why)))

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Record a :class:`UserError` raised inside the block instead of stopping."""
        try:
            yield
        except UserError as exc:
            self.lines.append(str(exc))

    def raise_any(self) -> None:
        if len(self.lines) == 1:
            raise UserError(self.lines[0], kind="mapping")
        if self.lines:
            prefix = f"mapping {self.name}: "
            said = "; ".join(line.removeprefix(prefix) for line in self.lines)
            raise UserError(
                f"mapping {self.name} has {len(self.lines)} mistakes: {said}",
                kind="mapping",
                lines=tuple(self.lines),
            )


def _skill_from_filename(value: Any, bad) -> bool | dict[str, str]:
    """``[scores] skill_from_filename``: true, or a table {code in the file name = skill}."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dict) and value:
        table = {}
        for code, skill in value.items():
            if not str(code).strip() or not isinstance(skill, str) or not skill.strip():
                raise bad(
                    "[scores] skill_from_filename",
                    f'needs a skill name for each code, e.g. SR = "Star Reading" (not {code} = {skill!r})',
                )
            table[str(code).strip()] = skill.strip()
        return table
    raise bad(
        "[scores] skill_from_filename",
        'must be true or a table of codes in the file name, e.g. {SR = "Star Reading"}',
    )


def _filters_from(body: dict[str, Any], bad) -> dict[str, list[str]]:
    """``[filter]``: column header -> the values to keep ("!value": to drop)."""
    out: dict[str, list[str]] = {}
    for header, value in body.items():
        values = value if isinstance(value, list) else [value]
        ok = values and all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in values
        )
        texts = [str(v).strip() for v in values] if ok else []
        if not ok or any(t in ("", "!") for t in texts):
            raise bad(
                f"[filter] {header}",
                'must be a value or a list of values to keep; "!value" drops rows, '
                'e.g. AssessmentStatus = "!Deactivated"',
            )
        out[str(header)] = texts
    return out


def term_months(first: int, last: int) -> list[int]:
    """The months of a window of whole months, in order; [12, 2] is December to February."""
    span = (last - first) % 12
    return [(first - 1 + k) % 12 + 1 for k in range(span + 1)]


def _date_format(value: Any, bad) -> str | None:
    """``[source] date_format``: a strftime pattern naming the year, month and day."""
    if value is None:
        return None
    text = str(value).strip() if isinstance(value, str) else ""
    if (
        not text
        or not ({"%d", "%e"} & _codes(text))
        or not ({"%m", "%b", "%B"} & _codes(text))
        or not ({"%Y", "%y"} & _codes(text))
    ):
        raise bad(
            "[source] date_format",
            'must give the day, month and year, e.g. "%d/%m/%Y" (day first) or "%m/%d/%Y"',
        )
    return text


def _codes(fmt: str) -> set[str]:
    return set(re.findall(r"%[A-Za-z]", fmt))


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {} and v != ""}


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
