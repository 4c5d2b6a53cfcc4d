"""``python -m collabplan calendar --ics FILE [--team NAME]``."""

from __future__ import annotations

from icalendar import Calendar

from collabplan import cli
from collabplan.year import calendar


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_writes_the_schools_calendar(demo_db, db_path, tmp_path, capsys):
    target = tmp_path / "year.ics"
    code, out, _ = _run(capsys, "calendar", "--ics", str(target), "--db", str(db_path))
    assert code == 0 and str(target) in out
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert len(events) == len(calendar.items(demo_db, None))


def test_one_teams_calendar(demo_db, db_path, tmp_path, capsys):
    target = tmp_path / "math.ics"
    code, _, _ = _run(capsys, "calendar", "--ics", str(target), "--team", "grade 4 math",
                      "--db", str(db_path))
    assert code == 0
    parsed = Calendar.from_ical(target.read_bytes())
    assert str(parsed["x-wr-calname"]).endswith("(Grade 4 Math)")
    teams = {str(c) for e in parsed.walk("VEVENT") for c in e["categories"].cats}
    assert "Grade 4 Math" in teams and "Grade 3 Reading" not in teams


def test_bad_input_exits_2_with_one_line(demo_db, db_path, tmp_path, capsys):
    for args in (["--team", "Grade 9 Latin"], ["--ics", str(tmp_path / "no" / "x.ics")],
                 ["--ics", str(tmp_path)]):
        argv = ["calendar", "--ics", str(tmp_path / "x.ics"), *args, "--db", str(db_path)]
        code, out, err = _run(capsys, *argv)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, (args, err)
    code, _, err = _run(capsys, "calendar", "--db", str(db_path))
    assert code == 2 and "--ics" in err
    assert not (tmp_path / "x.ics").exists()
