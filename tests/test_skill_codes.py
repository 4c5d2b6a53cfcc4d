"""Standard codes at the start of skill names: one standard is one skill across assessments."""

from __future__ import annotations

import pytest

from collabplan.skill_codes import fullest_label, skill_key, standard_code


@pytest.mark.parametrize(("name", "code"), [
    ("RI.7.6", "RI.7.6"),
    ("RI.7.6 Author's point of view", "RI.7.6"),
    ("RI.7.6: Author's point of view", "RI.7.6"),
    ("RI.7.6 - Author's point of view", "RI.7.6"),
    ("RI.7.6. Author's point of view", "RI.7.6"),
    ("RL.3.1", "RL.3.1"),
    ("RL.9-10.1 Cite evidence", "RL.9-10.1"),
    ("L.3.4a Context clues", "L.3.4a"),
    ("3.MD.1 Time to the minute", "3.MD.1"),
    ("3.NF.A.1", "3.NF.A.1"),
    ("K.CC.4 Counting", "K.CC.4"),
    ("HSA-REI.B.3 Solve linear equations", "HSA-REI.B.3"),
    ("MA.3.AR.1.1", "MA.3.AR.1.1"),
    ("ELA.7.R.1.1 Theme", "ELA.7.R.1.1"),
    ("3.4A Place value", "3.4A"),
    ("3.4(A) Place value", "3.4(A)"),
    ("CCSS.ELA-LITERACY.RL.3.1", "RL.3.1"),
    ("CCSS.Math.Content.3.NF.A.1 Unit fractions", "3.NF.A.1"),
])
def test_a_standard_code_at_the_start_of_a_skill_name_is_read(name, code):
    assert standard_code(name) == code


@pytest.mark.parametrize("name", [
    "Vocabulary", "Reading Comprehension: Literature", "High-Frequency Words",
    "Decoding (NWF-WRC)", "4.2 Fractions", "2-digit addition", "Grade 3 Context Clues",
    "Q1", "Star Reading", "", "Author's point of view (RI.7.6)",
])
def test_words_and_plain_numbers_are_not_codes(name):
    assert standard_code(name) is None


def test_mixed_labels_of_one_standard_are_one_skill():
    names = ["RI.7.6", "RI.7.6 Author's point of view", "RI.7.6 – Author's point of view",
             "CCSS.ELA-LITERACY.RI.7.6"]
    assert {skill_key(n) for n in names} == {"code:ri.7.6"}
    assert skill_key("3.4(A) Place value") == skill_key("3.4A")
    # a sub-standard and another grade are other skills
    assert skill_key("RI.7.6a") != skill_key("RI.7.6")
    assert skill_key("RI.8.6") != skill_key("RI.7.6")
    # without a code, the name (case and spaces aside)
    assert skill_key("Vocabulary ") == skill_key("vocabulary") != skill_key("Vocabulary 2")


def test_the_fullest_label_is_shown():
    assert fullest_label(["RI.7.6", "RI.7.6 Author's point of view", "RI.7.6"]) == \
        "RI.7.6 Author's point of view"
    assert fullest_label(["L.7.4  Word meaning", "L.7.4"]) == "L.7.4 Word meaning"
    with pytest.raises(ValueError):
        fullest_label([])
