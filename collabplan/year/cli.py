"""``python -m collabplan calendar --ics FILE [--team NAME]``: the school's calendar (or one
team's and the school's own items) as an .ics file, registered by :mod:`collabplan.cli`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from collabplan.errors import UserError


def add_parser(sub: argparse._SubParsersAction, db_arg: Callable[[argparse.ArgumentParser], None]
               ) -> None:
    """Add ``calendar`` to the command line's parser."""
    cal = sub.add_parser("calendar", help="the school year's calendar as an .ics file")
    cal.add_argument("--ics", required=True, metavar="FILE", help="the .ics file to write")
    cal.add_argument("--team", metavar="NAME",
                     help="only this team's items and the school's own")
    db_arg(cal)


def cmd_calendar(args: argparse.Namespace, connect: Callable[[str | None], Any],
                 out: Callable[[str], None]) -> int:
    """Write the .ics (the whole school's calendar, as a leader reads it); exit 2 with one
    line for an unknown team or a file that cannot be written."""
    from collabplan.year import calendar, ics

    target = Path(args.ics)
    if target.is_dir():
        raise UserError(f"{target}: is a folder; give a file name such as school-year.ics",
                        kind="input")
    if not target.parent.is_dir():
        raise UserError(f"{target}: the folder {target.parent} does not exist", kind="input")
    db = connect(args.db)
    team_id = team = None
    if args.team is not None:
        found = db.rows("SELECT id, name FROM team WHERE lower(name) = lower(?)",
                        [args.team.strip()])
        if not found:
            names = ", ".join(n for (n,) in db.rows("SELECT name FROM team ORDER BY name"))
            raise UserError(f"--team: there is no team {args.team!r}"
                            + (f" (teams: {names})" if names else " (no teams yet)"), kind="input")
        team_id, team = found[0]
    found_items = calendar.items(db, None, team_id=team_id)
    data = ics.calendar_ics(found_items, ics.calendar_name(ics.school_name(db), team))
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise UserError(f"{target}: cannot write the file ({exc.strerror or exc})",
                        kind="input") from exc
    out(f"Wrote {len(found_items)} dated item{'s' if len(found_items) != 1 else ''} to {target}")
    return 0
