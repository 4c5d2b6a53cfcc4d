"""The collaboration-health survey: anonymity, suppression, closed rounds, Undo."""

from __future__ import annotations

from datetime import date

import pytest

from collabplan import config
from collabplan.errors import UserError
from collabplan.workspace import store, survey


def all_answers(value: int) -> dict[str, int]:
    return {item: value for item in survey.SURVEY_ITEMS}


def test_survey_stores_no_respondent_no_time_and_no_individual_rows(db):
    round_id = survey.open_round(db, "Fall", date(2025, 10, 1))
    survey.submit_survey(db, round_id, all_answers(4))
    columns = set(db.query("SELECT * FROM survey_tally LIMIT 0").columns)
    assert columns == {"round_id", "item", "value", "answers"}
    round_columns = set(db.query("SELECT * FROM survey_round LIMIT 0").columns)
    assert not {c for c in round_columns if "time" in c or "who" in c or "user" in c}
    # Only counters: one row per (item, value) whether 1 or 100 people answered.
    before = db.scalar("SELECT count(*) FROM survey_tally")
    survey.submit_survey(db, round_id, all_answers(2))
    assert db.scalar("SELECT count(*) FROM survey_tally") == before == len(survey.SURVEY_ITEMS) * 5


def test_submit_survey_returns_nothing_that_could_identify_the_response(db):
    round_id = survey.open_round(db, "Fall")
    assert survey.submit_survey(db, round_id, all_answers(3)) is None


def test_survey_results_hide_open_rounds(db):
    round_id = survey.open_round(db, "Fall")
    for _ in range(config.MIN_GROUP_SIZE + 2):
        survey.submit_survey(db, round_id, all_answers(4))
    assert survey.survey_results(db).empty and survey.survey_area_results(db).empty
    survey.close_round(db, round_id)
    assert not survey.survey_results(db).empty


def test_survey_results_are_suppressed_under_the_minimum_group_size(db):
    round_id = survey.open_round(db, "Fall")
    for _ in range(config.MIN_GROUP_SIZE - 1):
        survey.submit_survey(db, round_id, all_answers(5))
    survey.close_round(db, round_id)
    for frame in (survey.survey_results(db), survey.survey_area_results(db)):
        assert frame["suppressed"].all()
        assert frame["mean"].isna().all() and frame["pct_agree"].isna().all()
        assert (frame["n"] == config.MIN_GROUP_SIZE - 1).all()


def test_survey_results_give_aggregates_with_n_at_the_minimum_group_size(db):
    round_id = survey.open_round(db, "Fall")
    for n in range(config.MIN_GROUP_SIZE):
        survey.submit_survey(db, round_id, all_answers(5 if n < 4 else 2))
    survey.close_round(db, round_id)
    items = survey.survey_results(db)
    assert len(items) == len(survey.SURVEY_ITEMS)
    first = items.iloc[0]
    assert first["item"] == "trust_safe" and first["area_label"] == "Trust"
    assert first["n"] == 10 and not first["suppressed"]
    assert first["mean"] == pytest.approx((4 * 5 + 6 * 2) / 10)
    assert first["pct_agree"] == pytest.approx(40.0)
    areas = survey.survey_area_results(db)
    assert areas["area"].tolist() == list(survey.SURVEY_AREAS)
    assert (areas["n"] == 10).all()


def test_latest_statement_results_skip_suppressed_rounds(db):
    big = survey.open_round(db, "Fall", date(2025, 10, 1))
    for _ in range(config.MIN_GROUP_SIZE):
        survey.submit_survey(db, big, all_answers(4))
    survey.close_round(db, big)
    small = survey.open_round(db, "Winter", date(2026, 1, 10))
    survey.submit_survey(db, small, all_answers(1))
    survey.close_round(db, small)
    label, rows = survey.latest_statement_results(db)
    assert label == "Fall" and len(rows) == len(survey.SURVEY_ITEMS)
    assert (rows["mean"] == 4.0).all()


def test_survey_results_never_carry_per_person_columns(db):
    round_id = survey.open_round(db, "Fall")
    for _ in range(12):
        survey.submit_survey(db, round_id, all_answers(4))
    survey.close_round(db, round_id)
    for frame in (survey.survey_results(db), survey.survey_area_results(db)):
        assert not {"value", "answers", "respondent"} & set(frame.columns)


def test_closed_round_takes_no_more_answers(db):
    round_id = survey.open_round(db, "Fall")
    survey.close_round(db, round_id)
    with pytest.raises(UserError, match="closed"):
        survey.submit_survey(db, round_id, all_answers(3))


def test_incomplete_or_out_of_scale_answers_are_refused_and_nothing_counted(db):
    round_id = survey.open_round(db, "Fall")
    partial = all_answers(3)
    partial.pop("cte_lift")
    with pytest.raises(UserError, match="Answer every statement"):
        survey.submit_survey(db, round_id, partial)
    with pytest.raises(UserError):
        survey.submit_survey(db, round_id, {**all_answers(3), "cte_lift": 6})
    assert survey.rounds(db).loc[0, "responses"] == 0
    assert db.scalar("SELECT sum(answers) FROM survey_tally") == 0


def test_round_names_are_unique(db):
    survey.open_round(db, "Fall")
    with pytest.raises(UserError, match="already"):
        survey.open_round(db, "fall")


def test_deleting_a_round_can_be_undone_with_its_counts(db):
    round_id = survey.open_round(db, "Fall")
    survey.submit_survey(db, round_id, all_answers(4))
    removed = survey.delete_round(db, round_id)
    assert survey.rounds(db).empty and db.scalar("SELECT count(*) FROM survey_tally") == 0
    store.restore(db, removed)
    assert survey.rounds(db).loc[0, "responses"] == 1
    assert db.scalar("SELECT sum(answers) FROM survey_tally") == len(survey.SURVEY_ITEMS)
