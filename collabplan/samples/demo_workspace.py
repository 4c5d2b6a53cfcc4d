"""The demo school's planning workspace: a plausible, partly completed vision, teams with
norms and an agenda, a theory of action, and survey rounds (one too small to report).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from collabplan.db import Database
from collabplan.samples.demo_structures import seed_structures
from collabplan.samples.demo_theory import seed_theory
from collabplan.samples.demo_vision import seed_vision
from collabplan.samples.demo_year import seed_year
from collabplan.workspace import survey, teams, theory, vision


def seed_workspace(db: Database, seed: int = 7, today: date | None = None) -> None:
    """Fill a plausible, partly completed workspace for the demo school.

    Uses the teams already in the database (creating two when there are none). Does nothing
    when the workspace already has a vision, so calling it twice is safe. The teams' year
    plans are seeded first (``demo_year``, itself idempotent).
    """
    seed_year(db, today)
    if db.scalar("SELECT count(*) FROM vision") or db.scalar(
        "SELECT count(*) FROM vision_stakeholder"
    ):
        return
    rng = random.Random(seed)
    today = today or date.today()
    for name, role in [
        ("Dr. Alvarez", "Principal"),
        ("Ms. Chen", "Instructional coach"),
        ("Mr. Okafor", "Teacher leader"),
        ("Ms. Patel", "Classroom teacher"),
        ("Mrs. Rivera", "ELL teacher"),
        ("Mr. Brooks", "Parent or family member"),
    ]:
        vision.add_stakeholder(db, name, role)
    vision.save_vision(
        db,
        definition=(
            "Collaborative planning is teachers working together, on protected time and with a "
            "protocol, to plan lessons from evidence of what our students know and can do."
        ),
    )
    ratings = {
        "clear_vision": ("opportunity", "We talk about it but have not written it down."),
        "dedicated_time": ("already_true", "Grade teams have a weekly block."),
        "protocols": ("opportunity", "Some teams use the data protocol; others do not yet."),
        "roles": ("challenging", "Roles are unclear when the coach is absent."),
        "trained_facilitators": ("challenging", None),
        "invested": ("already_true", None),
    }
    for key, (rating, note) in ratings.items():
        vision.rate_criterion(db, key, rating, note)
    for kind, body, themes in [
        ("is", "Looking at student work together before we plan", "student work, planning"),
        ("is", "Everyone brings ideas and takes a turn leading", "shared leadership"),
        ("is", "Protected time that is used for teaching and learning", "time"),
        ("is_not", "Announcements and paperwork", "time"),
        ("is_not", "One person telling others what to do", "shared leadership"),
        ("is_not", "Judging each other's classrooms", "trust"),
        ("matters_most", "Trust to say what is not working", "trust"),
        ("matters_most", "Every student, especially those who struggle", "equity, student work"),
        ("matters_most", "Leaving with a plan we will all use next week", "planning"),
    ]:
        vision.add_note(db, kind, body, themes)
    vision.add_note(db, "is", "Sharing resources")  # not yet tagged
    for value, meaning in [
        ("Trust", "We can say what is not working."),
        ("Equity", "Every student gets what they need to learn."),
        ("Curiosity", "We ask why and look at evidence."),
    ]:
        vision.add_value(db, value, meaning)
    vision.add_draft(
        db,
        "Together we will become a school where every teacher plans with colleagues and every "
        "student is seen, challenged and supported.",
        "Ms. Chen",
        ["high_standards", "future", "unifying", "image"],
    )
    vision.add_draft(
        db,
        "All students will read on grade level by 2027 because we plan together with trust.",
        "Mr. Okafor",
        ["high_standards", "future"],
    )
    vision.add_communication(db, today - timedelta(days=20), "Staff meeting", "All staff", "done")
    vision.add_communication(db, today + timedelta(days=10), "Family newsletter", "Families")
    # Two ways in the plan so far: the page shows what is still missing.
    seed_vision(db, today)

    team_rows = teams.teams(db)
    if team_rows.empty:
        teams.add_team(db, "Grade 3 Team", "3", "Reading")
        teams.add_team(db, "Grade 4 Team", "4", "Math")
        team_rows = teams.teams(db)
    supports = {
        "forming": "Coach co-facilitates the first four meetings; norms template provided.",
        "norming": "Facilitator training in the data protocol; monthly check-in with the principal.",
        "performing": "Release time for peer observation.",
    }
    for stage, support in supports.items():
        teams.save_stage_support(db, stage, support)
    staff = [
        "Ms. Patel",
        "Mr. Kim",
        "Ms. Johnson",
        "Mr. Diaz",
        "Ms. Nguyen",
        "Mrs. Lee",
        "Mr. Smith",
        "Ms. Brown",
    ]
    stages = ["norming", "forming", "performing", "forming"]
    for n, (team_id, team_name) in enumerate(
        zip(team_rows["id"].tolist(), team_rows["name"].tolist(), strict=True)
    ):
        if teams.members(db, team_id).empty:  # keep the demo school's own members when it has them
            for person in staff[(2 * n) % len(staff) : (2 * n) % len(staff) + 3]:
                teams.add_member(db, team_id, person, "Teacher")
        teams.save_team_workspace(
            db,
            team_id,
            ["Tuesdays 2:45–3:30", "Thursdays 8:00–8:45"][n % 2],
            45,
            stages[n % len(stages)],
        )
        teams.add_norm(db, team_id, "Start and end on time.", today - timedelta(days=60))
        teams.add_norm(
            db,
            team_id,
            "Assume good intentions and speak from evidence.",
            today - timedelta(days=60),
        )
        if n == 0:
            teams.revisit_norm(db, teams.norms(db, team_id)["id"].iloc[0], on=today - timedelta(days=14))
            goal_ids = teams.team_goals(db, team_id)["id"].tolist()
            names = teams.members(db, team_id)["name"].tolist()
            teams.save_meeting(
                db,
                team_id,
                today - timedelta(days=7),
                facilitator=names[0] if names else None,
                goal_id=goal_ids[0] if goal_ids else None,
                learn=f"{team_name}: finding the main idea in a nonfiction passage.",
                know="Exit ticket on Friday; 3 of 4 correct counts as secure.",
                not_yet="Small-group reteach with a graphic organiser on Monday.",
                already="Compare main ideas across two texts.",
                next_step="Each teacher brings five exit tickets to the next meeting.",
                next_step_who="Everyone",
                next_step_by=today + timedelta(days=2),
            )

    toa = theory.add_theory(db, "Enabling work structures")
    theory.save_theory(
        db,
        toa,
        where_now="Team time is often taken for duty coverage and announcements.",
        where_next="Every team meets weekly for 45 protected minutes focused on student work.",
        why="Teams that meet consistently plan from evidence and lift reading results.",
        barrier="The master schedule puts coverage duties in team time.",
        approach="Rebuild the duty rota so no teacher covers during their team's block.",
        if_we="protect a weekly 45-minute block for every team",
        then_="teams will study student work every week",
        lead_to="more students reading on grade level",
        purpose_vision="Weekly team time that is never taken.",
    )
    seed_theory(db, toa, today)
    theory.add_toa_action(
        db,
        toa,
        "Draft the new duty rota",
        today - timedelta(days=21),
        "Scheduling lead",
        "Rota shared with staff",
        today - timedelta(days=35),
    )
    theory.add_toa_action(
        db,
        toa,
        "Try the rota for six weeks",
        today + timedelta(days=21),
        "All teams",
        "Meeting log shows weekly meetings",
        today - timedelta(days=20),
    )
    theory.add_toa_action(
        db,
        toa,
        "Survey staff on protected time",
        today + timedelta(days=28),
        "Coach",
        "Survey round closed with results",
    )
    theory.set_toa_action_done(db, int(theory.toa_actions(db, toa)["id"].iloc[0]), True)

    # Survey: two closed rounds with enough answers, one small closed round (suppressed), one open.
    def answer(base: float) -> int:
        return max(1, min(5, round(rng.gauss(base, 0.9))))

    plans = [
        ("{month} survey", today - timedelta(days=120), 18, 2.9, True),
        ("{month} survey", today - timedelta(days=60), 16, 3.4, True),
        ("{month} make-up", today - timedelta(days=50), 4, 3.0, True),
        ("{month} survey", today - timedelta(days=3), 6, 3.7, False),
    ]
    for label, opened, people, base, closed in plans:
        round_id = survey.open_round(db, label.format(month=opened.strftime("%B %Y")), opened)
        for _ in range(people):
            survey.submit_survey(
                db,
                round_id,
                {
                    item: answer(base + (0.3 if area == "trust" else 0))
                    for item, (area, _) in survey.SURVEY_ITEMS.items()
                },
            )
        if closed:
            survey.close_round(db, round_id)

    seed_structures(db, today)
