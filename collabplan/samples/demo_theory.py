"""The demo school's theory of action in full: the big questions answered, why the barrier
exists, brainstormed approaches with one chosen, the purpose map's people and dated plan, the
feedback plan, and two staff input rounds (one closed with enough answers to show, one open).

Dates are relative to ``today`` and kept inside its school year (as collabplan/samples/demo.py).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from collabplan import config
from collabplan.db import Database
from collabplan.goals.advice import school_year
from collabplan.workspace import staff_input, theory_guide

IDEAS = [
    "Put team time on the master schedule before duties are assigned.",
    "Let teams swap their block with each other when a duty cannot move.",
    "Ask the office to hold announcements for the staff bulletin.",
    "A shared cover list of substitutes for team time.",
    "Start each team meeting with five minutes of student work.",
]


def seed_theory(db: Database, toa_id: int, today: date, seed: int = 11) -> None:
    """Fill the guide's steps for theory ``toa_id`` (already has its statement and actions)."""
    rng = random.Random(seed)
    start, end = school_year(today)

    def within(day: date) -> date:
        return min(max(day, start), end)

    theory_guide.save_answers(db, toa_id, {
        "for_students": "Every student reading on grade level, and teachers who plan together "
                        "every week and feel it is worth their time.",
        "which_condition": "Enabling work structures: our team time is real on paper but is "
                           "often taken for duty coverage and announcements.",
        "if_strong": "Every team meets for 45 minutes each week, starts on time and spends "
                     "the time on student work.",
        "who": "The principal, the scheduling lead, every team's facilitator and the office staff.",
        "how_know": "The meeting log, and the survey's protected-time statements going up.",
    })
    for reason in (
        "Duties were placed on the schedule before team time was.",
        "There are too few adults at lunch and arrival without the teams.",
        "Nobody owns protecting team time when a gap appears.",
    ):
        theory_guide.add_reason(db, toa_id, reason)
    for idea in (
        "Ask the district for one more lunch supervisor.",
        "Move staff announcements to a written weekly bulletin.",
    ):
        theory_guide.add_approach(db, toa_id, idea)
    # the approach saved with the theory is already on the list, chosen
    for who, role in (
        ("Dr. Alvarez (principal)", "Sponsors the change and protects the time"),
        ("Scheduling lead", "Rebuilds the duty rota"),
        ("Team facilitators", "Keep the meeting log and raise any taken block"),
        ("All teaching staff", "Try the rota for six weeks and give feedback"),
    ):
        theory_guide.add_person(db, toa_id, who, role)
    for step, who, starts, due in (
        ("Collect duty needs from the office", "Scheduling lead", -40, -30),
        ("Share the draft rota at the staff meeting", "Principal", None, -14),
        ("Try the new rota", "All teams", -13, 30),
        ("Review the meeting log and staff input", "Leadership team", None, 35),
    ):
        theory_guide.add_plan_step(
            db, toa_id, step, within(today + timedelta(days=due)), who,
            within(today + timedelta(days=starts)) if starts is not None else None)
    theory_guide.save_feedback_plan(
        db, toa_id,
        channel="A short form on the staff page and a box in the staff room",
        anonymity="either",
        timing="Any time during the six weeks; a reminder every other Friday",
        readers="The principal and two teacher leaders",
        respond_within="Within one week of the end of each month",
        shared_how="A 'you said, we did' note in the staff bulletin",
        survey_area="protected_time",
    )

    def rating(base: float) -> int:
        return max(1, min(5, round(rng.gauss(base, 0.9))))

    closed_on = within(today - timedelta(days=45))
    first = staff_input.open_round(db, toa_id, "Before the new rota", closed_on,
                                   within(closed_on + timedelta(days=10)))
    for n in range(config.MIN_GROUP_SIZE + 4):
        staff_input.submit(
            db, first,
            {"strong_now": rating(2.3), "matters": rating(4.2), "my_part": rating(3.4),
             "would_try": rating(4.0)},
            IDEAS[n] if n < len(IDEAS) else None,
        )
    staff_input.close_round(db, first)
    opened = within(today - timedelta(days=5))
    second = staff_input.open_round(db, toa_id, "Halfway through the trial", opened,
                                    within(today + timedelta(days=9)))
    for _ in range(4):
        staff_input.submit(
            db, second,
            {"strong_now": rating(3.4), "matters": rating(4.3), "my_part": rating(3.8),
             "would_try": rating(4.1)},
        )
