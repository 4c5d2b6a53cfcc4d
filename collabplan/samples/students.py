"""Synthetic students and how they stand on a skill in a testing window.

Students are synthetic (names drawn from short lists of common first and last names, made-up
ids); nothing here resembles a real person's record beyond an ordinary name.

How scores are made: each student has an ``ability`` (about N(0, 1)); a skill has an ``offset``
(negative = harder, so it lags), a ``growth`` per testing window and optional group gaps
(e.g. ELL -0.6). A student's standing on a skill in window i is
``ability + offset + growth * i + gaps + noise``; each vendor module turns that standing into
its own scale.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import NormalDist

NORMAL = NormalDist()

FIRST_NAMES = (
    "Aaliyah", "Aiden", "Amara", "Andre", "Ava", "Caleb", "Camila", "Chloe", "Daniel", "Diego",
    "Elena", "Elijah", "Emma", "Ethan", "Fatima", "Gabriel", "Grace", "Hana", "Isaac", "Isabella",
    "Jayden", "Jonah", "Kai", "Layla", "Leo", "Liam", "Lucas", "Luna", "Maya", "Mateo", "Mia",
    "Nia", "Noah", "Olivia", "Omar", "Owen", "Priya", "Rosa", "Samuel", "Sofia", "Tariq", "Uma",
    "Valeria", "Wyatt", "Ximena", "Yuna", "Zara", "Zoe",
)
LAST_NAMES = (
    "Ali", "Alvarez", "Brown", "Chen", "Davis", "Diaz", "Garcia", "Hassan", "Ibrahim", "Jones",
    "Kim", "Lopez", "Martinez", "Moore", "Nguyen", "Novak", "Okafor", "Patel", "Reyes", "Rossi",
    "Sato", "Silva", "Smith", "Tanaka", "Thompson", "Walker", "Williams", "Yilmaz",
)
ETHNICITIES = (
    "Hispanic or Latino", "White", "Black or African American", "Asian", "Two or More Races",
    "American Indian or Alaska Native",
)
#: Default group rates of a synthetic roster.
GROUP_RATES = {"ELL": 0.2, "SPED": 0.12, "FRL": 0.45}


# -- the building blocks ------------------------------------------------------------------
@dataclass
class Student:
    """One synthetic student."""

    student_id: str
    first: str
    last: str
    grade: str
    class_name: str
    teacher: str
    groups: frozenset[str] = frozenset()
    ability: float = 0.0
    birth: date = date(2016, 1, 1)
    gender: str = "F"
    ethnicity: str = "White"

    @property
    def last_first(self) -> str:
        return f"{self.last}, {self.first}"

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class SkillSpec:
    """A skill and how the students stand on it: offset < 0 lags, growth per window."""

    name: str
    offset: float = 0.0
    growth: float = 0.3
    gaps: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Window:
    """A testing window: its index in the year (0 = fall), a term label and the test date."""

    index: int
    term: str
    date: date


FALL_2025 = Window(0, "Fall 2025-2026", date(2025, 9, 15))
WINTER_2026 = Window(1, "Winter 2025-2026", date(2026, 1, 20))
SPRING_2026 = Window(2, "Spring 2025-2026", date(2026, 5, 12))
SCHOOL_YEAR = (FALL_2025, WINTER_2026, SPRING_2026)



def standing(student: Student, skill: SkillSpec, window: Window, rng: random.Random, noise: float = 0.55) -> float:
    """A student's standing on a skill in a window (about N(0, 1) in fall)."""
    gap = sum(v for g, v in skill.gaps.items() if g in student.groups)
    return student.ability + skill.offset + skill.growth * window.index + gap + rng.gauss(0.0, noise)


def level_index(z: float, cuts: Sequence[float]) -> int:
    """Index of the level z falls in, given ascending cut points (len(levels) - 1 of them)."""
    i = 0
    while i < len(cuts) and z >= cuts[i]:
        i += 1
    return i


def percentile(z: float) -> int:
    return max(1, min(99, int(round(100 * NORMAL.cdf(z)))))



# -- rosters ------------------------------------------------------------------------------
def make_roster(
    seed: int,
    n: int,
    grade: int | str,
    *,
    first_id: int = 300500,
    id_step: int = 1,
    classes: Sequence[tuple[str, str]] = (("Period 1", "Ms. Alvarez"), ("Period 2", "Mr. Okafor")),
    group_rates: dict[str, float] | None = None,
    birth_year: int | None = None,
) -> list[Student]:
    """``n`` synthetic students of one grade spread over ``classes`` ((class, teacher) pairs)."""
    rng = random.Random(f"roster:{seed}:{grade}")
    rates = GROUP_RATES if group_rates is None else group_rates
    grade_text = str(grade)
    year = birth_year or (2025 - 5 - (int(grade) if grade_text.isdigit() else 0))
    order = list(range(n))
    rng.shuffle(order)
    students = []
    for i in range(n):
        groups = frozenset(g for g, r in rates.items() if rng.random() < r)
        ability = rng.gauss(0.0, 1.0) - (0.45 if "SPED" in groups else 0.0) - (0.15 if "FRL" in groups else 0.0)
        last = rng.choice(LAST_NAMES)
        if rng.random() < 0.12:
            last = f"{last}-{rng.choice(LAST_NAMES)}"
        class_name, teacher = classes[order[i] % len(classes)]
        students.append(
            Student(
                student_id=str(first_id + i * id_step),
                first=rng.choice(FIRST_NAMES),
                last=last,
                grade=grade_text,
                class_name=class_name,
                teacher=teacher,
                groups=groups,
                ability=ability,
                birth=date(year, 1, 1) + timedelta(days=rng.randrange(365)),
                gender=rng.choice("FM"),
                ethnicity=rng.choice(ETHNICITIES),
            )
        )
    return students
