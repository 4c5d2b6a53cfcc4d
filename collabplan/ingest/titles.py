"""The title rows a teacher writes above a tracker's header row.

"Grade 3 Math – Unit 4 Fractions CFA", "Teacher: Ms. Lee   Period 2   Given 10/14/2025" and
"Date: 10/14/2025" name the assessment and give its teacher, grade, class, subject and date.
:func:`title_fields` reads them; the importer uses each one only where the mapping gives no
column or value for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_DATE = re.compile(
    r"\b(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}-\d{1,2}-\d{4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})\b",
    re.I,
)
#: "Label: value" (or "Label - value") at the start of a piece of a title row.
_LABELLED = re.compile(r"^\s*([A-Za-z][A-Za-z ]{0,24}?)\s*[:=]\s*(.+?)\s*$")
_LABELS = {
    "teacher": "teacher", "instructor": "teacher", "teacher name": "teacher",
    "date": "date", "given": "date", "test date": "date", "date given": "date",
    "administered": "date", "assessment date": "date",
    "grade": "grade", "grade level": "grade",
    "class": "class", "period": "class", "section": "class", "course": "class",
    "subject": "subject", "content": "subject",
    "assessment": "name", "test": "name", "quiz": "name", "title": "name", "unit": "name",
}
_GIVEN = re.compile(r"^\s*(given|administered|date|on)\s+", re.I)
_PERIOD = re.compile(r"^\s*(period|per\.?|section|block|class|room)\s*\S{1,6}\s*$", re.I)
_GRADE = re.compile(
    r"\bgrade\s*:?\s*(k|\d{1,2})\b|\b(\d{1,2})(?:st|nd|rd|th)\s+grade\b|\b(kindergarten)\b", re.I
)
_SUBJECTS = (
    ("Math", re.compile(r"\b(math|mathematics|algebra|geometry)\b", re.I)),
    ("Reading", re.compile(r"\b(reading|ela|english language arts|literacy|phonics)\b", re.I)),
    ("Writing", re.compile(r"\bwriting\b", re.I)),
    ("Science", re.compile(r"\b(science|biology|chemistry|physics)\b", re.I)),
    ("Social Studies", re.compile(r"\b(social studies|history|civics)\b", re.I)),
)


@dataclass(frozen=True)
class TitleFields:
    """What the title rows say (None where they say nothing) and which rows said it."""

    name: str | None = None
    teacher: str | None = None
    grade: str | None = None
    class_name: str | None = None
    subject: str | None = None
    date: str | None = None
    rows: tuple[int, ...] = ()  # 0-based indexes of the rows read (of the rows given)

    def role(self, role: str) -> str | None:
        """The value for a mapping column role (teacher, grade, class, date), else None."""
        return {"teacher": self.teacher, "grade": self.grade, "class": self.class_name,
                "date": self.date}.get(role)

    def said(self) -> list[str]:
        """The fields found, in words: ["assessment 'Unit 4 CFA'", "teacher 'Ms. Lee'" …]."""
        parts = [("assessment", self.name), ("teacher", self.teacher), ("grade", self.grade),
                 ("class", self.class_name), ("subject", self.subject), ("date", self.date)]
        return [f"{what} {value!r}" for what, value in parts if value]


def title_fields(rows: list[list[Any]]) -> TitleFields:
    """Read the rows above a header row (trimmed text cells, as :func:`top_rows` gives them).

    Each text cell is split into pieces at runs of two or more spaces, tabs or " | "; a piece
    "Teacher: Ms. Lee" gives the teacher, a date anywhere gives the date, "Period 2" the
    class, and the first other piece with words names the assessment (its grade and subject
    are read from it when no piece says them).
    """
    found: dict[str, str] = {}
    used: list[int] = []
    for i, row in enumerate(rows):
        said_here = False
        for cell in row:
            if not isinstance(cell, str) or not cell.strip():
                continue
            for piece in re.split(r"\s{2,}|\t|\s\|\s", cell.strip()):
                if _read_piece(piece.strip(), found):
                    said_here = True
        if said_here:
            used.append(i)
    name = found.get("name")
    grade = found.get("grade")
    if grade is None and name and (m := _GRADE.search(name)):
        grade = next(g for g in m.groups() if g)
        grade = "K" if grade.lower() in ("k", "kindergarten") else grade
    subject = found.get("subject")
    if subject is None and name:
        subject = subject_in(name)
    return TitleFields(
        name=name, teacher=found.get("teacher"), grade=grade, class_name=found.get("class"),
        subject=subject, date=found.get("date"), rows=tuple(used),
    )


def subject_in(text: str | None) -> str | None:
    """The subject a name or label says ("Grade 3 Math CFA" -> "Math", "ELA" -> "Reading"),
    or None when it names none of Math, Reading, Writing, Science and Social Studies."""
    if not text:
        return None
    return next((s for s, pattern in _SUBJECTS if pattern.search(text)), None)


def _read_piece(piece: str, found: dict[str, str]) -> bool:
    """Put what one piece of a title row says into ``found`` (first value wins); True if it
    said anything."""
    if not piece or len(piece) > 150:
        return False
    labelled = _LABELLED.match(piece)
    if labelled and labelled.group(1).strip().lower() in _LABELS:
        field = _LABELS[labelled.group(1).strip().lower()]
        value = labelled.group(2).strip()
        if field == "date":
            m = _DATE.search(value)
            value = m.group(1) if m else None
        if value:
            found.setdefault(field, value)
            return True
        return False
    date = _DATE.search(piece)
    if date and (_GIVEN.match(piece) or len(piece) - len(date.group(1)) < 12):
        found.setdefault("date", date.group(1))
        return True
    if _PERIOD.match(piece):
        found.setdefault("class", " ".join(piece.split()))
        return True
    if re.search(r"[A-Za-z]{2,}", piece) and "name" not in found:
        found["name"] = " ".join(piece.split())
        if date:
            found.setdefault("date", date.group(1))
        return True
    return False
