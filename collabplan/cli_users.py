"""``python -m collabplan users …``: the people who may sign in (docs/signin.md).

``users add EMAIL --role leader|coach|teacher [--team NAME]... [--name NAME]`` adds one
(the first leader of a school is made this way, before anyone can sign in), ``users set``
changes one, ``users list [--json]`` lists them, ``users remove EMAIL`` removes one (never
the last leader). Mistakes are one line on stderr and exit 2 (collabplan/cli.py). Every
change is in the audit log as done by "command line".
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from collabplan.access import ROLES

#: What the audit log records for changes made here.
WHO = "command line"


def add_parser(sub: argparse._SubParsersAction, parser_class: type,
               db_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``users`` and its sub-commands to the command line's parser."""
    users = sub.add_parser("users", help="people who may sign in: users add|set|list|remove")
    usub = users.add_subparsers(dest="users_command", parser_class=parser_class, required=True)

    add = usub.add_parser("add", help="let a person sign in, with a role")
    add.add_argument("email", metavar="EMAIL")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--team", action="append", default=[], metavar="NAME",
                     help="a team the person belongs to (repeat for several)")
    add.add_argument("--name", help="the name shown beside the email")
    db_arg(add)

    put = usub.add_parser("set", help="change a person's role, teams or name")
    put.add_argument("email", metavar="EMAIL")
    put.add_argument("--role", choices=ROLES)
    put.add_argument("--team", action="append", metavar="NAME",
                     help="the person's teams (replaces them; repeat for several)")
    put.add_argument("--no-team", action="store_true", help="the person belongs to no team")
    put.add_argument("--name")
    db_arg(put)

    ls = usub.add_parser("list", help="everyone who may sign in")
    ls.add_argument("--json", action="store_true")
    db_arg(ls)

    rm = usub.add_parser("remove", help="stop a person signing in (never the last leader)")
    rm.add_argument("email", metavar="EMAIL")
    db_arg(rm)


def cmd_users(args: argparse.Namespace, connect: Callable, out: Callable[[str], None],
              as_json: Callable) -> int:
    """Run one ``users`` sub-command; UserError (exit 2) for a mistake."""
    from collabplan import people
    from collabplan.errors import UserError

    db = connect(args.db)
    command = args.users_command
    if command == "add":
        person = people.add(db, args.email, args.role, name=args.name, teams=args.team, who=WHO)
        out(f"Added {_line(person)}")
    elif command == "set":
        if args.no_team and args.team:
            raise UserError("Give --team NAME or --no-team, not both.")
        if args.role is None and args.team is None and not args.no_team and args.name is None:
            raise UserError("Say what to change: --role, --team, --no-team or --name.")
        teams = [] if args.no_team else args.team
        person = people.update(db, args.email, role=args.role, name=args.name, teams=teams,
                               who=WHO)
        out(f"Changed {_line(person)}")
    elif command == "remove":
        person = people.remove(db, args.email, who=WHO)
        out(f"Removed {person.email}: they can no longer sign in")
    else:
        everyone = people.list_people(db)
        if args.json:
            as_json([p.as_dict() for p in everyone])
        elif not everyone:
            out("No one yet: add the first leader with "
                "`python -m collabplan users add EMAIL --role leader`.")
        else:
            for person in everyone:
                out(_line(person))
    return 0


def _line(person) -> str:
    name = f" ({person.name})" if person.name else ""
    teams = f", teams: {', '.join(person.teams)}" if person.teams else ""
    return f"{person.email}{name}: {person.role}{teams}"
