"""A realistic demo school: three grade teams, the current school year up to today, real layouts.

The school year is the one containing the reference day (``today``, default the real today;
August to July): its fall, winter and spring testing windows (15 September, 20 January,
12 May) and unit assessments are there once their day has come, so in December the demo
holds the fall results and the posted goals aim at a date ahead. Before the fall window (in
August and early September) the fall window is dated today, so the demo is never empty.
Tests pass a fixed day.

Every score comes from a generated export imported through :func:`collabplan.ingest.import_file`
(the same path a teacher's upload takes), so the demo also exercises the importer. Loading is
idempotent: the same bytes are recognised as already imported, and teams, priorities and goals
are matched by name.

The stories the data tells (so the pages have something to say):

* Grade 3 Reading: i-Ready Vocabulary lags in the fall and grows slowly; English learners
  trail their classmates in vocabulary; a context-clues CFA given before and after a unit.
* Grade 4 Math: MAP Growth "Number and Operations" starts lowest and grows the most.
* Grade 7 ELA: RI.7.6 (author's point of view) lags on the standards tracker and stays flat
  from fall to spring.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from collabplan.db import Database
from collabplan.goals.actions import add_action
from collabplan.goals.advice import in_year, next_target_date, school_year
from collabplan.goals.baseline import compute_baseline
from collabplan.goals.model import create_goal, update_goal
from collabplan.goals.signposts import add_signpost
from collabplan.ingest.load import import_file, import_files
from collabplan.ingest.mapping import load_mapping
from collabplan.samples.demo_workspace import seed_workspace
from collabplan.samples.students import SkillSpec, Student, Window, make_roster
from collabplan.samples.trackers import (
    canvas_outcome_results,
    cfa_questions,
    cfa_tracker,
    masteryconnect_tracker,
)
from collabplan.samples.vendors import (
    dibels8_mclass,
    iready_diagnostic,
    nwea_map_results,
    nwea_students_by_school,
    star_assessment,
)

Progress = Callable[[float, str], None]

SCHOOL = "Lincoln Community School"
#: (month, day) of the three testing windows, and of the unit assessments, in a school year.
WINDOW_DAYS = ((9, 15), (1, 20), (5, 12))
SEASONS = ("Fall", "Winter", "Spring")
CFA3_DAYS = ((10, 14), (3, 10))  # grade 3 context clues CFA: pre and post
CFA4_DAY = (2, 3)  # grade 4 fractions CFA
CANVAS_DAY = (11, 3)  # grade 7 Canvas performance task


class DemoYear:
    """The demo's school year as of ``today``: its windows that have happened, and its days."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.start, self.end = school_year(today)
        y = self.start.year
        windows = [Window(i, f"{season} {y}-{y + 1}", self.day(*md))
                   for i, (season, md) in enumerate(zip(SEASONS, WINDOW_DAYS, strict=True))]
        self.windows = tuple(w for w in windows if w.date <= today)
        if not self.windows:  # before the fall window: tested on the first day it is opened
            self.windows = (Window(0, windows[0].term, today),)

    def day(self, month: int, day: int) -> dt.date:
        """That month and day in this school year."""
        return in_year(month, day, self.start)

    def come(self, month: int, day: int) -> bool:
        """True when that day of this school year is today or past."""
        return self.day(month, day) <= self.today

TEAMS = (
    ("Grade 3 Reading", "3", "Reading", (("Ms. Alvarez", "Teacher"), ("Mr. Chen", "Teacher"),
                                         ("Ms. Rossi", "Teacher"), ("Mrs. Rivera", "ELL teacher"))),
    ("Grade 4 Math", "4", "Math", (("Ms. Patel", "Teacher"), ("Mr. Okafor", "Teacher"),
                                   ("Mrs. Kim", "Teacher"), ("Ms. Moore", "Instructional coach"))),
    ("Grade 7 ELA", "7", "ELA", (("Mr. Brooks", "Teacher"), ("Ms. Nguyen", "Teacher"),
                                 ("Ms. Diaz", "Special education teacher"))),
)

PRIORITIES = (
    ("Reading success for every student",
     "Every student reads grade-level text with understanding by the end of the year."),
    ("Every student fluent in grade-level math",
     "Students understand and use number sense, fractions and operations at grade level."),
    ("Every student argues from evidence",
     "Students cite and weigh evidence when they read, write and speak."),
)


def _rosters() -> dict[str, list[Student]]:
    return {
        "3": make_roster(
            31, 84, 3, first_id=300100,
            classes=(("Room 12", "Ms. Alvarez"), ("Room 14", "Mr. Chen"), ("Room 15", "Ms. Rossi")),
        ),
        "4": make_roster(
            41, 78, 4, first_id=400100,
            classes=(("Room 21", "Ms. Patel"), ("Room 22", "Mr. Okafor"), ("Room 23", "Mrs. Kim")),
        ),
        "7": make_roster(
            71, 96, 7, first_id=700100,
            classes=(("ELA 7 Period 1", "Mr. Brooks"), ("ELA 7 Period 2", "Mr. Brooks"),
                     ("ELA 7 Period 4", "Ms. Nguyen"), ("ELA 7 Period 5", "Ms. Nguyen")),
        ),
    }


def demo_files(year: DemoYear | None = None) -> list[dict[str, Any]]:
    """The demo's uploads in order: {team, files: [Generated], mapping (TOML or None), label},
    those of ``year`` (default: the real today's) that have happened."""
    year = year or DemoYear(dt.date.today())
    windows = year.windows
    r = _rosters()
    S = SkillSpec
    out: list[dict[str, Any]] = []

    # Grade 3 Reading ------------------------------------------------------------------
    reading3 = [
        S("Phonological Awareness", 0.7, 0.3), S("Phonics", 0.3, 0.35), S("High-Frequency Words", 0.6, 0.3),
        S("Vocabulary", -0.9, 0.18, {"ELL": -1.1}),
        S("Reading Comprehension: Literature", 0.1, 0.3, {"ELL": -0.3}),
        S("Reading Comprehension: Informational Text", -0.15, 0.35, {"ELL": -0.3}),
    ]
    out.append({"team": "Grade 3 Reading", "label": "Grade 3 i-Ready Reading diagnostics",
                "files": [iready_diagnostic(r["3"], "Reading", reading3, windows, seed=3,
                                              file_name="Diagnostic_Results_ELA_Grade3.csv")]})
    dibels3 = [
        S("Decoding (NWF-WRC)", 0.3, 0.3), S("Word Reading (WRF)", 0.2, 0.3),
        S("Reading Fluency (ORF)", -0.3, 0.35), S("Reading Accuracy (ORF-Accu)", 0.8, 0.2),
        S("Reading Comprehension (Maze)", -0.4, 0.2, {"ELL": -0.4}),
    ]
    out.append({"team": "Grade 3 Reading", "label": "Grade 3 DIBELS 8 benchmarks",
                "files": [dibels8_mclass(r["3"], dibels3, windows, seed=4,
                                           file_name="mCLASS_DIBELS8_Grade3.csv")]})
    cfa3 = [S("L.3.4", -0.7, 0.9, {"ELL": -0.5}), S("L.3.5", -0.2, 0.6), S("RL.3.4", 0.2, 0.5)]
    questions = cfa_questions(cfa3, per_standard=3, seed=5)
    for md, label in zip(CFA3_DAYS, ("pre", "post"), strict=True):
        if not year.come(*md):
            continue
        window = Window(0 if label == "pre" else 2, "", year.day(*md))
        gen = cfa_tracker(
            r["3"], cfa3, title="Grade 3 Reading - Context Clues CFA", assessment="Grade 3 Context Clues CFA",
            window=window, questions=questions, seed=6 if label == "pre" else 7,
            file_name=f"Grade3_Context_Clues_CFA_{label}.xlsx",
        )
        out.append({"team": "Grade 3 Reading", "label": f"Grade 3 context clues CFA ({label}-test)",
                    "files": [gen], "mapping": gen.mapping_toml})

    # Grade 4 Math ---------------------------------------------------------------------
    math4 = [
        S("Operations and Algebraic Thinking", 0.25, 0.3), S("Number and Operations", -0.85, 0.5),
        S("Measurement and Data", 0.0, 0.3, {"SPED": -0.4}), S("Geometry", 0.35, 0.25),
    ]
    results = nwea_map_results(r["4"], {"Mathematics": math4}, windows, seed=8,
                                 file_name="CombinedAssessmentResults_Grade4.csv")
    roster = nwea_students_by_school(r["4"], windows[0], school=SCHOOL,
                                     file_name="StudentsBySchool_Grade4.csv")
    out.append({"team": "Grade 4 Math", "label": "Grade 4 MAP Growth results and roster",
                "files": [results, roster]})
    cfa4 = [S("4.NF.1", -0.3, 0.4), S("4.NF.2", -0.6, 0.4), S("4.NF.3", 0.1, 0.4)]
    if year.come(*CFA4_DAY):
        gen4 = cfa_tracker(
            r["4"], cfa4, title="Grade 4 Math - Unit 5 Fractions CFA",
            assessment="Grade 4 Unit 5 Fractions CFA", window=Window(1, "", year.day(*CFA4_DAY)),
            seed=9, file_name="Grade4_Unit5_Fractions_CFA.xlsx",
        )
        out.append({"team": "Grade 4 Math", "label": "Grade 4 fractions CFA", "files": [gen4],
                    "mapping": gen4.mapping_toml})

    # Grade 7 ELA ----------------------------------------------------------------------
    reading7 = [
        S("Vocabulary", 0.1, 0.3, {"ELL": -0.7}),
        S("Reading Comprehension: Literature", 0.2, 0.3),
        S("Reading Comprehension: Informational Text", -0.35, 0.25, {"ELL": -0.3}),
    ]
    out.append({"team": "Grade 7 ELA", "label": "Grade 7 i-Ready Reading diagnostics",
                "files": [iready_diagnostic(r["7"], "Reading", reading7, windows, seed=10,
                                              school=SCHOOL, file_name="Diagnostic_Results_ELA_Grade7.csv")]})
    out.append({"team": "Grade 7 ELA", "label": "Grade 7 Star Reading screenings",
                "files": [star_assessment(r["7"], "Reading", windows, skill=S("Star Reading", 0.0, 0.25), seed=11,
                                            school=SCHOOL, file_name="SR_v2_Grade7.csv")]})
    standards7 = [
        S("RL.7.1", 0.3, 0.3), S("RL.7.2", -0.1, 0.3), S("RI.7.6", -1.0, 0.0, {"ELL": -0.3}),
        S("L.7.4", 0.0, 0.25, {"ELL": -0.5}),
    ]
    for window in windows:
        season = window.term.split()[0]
        gen7 = masteryconnect_tracker(
            r["7"], standards7, window, assessment="Grade 7 ELA Standards Tracker", seed=12 + window.index,
            file_name=f"MasteryConnect_ELA7_{season}.csv",
        )
        out.append({"team": "Grade 7 ELA", "label": f"Grade 7 standards tracker ({season.lower()})",
                    "files": [gen7], "mapping": gen7.mapping_toml})
    outcomes = [
        S("RL.7.1 Cite textual evidence", 0.3, 0.3), S("RL.7.2 Determine a theme", -0.1, 0.3),
        S("RI.7.6 Author's point of view", -1.0, 0.0), S("L.7.4 Word meaning from context", 0.0, 0.25),
    ]
    if year.come(*CANVAS_DAY):
        canvas = canvas_outcome_results(
            r["7"], outcomes, assignment="Unit 2 Performance Task",
            window=Window(0, "", year.day(*CANVAS_DAY)), seed=15,
            file_name="Canvas_Outcome_Results_ELA7_Unit2.csv",
        )
        out.append({"team": "Grade 7 ELA", "label": "Grade 7 Canvas outcome results",
                    "files": [canvas]})
    return out


# -- the parts that are not uploads ----------------------------------------------------------
def _ensure_school_and_teams(db: Database) -> int:
    created = 0
    with db.transaction() as cur:
        if not cur.execute("SELECT count(*) FROM school").fetchone()[0]:
            cur.execute("INSERT INTO school (id, name) VALUES (1, ?)", [SCHOOL])
        for name, band, subject, members in TEAMS:
            row = cur.execute("SELECT id FROM team WHERE lower(name) = lower(?)", [name]).fetchone()
            if row is None:
                row = cur.execute(
                    "INSERT INTO team (name, grade_band, subject) VALUES (?, ?, ?) RETURNING id",
                    [name, band, subject],
                ).fetchone()
                created += 1
            team_id = row[0]
            for person, role in members:
                if not cur.execute(
                    "SELECT count(*) FROM team_member WHERE team_id = ? AND name = ?", [team_id, person]
                ).fetchone()[0]:
                    cur.execute(
                        "INSERT INTO team_member (team_id, name, role, added_order) VALUES (?, ?, ?,"
                        " (SELECT coalesce(max(added_order), 0) + 1 FROM team_member))",
                        [team_id, person, role],
                    )
    return created


def _ensure_priorities(db: Database) -> dict[str, int]:
    ids: dict[str, int] = {}
    for title, description in PRIORITIES:
        found = db.scalar("SELECT id FROM priority WHERE lower(title) = lower(?)", [title])
        if found is None:
            with db.transaction() as cur:
                position = cur.execute("SELECT coalesce(max(position), 0) + 1 FROM priority").fetchone()[0]
                found = cur.execute(
                    "INSERT INTO priority (title, description, position) VALUES (?, ?, ?) RETURNING id",
                    [title, description, position],
                ).fetchone()[0]
        ids[title] = int(found)
    return ids


#: (team, assessment, skill, population, metric, change in points, priority, why)
DEMO_GOALS = (
    ("Grade 3 Reading", "i-Ready Diagnostic Reading", "Vocabulary", {"grade": "3"}, "pct_proficient", 25,
     "Reading success for every student",
     "Vocabulary is our lowest domain in the fall and it holds back comprehension."),
    ("Grade 3 Reading", "i-Ready Diagnostic Reading", "Vocabulary", {"grade": "3", "group": "ELL"},
     "pct_proficient", 25, "Reading success for every student",
     "Our English learners trail their classmates most in vocabulary."),
    ("Grade 4 Math", "Mathematics", "Number and Operations", {"grade": "4"}, "pct_below_proficient", -20,
     "Every student fluent in grade-level math",
     "Number and operations is where most of our students are below average in the fall."),
    ("Grade 7 ELA", "Grade 7 ELA Standards Tracker", "RI.7.6", {"grade": "7"}, "pct_proficient", 25,
     "Every student argues from evidence",
     "Few students can explain an author's point of view, and it is central to argument writing."),
)


#: What each demo team tried, per (team, skill): actions (what, who, start, due, status,
#: evidence), then what worked and the next step, so the slides and reports have a story.
DEMO_ACTIONS = {
    ("Grade 3 Reading", "Vocabulary"): (
        [
            ("Teach three Tier 2 words a day with student-friendly definitions", "All grade 3 teachers",
             dt.date(2025, 9, 29), dt.date(2026, 1, 16), "done",
             "Exit tickets: 70% use the week's words correctly by Friday"),
            ("Context-clues mini-lessons in small groups", "Reading interventionist",
             dt.date(2025, 10, 13), dt.date(2026, 3, 13), "done",
             "Context Clues CFA rose from 30% to 74% proficient on L.3.4"),
            ("Word walls and sentence frames for English learners", "EL teacher with each class",
             dt.date(2026, 1, 26), dt.date(2026, 5, 8), "in progress", ""),
        ],
        "Daily word work and the context-clues lessons: the CFA moved most where we taught "
        "context clues explicitly.",
        "Keep the daily routine and add a vocabulary check to each unit CFA.",
    ),
    ("Grade 4 Math", "Number and Operations"): (
        [
            ("Fraction number-line routine at the start of every lesson", "Grade 4 team",
             dt.date(2025, 9, 22), dt.date(2026, 2, 27), "done",
             "Unit 5 CFA: 4.NF.1 at 40% proficient, up from the unit 4 quiz"),
            ("Re-teach groups after each CFA, three times a week", "Math coach and teachers",
             dt.date(2025, 11, 3), dt.date(2026, 5, 15), "done",
             "Most re-taught students proficient on the retake"),
        ],
        "Re-teach groups right after each CFA; the winter MAP goal score rose for most of them.",
        "Share the re-teach schedule with grade 3 and grade 5 at the next staff meeting.",
    ),
    ("Grade 7 ELA", "RI.7.6"): (
        [
            ("Paired texts with opposing viewpoints every second week", "Grade 7 ELA team",
             dt.date(2025, 10, 6), dt.date(2026, 3, 27), "done",
             "Discussion notes show more students naming the author's purpose"),
            ("Point-of-view sentence starters in written responses", "All grade 7 teachers",
             dt.date(2026, 1, 12), dt.date(2026, 5, 22), "in progress", ""),
        ],
        "Not much yet: the tracker has barely moved, so the team asked the coach for model lessons.",
        "Coach models two point-of-view lessons; re-check on the next common assessment.",
    ),
}


def _add_story(db: Database, goal_id: int, team: str, skill: str, year: DemoYear) -> None:
    """Actions, what worked, next step and check-ins for a new demo goal, as far as ``year``
    has come: an action not started yet is planned, one not due yet is in progress (with no
    evidence so far), and a check-in still ahead is scheduled with no notes."""
    story = DEMO_ACTIONS.get((team, skill))
    if story is None:
        return
    actions, worked, next_step = story
    done = 0
    for what, who, start, due, status, evidence in actions:
        start, due = year.day(start.month, start.day), year.day(due.month, due.day)
        if start > year.today:
            status, evidence = "planned", ""
        elif status == "done" and due > year.today:
            status, evidence = "in progress", ""
        done += status == "done"
        add_action(db, goal_id, what=what, who=who, start_date=start, due_date=due,
                   status=status, evidence=evidence)
    if done:
        update_goal(db, goal_id, what_worked=worked, next_step=next_step)
    for (month, day), going in (((11, 14), "Started well; routines are in place."),
                                ((2, 6), "Winter results are in: see the progress chart.")):
        if year.come(month, day):
            add_signpost(db, goal_id, year.day(month, day), how_going=going, done=True)
        else:
            add_signpost(db, goal_id, year.day(month, day))


def _ensure_goals(db: Database, priorities: dict[str, int], year: DemoYear) -> int:
    """One or two goals per team through collabplan.goals, posted with a target date ahead
    (the next testing window or semester end after ``year.today``)."""

    created = 0
    for team, assessment, skill, population, metric, change, priority, why in DEMO_GOALS:
        team_id = db.scalar("SELECT id FROM team WHERE name = ?", [team])
        assessment_id = db.scalar("SELECT id FROM assessment WHERE name = ?", [assessment])
        if team_id is None or assessment_id is None:
            continue
        existing = db.rows(
            "SELECT population FROM goal WHERE team_id = ? AND assessment_id = ? AND skill = ?",
            [team_id, assessment_id, skill],
        )
        if any(json.loads(p or "{}") == population for (p,) in existing):
            continue
        first = db.rows(
            "SELECT a.id, a.date FROM administration a WHERE a.assessment_id = ?"
            " AND EXISTS (SELECT 1 FROM score s WHERE s.administration_id = a.id AND s.skill = ?)"
            " ORDER BY a.date, a.term LIMIT 1",
            [assessment_id, skill],
        )
        if not first:
            continue
        windows = [(d, "") for (d,) in db.rows(
            "SELECT date FROM administration WHERE assessment_id = ? AND date IS NOT NULL",
            [assessment_id])]
        target_date = next_target_date(year.today, windows, after=first[0][1]).date
        try:
            base = compute_baseline(db, first[0][0], skill, metric, population)
            target = round(min(100.0, max(0.0, base.value + change)), 1)
            goal_id = create_goal(
                db, team_id=int(team_id), assessment_id=int(assessment_id), skill=skill, metric=metric,
                baseline_administration_id=int(first[0][0]), population=population,
                priority_id=priorities.get(priority), why=why, target_value=target,
                target_date=target_date, status="active",
            )
            created += 1
            if "group" not in population:  # one story per team: its main goal
                _add_story(db, int(goal_id), team, skill, year)
        except (ValueError, TypeError):
            continue  # a goal the current rules refuse is left out of the demo
    return created


# -- the entry point ---------------------------------------------------------------------
def load_demo(
    db: Database, progress: Progress | None = None, *, today: dt.date | None = None
) -> dict[str, int]:
    """Build (or complete) the demo school in the school year of ``today`` (default: the real
    today; tests pass a fixed day); returns counts of what it holds and what was added."""
    year = DemoYear(today or dt.date.today())
    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), message)

    report(0.0, "Setting up the school and its teams")
    teams_added = _ensure_school_and_teams(db)
    priorities = _ensure_priorities(db)
    report(0.05, "Writing the demo exports")
    uploads = demo_files(year)
    added = duplicates = 0
    for i, item in enumerate(uploads):
        report(0.08 + 0.8 * i / len(uploads), f"Importing {item['label']}")
        mapping = load_mapping(item["mapping"]) if item.get("mapping") else None
        files = item["files"]
        if len(files) == 1:
            results = [import_file(db, files[0].data, files[0].file_name, mapping,
                                   team=item["team"], uploaded_by="Demo school")]
        else:
            results = import_files(db, [(f.file_name, f.data) for f in files], mapping,
                                   team=item["team"], uploaded_by="Demo school")
        for res in results:
            if res.duplicate:
                duplicates += 1
            else:
                added += 1
    report(0.9, "Drafting the teams' goals")
    goals_added = _ensure_goals(db, priorities, year)
    report(0.95, "Filling in the planning workspace")
    seed_workspace(db, today=year.today)
    report(1.0, "The demo school is ready")
    return {
        "teams": int(db.scalar("SELECT count(*) FROM team")),
        "teams_added": teams_added,
        "students": int(db.scalar("SELECT count(*) FROM student")),
        "assessments": int(db.scalar("SELECT count(*) FROM assessment")),
        "administrations": int(db.scalar("SELECT count(*) FROM administration")),
        "uploads": int(db.scalar("SELECT count(*) FROM upload")),
        "uploads_added": added,
        "uploads_already_there": duplicates,
        "scores": int(db.scalar("SELECT count(*) FROM score")),
        "priorities": int(db.scalar("SELECT count(*) FROM priority")),
        "goals": int(db.scalar("SELECT count(*) FROM goal")),
        "goals_added": goals_added,
    }
