"""The command line answers every hostile file with exit 2 and exactly one line on stderr,
and leaves the database as it was (issue "Hostile files and text hurt no one", part 8).

Each case runs ``python -m collabplan import`` in its own process, as a script or a person
would: stderr is the process's whole stderr (a parser child's messages, warnings and logging
included), not what one function printed.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests import badcsv, badfiles, factories

ROOT = Path(__file__).resolve().parent.parent

MAPPING = """[assessment]
name = "Quiz"
date = "2025-10-01"
[columns]
student_id = "Student ID"
student_name = "Student Name"
[scores]
layout = "wide"
columns = ["Q1"]
kind = "points"
max = 1
"""


def cli(*args: str, db: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "collabplan", "import", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=os.environ | {"PYTHONWARNINGS": "default"},  # a warning would show: it must not
        **kwargs,
    )


def counts(db: Path) -> dict[str, int]:
    """Rows of every table (the file or, in the shared-store run, its store), then closed
    again so the next command can open it."""
    from collabplan import db as db_module

    database = db_module.connect(db)
    try:
        own = factories.own_tables(database)
        sql = f"SELECT DISTINCT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND {own}"  # noqa: S608 (fixed text)
        tables = [t for (t,) in database.rows(sql)]
        return {t: database.scalar(f'SELECT count(*) FROM "{t}"') for t in tables}  # noqa: S608 (names from the catalog)
    finally:
        db_module.close(db)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A database holding one import, made once; each test works on a copy."""
    folder = tmp_path_factory.mktemp("seeded")
    good = folder / "good.csv"
    good.write_bytes(badcsv.simple(12))
    db = folder / "seed.duckdb"
    done = cli(str(good), db=db)
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture
def database(seeded, tmp_path) -> Path:
    import shutil

    db = tmp_path / "school.duckdb"
    shutil.copy(seeded, db)
    return db


def refused(done: subprocess.CompletedProcess, before: dict, db: Path) -> str:
    """Exit 2, one line on stderr and nothing on stdout, the database unchanged."""
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    assert counts(db) == before
    return lines[0]


FILES = [
    ("line.csv", lambda: badcsv.one_long_line(), "has 100,000 columns; collabplan reads up to 16,384"),
    ("ten.csv", lambda: badcsv.ten_mb_line(), "is over 4.0 MB long"),
    ("cell.csv", lambda: badcsv.one_huge_cell_line(), "is over 4.0 MB long"),
    ("header.csv", lambda: badcsv.million_column_header(), "has 1,200,000 columns"),
    ("ragged.csv", lambda: badcsv.ragged_big_field(), "holds more than 128 KB of text"),
    ("quote.csv", lambda: badcsv.unclosed_quote(), "holds more than 128 KB of text"),
    ("dup.csv", lambda: badcsv.repeated_headers(), "columns C, D and E all have the header 'Q1'"),
    ("far.xlsx", badfiles.far_away_cell_xlsx, "far beyond any results table"),
    ("hidden.xlsx", badfiles.far_away_cell_hidden_xlsx, "the reader stopped: signal"),
    ("bomb.xlsx", badfiles.zip_bomb_xlsx, "bomb.xlsx"),
    ("utf16.csv", badfiles.utf16_csv, "UTF-16"),
]


@pytest.mark.parametrize(("name", "make", "says"), FILES, ids=[f[0] for f in FILES])
def test_a_hostile_file_is_one_line_and_exit_2(database, tmp_path, name, make, says):
    before = counts(database)
    path = tmp_path / name
    path.write_bytes(make())
    line = refused(cli(str(path), db=database), before, database)
    assert says in line
    assert name in line


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ('delimiter = "ab"', "[source] delimiter must be one character"),
        ('encoding = "klingon"', "[source] encoding 'klingon' is not a text encoding"),
    ],
)
def test_a_bad_delimiter_or_encoding_in_the_mapping_is_one_line(database, tmp_path, source, says):
    before = counts(database)
    data, mapping = tmp_path / "quiz.csv", tmp_path / "m.toml"
    data.write_bytes(badcsv.simple())
    mapping.write_text(f"[source]\n{source}\n{MAPPING}", encoding="utf-8")
    line = refused(cli(str(data), "--mapping", str(mapping), db=database), before, database)
    assert says in line


def test_a_fifo_is_refused_without_waiting_for_a_writer(database, tmp_path):
    before = counts(database)
    fifo = tmp_path / "results.csv"
    os.mkfifo(fifo)
    line = refused(cli(str(fifo), db=database), before, database)  # (the timeout would fail it)
    assert "is a pipe (FIFO), not a saved file" in line


def test_a_symlink_to_dev_zero_is_refused_before_reading(database, tmp_path):
    before = counts(database)
    link = tmp_path / "results.csv"
    link.symlink_to("/dev/zero")
    line = refused(cli(str(link), db=database), before, database)
    assert "is a device, not a saved file" in line


def test_a_folder_is_refused(database, tmp_path):
    before = counts(database)
    line = refused(cli(str(tmp_path), db=database), before, database)
    assert "is a folder, not a saved file" in line


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(database, tmp_path):
    before = counts(database)
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:  # sparse: 201 MB that take no disk
        f.truncate(201 * 1024 * 1024)
    line = refused(cli(str(big), db=database), before, database)
    assert "big.csv is too large (201 MB; the limit is 200 MB)" in line


def _small_file_limit(size: int):
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pytest.mark.embedded_only
def test_a_full_disk_while_writing_is_one_line_and_nothing_is_saved(database, tmp_path):
    """The import's writes cannot grow any file past the database's present size, as on a
    full disk (a file size limit: the same failure, EFBIG instead of ENOSPC)."""
    before = counts(database)
    data = tmp_path / "many.csv"
    data.write_bytes(badcsv.wide(200, rows=2_000))
    done = cli(str(data), db=database, preexec_fn=_small_file_limit(database.stat().st_size))
    line = refused(done, before, database)
    assert "the disk holding the database is full" in line
    assert "nothing was saved" in line


_COUNT_PARSES = """
import sys
from collabplan import cli
from collabplan.ingest import parser
started = []
real = parser.start
def counted(data, name, *args, **kwargs):
    started.append((name, kwargs.get("delimiter")))
    return real(data, name, *args, **kwargs)
parser.start = counted
code = cli.main(sys.argv[1:])
print("STARTED", started, "CODE", code)
"""


def test_a_csv_import_parses_once_in_the_parse_started_first(tmp_path):
    """The csv's parse starts before the mapping loads (its [source] read on its own) and is
    the one the import uses."""
    data, mapping = tmp_path / "quiz.csv", tmp_path / "m.toml"
    data.write_bytes(badcsv.simple(12).replace(b",", b";"))
    mapping.write_text(f'[source]\ndelimiter = ";"\n{MAPPING}', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _COUNT_PARSES, "import", str(data), "--mapping", str(mapping),
         "--db", str(tmp_path / "s.duckdb")],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "STARTED [('quiz.csv', ';')] CODE 0"
    assert "12 students" in done.stdout
