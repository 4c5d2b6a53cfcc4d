"""The command line contract: exit codes, one-line errors, database unchanged on bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from collabplan import cli, cli_goals
from tests import badfiles

BAD = [
    ("empty.csv", badfiles.empty_file),
    ("results.xlsx", badfiles.text_renamed_xlsx),
    ("results.xlsx", badfiles.truncated_xlsx),
    ("results.xlsx", badfiles.not_a_workbook_zip),
    ("results.xlsx", badfiles.empty_sheets_xlsx),
    ("results.xlsx", badfiles.password_protected_xlsx),
    ("results.xls", badfiles.legacy_xls),
    ("results.xlsx", badfiles.entity_bomb_xlsx),
    ("results.xlsx", badfiles.external_entity_xlsx),
    ("results.csv", badfiles.binary_renamed_csv),
    ("results.csv", badfiles.undecodable_csv),
]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def db_state(db_path: Path) -> dict[str, int]:
    from collabplan import db as db_module

    db = db_module.connect(db_path)
    return {t: db.scalar(f"SELECT count(*) FROM {t}") for t in ("upload", "student", "score")}  # noqa: S608 (fixed names)


@pytest.fixture
def seeded(db_path: Path, tmp_path: Path, capsys) -> Path:
    good = tmp_path / "good.xlsx"
    good.write_bytes(badfiles.good_xlsx())
    code, _, err = run(capsys, "import", str(good), "--db", str(db_path))
    assert code == 0, err
    return db_path


@pytest.mark.parametrize(("name", "make"), BAD, ids=[m.__name__ for _, m in BAD])
def test_bad_file_exits_2_with_one_line_and_changes_nothing(seeded, tmp_path, capsys, name, make):
    before = db_state(seeded)
    path = tmp_path / name
    path.write_bytes(make())
    code, out, err = run(capsys, "import", str(path), "--db", str(seeded), "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.strip()
    assert db_state(seeded) == before


def test_import_json_is_one_object_per_file_and_a_second_import_is_a_duplicate(
    db_path, tmp_path, capsys
):
    good = tmp_path / "good.xlsx"
    good.write_bytes(badfiles.good_xlsx())
    code, out, _ = run(capsys, "import", str(good), "--db", str(db_path), "--json")
    first = json.loads(out)
    assert code == 0 and first["duplicate"] is False and first["students"] == 3
    assert set(first) >= {
        "upload_id",
        "assessment",
        "administrations",
        "students",
        "scores",
        "skills",
        "warnings",
        "duplicate",
    }
    code, out, _ = run(capsys, "import", str(good), "--db", str(db_path), "--json")
    assert json.loads(out)["duplicate"] is True and db_state(db_path)["upload"] == 1


def test_no_score_columns_says_which_mapping_keys_to_give(db_path, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_text("Name,Colour\nAna,blue\n")
    code, _, err = run(capsys, "import", str(path), "--db", str(db_path))
    assert code == 2 and "[scores]" in err and err.count("\n") == 1


def test_missing_file_and_bad_arguments_exit_2(db_path, capsys):
    assert run(capsys, "import", "/no/such/file.csv", "--db", str(db_path))[0] == 2
    assert run(capsys, "skills", "--by", "colour", "--db", str(db_path))[0] == 2
    assert run(capsys, "uploads", "delete", "99", "--db", str(db_path))[0] == 2
    code, _, err = run(capsys, "goal", "add", "--team", "T", "--db", str(db_path))
    assert code == 2 and err.count("\n") == 1


def test_uploads_delete_undoes_an_import(seeded, capsys):
    code, out, _ = run(capsys, "uploads", "--db", str(seeded), "--json")
    uploads = json.loads(out)
    assert code == 0 and len(uploads) == 1
    code, out, _ = run(capsys, "uploads", "delete", str(uploads[0]["id"]), "--db", str(seeded))
    assert code == 0 and "Undid upload" in out
    assert db_state(seeded) == {"upload": 0, "student": 0, "score": 0}


def test_skills_by_class_names_the_column(seeded, capsys):
    code, out, _ = run(capsys, "skills", "--db", str(seeded), "--json", "--by", "grade")
    rows = json.loads(out)
    assert code == 0 and rows and all("grade" in r for r in rows)


def test_where_filters_parse_and_refuse_unknown_keys():
    assert cli_goals.parse_where(["grade=3", "group=ELL"]) == {"grade": "3", "group": "ELL"}
    with pytest.raises(cli.UsageError):
        cli_goals.parse_where(["colour=blue"])


def test_a_locked_database_exits_2_with_an_explanation(db_path, capsys, monkeypatch):
    from collabplan import db as db_module

    def busy(path=None):
        raise db_module.DatabaseBusyError(
            f"{path}: the database is open in another program (is the app running?)"
        )

    monkeypatch.setattr(db_module, "connect", busy)
    code, _, err = run(capsys, "skills", "--db", str(db_path))
    assert code == 2 and "app running" in err


def test_skills_json_gives_null_for_an_undated_administration(db_path, capsys):
    csv = db_path.parent / "state.csv"
    csv.write_text(
        "Local Student ID,Admin,Claim 1\n"
        + "".join(f"{100 + i},Spring 2026,{'Above' if i % 2 else 'Below'}\n" for i in range(12)),
        encoding="utf-8",
    )
    mapping = db_path.parent / "state.toml"
    mapping.write_text(
        '[assessment]\nname = "State ELA"\n[columns]\nstudent_id = "Local Student ID"\n'
        'term = "Admin"\n[scores]\nlayout = "wide"\ncolumns = ["Claim 1"]\nkind = "level"\n'
        'levels = ["Below", "Above"]\nproficient = "Above"\n',
        encoding="utf-8",
    )
    assert cli.main(["import", str(csv), "--db", str(db_path), "--mapping", str(mapping)]) == 0
    capsys.readouterr()
    assert cli.main(["skills", "--db", str(db_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["term"], r["date"], r["students"], r["pct_proficient"]) for r in rows] == [
        ("Spring 2026", None, 12, 50.0)
    ]


def test_source_to_read_is_the_mapping_source_read_on_its_own(tmp_path):
    def source(text: str):
        path = tmp_path / "m.toml"
        path.write_text(text, encoding="utf-8")
        return cli._source_to_read(str(path))

    def sheets(text: str):
        found = source(text)
        return found if found is cli._UNKNOWN else found["sheets"]

    assert cli._source_to_read(None) == {"sheets": "*", "delimiter": None, "encoding": None}
    assert sheets('[source]\nsheet = "Results"\n') == "Results"
    assert sheets('[source]\nsheet = ["A", "B"]\n') == ["A", "B"]
    assert sheets("[columns]\nstudent_id = 'ID'\n") is None
    assert source('[source]\ndelimiter = "^"\nencoding = "cp1252"\n') == {
        "sheets": None, "delimiter": "^", "encoding": "cp1252"
    }
    # anything else waits for the whole mapping to be read
    assert sheets("[source]\nsheet = [1, 2]\n") is cli._UNKNOWN
    assert source("[source]\ndelimiter = 5\n") is cli._UNKNOWN
    assert sheets("[source\n") is cli._UNKNOWN
    assert cli._source_to_read(str(tmp_path / "missing.toml")) is cli._UNKNOWN


# Run in a fresh interpreter: the parse is forked only in a single-threaded process.
_COUNT_PARSES = """
import sys
from collabplan import cli
from collabplan.ingest import parser
started = []
real = parser.start
def counted(*args, **kwargs):
    started.append(args[2])
    return real(*args, **kwargs)
parser.start = counted
code = cli.main(sys.argv[1:])
import os
try:
    os.waitpid(-1, os.WNOHANG)
    children = "some"
except ChildProcessError:  # none left, running or not waited for
    children = []
print("CHILDREN", children)
print("STARTED", started, "CODE", code)
"""


def test_the_import_uses_the_parse_it_started_before_the_mapping_loaded(db_path, tmp_path):
    import subprocess
    import sys

    good = tmp_path / "good.xlsx"
    good.write_bytes(badfiles.good_xlsx())
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[source]\nsheet = "Results"\n[assessment]\nname = "Quiz"\ndate = "2025-10-01"\n'
        '[columns]\nstudent_id = "ID"\nstudent_name = "Student"\n[scores]\ncolumns = ["Q1"]\nmax = 4\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _COUNT_PARSES,
            "import",
            str(good),
            "--db",
            str(db_path),
            "--mapping",
            str(mapping),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[0])["students"] == 3
    assert done.stdout.splitlines()[-1] == "STARTED ['Results'] CODE 0"  # one parse, not two


def test_an_import_that_fails_leaves_no_child_process(db_path, tmp_path):
    import subprocess
    import sys

    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(badfiles.good_xlsx())
    bad.write_bytes(badfiles.far_away_cell_hidden_xlsx())
    done = subprocess.run(
        [sys.executable, "-c", _COUNT_PARSES, "import", str(good), str(bad), "--db", str(db_path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr  # (the script's own exit; cli.main returned 2)
    assert "reader stopped: signal" in done.stderr
    lines = done.stdout.splitlines()
    assert lines[-2] == "CHILDREN []" and lines[-1] == "STARTED ['*', '*'] CODE 2"


# -- student identity and scores already stored (import --update-students) -----------------
def _write(tmp_path: Path, generated) -> str:
    path = tmp_path / generated.file_name
    path.write_bytes(generated.data)
    return str(path)


def test_import_of_other_students_on_known_ids_exits_2_until_update_students(demo_db, db_path, tmp_path, capsys):
    from tests.identity_files import other_school_grade4

    results, roster = other_school_grade4()
    files = [_write(tmp_path, results), _write(tmp_path, roster)]
    demo_db.close()
    before = db_state(db_path)
    code, out, err = run(capsys, "import", *files, "--db", str(db_path), "--json")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--update-students" in err and "StudentsBySchool_Hillside.csv" in err
    assert db_state(db_path) == before
    code, out, err = run(capsys, "import", *files, "--db", str(db_path), "--json", "--update-students")
    assert code == 0, err
    roster_json = json.loads(out.splitlines()[1])
    assert any("already exist with another name" in w for w in roster_json["warnings"])


def test_import_of_the_same_scores_in_other_bytes_is_a_duplicate_and_later_scores_count(
    db_path, tmp_path, capsys
):
    first, resaved, corrected = (tmp_path / n for n in ("quiz.csv", "quiz copy.csv", "quiz fixed.csv"))
    first.write_text("Student ID,Student,Score\n1,Ava Lee,50%\n2,Ben Ode,90%\n")
    resaved.write_text("Student ID,Student,Score\r\n2,Ben Ode,0.9\r\n1,Ava Lee,0.5\r\n")
    corrected.write_text("Student ID,Student,Score\n1,Ava Lee,85%\n2,Ben Ode,90%\n")
    mapping = tmp_path / "quiz.toml"
    mapping.write_text(
        '[assessment]\nname = "Quiz"\ndate = "2025-10-01"\n[columns]\nstudent_id = "Student ID"\n'
        'student_name = "Student"\n[scores]\ncolumns = ["Score"]\nkind = "percent"\n'
    )
    args = ("--db", str(db_path), "--mapping", str(mapping), "--json")
    code, out, err = run(capsys, "import", str(first), *args)
    assert code == 0, err
    code, out, err = run(capsys, "import", str(resaved), *args)
    again = json.loads(out)
    assert code == 0 and again["duplicate"] is True
    assert again["warnings"] == ["same scores as upload 1 (quiz.csv); nothing was added"]
    assert db_state(db_path)["upload"] == 1

    def pct() -> float:
        code, out, _ = run(capsys, "skills", "--db", str(db_path), "--json")
        return json.loads(out)[0]["pct_proficient"]

    assert pct() == 50.0
    code, out, err = run(capsys, "import", str(corrected), *args)
    later = json.loads(out)
    assert code == 0 and later["duplicate"] is False
    assert any(w.startswith("1 stored score for the same student") for w in later["warnings"])
    assert pct() == 100.0
    run(capsys, "uploads", "delete", str(later["upload_id"]), "--db", str(db_path))
    assert pct() == 50.0
def test_goals_json_gives_the_baseline_in_force_and_today_s(demo_db, db_path, capsys):
    demo_db.close()
    code, out, _ = run(capsys, "goals", "--db", str(db_path), "--json")
    goals = json.loads(out)
    assert code == 0 and goals
    for g in goals:
        assert set(g["baseline"]) == {"term", "date", "value", "students"}
        assert g["baseline_now"] == {"value": g["baseline"]["value"],
                                     "students": g["baseline"]["students"]}
        assert g["baseline_changed"] is False


def test_an_import_of_overlapping_ids_keeps_posted_baselines_and_says_so(
    demo_db, db_path, samples, capsys
):
    demo_db.close()
    _, out, _ = run(capsys, "goals", "--db", str(db_path), "--json")
    before = {g["id"]: g for g in json.loads(out)}
    results = samples / "nwea_map_CombinedAssessmentResults.csv"
    roster = samples / "nwea_map_StudentsBySchool.csv"
    before_db = db_state(db_path)
    code, out, err = run(capsys, "import", str(results), str(roster), "--db", str(db_path))
    assert code == 2 and "--update-students" in err and db_state(db_path) == before_db
    code, out, _ = run(capsys, "import", str(results), str(roster), "--db", str(db_path),
                       "--update-students")
    assert code == 0
    assert ("note: These files change the baseline of 1 posted goal: "
            "Grade 4 Math · Number and Operations 80% → 52.1%.") in out
    _, out, _ = run(capsys, "goals", "--db", str(db_path), "--json")
    after = {g["id"]: g for g in json.loads(out)}
    changed = [g for g in after.values() if g["baseline_changed"]]
    assert [g["baseline_now"]["value"] for g in changed] == [52.1]
    for gid, g in after.items():
        if before[gid]["lifecycle"] in ("active", "met", "not_met"):
            assert g["baseline"] == before[gid]["baseline"]
    # undoing it names the posted goal whose baseline window it added results to
    _, out, _ = run(capsys, "uploads", "--db", str(db_path), "--json")
    uploads = json.loads(out)
    nwea = next(u for u in uploads if u["file_name"] == results.name)
    code, out, _ = run(capsys, "uploads", "delete", str(nwea["id"]), "--db", str(db_path), "--json")
    done = json.loads(out)
    assert code == 0 and [g["goal"] for g in done["goals"]] == [
        "Grade 4 Math · Number and Operations"]
    roster_id = next(u["id"] for u in uploads if u["file_name"] == roster.name)
    assert run(capsys, "uploads", "delete", str(roster_id), "--db", str(db_path))[0] == 0
    _, out, _ = run(capsys, "goals", "--db", str(db_path), "--json")
    assert not any(g["baseline_changed"] for g in json.loads(out))


def test_import_json_lists_baseline_changes(demo_db, db_path, samples, capsys):
    demo_db.close()
    results = samples / "nwea_map_CombinedAssessmentResults.csv"
    code, out, _ = run(capsys, "import", str(results), "--db", str(db_path), "--json")
    [obj] = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert code == 0
    [change] = obj["baseline_changes"]
    assert change["baseline"]["value"] == 80.0 and change["after"]["value"] == 50.0


def test_uploads_delete_names_the_posted_goals_it_takes_the_baseline_from(
    demo_db, db_path, capsys
):
    from collabplan.goals.impact import goals_using_upload

    base_upload = next(u for (u,) in demo_db.rows("SELECT id FROM upload ORDER BY id")
                       if any(g["baseline"] for g in goals_using_upload(demo_db, u)))
    demo_db.close()
    code, out, _ = run(capsys, "uploads", "delete", str(base_upload), "--db", str(db_path))
    assert code == 0
    first, second = out.splitlines()[:2]
    assert first.startswith("Undoing this removes the baseline of ")
    assert second.startswith("Undid upload")


# -- how sure detection was, and the question when nothing fits ---------------------------------
def test_import_json_says_which_mapping_was_used_and_how_sure(db_path, tmp_path, capsys):
    from tests.real_layouts import layout_csv

    good = tmp_path / "good.xlsx"
    good.write_bytes(badfiles.good_xlsx())
    star = tmp_path / "SR_v2.csv"
    star.write_bytes(layout_csv("star_sr_v2"))
    code, out, err = run(capsys, "import", str(good), str(star), "--db", str(db_path), "--json")
    assert code == 0, err
    tracker, preset = (json.loads(line) for line in out.splitlines())
    assert tracker["mapping"] == "tracker" and tracker["confidence"] in ("high", "medium")
    assert 0 < tracker["confidence_score"] <= 1
    assert preset["mapping"] == "renaissance_star" and preset["confidence"] == "high"
    assert preset["runner_up"] is None or preset["runner_up"]["confidence_score"] < preset["confidence_score"]


def test_import_json_with_a_given_mapping_names_it_and_detects_nothing(db_path, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(badfiles.good_xlsx())
    mapping = tmp_path / "quiz.toml"
    mapping.write_text('[columns]\nstudent_name = "Student"\n[scores]\ncolumns = ["Q1"]\nmax = 4\n')
    code, out, err = run(capsys, "import", str(good), "--mapping", str(mapping), "--db", str(db_path), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["mapping"] == "quiz" and result["confidence"] is None


def test_plain_import_says_how_the_file_was_read(db_path, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(badfiles.good_xlsx())
    code, out, _ = run(capsys, "import", str(good), "--db", str(db_path))
    assert code == 0
    assert "  read as: Teacher tracker (detected), high confidence (" in out


#: ids and metadata only, in an export's words: no layout fits (every real layout now has a preset)
META_ONLY = "StudentID,District_StateID,TestStartDate,TestDurationMinutes,Grade,SchoolName\n" + "".join(
    f"{100 + i},4401,10/14/2025,{40 + i},3,Bonsai\n" for i in range(5)
)


@pytest.mark.parametrize("layout", ["meta_only"])
def test_a_file_no_layout_fits_exits_2_with_the_question(db_path, tmp_path, capsys, layout):
    path = tmp_path / f"{layout}.csv"
    path.write_text(META_ONLY)
    before = db_state(db_path)
    code, out, err = run(capsys, "import", str(path), "--db", str(db_path), "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "Which column is the student (id or name), and which columns are scores?" in err
    assert "--mapping" in err and "docs/mapping.md" in err
    assert db_state(db_path) == before


@pytest.mark.parametrize(("layout", "preset"), [("nwea_combined_2021", "nwea_map_combined"),
                                              ("nwea_results_2021", "nwea_map_results_2021")])
def test_nwea_2021_files_import_with_their_preset_named_in_json(db_path, tmp_path, capsys, layout, preset):
    from tests.real_layouts import layout_csv

    path = tmp_path / f"{layout}.csv"
    path.write_bytes(layout_csv(layout))
    code, out, err = run(capsys, "import", str(path), "--db", str(db_path), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["mapping"] == preset and result["scores"] > 0 and result["confidence"] == "high"


def test_ids_and_metadata_only_exit_2_with_the_question(db_path, tmp_path, capsys):
    path = tmp_path / "meta.csv"
    path.write_text(
        "StudentID,TestStartDate,TestDurationMinutes,District_StateID,Goal1StdErr\n"
        + "".join(f"{100 + i},10/14/2025,{40 + i},4401,3.{i}\n" for i in range(5))
    )
    code, _, err = run(capsys, "import", str(path), "--db", str(db_path))
    assert code == 2 and "which columns are scores?" in err and err.count("\n") == 1


def test_import_says_how_many_rows_were_filtered_replaced_by_a_retest_or_undated(
    db_path, tmp_path, capsys
):
    mapping = tmp_path / "star.toml"
    mapping.write_text(
        '[columns]\nstudent_id = "StudentIdentifier"\ndate = "CompletedDate"\n'
        '[scores]\ncolumns = ["ScaledScore"]\nmax = 1400\nretest = "latest"\n'
        '[scores.skill_from_filename]\nSR = "Star Reading"\nSM = "Star Math"\n'
        '[filter]\nAssessmentStatus = "!Deactivated"\n'
        "[terms]\nFall = [8, 11]\nWinter = [12, 2]\nSpring = [3, 7]\n"
    )
    data = tmp_path / "SR_v2.csv"
    data.write_text(
        "StudentIdentifier,CompletedDate,AssessmentStatus,ScaledScore\n"
        "1001,9/12/23 10:39,Active,900\n"
        "1001,9/14/23 09:00,Active,1100\n"
        "1002,9/12/23 10:41,Deactivated,700\n"
        "1002,9/13/23 11:00,Active,1000\n"
        "1003,someday,Active,1200\n"
    )
    code, out, err = run(capsys, "import", str(data), "--db", str(db_path), "--mapping", str(mapping))
    assert code == 0, err
    assert "3 students, 3 scores in 1 skill\n" in out
    assert "note: 1 row filtered out by the mapping's [filter]" in out
    assert 'AssessmentStatus is "Deactivated"' in out
    assert "note: 1 row replaced by a retest" in out and "row 2 by row 3" in out
    assert "note: 1 row with a date in column 'CompletedDate' that could not be read" in out
    assert "'someday' at row 6" in out
    code, out, err = run(
        capsys, "skills", "--db", str(db_path), "--json"
    )
    rows = json.loads(out)
    assert {(r["skill"], r["term"], r["students"]) for r in rows} == {
        ("Star Reading", "Fall", 2),
        ("Star Reading", None, 1),
    }


def test_import_json_warnings_carry_the_counts(db_path, tmp_path, capsys):
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[columns]\nstudent_id = "ID"\ndate = "Date"\n[scores]\ncolumns = ["S"]\nmax = 1\n'
        '[filter]\nStatus = "Active"\n'
    )
    data = tmp_path / "quiz.csv"
    data.write_text("ID,Date,Status,S\n1,2024-03-01,Active,1\n2,2024-03-01,Gone,1\n3,13/13/2024,Active,0\n")
    code, out, err = run(
        capsys, "import", str(data), "--db", str(db_path), "--mapping", str(mapping), "--json"
    )
    assert code == 0, err
    [record] = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert any(w.startswith("1 row filtered out") for w in record["warnings"])
    assert any("could not be read" in w for w in record["warnings"])


# -- skills --by never prints a small group's numbers (ARCHITECTURE.md section 7) ---------------


@pytest.mark.parametrize("by", ["class", "teacher", "group:SPED",
                                "group:Ethnicity: Hispanic or Latino"])
def test_skills_by_prints_no_count_of_fewer_than_ten_nor_one_to_subtract(demo_db, db_path, by, capsys):
    code, out, err = run(capsys, "skills", "--db", str(db_path), "--by", by, "--json")
    assert code == 0, err
    rows = json.loads(out)
    column = by.split(":")[0]
    hidden = [r for r in rows if r["status"] == "suppressed"]
    if "Hispanic" in by:
        assert hidden, "the demo school has few Hispanic or Latino students"
    for r in rows:
        if r["status"] == "suppressed":
            assert r["students"] is r["proficient"] is r["pct_proficient"] is None
        else:
            assert r["students"] >= 10
    # beside a skill's total (`skills` without --by), never exactly one hidden cell
    lines: dict[tuple, list[bool]] = {}
    for r in rows:
        lines.setdefault((r["assessment"], r["term"], r["date"], r["skill"]), []).append(
            r["status"] == "suppressed")
    assert all(sum(cells) != 1 for cells in lines.values())
    if column == "group":
        assert {len(cells) for cells in lines.values()} <= {1, 2}

    code, out, err = run(capsys, "skills", "--db", str(db_path), "--by", by)
    assert code == 0, err
    assert out.count("fewer than 10 students (not shown) suppressed") == len(hidden)
    assert not re.search(r"\(\d+ of [1-9]\)", out)


def test_skills_json_on_a_file_whose_skills_are_all_low_says_lagging(db_path, capsys):
    csv = db_path.parent / "unit3.csv"
    # 20 students, four skills at 30%, 35%, 40% and 45% proficient: none 10 points below
    # the median, every one under the school's floor of 50%
    rows = "".join(
        f"{100 + i},Fall 2026," + ",".join("Met" if i < k else "Not yet" for k in (6, 7, 8, 9))
        + "\n" for i in range(20))
    csv.write_text("Student ID,Window,3.MD.1,3.MD.2,3.MD.3,3.MD.4\n" + rows, encoding="utf-8")
    mapping = db_path.parent / "unit3.toml"
    mapping.write_text(
        '[assessment]\nname = "Unit 3 CFA"\n[columns]\nstudent_id = "Student ID"\n'
        'term = "Window"\n[scores]\nlayout = "wide"\ncolumns = ["3.MD.1", "3.MD.2", "3.MD.3", '
        '"3.MD.4"]\nkind = "level"\nlevels = ["Not yet", "Met"]\nproficient = "Met"\n',
        encoding="utf-8",
    )
    assert cli.main(["import", str(csv), "--db", str(db_path), "--mapping", str(mapping)]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "skills", "--db", str(db_path), "--json")
    assert code == 0 and err == ""
    rows = json.loads(out)
    assert [(r["skill"], r["pct_proficient"], r["status"]) for r in rows] == [
        ("3.MD.1", 30.0, "lagging"), ("3.MD.2", 35.0, "lagging"),
        ("3.MD.3", 40.0, "lagging"), ("3.MD.4", 45.0, "lagging")]
    code, out, _ = run(capsys, "skills", "--db", str(db_path))
    assert code == 0 and "3.MD.1: 30.0% proficient (6 of 20) lagging" in out
