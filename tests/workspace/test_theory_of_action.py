"""Theory of action: the statement, the decision, its actions and Undo."""

from __future__ import annotations

from datetime import date

import pytest

from collabplan.errors import UserError
from collabplan.workspace import store, theory


def test_theory_statement_reads_if_then_which_will_lead_to(db):
    toa = theory.add_theory(db, "Enabling work structures")
    assert theory.theory_statement(theory.theory(db, toa)) is None
    theory.save_theory(db, toa, if_we="protect team time.", then_="teams study work", lead_to="growth")
    assert theory.theory_statement(theory.theory(db, toa)) == (
        "If we protect team time, then teams study work, which will lead to growth."
    )


def test_theory_decision_must_be_revisit_or_move_on(db):
    toa = theory.add_theory(db, "Orientation to improve")
    with pytest.raises(UserError):
        theory.save_theory(db, toa, decision="give up")
    theory.save_theory(db, toa, results="Meetings held 5 of 6 weeks", decision="next_condition")
    steps = {name: done for name, done, _ in theory.theory_progress(db, toa)}
    assert steps["Impact"] is True and steps["Purpose map"] is False


def test_deleting_a_theory_takes_its_actions_and_undo_brings_both_back(db):
    toa = theory.add_theory(db, "Supportive administration")
    theory.add_toa_action(
        db, toa, "Draft rota", date(2025, 10, 1), "Lead", "Rota shared", date(2025, 9, 1)
    )
    removed = theory.delete_theory(db, toa)
    assert theory.theories(db).empty and theory.toa_actions(db, toa).empty
    store.restore(db, removed)
    assert theory.theory(db, toa)["condition"] == "Supportive administration"
    assert theory.toa_actions(db, toa)["what"].tolist() == ["Draft rota"]


def test_action_start_after_due_date_is_refused(db):
    toa = theory.add_theory(db, "Supportive administration")
    with pytest.raises(UserError, match="after"):
        theory.add_toa_action(db, toa, "Draft", date(2025, 9, 1), starts_on=date(2025, 10, 1))
