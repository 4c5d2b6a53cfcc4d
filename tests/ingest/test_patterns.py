"""Mapping and preset patterns run on RE2: nothing runs away, refusals say what to write."""

from __future__ import annotations

import pytest

from collabplan.errors import UserError
from collabplan.ingest.mapping import Mapping, presets
from collabplan.ingest.patterns import MAX_PATTERN_LENGTH, compile_pattern

WIDE = '[columns]\nstudent_id = "ID"\n[scores]\nlayout = "wide"\nkind = "percent"\n'


def test_a_catastrophic_python_pattern_is_linear_under_re2():
    # ^(a+)+$ on 29 letters and a mismatch took Python's re 20 s; RE2 has no backtracking,
    # so the header is answered (no match) without a step per way to split the letters
    rx = compile_pattern(r"^(a+)+$")
    assert rx.search("a" * 29 + "!") is None
    assert rx.search("a" * 10_000 + "!") is None
    assert rx.search("a" * 29) is not None


def test_named_groups_and_ignore_case_read_as_the_normaliser_needs():
    rx = compile_pattern(r"^(?P<skill>.+)_(?P<term>K_Beginning)$", ignore_case=True)
    m = rx.search("lnf_k_beginning")
    assert m is not None and m.group("skill") == "lnf" and m.groupdict()["term"] == "k_beginning"
    assert rx.span(m, "term") == (4, 15)
    assert set(rx.groupindex) == {"skill", "term"}
    assert compile_pattern(r"^(?P<skill>.+)_(?P<term>K_Beginning)$").search("lnf_k_beginning") is None


def test_the_compiled_pattern_is_cached():
    assert compile_pattern(r"^Q\d+$") is compile_pattern(r"^Q\d+$")


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        (r"^(?P<skill>(?!Composite).+) Level$", "look-ahead"),
        (r"(?<!Total )Score$", "look-behind"),
        (r"^(Q)\1$", "back-reference"),
        (r"^(?P<q>Q)(?P=q)$", "back-reference"),
        (r"^(?>Q+)$", "atomic group"),
        (r"^Q{2000}$", "repeat count over 1000"),
        (r"^(?P<skill>.+ Level$", "check brackets"),
    ],
)
def test_a_pattern_re2_refuses_is_one_line_naming_the_construct(pattern, says):
    with pytest.raises(UserError) as info:
        compile_pattern(pattern, where="mapping m: [scores] pattern")
    message = str(info.value)
    assert message.startswith("mapping m: [scores] pattern ")
    assert says in message and "\n" not in message
    assert info.value.kind == "mapping"


def test_a_pattern_over_the_length_cap_is_refused_with_the_cap():
    long = "^(" + "|".join(f"Skill {i}" for i in range(80)) + ")$"
    assert len(long) > MAX_PATTERN_LENGTH
    with pytest.raises(UserError, match=f"limited to {MAX_PATTERN_LENGTH} characters"):
        compile_pattern(long)
    assert compile_pattern(long, max_length=None).search("Skill 79") is not None


def test_the_mapping_refuses_a_look_ahead_when_it_is_read():
    text = WIDE + "pattern = '^(?P<skill>(?!Total).+) Score$'\n"
    with pytest.raises(UserError, match=r"mapping m: \[scores\] pattern uses a look-ahead.*\[scores\] exclude"):
        Mapping.from_toml(text, name="m")


def test_re2_prints_nothing_of_its_own_on_stderr(capfd):
    with pytest.raises(UserError):
        compile_pattern(r"(?=x)unused-pattern-for-stderr")
    assert capfd.readouterr().err == ""


def test_every_shipped_preset_pattern_compiles_under_re2():
    found = [m for m in presets().values() if m.scores and m.scores.pattern]
    assert len(found) >= 8
    for mapping in found:
        named = compile_pattern(mapping.scores.pattern).groupindex.get("skill") is not None
        assert named or mapping.scores.skill or mapping.name == "masteryconnect_tracker"


def test_detection_reads_a_preset_pattern_without_case_under_re2():
    from collabplan.ingest.detect import _wide_columns_present

    scores = presets()["iready_diagnostic_reading"].scores
    assert _wide_columns_present(scores, ["Student ID", "phonics relative placement"])
    assert not _wide_columns_present(scores, ["Student ID", "Phonics Scale Score"])
