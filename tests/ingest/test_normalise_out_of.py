"""A points cell written "earned / possible" ("4 / 5", "13.5/15"), as Google Forms writes a
quiz score: the number earned out of the cell's own points possible."""

from __future__ import annotations

from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.prepare import prepare


def scores(data: str, mapping: dict) -> dict[str, tuple]:
    p = prepare(data.encode(), "quiz.csv", Mapping.from_dict(mapping))
    return {
        r["local_id"]: (r["points"], r["max_points"], r["proficient"])
        for r in p.scores.to_pylist() if r["item"] is None
    }, p.report


def test_earned_over_possible_cells_give_their_own_points_possible():
    data = "id,Score\n1,4 / 5\n2,13.5/15\n3, 2 / 4 \n4,Absent\n"
    got, report = scores(data, {"columns": {"student_id": "id"},
                                "scores": {"columns": ["Score"], "kind": "points"}})
    assert got == {"1": (4.0, 5.0, True), "2": (13.5, 15.0, True), "3": (2.0, 4.0, False)}
    assert report.ok()


def test_a_plain_number_still_uses_the_mappings_points_possible():
    data = "id,Score\n1,7\n2,9 / 10\n"
    got, _ = scores(data, {"columns": {"student_id": "id"},
                           "scores": {"columns": ["Score"], "kind": "points", "max": 8}})
    assert got == {"1": (7.0, 8.0, True), "2": (9.0, 10.0, True)}


def test_a_cell_that_is_not_two_numbers_is_still_a_problem():
    data = "id,Score\n1,4 / 5\n2,4 / 5 / 6\n3,a / b\n"
    p = prepare(data.encode(), "quiz.csv", Mapping.from_dict(
        {"columns": {"student_id": "id"}, "scores": {"columns": ["Score"], "kind": "points"}}))
    got = {r["local_id"] for r in p.scores.to_pylist() if r["item"] is None and r["points"] is not None}
    assert got == {"1"}
    assert any(w.startswith("2 scores were not numbers") and "'4 / 5 / 6'" in w
               for w in p.report.warnings)


def test_a_level_scale_is_not_read_as_earned_over_possible():
    data = "id,Band\n1,1/2\n2,2/2\n"
    got, _ = scores(data, {"columns": {"student_id": "id"},
                           "scores": {"columns": ["Band"], "kind": "level", "levels": ["1/2", "2/2"],
                                      "proficient": "2/2"}})
    assert {k: v[2] for k, v in got.items()} == {"1": False, "2": True}


def test_only_columns_with_a_slash_are_split_and_others_keep_the_mappings_max():
    data = "id,Q1,Q2\n1,Absent,3 / 4\n2,2,1/4\n"
    p = prepare(data.encode(), "quiz.csv", Mapping.from_dict(
        {"columns": {"student_id": "id"},
         "scores": {"columns": ["Q1", "Q2"], "kind": "points", "max": 2}}))
    got = {(r["local_id"], r["skill"]): (r["points"], r["max_points"])
           for r in p.scores.to_pylist() if r["item"] is None}
    assert got == {("1", "Q2"): (3.0, 4.0), ("2", "Q1"): (2.0, 2.0), ("2", "Q2"): (1.0, 4.0)}
