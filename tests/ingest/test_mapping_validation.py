"""Every mapping mistake is one line naming the key and what to write; several: one line each."""

from __future__ import annotations

from pathlib import Path

import pytest

from collabplan import cli
from collabplan.errors import UserError
from collabplan.ingest.mapping import Mapping

BASE = '[columns]\nstudent_id = "ID"\n'
WIDE = BASE + '[scores]\nlayout = "wide"\ncolumns = ["Q1"]\n'

#: (what is wrong, the mapping text, the key the message names, words of what to write instead)
MISTAKES = [
    ("negative cut", WIDE + "kind = 'points'\nmax = 4\nproficient = -5\n", "[scores] proficient", "between 0 and 1"),
    ("cut over 100%", WIDE + "kind = 'percent'\nproficient = 150\n", "[scores] proficient", "between 0 and 1"),
    ("cut is nan", WIDE + "kind = 'percent'\nproficient = nan\n", "[scores] proficient", "between 0 and 1"),
    ("infinite max", WIDE + "kind = 'points'\nmax = inf\n", "[scores] max", "number over 0"),
    ("negative max", WIDE + "kind = 'points'\nmax = -4\n", "[scores] max", "number over 0"),
    ("infinite max in a table", WIDE + "kind = 'points'\nmax = {Q1 = inf}\n", "[scores] max", "Q1 must be 0 or more"),
    ("two-character delimiter", '[source]\ndelimiter = "ab"\n' + WIDE, "[source] delimiter", "one character"),
    ("empty delimiter", '[source]\ndelimiter = ""\n' + WIDE, "[source] delimiter", "one character"),
    ("quote as delimiter", "[source]\ndelimiter = '\"'\n" + WIDE, "[source] delimiter", "one character"),
    ("unknown encoding", '[source]\nencoding = "klingon-8"\n' + WIDE, "[source] encoding", '"utf-8"'),
    ("not a text encoding", '[source]\nencoding = "rot13"\n' + WIDE, "[source] encoding", '"cp1252"'),
    ("misspelt key", WIDE + "proficiency = 0.8\n", "[scores] proficiency", "did you mean proficient?"),
    ("unknown section", "[sorce]\nsheet = 'A'\n" + WIDE, "[sorce]", "is not a mapping section"),
    ("row true", "[source]\nheader_row = true\n" + WIDE, "[source] header_row", "row number"),
    ("level cut is a number", WIDE + "kind = 'level'\nlevels = ['Low', 'High']\nproficient = 0.5\n",
     "[scores] proficient", "lowest proficient level"),
    ("look-ahead pattern", BASE + "[scores]\npattern = '^(?!Total).+$'\n", "[scores] pattern", "[scores] exclude"),
    ("pattern too long", BASE + "[scores]\npattern = '" + "Q" * 501 + "'\n", "[scores] pattern", "500 characters"),
]
IDS = [m[0] for m in MISTAKES]


@pytest.mark.parametrize(("why", "text", "key", "instead"), MISTAKES, ids=IDS)
def test_each_mistake_is_one_line_naming_the_key_and_the_fix(why, text, key, instead):
    with pytest.raises(UserError) as info:
        Mapping.from_toml(text, name="m")
    message = str(info.value)
    assert message.startswith(f"mapping m: {key} "), message
    assert instead in message
    assert info.value.kind == "mapping" and info.value.lines == ()


@pytest.mark.parametrize(("why", "text", "key", "instead"), MISTAKES, ids=IDS)
def test_the_command_line_exits_2_with_one_line_per_mistake(
    why, text, key, instead, tmp_path: Path, db_path: Path, capsys
):
    csv = tmp_path / "scores.csv"
    csv.write_text("ID,Q1\n1,3\n2,4\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text(text, encoding="utf-8")
    code = cli.main(["import", str(csv), "--db", str(db_path), "--mapping", str(mapping)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: mapping m: {key} ")
    assert instead in err
    assert not db_path.exists()  # the mapping is read before the database is opened


def test_several_mistakes_are_all_listed_one_line_each(tmp_path: Path, db_path: Path, capsys):
    text = (
        '[source]\ndelimiter = "ab"\nencoding = "nope"\n'
        + WIDE
        + "kind = 'points'\nmax = inf\nproficient = -5\nretest = 'newest'\n"
    )
    with pytest.raises(UserError) as info:
        Mapping.from_toml(text, name="m")
    keys = ["[source] delimiter", "[source] encoding", "[scores] max", "[scores] proficient", "[scores] retest"]
    assert len(info.value.lines) == len(keys)
    for key, line in zip(keys, info.value.lines, strict=True):
        assert line.startswith(f"mapping m: {key} ")
    assert str(info.value).startswith("mapping m has 5 mistakes: [source] delimiter")
    assert "\n" not in str(info.value)

    csv = tmp_path / "scores.csv"
    csv.write_text("ID,Q1\n1,3\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text(text, encoding="utf-8")
    assert cli.main(["import", str(csv), "--db", str(db_path), "--mapping", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"error: {line}" for line in info.value.lines]


@pytest.mark.parametrize(
    ("text", "check"),
    [
        (WIDE + "kind = 'percent'\nproficient = 80\n", lambda m: m.scores.proficient == 0.8),
        (WIDE + "kind = 'percent'\nproficient = 0\n", lambda m: m.scores.proficient == 0.0),
        (WIDE + "kind = 'points'\nmax = 4\nproficient = 1\n", lambda m: m.scores.proficient == 1.0),
        (WIDE + "kind = 'points'\nmax = {Q1 = 0}\n", lambda m: m.scores.max == {"Q1": 0.0}),
        ('[source]\ndelimiter = "\\t"\n' + WIDE, lambda m: m.delimiter == "\t"),
        ("[source]\ndelimiter = '\\t'\n" + WIDE, lambda m: m.delimiter == "\t"),
        ('[source]\nencoding = "latin-1"\n' + WIDE, lambda m: m.encoding == "latin-1"),
        ('[source]\nencoding = "UTF-8-SIG"\n' + WIDE, lambda m: m.encoding == "UTF-8-SIG"),
    ],
)
def test_good_values_still_read(text, check):
    assert check(Mapping.from_toml(text, name="m"))


def test_levels_must_be_named_once_each():
    text = WIDE + "kind = 'level'\nlevels = ['Low', 'High', 'low']\nproficient = 'High'\n"
    with pytest.raises(UserError, match=r"mapping m: \[scores\] levels must name each level once"):
        Mapping.from_toml(text, name="m")


def test_control_characters_in_the_mapping_text_are_removed():
    text = (
        '[assessment]\nname = "Unit\\u0007 4"\n[columns]\nstudent_id = "ID\\u0000"\n'
        '[scores]\nlayout = "wide"\ncolumns = ["Q1\\u001b"]\nskill = "Main\\u000b idea"\n'
    )
    m = Mapping.from_toml(text, name="m")
    assert (m.assessment_name, m.columns["student_id"], m.scores.columns, m.scores.skill) == (
        "Unit 4", "ID", ["Q1"], "Main idea")
