"""The mapping format: parsing, checks that name the key, TOML round trip, shipped presets."""

from __future__ import annotations

from pathlib import Path

import pytest

from collabplan.errors import UserError
from collabplan.ingest.mapping import PRESETS_DIR, Mapping, header_key, load_mapping, presets


def test_every_preset_loads_and_round_trips_through_toml():
    found = presets()
    assert {
        "nwea_map_results",
        "nwea_map_students",
        "canvas_outcome_results",
        "teacher_tracker",
    } <= set(found)
    for name, m in found.items():
        assert Mapping.from_toml(m.to_toml(), name=name) == m
        assert m.label


def test_preset_format_is_documented():
    text = (PRESETS_DIR / "README.md").read_text()
    assert text.startswith("<!--") and "[preset]" in text and "detect" in text


def test_unknown_key_is_named():
    with pytest.raises(UserError, match=r"\[scores\] colums"):
        Mapping.from_toml('[columns]\nstudent_id = "ID"\n[scores]\ncolums = ["Q1"]')


def test_student_column_is_required():
    with pytest.raises(UserError, match="student_id or student_name"):
        Mapping.from_toml('[scores]\ncolumns = ["Q1"]')


def test_level_kind_needs_levels_and_a_known_proficient_level():
    with pytest.raises(UserError, match="levels"):
        Mapping.from_toml(
            '[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["Q1"]\nkind = "level"'
        )
    with pytest.raises(UserError, match="Great"):
        Mapping.from_toml(
            '[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["Q1"]\nlevels = ["Low", "High"]\nproficient = "Great"'
        )


def test_proficient_80_means_80_percent_and_kind_is_inferred():
    m = Mapping.from_toml(
        '[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["Q1"]\nproficient = 80\nmax = 4'
    )
    assert m.scores.proficient == 0.8 and m.scores.resolved_kind() == "points"


def test_bad_toml_and_bad_layout_say_what_to_fix():
    with pytest.raises(UserError, match="TOML"):
        Mapping.from_toml("[columns\n")
    with pytest.raises(UserError, match="layout"):
        Mapping.from_toml('[columns]\nstudent_id = "ID"\n[scores]\nlayout = "tall"')


def test_load_mapping_from_a_path(tmp_path: Path):
    path = tmp_path / "quiz.mapping.toml"
    path.write_text('[columns]\nstudent_name = "Student"\n[scores]\npattern = "^Q"\n')
    m = load_mapping(path)
    assert m.name == "quiz" and m.scores.pattern == "^Q"


def test_headers_compare_without_case_spaces_or_underscores():
    assert header_key(" Student_ID ") == header_key("studentid") == header_key("\ufeffStudent ID")
