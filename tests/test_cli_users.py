"""``python -m collabplan users``: add, set, list, remove; exit 2 and one line for mistakes."""

from __future__ import annotations

import json

import pytest

from collabplan import audit, cli, people
from collabplan import db as db_module


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def school(db_path):
    db = db_module.connect(db_path)
    with db.transaction() as cur:
        cur.execute("INSERT INTO team (name) VALUES ('Grade 3'), ('Grade 4')")
    return db


def test_the_first_leader_is_made_from_the_command_line(capsys, school) -> None:
    code, out, err = run(capsys, "users", "list")
    assert (code, err) == (0, "")
    assert "users add EMAIL --role leader" in out
    code, out, err = run(capsys, "users", "add", "Boss@School.org", "--role", "leader",
                         "--name", "Ms Boss")
    assert (code, err) == (0, "")
    assert out == "Added boss@school.org (Ms Boss): leader\n"
    assert people.get(school, "boss@school.org").added_by == "command line"
    assert audit.recent(school).iloc[0]["who"] == "command line"


def test_add_with_teams_then_list_and_list_json(capsys, school) -> None:
    run(capsys, "users", "add", "boss@school.org", "--role", "leader")
    code, out, _ = run(capsys, "users", "add", "t@school.org", "--role", "teacher",
                       "--team", "Grade 4", "--team", "Grade 3")
    assert code == 0
    assert out == "Added t@school.org: teacher, teams: Grade 3, Grade 4\n"
    code, out, _ = run(capsys, "users", "list")
    assert out.splitlines() == ["boss@school.org: leader",
                                "t@school.org: teacher, teams: Grade 3, Grade 4"]
    code, out, _ = run(capsys, "users", "list", "--json")
    rows = json.loads(out)
    assert [(r["email"], r["role"], r["teams"]) for r in rows] == [
        ("boss@school.org", "leader", []), ("t@school.org", "teacher", ["Grade 3", "Grade 4"])]
    assert all(r["added_by"] == "command line" and r["added_at"] for r in rows)


@pytest.mark.parametrize("args, words", [
    (["users", "add", "nobody", "--role", "leader"], "not an email address"),
    (["users", "add", "a@school.org", "--role", "admin"], "invalid choice"),
    (["users", "add", "a@school.org"], "--role"),
    (["users", "add", "a@school.org", "--role", "teacher", "--team", "Grade 9"], "No team is called"),
    (["users", "remove", "ghost@school.org"], "not in the list"),
    (["users", "set", "ghost@school.org", "--role", "coach"], "not in the list"),
    (["users", "set", "a@school.org"], "Say what to change"),
    (["users", "set", "a@school.org", "--team", "Grade 3", "--no-team"], "not both"),
    (["users"], "users"),
])
def test_mistakes_are_one_line_exit_2_and_change_nothing(capsys, school, args, words) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("error: ")
    assert words in err
    assert people.count(school) == 0


def test_remove_refuses_the_last_leader_and_removes_anyone_else(capsys, school) -> None:
    run(capsys, "users", "add", "boss@school.org", "--role", "leader")
    run(capsys, "users", "add", "t@school.org", "--role", "teacher", "--team", "Grade 3")
    code, _, err = run(capsys, "users", "remove", "BOSS@school.org")
    assert code == 2
    assert "only leader" in err
    code, out, err = run(capsys, "users", "remove", "t@school.org")
    assert (code, err) == (0, "")
    assert "t@school.org" in out
    assert [p.email for p in people.list_people(school)] == ["boss@school.org"]


def test_set_changes_role_and_teams(capsys, school) -> None:
    run(capsys, "users", "add", "boss@school.org", "--role", "leader")
    run(capsys, "users", "add", "t@school.org", "--role", "teacher", "--team", "Grade 3")
    code, out, _ = run(capsys, "users", "set", "t@school.org", "--team", "Grade 4")
    assert (code, out) == (0, "Changed t@school.org: teacher, teams: Grade 4\n")
    code, out, _ = run(capsys, "users", "set", "t@school.org", "--role", "coach", "--no-team")
    assert (code, out) == (0, "Changed t@school.org: coach\n")


def test_a_command_line_import_is_in_the_audit_log(capsys, db_path) -> None:
    from tests.tracker_factory import tracker_xlsx

    path = db_path.parent / "cfa.xlsx"
    path.write_bytes(tracker_xlsx())
    code, _, err = run(capsys, "import", str(path), "--team", "Grade 3")
    assert code == 0, err
    db = db_module.connect(db_path)
    log = audit.recent(db)
    assert log.iloc[0]["action"] == "upload"
    assert log.iloc[0]["who"] == "command line"
    assert "(cfa.xlsx)" in log.iloc[0]["detail"]
    run(capsys, "import", str(path))  # the same file again adds nothing and is not logged
    assert list(audit.recent(db)["action"]) == ["upload"]
