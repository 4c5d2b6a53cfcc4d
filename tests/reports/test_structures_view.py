"""The collaboration structures' report section: the seven with the school's record, the
pairs with where their cycle stands (never a coaching note), the log, all text escaped."""

from __future__ import annotations

from datetime import date

from collabplan.goals import adopt
from collabplan.reports.structures import structures_view
from collabplan.reports.workspace import workspace_sections
from collabplan.workspace import mentoring, share_log, structures


def test_the_section_holds_the_record_pairs_and_log_escaped(db):
    structures.save_record(db, "plc", runs="runs", owner="<b>Dr. A</b> & co",
                           time_text="Tuesdays 2:45–3:30", status="running")
    pair_id = mentoring.add_pair(db, "Ms. Chen", "Mr. Kim", "Hinge questions", date(2026, 1, 5))
    cycle = mentoring.start_cycle(db, pair_id, date(2026, 1, 5))
    mentoring.save_step(db, cycle, "observe", done_on=date(2026, 1, 8),
                        note="Private: questions were yes/no", today=date(2026, 1, 9))
    share_log.add_entry(db, "Exit tickets <in> piles", None, "Sort together", "Staff meeting",
                        date(2026, 1, 20))
    html = str(structures_view(db))
    assert "The school runs 1 of the 7 collaboration structures" in html
    assert "&lt;b&gt;Dr. A&lt;/b&gt; &amp; co" in html and "<b>Dr. A" not in html
    assert "Tuesdays 2:45–3:30" in html and "Not recorded" in html
    assert "Ms. Chen" in html and "Observe: done 8 Jan 2026" in html
    assert "yes/no" not in html  # the pair's note stays with the pair
    assert "Exit tickets &lt;in&gt; piles" in html and "Whole school" in html
    assert dict(workspace_sections(db))["Collaboration structures"] == structures_view(db)


def test_an_empty_school_reads_in_words(db):
    html = str(structures_view(db))
    assert "The school runs 0 of the 7" in html
    assert "No mentoring pairs yet." in html and "Nothing shared yet." in html
    assert "None" not in html and "nan" not in html


def test_the_boards_adoptions_are_in_the_section(demo_db):
    idea = "Teach three Tier 2 words a day with student-friendly definitions"
    adopt.adopt_action(demo_db, int(demo_db.scalar("SELECT id FROM action WHERE what = ?",
                                                     [idea])), 3)
    html = str(structures_view(demo_db))
    assert "Grade 4 Math adopted Grade 3 Reading&#39;s idea" in html
