"""``python -m collabplan goal add …`` and ``goals [--json]``: a goal from the command line,
and every goal with its baseline and progress (ARCHITECTURE.md section 6).

Mistakes are one line on stderr and exit 2 (collabplan/cli.py): a ``--where`` or ``--by``
written wrong raises :class:`collabplan.cli.UsageError`, a goal the data refuses a
:class:`collabplan.errors.UserError`.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from collabplan.cli import UsageError

#: The population keys ``--where`` takes.
WHERE_KEYS = ("grade", "class", "teacher", "group")


def add_parser(sub: argparse._SubParsersAction, parser_class: type,
               db_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``goal add`` and ``goals`` to the command line's parser."""
    goal = sub.add_parser("goal", help="goal add …")
    gsub = goal.add_subparsers(dest="goal_command", parser_class=parser_class, required=True)
    add = gsub.add_parser("add", help="add a goal")
    add.add_argument("--team", required=True)
    add.add_argument("--assessment", required=True)
    add.add_argument("--skill", required=True)
    add.add_argument("--baseline-term")
    add.add_argument("--where", action="append", default=[], metavar="KEY=VALUE")
    add.add_argument("--metric", required=True, choices=["pct_below_proficient", "pct_proficient"])
    add.add_argument("--target", required=True, type=float)
    add.add_argument("--by", required=True, metavar="YYYY-MM-DD")
    db_arg(add)
    add.add_argument("--json", action="store_true")

    goals = sub.add_parser("goals", help="list goals with baseline and progress")
    goals.add_argument("--team")
    db_arg(goals)
    goals.add_argument("--json", action="store_true")


def parse_where(items: Sequence[str]) -> dict[str, str]:
    """``["grade=3", "group=ELL"]`` as ``{"grade": "3", "group": "ELL"}``."""
    where: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or not value.strip() or key not in WHERE_KEYS:
            raise UsageError(
                f"--where {item!r}: write grade=3, class=NAME, teacher=NAME or group=ELL"
            )
        where[key] = value.strip()
    return where


def cmd_goal_add(args: argparse.Namespace, connect: Callable, out: Callable[[str], None],
                 as_json: Callable[[Any], None]) -> int:
    from collabplan.goals.as_json import cli_add_goal

    try:
        by = dt.date.fromisoformat(args.by)
    except ValueError as exc:
        raise UsageError(f"--by {args.by!r}: write the date as YYYY-MM-DD") from exc
    where = parse_where(args.where)
    db = connect(args.db)
    goal = cli_add_goal(
        db,
        team=args.team,
        assessment=args.assessment,
        skill=args.skill,
        baseline_term=args.baseline_term,
        where=where,
        metric=args.metric,
        target=args.target,
        by=by,
    )
    if args.json:
        as_json(goal)
    else:
        out(f"Goal {goal.get('id')}: {goal.get('statement', '')}")
    return 0


def cmd_goals(args: argparse.Namespace, connect: Callable, out: Callable[[str], None],
              as_json: Callable[[Any], None]) -> int:
    from collabplan.goals.as_json import goals_json

    db = connect(args.db)
    goals = goals_json(db, team=args.team)
    if args.json:
        as_json(goals)
        return 0
    if not goals:
        out("No goals yet: add one with `python -m collabplan goal add …` or on the Goal draft page.")
        return 0
    for g in goals:
        out(f"{g.get('id')}. [{g.get('team')}] {g.get('statement')} ({g.get('status')})")
    return 0
