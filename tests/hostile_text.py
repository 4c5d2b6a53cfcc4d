"""Hostile text for the "shown as text" tests: payloads, a school whose every name is one, and
the check that finds live Markdown, HTML or LaTeX in what a page rendered.

Shared by tests/pages (the AppTest walk) and tests/e2e (the browser), as
``from tests.hostile_text import ...`` (like tests/identity_files.py).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd

from collabplan.db import Database

IMAGE = "![x](http://evil.example/x.png)"
LINK = "[a](javascript:alert(1))"
LATEX = "$$x$$"
HTML = "<img src=x onerror=alert(1)>"
#: Every payload, in the order names are handed out.
PAYLOADS = (IMAGE, LINK, LATEX, HTML)
#: A control character typed or pasted with the payload (the cleaner must take it out).
BELL = "\x07"

_ESCAPED = re.compile(r"\\.", re.DOTALL)
_LIVE = {
    "image": re.compile(r"!\["),
    "link": re.compile(r"\]\("),
    "latex": re.compile(r"\$"),
    "html tag": re.compile(r"<\s*(img|a|script|iframe|svg)\b", re.IGNORECASE),
    "autolink": re.compile(r"\b(https?://|www\.)", re.IGNORECASE),
}
_LIVE_TEXT = {
    **_LIVE,
    "any tag": re.compile(r"<[A-Za-z!/?]"),
}


def live_markup(text: str, *, mode: str = "markdown") -> list[str]:
    """What in a string would render as an image, link, LaTeX, HTML or autolink.

    ``mode`` is how Streamlit draws it: "markdown" (backslash-escaped characters are dropped
    first: they show as themselves), "markdown+html" (an ``unsafe_allow_html`` block the app
    wrote: its own tags are fine, but no image, link, script or ``$`` may be in it) or
    "html" (``st.html``: never Markdown, so only a real tag counts).
    """
    if mode == "html":
        return ["html tag"] if _LIVE["html tag"].search(text) else []
    plain = _ESCAPED.sub("", text)
    checks = _LIVE if mode == "markdown+html" else _LIVE_TEXT
    return [name for name, pattern in checks.items() if pattern.search(plain)]


def hostile_csv(students: int = 12) -> bytes:
    """A long csv whose student, class, teacher, skill, assessment and window names are the
    payloads; two windows, enough students for every number to show."""
    rows = []
    windows = [(f"Fall {HTML}", "2025-09-20", 0), (f"Winter {LATEX}", "2026-01-25", 1)]
    for i in range(students * 2):
        cls = f"{IMAGE} {i % 2}"
        teacher = f"Ms {LINK}" if i % 2 else f"Mr {HTML}"
        for term, date, w in windows:
            for k, skill in enumerate(PAYLOADS):
                score = 40 + (i * 7 + k * 13 + w * 9) % 60
                rows.append([f"H{i:03d}", f"{PAYLOADS[i % 4]} {i}", "3", cls, teacher,
                             f"Check {LATEX}", term, date, f"{skill} skill", score])
    frame = pd.DataFrame(rows, columns=["StudentID", "Student", "Grade", "Class", "Teacher",
                                        "Assessment", "Term", "Date", "Skill", "Score"])
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


HOSTILE_MAPPING = """
[assessment]
name_column = "Assessment"
[columns]
student_id = "StudentID"
student_name = "Student"
grade = "Grade"
class = "Class"
teacher = "Teacher"
term = "Term"
date = "Date"
[scores]
layout = "long"
skill = "Skill"
score = "Score"
kind = "percent"
proficient = 0.8
"""

#: The upload's file name (a file name cannot hold "/", so the image's address has none).
FILE_NAME = "![x](http:evil.example) [a](javascript:alert(1)) $$x$$ <img src=x onerror=alert(1)>.csv"
TEAM = f"Team {IMAGE}"


def load_hostile_school(db: Database) -> int:
    """Import the hostile csv (hostile file and team name too) and give it a goal whose every
    piece of text is a payload, with an action, feedback, a signpost and a priority, posted
on the goal board.
    Returns the goal's id."""
    from collabplan.goals import actions, feedback, model, priorities, signposts
    from collabplan.ingest import load
    from collabplan.ingest.mapping import Mapping

    mapping = Mapping.from_toml(HOSTILE_MAPPING, name="hostile")
    load.import_file(db, hostile_csv(), FILE_NAME, mapping, team=TEAM, uploaded_by=f"Mx {LINK}")
    load.save_mapping(db, f"Saved {IMAGE}", mapping)
    admin_id = int(db.scalar("SELECT min(id) FROM administration"))
    skill = f"{IMAGE} skill"
    team_id = int(db.scalar("SELECT id FROM team WHERE name = ?", [TEAM]))
    other_team = int(db.scalar("INSERT INTO team (name) VALUES (?) RETURNING id", [f"Other {HTML}"]))
    priority_id = priorities.add_priority(db, f"Priority {LATEX}", f"Means {LINK}")
    goal_id = model.create_goal(
        db, team_id=team_id, assessment_id=int(db.scalar("SELECT min(id) FROM assessment")),
        skill=skill, metric="pct_below_proficient", baseline_administration_id=admin_id,
        population={},
    )
    model.update_goal(db, goal_id, by_team_id=team_id, why=f"Why {IMAGE}\n# {LATEX}",
                      priority_id=priority_id, target_value=10.0,
                      target_date=dt.date.today() + dt.timedelta(days=200),
                      what_worked=f"Worked {HTML}", next_step=f"Next {LINK}")
    actions.add_action(db, goal_id, what=f"Do {IMAGE}", who=f"Who {LATEX}")
    feedback.add_feedback(db, goal_id, other_team, "suggestion", f"Try {HTML} {IMAGE}")
    signposts.add_signpost(db, goal_id, dt.date.today() + dt.timedelta(days=5),
                           how_going=f"Going {LATEX}", resources=f"Needs {LINK}")
    model.set_status(db, goal_id, "refined", by_team_id=team_id)
    model.set_status(db, goal_id, "active", by_team_id=team_id, note=f"posted {HTML}")
    return goal_id
