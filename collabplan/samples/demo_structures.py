"""The demo school's collaboration structures: a few structures running with owners and
times, two mentoring pairs (one coaching cycle half done, one just planned) and a couple of
"share what works" entries. Adoptions made on the goal board show in the log by themselves.
"""

from __future__ import annotations

from datetime import date, timedelta

from collabplan.db import Database
from collabplan.goals.advice import school_year
from collabplan.workspace import mentoring, share_log, structures


def seed_structures(db: Database, today: date | None = None) -> None:
    """Fill the demo's structures, pairs and log; does nothing when any structure is already
    recorded (so calling it twice is safe). Every date lies inside ``today``'s school year."""
    if db.scalar("SELECT count(*) FROM school_structure") or db.scalar(
        "SELECT count(*) FROM mentoring_pair"
    ):
        return
    today = today or date.today()
    first, last = school_year(today)

    def day(offset: int) -> date:
        """``today`` + ``offset`` days, kept inside the school year (and past days not after today)."""
        return min(max(today + timedelta(days=offset), first), last)

    records = {
        "plc": dict(runs="runs", owner="Dr. Alvarez", time_text="Tuesdays 2:45–3:30",
                    how_often="Weekly", status="running",
                    notes="Every grade team meets; agendas on Teams & norms."),
        "common_planning": dict(
            runs="runs", owner="Mr. Okafor", time_text="Thursdays 8:00–8:45", how_often="Weekly",
            status="needs_attention", next_step="Move bus duty out of the Thursday block",
            next_step_on=day(9), notes="Duty coverage still takes the block about once a month."),
        "mentoring": dict(runs="runs", owner="Ms. Chen", time_text="Wednesdays after school",
                          how_often="A cycle every three to four weeks", status="starting",
                          notes="Two pairs this year; new teachers first."),
        "relationships": dict(runs="planning", owner="Mrs. Rivera",
                              how_often="Once a month", status="not_started",
                              next_step="Mixed-team pairs to open the staff meeting",
                              next_step_on=day(12)),
        "community": dict(runs="not_now", notes="After the family newsletter goes out."),
        "distributed": dict(runs="runs", owner="Mr. Okafor",
                            time_text="First staff meeting of the month", how_often="Monthly",
                            status="starting",
                            notes="Each team brings one thing that worked."),
    }
    for key, values in records.items():
        structures.save_record(db, key, **values, audited=False)

    first_pair = mentoring.add_pair(db, "Ms. Chen", "Ms. Nguyen", "Checking for understanding",
                                    day(-30), audited=False)
    cycle = mentoring.start_cycle(db, first_pair, day(-20), audited=False)
    mentoring.save_step(db, cycle, "observe", day(-16), day(-16),
                        "Watched the mini-lesson; most exit questions were yes/no.", today=today, audited=False)
    mentoring.save_step(db, cycle, "reflect", day(-13), day(-13),
                        "Agreed to try hinge questions with mini whiteboards.", today=today, audited=False)
    mentoring.save_step(db, cycle, "set_goal", day(2), note="One hinge question every lesson.",
                        today=today, audited=False)
    mentoring.save_step(db, cycle, "follow_up", day(16), today=today, audited=False)

    second_pair = mentoring.add_pair(db, "Mr. Okafor", "Mr. Diaz", "Small-group reading", day(-7),
                                   audited=False)
    cycle = mentoring.start_cycle(db, second_pair, day(-2), audited=False)
    mentoring.save_step(db, cycle, "observe", day(5), today=today, audited=False)

    team_ids = [int(t) for (t,) in db.rows("SELECT id FROM team ORDER BY id")]
    share_log.add_entry(
        db, "Exit tickets sorted into three piles before planning the reteach",
        team_ids[0] if team_ids else None,
        "Bring five exit tickets each; sort them together in ten minutes.",
        "Staff meeting", day(-21), audited=False)
    share_log.add_entry(
        db, "A two-minute 'what worked this week' round to close each team meeting",
        team_ids[1] if len(team_ids) > 1 else None,
        "Add it as the last agenda line; the facilitator writes one line here.",
        "Leadership team", day(-6), audited=False)
