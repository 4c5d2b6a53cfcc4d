"""Visioning: criteria, brainstorm themes, statement checks, drafts, values, the communication plan."""

from __future__ import annotations

from datetime import date

import pytest

from collabplan.errors import UserError
from collabplan.workspace import vision


def test_criteria_ratings_list_all_seven_and_save_a_rating_with_notes(db):
    vision.rate_criterion(db, "protocols", "opportunity", "  Some teams use one  ")
    ratings = vision.criteria_ratings(db)
    assert len(ratings) == 7
    row = ratings.set_index("criterion").loc["protocols"]
    assert (row["rating"], row["rating_label"], row["notes"]) == (
        "opportunity",
        "An opportunity",
        "Some teams use one",
    )
    assert ratings["rating"].notna().sum() == 1


def test_rating_a_criterion_again_replaces_it(db):
    vision.rate_criterion(db, "roles", "challenging")
    vision.rate_criterion(db, "roles", "already_true")
    assert vision.criteria_ratings(db).set_index("criterion").loc["roles", "rating"] == "already_true"


def test_rating_rejects_an_unknown_rating(db):
    with pytest.raises(UserError):
        vision.rate_criterion(db, "roles", "maybe")


def test_theme_counts_count_notes_per_theme_by_column_most_first(db):
    vision.add_note(db, "is", "Looking at student work", "Student Work, planning")
    vision.add_note(db, "is_not", "Announcements", "time")
    vision.add_note(db, "matters_most", "Every student", ["student work", " student  work "])
    vision.add_note(db, "is", "Untagged idea")
    counts = vision.theme_counts(db)
    assert counts["theme"].tolist() == ["student work", "planning", "time"]
    top = counts.iloc[0]
    assert (top["notes"], top["is"], top["is_not"], top["matters_most"]) == (2, 1, 0, 1)


def test_tagging_a_note_later_changes_the_counts(db):
    note = vision.add_note(db, "is", "Sharing resources")
    assert vision.theme_counts(db).empty
    vision.tag_note(db, note, "resources")
    assert vision.theme_counts(db)["theme"].tolist() == ["resources"]


def test_statement_check_explains_word_cues_but_only_ticks_count_as_met():
    checks = {
        c.key: c
        for c in vision.check_statement(
            "Together we will become a school where every student is seen.", ticks=["future"]
        )
    }
    assert checks["future"].met and "will" in checks["future"].cues
    assert "Met: the group ticked it" in checks["future"].explanation
    assert not checks["high_standards"].met
    assert checks["high_standards"].cues == ("every",)
    assert "Word cues found: “every”" in checks["high_standards"].explanation
    assert checks["unique"].cues == ()
    assert "no word cues found" in checks["unique"].explanation


def test_statement_check_uses_the_school_name_and_named_values_as_cues():
    checks = {
        c.key: c
        for c in vision.check_statement(
            "Lincoln Elementary plans with curiosity.",
            school_name="Lincoln Elementary",
            values=["Curiosity"],
        )
    }
    assert "lincoln elementary" in checks["unique"].cues
    assert "curiosity" in checks["shared_values"].cues


def test_statement_cues_match_whole_words_not_parts_of_words():
    checks = {c.key: c for c in vision.check_statement("We use a small wellness tally.")}
    # "all" is not in "small", "us" is not in "use", "we" matches as a word.
    assert checks["high_standards"].cues == ()
    assert checks["unifying"].cues == ("we",)


def test_drafts_keep_the_groups_ticks_and_count_criteria_met(db):
    draft = vision.add_draft(
        db, "All students will thrive.", "Ms. Chen", ["future", "bogus", "high_standards"]
    )
    frame = vision.drafts(db)
    assert frame.loc[0, "ticks"] == ["high_standards", "future"]
    assert frame.loc[0, "met"] == 2
    vision.update_draft(db, draft, "All students will thrive together.", "Ms. Chen", ["unifying"])
    checks = {c.key: c for c in vision.draft_checks(db, draft)}
    assert checks["unifying"].met and not checks["future"].met


def test_agreed_statement_and_definition_save_separately(db):
    vision.save_vision(db, definition="Planning together from evidence.")
    vision.save_vision(db, statement="Every child, every day.", agreed_on=date(2025, 10, 1))
    assert vision.vision(db) == {
        "definition": "Planning together from evidence.",
        "statement": "Every child, every day.",
        "agreed_on": date(2025, 10, 1),
    }


def test_communication_plan_needs_three_times_and_three_ways(db):
    vision.add_communication(db, date(2025, 9, 1), "Staff meeting")
    vision.add_communication(db, date(2025, 9, 1), "Newsletter")
    check = vision.check_communication(db)
    assert (check.times, check.ways, check.ok) == (1, 2, False)
    assert "2 more dates" in check.message and "1 more way of sharing" in check.message
    vision.add_communication(db, date(2025, 10, 1), "staff  MEETING")  # same way, new date
    vision.add_communication(db, date(2025, 11, 1), "Hallway display", "Students", "done")
    check = vision.check_communication(db)
    assert (check.times, check.ways, check.done, check.ok) == (3, 3, 1, True)


def test_vision_progress_counts_rated_criteria(db):
    vision.rate_criterion(db, "roles", "challenging")
    steps = {name: (done, detail) for name, done, detail in vision.vision_progress(db)}
    assert steps["Criteria rated"] == (False, "1 of 7 criteria rated")



def test_blank_inputs_are_refused_with_what_to_write(db):
    with pytest.raises(UserError, match="Write the value"):
        vision.add_value(db, "   ")
    with pytest.raises(UserError, match="role"):
        vision.add_stakeholder(db, "Ms. Chen", "")
