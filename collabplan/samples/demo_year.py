"""The demo school's year plans: each team's plan generated from its main goal at the start
of the year (past items marked done), and one staff-meeting share a team added by hand.

Idempotent: the generator adds only keys a goal's plan lacks, and the hand-made share is
matched by team and title, so loading the demo twice adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt

from collabplan.db import Database
from collabplan.year import plan

#: (team, what it shares, days after today): a share the team planned itself, at the first
#: staff meeting (a Wednesday) that many days ahead.
DEMO_SHARES = (
    ("Grade 4 Math", "Our re-teach schedule after each CFA, for grades 3 and 5 to try", 7),
)


def seed_year(db: Database, today: dt.date | None = None) -> int:
    """Generate the year plan of each team's first goal and add the demo's staff-meeting
    shares; returns how many items were added."""
    today = today or dt.date.today()
    added = 0
    for (goal_id,) in db.rows(
        "SELECT min(id) FROM goal GROUP BY team_id ORDER BY min(id)"
    ):
        added += len(plan.generate(db, int(goal_id), today=today, include_past=True,
                                    audited=False))
    for team, what, days in DEMO_SHARES:
        team_id = db.scalar("SELECT id FROM team WHERE name = ?", [team])
        if team_id is None or db.scalar(
            "SELECT count(*) FROM year_item WHERE team_id = ? AND title = ?", [team_id, what]
        ):
            continue
        day = today + dt.timedelta(days=days)
        day += dt.timedelta(days=(plan.STAFF_MEETING_WEEKDAY - day.weekday()) % 7)
        plan.add_share(db, int(team_id), day, what, audited=False)
        added += 1
    return added
