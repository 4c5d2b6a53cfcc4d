"""Which preset or teacher-tracker layout fits an upload's sheets, before any mapping is given,
and how sure that is.

:func:`detect_layout` scores every preset and the tracker detector and returns a
:class:`Detection`: the mapping used (or none), a confidence from 0 to 1 with its word
(high, medium, low), the runner-up, and, when nothing fits well, the one or two questions
that decide it. :func:`detect_mapping` is the same for callers that only want the mapping: it
raises :class:`UserError` with the questions instead of guessing.

A preset is scored in the header row (of the top rows of any sheet) that holds most of its
headers: its ``detect`` headers are required, every other header its mapping names is
expected. A missing required header, a column the mapping needs to tell students, windows
(unless its ``[terms]`` name the window from the date) or assessments apart, no column matching its score pattern, or (for a roster) score columns it
would leave out make it unusable. The tracker detector is scored by how clean its score
columns are (:func:`collabplan.ingest.tracker.tracker_confidence`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from collabplan.errors import UserError
from collabplan.ingest.headers import top_rows
from collabplan.ingest.mapping import SHEET_CLASS, Mapping, Scores, header_key, presets
from collabplan.ingest.patterns import compile_pattern
from collabplan.ingest.tracker import (
    TrackerShape,
    student_columns,
    tracker_confidence,
    tracker_shape,
)

__all__ = ["Candidate", "Detection", "confidence_word", "detect_layout", "detect_mapping"]

#: Confidence at or above which a layout is "high" / "medium"; below medium it is not used.
HIGH = 0.85
MEDIUM = 0.6
#: A preset scoring at least this is named as the closest layout when none fits.
CLOSE = 0.4
#: Weight of an expected (optional) header against a required one.
OPTIONAL_WEIGHT = 0.5
#: Mapped column roles without which a preset cannot read the file right: the student, the
#: testing window (without it windows collapse into one), the assessment's name column.
_NEEDED_ROLES = ("student_id", "student_name", "first_name", "last_name", "term")
#: Headers that say a column holds scores (a roster preset must not swallow such a file).
_SCORE_WORDS = re.compile(
    r"score|rit|percentile|adjective|placement|benchmark|proficien|mastery|level|correct|points|lexile|quantile"
)
_ROLE_WORDS = {
    "student_id": "the student id",
    "student_name": "the student's name",
    "first_name": "the first name",
    "last_name": "the last name",
    "term": "the testing window (Fall, Winter, Spring …)",
}
_KEYS_HINT = (
    "give a mapping with --mapping ([columns] student_id or student_name, [scores] columns or "
    "pattern), see docs/mapping.md"
)


def confidence_word(value: float) -> str:
    """"high", "medium" or "low" for a 0-1 confidence."""
    return "high" if value >= HIGH else "medium" if value >= MEDIUM else "low"


@dataclass
class Candidate:
    """One preset (or the tracker detector, ``name == "tracker"``) scored against the file."""

    name: str
    label: str
    score: float  # 0-1
    usable: bool  # the mapping can read the file as it is
    found: int = 0  # headers of the layout present
    wanted: int = 0  # headers of the layout looked for
    missing_required: list[str] = field(default_factory=list)
    missing_needed: list[tuple[str, str]] = field(default_factory=list)  # (role, header)
    missing_optional: list[tuple[str, str]] = field(default_factory=list)  # (role, header)
    problem: str | None = None  # why it cannot be used, in a teacher's words
    scale_problem: bool = False  # tracker: its numbers do not read as one scale
    sheet: str | None = None  # the sheet its headers were found in
    mapping: Mapping | None = None

    @property
    def word(self) -> str:
        return confidence_word(self.score) if self.usable else "low"

    def to_json(self) -> dict[str, Any]:
        return {"mapping": self.name, "label": self.label, "confidence": self.word,
                "confidence_score": round(self.score, 2)}


@dataclass
class Detection:
    """What detection found: ``mapping`` is None when nothing fits well (see ``question``)."""

    file_name: str
    mapping: Mapping | None
    name: str | None  # the preset's name, or "tracker"
    label: str  # "NWEA MAP Growth results (preset)", "Teacher tracker (detected)"
    confidence: float
    runner_up: Candidate | None
    candidates: list[Candidate]
    questions: list[str] = field(default_factory=list)  # asked when nothing fits well
    notes: list[str] = field(default_factory=list)  # what the chosen layout leaves out

    @property
    def word(self) -> str:
        return confidence_word(self.confidence) if self.mapping is not None else "low"

    @property
    def question(self) -> str:
        """The one line that asks what decides the layout, for the command line (empty when
        a layout was used)."""
        return self.ask(f"{' '.join(self.questions)} {_KEYS_HINT}")

    def ask(self, tail: str) -> str:
        """"<file>: could not tell how to read this file; closest is …: " + ``tail``."""
        if self.mapping is not None:
            return ""
        text = f"{self.file_name}: could not tell how to read this file"
        near = next((c for c in self.candidates if c.name != "tracker" and c.score >= CLOSE), None)
        tracker = next((c for c in self.candidates if c.name == "tracker"), None)
        if near is not None:
            why = near.problem or f"{near.found} of its {near.wanted} headers are here"
            text += f"; closest is {near.label} ({why})"
        elif tracker is not None and tracker.problem:
            text += f" ({tracker.problem})"
        return f"{text}: {tail}"

    def to_json(self) -> dict[str, Any]:
        """``mapping``, ``confidence`` (word), ``confidence_score`` and ``runner_up``."""
        return {
            "mapping": self.name,
            "confidence": self.word,
            "confidence_score": round(self.confidence, 2),
            "runner_up": self.runner_up.to_json() if self.runner_up is not None else None,
        }


def detect_mapping(sheets: list[Any], file_name: str) -> tuple[Mapping, str]:
    """The mapping detection would use and its label; UserError asking the deciding
    questions when nothing fits well."""
    found = detect_layout(sheets, file_name)
    if found.mapping is None:
        raise UserError(found.question, kind="mapping")
    return found.mapping, found.label


def detect_layout(sheets: list[Any], file_name: str) -> Detection:
    """Score every preset and the tracker detector on ``sheets`` (see the module docstring)."""
    if not sheets or all(s.table.num_rows == 0 for s in sheets):
        raise UserError(
            f"{file_name}: the file is empty: export it again with the results in it", kind="file"
        )
    tops = [(s, top_rows(s)) for s in sheets]
    candidates = [
        c
        for name, preset in presets().items()
        if preset.detect and not preset.tracker
        for c in [_score_preset(name, preset, tops)]
        if c is not None
    ]
    candidates.append(_score_tracker(sheets))
    # usable first, then by score; among equals the preset asking for the most headers
    candidates.sort(key=lambda c: (c.usable and c.word != "low", c.score, c.name != "tracker",
                                   c.wanted), reverse=True)
    best = candidates[0]
    runner_up = next((c for c in candidates[1:] if c.score > 0), None)
    if best.usable and best.word != "low":
        notes = [
            f"no column {header!r} for the term: the term is named from "
            f"{best.mapping.columns.get('date')!r} by the preset's [terms]"
            if role == "term"
            else f"no column {header!r} for the {role.replace('_', ' ')}: left out"
            for role, header in best.missing_optional
            if role != "group"
        ]
        suffix = " (detected)" if best.name == "tracker" else " (preset)"
        return Detection(
            file_name=file_name, mapping=best.mapping, name=best.name, label=best.label + suffix,
            confidence=best.score, runner_up=runner_up, candidates=candidates, notes=notes,
        )
    return Detection(
        file_name=file_name, mapping=None, name=None, label="no layout fits well",
        confidence=best.score if best.usable else min(best.score, MEDIUM - 0.01),
        runner_up=runner_up, candidates=candidates, questions=_questions(best),
    )


# ------------------------------------------------------------------------------- presets
def expected_headers(preset: Mapping) -> list[tuple[str, str]]:
    """(role, header) of every header the preset's mapping names, besides ``detect``: its
    columns, groups (role "group"), assessment name column and long/groups score columns."""
    out = [(role, h) for role, h in preset.columns.items() if h != SHEET_CLASS]
    out += [("group", h) for h in preset.groups.values()]
    if preset.assessment_name_column:
        out.append(("name_column", preset.assessment_name_column))
    s = preset.scores
    if s is not None and s.layout == "long":
        out += [("skill", s.skill or ""), ("score", s.score or "")]
    if s is not None and s.layout == "groups":
        out += [(r, (h or "").replace("{n}", "1")) for r, h in (("skill", s.skill), ("score", s.score))]
    if s is not None and s.layout == "long" and isinstance(s.max, str):
        out.append(("max", s.max))
    return [(r, h) for r, h in out if h]


def _score_preset(name: str, preset: Mapping, tops: list[tuple[Any, list[list[Any]]]]) -> Candidate | None:
    required = list(dict.fromkeys(header_key(h) for h in preset.detect))
    expected = [(r, h) for r, h in expected_headers(preset) if header_key(h) not in required]
    best: tuple[float, Any, set[str], list[str]] | None = None
    for sheet, rows in tops:
        for row in rows:
            keys = {header_key(c) for c in row if isinstance(c, str) and c}
            if not keys & set(required):
                continue
            got = len(keys & set(required)) + OPTIONAL_WEIGHT * sum(
                header_key(h) in keys for _r, h in expected
            )
            if best is None or got > best[0]:
                best = (got, sheet, keys, [c for c in row if isinstance(c, str) and c])
    if best is None:
        return None
    got, sheet, keys, headers = best
    wanted = len(required) + OPTIONAL_WEIGHT * len(expected)
    label = preset.label or name
    cand = Candidate(
        name=name, label=label, score=got / wanted, usable=True,
        found=sum(k in keys for k in required) + sum(header_key(h) in keys for _r, h in expected),
        wanted=len(required) + len(expected), sheet=sheet.name,
    )
    by_key = {header_key(h): h for h in preset.detect}
    cand.missing_required = [by_key[k] for k in required if k not in keys]
    for role, header in expected:
        if header_key(header) in keys:
            continue
        needed = role in _NEEDED_ROLES or role in ("name_column", "skill", "score", "max")
        if role == "term" and preset.terms and preset.columns.get("date"):
            needed = False  # [terms] names the window from the date instead
        (cand.missing_needed if needed else cand.missing_optional).append((role, header))
    has_student = any(r in preset.columns and header_key(preset.columns[r]) in keys
                      for r in ("student_id", "student_name", "last_name"))
    if has_student:  # another student column stands in for a missing one: left out
        names = ("student_id", "student_name", "first_name", "last_name")
        cand.missing_optional += [(r, h) for r, h in cand.missing_needed if r in names]
        cand.missing_needed = [(r, h) for r, h in cand.missing_needed if r not in names]
    there = [h for h in preset.absent if header_key(h) in keys]
    if cand.missing_required:
        cand.usable = False
        cand.score *= 0.5
        cand.problem = "no " + ", ".join(repr(h) for h in cand.missing_required[:3])
    elif there:  # a neighbouring layout's header: that layout's preset reads it
        cand.usable = False
        cand.score *= 0.5
        cand.problem = f"it has {there[0]!r}, which this layout does not"
    elif cand.missing_needed:
        cand.usable = False
        role, header = cand.missing_needed[0]
        cand.score = min(cand.score, MEDIUM - 0.01)
        what = _ROLE_WORDS.get(role, "the assessment's name" if role == "name_column" else "the scores")
        cand.problem = f"the file has no {header!r} column for {what}"
    elif preset.scores is None:
        extra = [h for h in headers if header_key(h) not in {header_key(x) for x in preset.detect}
                 and header_key(h) not in {header_key(x) for _r, x in expected}
                 and _SCORE_WORDS.search(header_key(h))]
        if extra:
            cand.usable = False
            cand.score *= 0.5
            cand.problem = f"it holds score columns such as {extra[0]!r} that a roster leaves out"
    elif preset.scores.layout == "wide" and not _wide_columns_present(preset.scores, headers):
        cand.usable = False
        cand.score *= 0.5
        cand.problem = "no column matches its score columns"
    mapping = preset
    if cand.usable and (cand.missing_optional or sheet is not tops[0][0]):
        mapping = preset.copy()
        for role, header in cand.missing_optional:
            if role != "group" and mapping.columns.get(role) == header:
                del mapping.columns[role]
        if sheet is not tops[0][0] and mapping.sheet is None:
            mapping.sheet = sheet.name
    cand.mapping = mapping
    cand.score = round(cand.score, 3)
    return cand


def _wide_columns_present(s: Scores, headers: list[str]) -> bool:
    if s.columns:
        keys = {header_key(h) for h in headers}
        return any(header_key(c) in keys for c in s.columns)
    if s.pattern:
        pattern = compile_pattern(s.pattern, ignore_case=True)  # as the normaliser reads it (cells.py)
        skip = {header_key(x) for x in s.exclude}
        return any(pattern.search(h) and header_key(h) not in skip for h in headers)
    return True


# ------------------------------------------------------------------------------- tracker
def _score_tracker(sheets: list[Any]) -> Candidate:
    found: list[tuple[Any, TrackerShape]] = []
    for sheet in sheets:
        shape = tracker_shape(sheet)
        if shape is not None:
            found.append((sheet, shape))
    if not found:
        return Candidate(name="tracker", label="Teacher tracker", score=0.0, usable=False,
                         problem=_no_tracker_problem(sheets))
    sheet0, shape = found[0]
    score = tracker_confidence(shape)
    cand = Candidate(
        name="tracker", label="Teacher tracker", score=score, usable=True, sheet=sheet0.name,
        found=len(shape.score_headers), wanted=len(shape.score_headers) + len(shape.other_columns),
    )
    if shape.scale_problem:
        cand.problem = f"the score columns hold {shape.scale_problem}"
        cand.scale_problem = True
    elif score < MEDIUM:
        cand.problem = (
            f"only {len(shape.score_headers)} of its {len(shape.score_headers) + len(shape.other_columns)}"
            " columns with values look like scores"
        )
    cand.mapping = _tracker_mapping(sheets, found)
    return cand


def _no_tracker_problem(sheets: list[Any]) -> str:
    for sheet in sheets:
        for row in top_rows(sheet):
            if student_columns(row):
                return "it has student and other columns but none that hold scores"
    return "no column is plainly the student's"


def _tracker_mapping(sheets: list[Any], found: list[tuple[Any, TrackerShape]]) -> Mapping:
    template = presets().get("teacher_tracker")
    sheet0, shape = found[0]
    same = [s.name for s, sh in found if sh.signature == shape.signature]
    m = Mapping(name="teacher_tracker", label="Teacher tracker")
    m.scores = (
        Scores(**vars(template.scores)) if template and template.scores else Scores(kind="points")
    )
    m.scores.columns = shape.score_headers
    m.header_row = shape.header_row
    m.skill_row = shape.skill_row
    m.max_row = shape.max_row
    m.columns = dict(shape.columns)
    if len(same) > 1:
        m.sheet = same
        m.columns.setdefault("class", SHEET_CLASS)
    elif sheet0.name and len(sheets) > 1:
        m.sheet = sheet0.name
    # the title rows name the assessment and date (each sheet's own teacher, grade and class
    # are read from its title rows while normalising, where the mapping gives no column)
    if shape.title.name:
        m.assessment_name = shape.title.name
    if shape.title.date:
        m.assessment_date = shape.title.date
    if shape.title.subject:
        m.subject = shape.title.subject
    if m.max_row is None:
        if shape.question_like:
            m.scores.kind = "points"
            m.scores.max = shape.observed_max or None
        else:
            m.scores.kind = "percent"
    return m


def _questions(best: Candidate) -> list[str]:
    """The one or two questions that decide how to read the file, in a teacher's words."""
    if best.name != "tracker" and best.missing_needed and not best.missing_required:
        role = best.missing_needed[0][0]
        if role == "term":
            return ["Which column says the testing window (Fall, Winter, Spring)?"]
        if role == "name_column":
            return ["Which column names the assessment?"]
        if role in ("skill", "score", "max"):
            return ["Which columns are scores?"]
    # a clean tracker but for its scale: only what the scores are out of is open
    if best.name == "tracker" and best.scale_problem and best.found >= 0.8 * best.wanted:
        return ["What are the scores out of (points possible), or are they levels?"]
    return ["Which column is the student (id or name), and which columns are scores?"]
