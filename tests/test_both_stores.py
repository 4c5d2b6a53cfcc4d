"""The same imports give the same answers from the embedded file and the shared store.

Runs in the shared-store run (``pytest --store=local``), where both exist side by side: the
same files go by the command line into a new embedded file and a new shared store, a goal is
set on each, and ``skills --json``, ``goals --json`` and ``uploads --json`` must agree (the
times of day aside). Then one upload is undone on both, and they must agree again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from collabplan import cli, shared_store
from collabplan import db as db_module
from tests import badfiles, real_layouts

pytestmark = pytest.mark.skipif(
    not os.environ.get(shared_store.TEST_SERVER_ENV),
    reason="compares the embedded file with the shared store (pytest --store=local)",
)

LAYOUTS = ["nwea_combined_2021", "iready_math_2023", "star_sr_v2", "mclass_dibels8_2024"]
#: Fields that hold when something happened, not what is stored.
CLOCK = {"uploaded_at", "created_at", "at", "when", "imported_at", "updated_at"}


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _without_clock(value):
    if isinstance(value, dict):
        return {k: _without_clock(v) for k, v in value.items() if k not in CLOCK}
    if isinstance(value, list):
        return [_without_clock(v) for v in value]
    return value


def _answers(capsys, flag: str, where: str) -> dict[str, object]:
    return {
        name: _without_clock(json.loads(_cli(capsys, name, flag, where, "--json")))
        for name in ("skills", "goals", "uploads")
    }


def _fill(capsys, flag: str, where: str, files: list[Path]) -> None:
    for path in files:
        _cli(capsys, "import", str(path), flag, where, "--json")
    skill = json.loads(_cli(capsys, "skills", flag, where, "--json"))[0]
    team = "Grade 3 Reading"
    _cli(capsys, "goal", "add", "--team", team, "--assessment", skill["assessment"],
         "--skill", skill["skill"], "--metric", "pct_proficient", "--target", "80",
         "--by", "2027-05-31", flag, where)


def test_the_same_imports_answer_the_same(tmp_path: Path, capsys, monkeypatch) -> None:
    files = []
    for name in LAYOUTS:
        path = tmp_path / f"{name}.csv"
        path.write_bytes(real_layouts.layout_csv(name, students=14))
        files.append(path)
    good = tmp_path / "good.xlsx"
    good.write_bytes(badfiles.good_xlsx())
    files.append(good)

    store = tmp_path / "store.duckdb"  # stands for a database on the test server
    url = shared_store.test_location(store)
    assert url is not None and shared_store.is_shared(url)
    _cli(capsys, "demo", "--db", str(store))
    _fill(capsys, "--store", str(url), files)
    shared = _answers(capsys, "--store", str(url))

    server = os.environ.pop(shared_store.TEST_SERVER_ENV)
    try:
        monkeypatch.delenv(shared_store.TEST_SERVER_ENV, raising=False)
        file = tmp_path / "school.duckdb"
        _cli(capsys, "demo", "--db", str(file))
        assert not db_module.connect(file).shared
        _fill(capsys, "--db", str(file), files)
        embedded = _answers(capsys, "--db", str(file))
        last = max(u["id"] for u in embedded["uploads"])
        _cli(capsys, "uploads", "delete", str(last), "--db", str(file))
        embedded_after = _answers(capsys, "--db", str(file))
        db_module.close(file)
    finally:
        os.environ[shared_store.TEST_SERVER_ENV] = server

    assert shared == embedded
    _cli(capsys, "uploads", "delete", str(last), "--store", str(url))
    assert _answers(capsys, "--store", str(url)) == embedded_after
    assert embedded_after != embedded
