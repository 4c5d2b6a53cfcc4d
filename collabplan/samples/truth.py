"""What a generated export holds: :class:`Generated` (file, bytes, truth) and :class:`Truth`.

The truth is, for each administration and skill, the students with a score, the proficient
students and pct_proficient, computed from the generating data (never by the importer), in
the shape of ``shared/samples/*.truth.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from collabplan.samples.students import Student


@dataclass
class Generated:
    """A generated export: file name, bytes, truth, and the mapping that reads it (if any)."""

    file_name: str
    data: bytes
    truth: dict[str, Any]
    mapping_toml: str | None = None
    students: list[Student] = field(default_factory=list)


class Truth:
    """Counts per administration and skill, filled while a file is written."""

    def __init__(self, note: str) -> None:
        self.note = note
        self.students: set[str] = set()
        self.rows = 0
        self._admins: dict[tuple[str, str | None, str | None], dict[str, dict[str, set[str]]]] = {}

    def score(
        self, assessment: str, term: str | None, when: date | None, skill: str, student: str, ok: bool
    ) -> None:
        key = (assessment, term, when.isoformat() if when else None)
        skills = self._admins.setdefault(key, {})
        entry = skills.setdefault(skill, {"scored": set(), "proficient": set()})
        entry["scored"].add(student)
        if ok:
            entry["proficient"].add(student)

    def result(self) -> dict[str, Any]:
        admins = []
        for (assessment, term, when), skills in self._admins.items():  # in the file's order
            out = {}
            for skill in sorted(skills):
                n = len(skills[skill]["scored"])
                p = len(skills[skill]["proficient"])
                out[skill] = {"students": n, "proficient": p, "pct_proficient": pct(p, n)}
            admins.append({"assessment": assessment, "term": term, "date": when, "skills": out})
        return {
            "note": self.note,
            "students": len(self.students),
            "rows": self.rows,
            "administrations": admins,
        }


def pct(proficient: int, students: int) -> float | None:
    """100 x proficient / students with one decimal (as the metrics compute it)."""
    if not students:
        return None
    return round(100.0 * proficient / students, 1)
