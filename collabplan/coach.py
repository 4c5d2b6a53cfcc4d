"""The coach view's data: lagging skills across teams and assessments, narrowed by grade,
subject and testing window; one standard matched across assessments by its code; and the
goals any team already aims at each skill.

Every figure comes from :func:`collabplan.breakdowns.coach_lagging` (status within each team's
testing window, ARCHITECTURE.md section 4), read as ``viewer`` may (a teacher: their own
teams' uploads). Goals are shared with every role (their statements here carry no student
figure, only the skill, population, target and date).

**Subject of an assessment** (:func:`assessment_subjects`): assessments carry a subject only
when their mapping or the file's title rows gave one, so the first of these that answers wins:
the stored subject; the assessment's name ("Grade 4 Math CFA"); the standard codes of its
skills ("RL.3.1" is reading, "3.NF.1" math, by their strand or domain letters); the subject of
the teams that uploaded it, when they agree; else "Other". Reading, ELA and literacy are one
subject, "Reading".

**Testing windows** across assessments (:func:`season_of`): a window's date places it in a
season of the school year (Fall: August–November, Winter: December–February, Spring:
March–July), so "Fall 2025" gathers i-Ready's Fall, DIBELS's BOY and a CFA given in October.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from collabplan import breakdowns, catalog
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.goals.model import LIFECYCLE_LABELS
from collabplan.goals.statement import statement_text
from collabplan.ingest.titles import subject_in
from collabplan.metrics import LOCAL, Filters
from collabplan.skill_codes import fullest_label, skill_key, standard_code
from collabplan.text import natural_key

OTHER = "Other"
#: The window choice meaning "each assessment's most recent testing window".
LATEST = "latest"
#: Strand and domain letters of standard codes, by subject (Common Core, Florida B.E.S.T.).
_READING_PARTS = {"RL", "RI", "RF", "W", "SL", "L", "ELA", "LAFS", "R", "V", "C"}
_MATH_PARTS = {"CC", "OA", "NBT", "NF", "MD", "G", "RP", "NS", "EE", "F", "SP", "MA", "MAFS",
               "AR", "NSO", "FR", "M", "GR", "DP", "HSA", "HSN", "HSF", "HSG", "HSS", "A", "N",
               "S", "REI", "SSE", "APR", "CED", "IF", "BF", "LE", "TF", "CO", "SRT", "GPE",
               "GMD", "MG", "ID", "IC", "CP", "Q", "RN", "CN", "VM"}
#: Goal statuses listed first (a goal being worked on before one that ended).
_STATUS_ORDER = {"active": 0, "refined": 1, "revised": 2, "draft": 3, "met": 4, "not_met": 5}


@dataclass(frozen=True)
class CoachChoice:
    """What the coach narrowed the view to (None: everything)."""

    grade: str | None = None
    subject: str | None = None
    window: str | None = None  # a season ("Fall 2025"), LATEST, or None for every window


def season_of(date: Any) -> tuple[str, tuple[int, int]] | None:
    """The season of the school year a window's date falls in, with a sort key (school
    year, season order): 2025-10-14 -> ("Fall 2025", (2025, 0)); 2026-01-20 ->
    ("Winter 2025-26", (2025, 1)); 2026-05-12 -> ("Spring 2026", (2025, 2)). None: no date."""
    if date is None or (not isinstance(date, dt.date) and pd.isna(date)):
        return None
    d = pd.Timestamp(date).date()
    start = d.year if d.month >= 8 else d.year - 1  # the school year starts in August
    if 8 <= d.month <= 11:
        return f"Fall {start}", (start, 0)
    if d.month == 12 or d.month <= 2:
        return f"Winter {start}-{str(start + 1)[2:]}", (start, 1)
    return f"Spring {start + 1}", (start, 2)


def _code_subject(skills: list[str]) -> str | None:
    """The subject the skills' standard codes point to (most of them), else None."""
    votes: Counter[str] = Counter()
    for skill in skills:
        code = standard_code(skill)
        if code is None:
            continue
        parts = [p.upper() for p in code.replace("-", ".").split(".")]
        if parts[0] in ("ELA", "LAFS"):  # Florida's ELA.7.R.1.1, ELA.K12.EE.1.1
            votes["Reading"] += 1
        elif parts[0] in ("MA", "MAFS"):
            votes["Math"] += 1
        elif set(parts) & _READING_PARTS and not set(parts) & _MATH_PARTS:
            votes["Reading"] += 1
        elif set(parts) & _MATH_PARTS:
            votes["Math"] += 1
    return votes.most_common(1)[0][0] if votes else None


def _skills_by_assessment(db: Database) -> pd.DataFrame:
    """(assessment_id, skill) pairs. An upload of one assessment (most files) gives all its
    skills to it; only an upload of several (a MAP file of Math and Reading) is read score by
    score."""
    return db.query(
        """
        WITH ua AS (SELECT DISTINCT s.upload_id, a.assessment_id FROM sitting s
                    JOIN administration a ON a.id = s.administration_id),
        single AS (SELECT upload_id, any_value(assessment_id) AS assessment_id FROM ua
                   GROUP BY upload_id HAVING count(*) = 1)
        SELECT DISTINCT one.assessment_id, m.skill FROM measure m
        JOIN single one ON one.upload_id = m.upload_id WHERE m.item IS NULL
        UNION
        SELECT DISTINCT a.assessment_id, m.skill FROM measure m
        JOIN score_value v ON v.measure_id = m.id
        JOIN sitting s ON s.id = v.sitting_id
        JOIN administration a ON a.id = s.administration_id
        WHERE m.item IS NULL AND m.upload_id NOT IN (SELECT upload_id FROM single)
        """
    )


def assessment_subjects(db: Database) -> pd.DataFrame:
    """Each assessment's subject and where it came from. Columns: assessment_id, name,
    subject, subject_from ("the file", "its name", "its standards", "its team", "")."""
    found = db.query("SELECT id, name, subject FROM assessment ORDER BY id")
    skills = _skills_by_assessment(db)
    teams = db.query(
        "SELECT DISTINCT a.assessment_id, t.subject FROM upload u"
        " JOIN (SELECT DISTINCT upload_id, administration_id FROM sitting) s ON s.upload_id = u.id"
        " JOIN administration a ON a.id = s.administration_id"
        " JOIN team t ON t.id = u.team_id WHERE t.subject IS NOT NULL"
    )
    rows = []
    for r in found.itertuples():
        stored = None if r.subject is None or pd.isna(r.subject) else str(r.subject).strip()
        subject, source = None, ""
        if stored:
            subject, source = subject_in(stored) or stored, "the file"
        elif (named := subject_in(str(r.name))) is not None:
            subject, source = named, "its name"
        elif (coded := _code_subject(skills.loc[skills["assessment_id"] == r.id, "skill"]
                                     .tolist())) is not None:
            subject, source = coded, "its standards"
        else:
            said = {subject_in(str(s)) or str(s).strip()
                    for s in teams.loc[teams["assessment_id"] == r.id, "subject"]}
            if len(said) == 1:
                subject, source = said.pop(), "its team"
        rows.append({"assessment_id": int(r.id), "name": r.name,
                     "subject": subject or OTHER, "subject_from": source})
    return pd.DataFrame(rows, columns=["assessment_id", "name", "subject", "subject_from"])


def coach_windows(db: Database, *, viewer: Viewer = LOCAL) -> pd.DataFrame:
    """The testing windows with skill scores ``viewer`` may read. Columns: administration_id,
    assessment_id, label, date, season (None without a date), season_key, subject, latest
    (the assessment's most recent window)."""
    cat = catalog.catalog(db, viewer=viewer)
    ids = sorted({int(i) for i in cat["administration_id"]})
    admins = db.query(
        "SELECT id AS administration_id, assessment_id, label, date FROM administration"
        " WHERE list_contains(?, id) ORDER BY date NULLS FIRST, id",
        [ids],
    )
    seasons = [season_of(d) for d in admins["date"]]
    admins["season"] = [s[0] if s else None for s in seasons]
    admins["season_key"] = [s[1] if s else None for s in seasons]
    subjects = assessment_subjects(db).set_index("assessment_id")["subject"]
    admins["subject"] = admins["assessment_id"].map(subjects).fillna(OTHER)
    last = admins.groupby("assessment_id")["administration_id"].transform("last")
    admins["latest"] = admins["administration_id"] == last
    return admins


def coach_options(db: Database, *, viewer: Viewer = LOCAL) -> dict[str, list[str]]:
    """What the coach's filters offer: grades (natural order), subjects (by name, "Other"
    last) and seasons (newest first), from the scores ``viewer`` may read."""
    cat = catalog.catalog(db, viewer=viewer)
    grades = sorted({str(g) for g in cat["grade"].dropna()}, key=natural_key)
    windows = coach_windows(db, viewer=viewer)
    subjects = sorted(set(windows["subject"]), key=lambda s: (s == OTHER, s))
    dated = windows.dropna(subset=["season"]).drop_duplicates("season")
    seasons = [s for s, _ in sorted(zip(dated["season"], dated["season_key"], strict=True),
                                    key=lambda x: x[1], reverse=True)]
    return {"grades": grades, "subjects": subjects, "windows": seasons}


def chosen_windows(db: Database, choice: CoachChoice, *, viewer: Viewer = LOCAL) -> list[int]:
    """The administration ids the subject and window choices keep."""
    windows = coach_windows(db, viewer=viewer)
    if choice.subject is not None:
        windows = windows[windows["subject"] == choice.subject]
    if choice.window == LATEST:
        windows = windows[windows["latest"]]
    elif choice.window is not None:
        windows = windows[windows["season"] == choice.window]
    return sorted(int(i) for i in windows["administration_id"])


def lagging_instances(db: Database, choice: CoachChoice, *, viewer: Viewer = LOCAL) -> pd.DataFrame:
    """Every team × window × skill that lags under ``choice`` (the columns of
    :func:`collabplan.breakdowns.coach_lagging`): status within each team's window for the
    chosen grade, the subject's assessments, the chosen windows."""
    ids = chosen_windows(db, choice, viewer=viewer)
    if not ids:
        return pd.DataFrame(columns=breakdowns.COACH_COLUMNS)
    return breakdowns.coach_lagging(
        db, Filters(grade=choice.grade, administration_ids=tuple(ids)), viewer=viewer
    )


SKILL_COLUMNS = ["key", "skill", "code", "assessments", "teams", "lags_in", "lowest",
                 "most_below", "goals"]


def lagging_skills(instances: pd.DataFrame, goals: dict[str, list[str]] | None = None
                   ) -> pd.DataFrame:
    """One row per skill (a standard code, else a name) from :func:`lagging_instances`:
    key, skill (the fullest name), code, assessments (those whose windows it lags in, by
    name), teams, lags_in (team windows), lowest (lowest % proficient), most_below (most
    points under a team's median), goals (how many goals aim at it). Most team windows
    first, then the furthest below."""
    if instances.empty:
        return pd.DataFrame(columns=SKILL_COLUMNS)
    goals = goals or {}
    rows = []
    for key, part in instances.groupby("key", sort=False):
        rows.append({
            "key": key,
            "skill": fullest_label(part["skill"]),
            "code": part["code"].dropna().iloc[0] if part["code"].notna().any() else None,
            "assessments": ", ".join(sorted(set(part["assessment"]), key=natural_key)),
            "teams": ", ".join(sorted(set(part["team"]), key=natural_key)),
            "lags_in": len(part),
            "lowest": float(part["pct_proficient"].min()),
            "most_below": float(part["below"].max()),
            "goals": len(goals.get(str(key), [])),
        })
    out = pd.DataFrame(rows, columns=SKILL_COLUMNS)
    return out.sort_values(["lags_in", "most_below"], ascending=[False, False]).reset_index(drop=True)


def goals_by_skill(db: Database) -> dict[str, list[str]]:
    """Every team's goals by skill key: "Grade 7 ELA: Reduce the share of students below
    proficiency in RI.7.6 to 40% by 22 May 2026 (active)". No student figure: the statement
    leaves the baseline out, so it reads the same for every role."""
    found = db.query(
        "SELECT g.id, t.name AS team, g.skill, g.metric, g.population, g.target_value,"
        " g.target_date, g.status FROM goal g LEFT JOIN team t ON t.id = g.team_id"
        " ORDER BY g.id"
    )
    out: dict[str, list[tuple[int, str]]] = {}
    for r in found.to_dict("records"):
        population = json.loads(r["population"] or "{}")
        target = None if pd.isna(r["target_value"]) else float(r["target_value"])
        date = None if pd.isna(r["target_date"]) else pd.Timestamp(r["target_date"]).date()
        words = statement_text(r["metric"], r["skill"], population, None, target, date)
        line = f"{r['team'] or 'No team'}: {words.rstrip('.')} ({LIFECYCLE_LABELS[r['status']]})"
        out.setdefault(skill_key(r["skill"]), []).append((_STATUS_ORDER.get(r["status"], 9), line))
    return {k: [line for _, line in sorted(v, key=lambda x: x[0])] for k, v in out.items()}
