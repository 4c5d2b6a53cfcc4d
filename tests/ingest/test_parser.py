"""The guarded child process: crashes, memory and time limits become one line naming the file."""

from __future__ import annotations

import os

import pytest

from collabplan.errors import UserError
from collabplan.ingest import parser
from collabplan.ingest.read import read_upload
from tests import badfiles


def slow_xlsx(rows: int = 300_000) -> bytes:
    """A workbook that takes far longer than 0.05 seconds to parse (a few distinct numbers a row)."""
    body = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{r * 7 % 1013}</v></c></row>'
        for r in range(1, rows + 1)
    )
    xml = f'<worksheet xmlns="{badfiles.NS_MAIN}"><sheetData>{body}</sheetData></worksheet>'
    return badfiles.xlsx_bytes([("Big", xml)])


def test_parser_abort_in_the_child_does_not_kill_this_process():
    """The far-away cell passes the dimension check (its dimension lies) and makes calamine
    abort: the child dies by a signal, the caller gets an UserError and carries on."""
    with pytest.raises(UserError, match="reader stopped: signal"):
        read_upload(badfiles.far_away_cell_hidden_xlsx(), "corner.xlsx")
    assert read_upload(badfiles.good_xlsx(), "fine.xlsx")[0].table.num_rows == 4


def test_child_memory_limit_becomes_an_ingest_error():
    data = badfiles.good_xlsx()
    with pytest.raises(UserError, match=r"m\.xlsx"):
        parser.parse(data, "m.xlsx", None, memory=32 * 1024 * 1024)


def gone(pid: int) -> bool:
    """True when no process has this id (a child that was waited for is gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_child_timeout_becomes_an_ingest_error():
    with pytest.raises(UserError, match=r"slow\.xlsx took longer than 0\.05 seconds"):
        parser.parse(slow_xlsx(), "slow.xlsx", None, timeout=0.05)


def test_child_processes_are_reaped():
    jobs = [parser.start(badfiles.good_xlsx(), "fine.xlsx") for _ in range(3)]
    for job in jobs:
        read_upload(badfiles.good_xlsx(), "fine.xlsx", job=job)
    assert all(gone(job.process.pid) for job in jobs)
    assert os.getpid()  # still here


def test_timed_out_child_is_killed_and_gone():
    job = parser.start(slow_xlsx(), "slow.xlsx", None, timeout=0.05)
    with pytest.raises(UserError, match=r"slow\.xlsx took longer than 0\.05 seconds"):
        job.result()
    job.close()
    assert job.process.returncode is not None and job.process.returncode < 0  # killed
    assert gone(job.process.pid)


def test_a_closed_job_has_no_child_left():
    job = parser.start(slow_xlsx(), "slow.xlsx", None)
    job.close()
    job.close()  # twice is fine
    assert job.process.returncode is not None and gone(job.process.pid)


def test_parse_gives_text_head_and_typed_body_by_sheet_column():
    data = badfiles.simple_xlsx({1: ["Student", "ID"], 3: ["Ana", 300500]}, first_col=1)
    [parsed] = parser.parse(data, "p.xlsx", None)
    assert parsed.name == "Results"
    assert parsed.head.column_names == parsed.body.column_names == ["c1", "c2"]
    assert parsed.head.to_pylist()[0] == {"c1": "Student", "c2": "ID"}  # head starts at row 1
    assert parsed.body.to_pylist() == [{"c1": None, "c2": None}, {"c1": "Ana", "c2": 300500.0}]


def test_a_parse_started_before_any_check_refuses_what_the_checks_refuse():
    job = parser.start(badfiles.zip_bomb_xlsx(), "bomb.xlsx", None)
    with pytest.raises(UserError, match="would unpack to 512 MB"):
        job.result()
    assert job.process.returncode is not None


def test_a_spare_child_is_taken_by_the_next_parse_and_reads_csv_and_workbooks():
    parser.keep_spare()
    spare = parser._spare[0]
    parser.keep_spare()  # one spare at a time
    assert parser._spare == [spare]
    job = parser.start(b"name,score\nAna,3\n", "a.csv")
    assert job.process is spare and parser._spare == []
    sheets = job.result()
    assert sheets[0].head.num_rows == 2
    parser.keep_spare()
    assert read_upload(badfiles.good_xlsx(), "fine.xlsx")[0].table.num_rows == 4
    assert gone(spare.pid)


def test_a_spare_child_keeps_the_memory_and_time_limits():
    parser.keep_spare()
    with pytest.raises(UserError, match=r"m\.xlsx"):
        parser.parse(badfiles.good_xlsx(), "m.xlsx", None, memory=32 * 1024 * 1024)
    parser.keep_spare()
    job = parser.start(slow_xlsx(), "slow.xlsx", None, timeout=0.05)
    with pytest.raises(UserError, match=r"slow\.xlsx took longer than 0\.05 seconds"):
        job.result()
    assert job.process.returncode is not None and job.process.returncode < 0  # killed
    assert gone(job.process.pid)


def test_a_spare_that_died_is_not_used():
    parser.keep_spare()
    dead = parser._spare[0]
    dead.kill()
    dead.wait()
    sheets = parser.parse(b"name,score\nAna,3\n", "a.csv")
    assert sheets[0].head.num_rows == 2
    assert parser._spare == [] and gone(dead.pid)
