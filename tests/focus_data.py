"""A small school for the focus tests: one team's two windows of one assessment, where two
skills lag in the latest window (and another team's upload the team must never read).

Spring, 20 students: the median of the five skills is 75%; Vocabulary (30%) lags under the
floor and below the median, Theme (60%) 15 points below the median; Fluency is typical.
Fall is another picture (Fluency lags, Theme is strong), which the latest window replaces.
"""

from __future__ import annotations

from collabplan.db import Database
from tests import factories as f

SPRING = {"Main idea": 16, "Inference": 16, "Vocabulary": 6, "Theme": 12, "Fluency": 15}
FALL = {"Main idea": 10, "Inference": 10, "Vocabulary": 10, "Theme": 18, "Fluency": 2}


def lagging_school(db: Database, spring: dict[str, int] | None = None) -> dict[str, int]:
    """Load the school; ids of team, other (team), assessment, spring (window), upload.

    ``spring``: proficient students (of 20) per skill in the latest window, instead of SPRING.
    """
    team = f.team(db, "Grade 5 team")
    other = f.team(db, "Grade 6 team")
    assessment = f.assessment(db, "Reading CFA")
    fall = f.administration(db, assessment, "Fall", "2025-10-01")
    latest = f.administration(db, assessment, "Spring", "2026-04-01")
    up = f.upload(db, team, "grade5.xlsx")
    kids = f.class_of_students(db, 20, "5A", "Ms Ray")
    for window, counts in ((fall, FALL), (latest, spring or SPRING)):
        for skill, proficient in counts.items():
            f.skill_scores(db, up, window, kids, skill, proficient)
    # five students only on one more skill: a small group, never a candidate
    f.skill_scores(db, up, latest, kids[:5], "Poetry", 0)
    # the other team's upload: every skill but Main idea lags there, none of it is ours
    up6 = f.upload(db, other, "grade6.xlsx")
    older = f.class_of_students(db, 20, "6A", "Mr Fox", start=100)
    for skill in SPRING:
        f.skill_scores(db, up6, latest, older, skill, 20 if skill == "Main idea" else 1)
    return {"team": team, "other": other, "assessment": assessment, "spring": latest,
            "upload": up}
