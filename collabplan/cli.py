"""The command line (ARCHITECTURE.md section 6): import, skills, uploads, demo, goal add, goals,
calendar.

Exit 0 on success; exit 2 with one line on stderr for bad input (the file, sheet, row or
column to fix), with the database unchanged.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class UsageError(Exception):
    """Bad arguments or input: printed as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage otherwise)
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m collabplan", description="collabplan from the command line")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, required=True)

    def db_arg(sp: argparse.ArgumentParser) -> None:
        where = sp.add_mutually_exclusive_group()
        where.add_argument(
            "--db", help="database file (default: $COLLABPLAN_STORE, else $COLLABPLAN_DB, "
            "else data/collabplan.duckdb)"
        )
        where.add_argument(
            "--store", dest="db", metavar="URL",
            help="the shared store, postgresql://user@host/dbname (docs/district.md)",
        )

    imp = sub.add_parser("import", help="import result files (xlsx or csv)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    db_arg(imp)
    imp.add_argument(
        "--mapping", help="mapping file (.toml); default: a preset picked by the headers"
    )
    imp.add_argument("--team", help="the team the results belong to")
    imp.add_argument(
        "--update-students",
        action="store_true",
        help="the file's students are the stored ones even though most have other names: "
        "save their names, grades and classes (undoing the upload puts the old ones back)",
    )
    imp.add_argument("--json", action="store_true", help="one JSON object per file")

    sk = sub.add_parser("skills", help="percent proficient per skill")
    db_arg(sk)
    sk.add_argument("--assessment")
    sk.add_argument("--term")
    sk.add_argument("--by", help="class | teacher | grade | group:NAME")
    sk.add_argument("--json", action="store_true")

    up = sub.add_parser("uploads", help="import history; `uploads delete ID` undoes one import")
    up.add_argument("action", nargs="?", choices=["delete"])
    up.add_argument("id", nargs="?", type=int)
    db_arg(up)
    up.add_argument("--json", action="store_true")

    demo = sub.add_parser("demo", help="load the demo school")
    db_arg(demo)

    move = sub.add_parser("migrate-store",
                          help="move a school's database file into an empty shared store")
    move.add_argument("--from", dest="from_file", required=True, metavar="FILE")
    move.add_argument("--to", required=True, metavar="URL", help="postgresql://…")
    move.add_argument("--json", action="store_true")

    from collabplan import cli_goals

    cli_goals.add_parser(sub, _Parser, db_arg)
    from collabplan import cli_users

    cli_users.add_parser(sub, _Parser, db_arg)
    from collabplan.year import cli as year_cli

    year_cli.add_parser(sub, db_arg)
    return p


# ---------------------------------------------------------------------------------- helpers
def _connect(path: str | None):
    """The database; a repair made by the check on open is one warning line on stderr (the
    command goes on and exits 0: nothing is left for the person to do)."""
    from collabplan import db

    database = db.connect(path)
    if database.repair is not None and not database.repair_shown:
        database.repair_shown = True
        sys.stderr.write(f"warning: {database.path}: {database.repair.line()}\n")
    return database


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _json(value: Any) -> None:
    _out(json.dumps(value, ensure_ascii=False, default=str))


def _progress_printer():
    """A progress callback drawing on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(fraction: float, message: str = "") -> None:
        pct = max(0, min(100, int(round(100 * float(fraction)))))
        sys.stderr.write(f"\r{pct:3d}% {message[:60]:<60}")
        if pct >= 100:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ == "NaTType":  # pandas' missing date: an undated administration
        return None
    if hasattr(value, "tolist") and getattr(value, "ndim", 0):  # numpy arrays (list columns)
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _one_line(exc: BaseException) -> int:
    """Print an error as one line on stderr (one per mistake when it lists several); exit 2."""
    lines = getattr(exc, "lines", ()) or (" ".join(str(exc).split()) or type(exc).__name__,)
    sys.stderr.write("".join(f"error: {line}\n" for line in lines))
    return 2


def _disk_full(exc: BaseException) -> str | None:
    """The one line for a database write that failed for want of disk space, else None.

    DuckDB reports it as an ``IOException`` with the system's words in it; Python as an
    OSError with ENOSPC (no space), EDQUOT (over quota) or EFBIG (over a file size limit).
    The write transaction is rolled back, so nothing of the import was saved.
    """
    import errno

    words = ("No space left on device", "Disk quota exceeded", "File too large")
    full = (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)) or (
        type(exc).__name__ == "IOException" and any(w in str(exc) for w in words)
    )
    if not full:
        return None
    return (
        "the disk holding the database is full (or over its size limit): nothing was saved; "
        "free some space (or choose another place with --db) and import again"
    )


# --------------------------------------------------------------------------------- commands
def cmd_import(args: argparse.Namespace) -> int:
    from collabplan.ingest import parser
    from collabplan.ingest.checks import sniff_kind

    files = [(Path(name).name, read_upload_file(name)) for name in args.files]
    # Each file's parser (a child process) starts before anything else loads: the parse
    # is the longest step and needs only the sheets to read (a csv: its delimiter and
    # encoding). The mapping is checked after.
    source = _source_to_read(args.mapping)
    jobs: list[parser.Job | None] = []
    try:
        for name, data in files:
            kind = sniff_kind(data)
            early = source is not _UNKNOWN and kind in ("zip", "text")
            jobs.append(
                parser.start(
                    data, name, source["sheets"],
                    delimiter=source["delimiter"], encoding=source["encoding"],
                )
                if early
                else None
            )
        from collabplan.ingest.mapping import load_mapping

        mapping = load_mapping(Path(args.mapping)) if args.mapping else None
        return _import_read_files(args, files, mapping, jobs)
    finally:
        for job in jobs:
            if job is not None:
                job.close()


_UNKNOWN = object()


def read_upload_file(name: str) -> bytes:
    """The bytes of a file named on the command line, refused before reading when it is not a
    regular file (a FIFO would wait for a writer for ever, ``/dev/zero`` never ends, also
    through a symlink) and never read past the upload limit."""
    import stat

    from collabplan import config
    from collabplan.ingest.checks import too_large

    try:
        # O_NONBLOCK: opening a FIFO does not wait for a writer; fstat then says what it is
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UsageError(f"{name}: cannot read the file ({exc.strerror})") from exc
    with contextlib.closing(_Fd(fd)):
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = (
                "a folder" if stat.S_ISDIR(info.st_mode)
                else "a pipe (FIFO)" if stat.S_ISFIFO(info.st_mode)
                else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                else "a socket" if stat.S_ISSOCK(info.st_mode)
                else "not a regular file"
            )
            raise UsageError(
                f"{name} is {what}, not a saved file; give the path of an .xlsx or .csv file"
            )
        limit = config.MAX_UPLOAD_BYTES
        if info.st_size > limit:
            raise too_large(Path(name).name, info.st_size)
        try:
            os.set_blocking(fd, True)
            with os.fdopen(os.dup(fd), "rb") as f:
                data = f.read(limit + 1)  # a file that grows meanwhile stops at the limit
        except OSError as exc:
            raise UsageError(f"{name}: cannot read the file ({exc.strerror})") from exc
    if len(data) > limit:
        raise too_large(Path(name).name, len(data))
    return data


class _Fd:
    """An open descriptor, closed by ``contextlib.closing``."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def close(self) -> None:
        os.close(self.fd)


def _source_to_read(mapping_path: str | None) -> Any:
    """The ``[source]`` sheet, delimiter and encoding of the mapping file, read on their own
    (as keywords of :func:`parser.start`; every sheet without a mapping); ``_UNKNOWN`` when
    the file does not say them plainly: the whole mapping is read (and checked) after."""
    if not mapping_path:
        return {"sheets": "*", "delimiter": None, "encoding": None}
    import tomllib

    try:
        source = tomllib.loads(Path(mapping_path).read_text(encoding="utf-8-sig")).get("source")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return _UNKNOWN
    source = source if isinstance(source, dict) else {}
    sheet, delimiter, encoding = (source.get(k) for k in ("sheet", "delimiter", "encoding"))
    if not all(v is None or isinstance(v, str) for v in (delimiter, encoding)):
        return _UNKNOWN
    plain = sheet is None or isinstance(sheet, str) or (
        isinstance(sheet, list) and all(isinstance(s, str) for s in sheet)
    )
    if not plain:
        return _UNKNOWN
    return {"sheets": sheet, "delimiter": delimiter, "encoding": encoding}


def _import_read_files(
    args: argparse.Namespace, files: list[tuple[str, bytes]], mapping, jobs: list
) -> int:
    # DuckDB loads pandas the first time it scans an Arrow table; load it now, while waiting
    import pandas  # noqa: F401

    from collabplan.ingest.compare import StudentsChangedError
    from collabplan.ingest.load import import_files
    from collabplan.ingest.normalise.prepare import warm_up
    from collabplan.text import plural

    total = sum(len(d) for _, d in files)
    progress = _progress_printer() if total > 5_000_000 else None
    from collabplan.goals.impact import changes_text, watch_baselines

    db = _connect(args.db)
    warm_up()
    baselines_since = watch_baselines(db)
    try:
        results = import_files(
            db, files, mapping, team=args.team, progress=progress, jobs=jobs,
            update_students=args.update_students,
        )
    except StudentsChangedError as exc:
        raise UsageError(
            f"{exc}; if they are the same students, add --update-students to save their new names"
        ) from exc
    from collabplan import audit

    audit.record_uploads(db, "command line", results)
    # What the import did to posted goals' baselines (all files together: with several,
    # the JSON gives them with the last file written).
    changes = baselines_since()
    last = max((i for i, r in enumerate(results) if not r.duplicate), default=None)
    for i, r in enumerate(results):
        if args.json:
            _json({**r.to_json(), "baseline_changes": changes if i == last else []})
            continue
        if r.duplicate:
            said = r.warnings[0] if r.warnings else f"already imported as upload {r.upload_id}; nothing was added"
            _out(said if said.startswith(r.file_name) else f"{r.file_name}: {said}")
            continue
        names = r.assessment if isinstance(r.assessment, str) else ", ".join(r.assessment)
        if r.scores:
            admins = f"{r.administrations} {plural(r.administrations, 'administration')}"
            _out(
                f"{r.file_name}: upload {r.upload_id}, {names or 'no assessment'} ({admins}), "
                f"{r.students} {plural(r.students, 'student')}, {r.scores} "
                f"{plural(r.scores, 'score')} in {len(r.skills)} {plural(len(r.skills), 'skill')}"
            )
        else:
            _out(f"{r.file_name}: upload {r.upload_id}, {r.students} students (roster, no scores)")
        _out(f"  read as: {_read_as(r)}")
        for w in r.warnings:
            _out(f"  note: {w}")
        if changes and i == last:
            _out("  note: " + changes_text(changes, "This file" if len(files) == 1 else "These files"))
    return 0


def _read_as(r: Any) -> str:
    """How a file was read, in a line: "NWEA MAP Growth results (preset), high confidence
    (0.97); next best: Teacher tracker (0.20)" or "the mapping grade3_cfa (given)"."""
    sure = r.detection
    if not sure:
        return f"the mapping {r.mapping} (given)"
    text = f"{r.detected}, {sure['confidence']} confidence ({sure['confidence_score']:.2f})"
    nxt = sure.get("runner_up")
    if nxt:
        text += f"; next best: {nxt['label']} ({nxt['confidence_score']:.2f})"
    return text


def cmd_skills(args: argparse.Namespace) -> int:
    from collabplan import disclosure
    from collabplan.metrics import Filters, skill_summary
    from collabplan.text import fewer_than

    db = _connect(args.db)
    assessment_id = None
    if args.assessment:
        assessment_id = db.scalar(
            "SELECT id FROM assessment WHERE lower(name) = lower(?)", [args.assessment]
        )
        if assessment_id is None:
            known = ", ".join(n for (n,) in db.rows("SELECT name FROM assessment ORDER BY 1"))
            raise UsageError(
                f"--assessment {args.assessment!r}: no such assessment (known: {known or 'none yet'})"
            )
    admin_ids: tuple[int, ...] = ()
    if args.term:
        admin_ids = tuple(
            int(i)
            for (i,) in db.rows(
                """SELECT id FROM administration
                   WHERE (lower(term) = lower(?) OR lower(label) = lower(?))
                     AND (? IS NULL OR assessment_id = ?)""",
                [args.term, args.term, assessment_id, assessment_id],
            )
        )
        if not admin_ids:
            raise UsageError(f"--term {args.term!r}: no administration has that term")
    by_name = None
    if args.by:
        if args.by in ("class", "teacher", "grade"):
            by_name = args.by
        elif args.by.startswith("group:") and len(args.by) > 6:
            by_name = "group"
        else:
            raise UsageError(f"--by must be class, teacher, grade or group:NAME, not {args.by!r}")
    df = skill_summary(
        db, Filters(assessment_id=assessment_id, administration_ids=admin_ids), by=args.by
    )
    if by_name:
        # Anyone at the computer runs this (section 7): a class or group under the minimum
        # size, and one that would give it away beside the skill's total, print no numbers.
        # (Without --by the rows are the totals of what was imported: the check of an import.)
        df = disclosure.skill_summary(df, suppress=True)
    rows = []
    for rec in df.to_dict("records"):
        hidden = bool(by_name) and rec["status"] == "suppressed"
        row = {
            "assessment": rec["assessment"],
            "term": _clean(rec["term"]),
            "date": _clean(rec["date"]),
            "skill": rec["skill"],
            "students": None if hidden else int(rec["students"]),
            "proficient": None if hidden else int(rec["proficient"]),
            "pct_proficient": None if hidden else round(float(rec["pct_proficient"]), 1),
            "status": rec["status"],
        }
        if by_name:
            row[by_name] = _clean(rec["by"])
        rows.append(row)
    if args.json:
        _json(rows)
        return 0
    if not rows:
        _out(
            "No results yet: import a file with `python -m collabplan import FILE` or load the demo."
        )
        return 0
    last = None
    for row in rows:
        head = (row["assessment"], row["term"] or row["date"])
        if head != last:
            _out(f"{row['assessment']} — {row['term'] or row['date'] or 'undated'}")
            last = head
        by = f" [{row[by_name]}]" if by_name else ""
        if by_name and row["students"] is None:
            _out(f"  {row['skill']}{by}: {fewer_than()} (not shown) suppressed")
            continue
        _out(
            f"  {row['skill']}{by}: {row['pct_proficient']:.1f}% proficient "
            f"({row['proficient']} of {row['students']}) {row['status']}"
        )
    return 0


def cmd_uploads(args: argparse.Namespace) -> int:
    from collabplan.ingest.load import delete_upload, list_uploads

    db = _connect(args.db)
    if args.action == "delete":
        if args.id is None:
            raise UsageError(
                "uploads delete: give the upload ID (see `python -m collabplan uploads`)"
            )
        from collabplan.goals.impact import goals_using_upload, undo_warning

        using = goals_using_upload(db, args.id)  # named before the upload goes
        done = delete_upload(db, args.id, who="command line")
        if args.json:
            _json({**done, "goals": using})
        else:
            if using:
                _out(undo_warning(using))
            _out(
                f"Undid upload {done['upload_id']} ({done['file_name']}): removed {done['scores']} scores"
            )
        return 0
    if args.id is not None:
        raise UsageError("uploads: to undo an import write `uploads delete ID`")
    df = list_uploads(db)
    records = [{k: _clean(v) for k, v in rec.items()} for rec in df.to_dict("records")]
    for rec in records:
        rec["uploaded_at"] = str(df.loc[df["id"] == rec["id"], "uploaded_at"].iloc[0])
        rec["warnings"] = list(rec["warnings"]) if rec["warnings"] is not None else []
    if args.json:
        _json(records)
        return 0
    if not records:
        _out("No uploads yet: import a file with `python -m collabplan import FILE`.")
        return 0
    for rec in records:
        team = f", team {rec['team']}" if rec.get("team") else ""
        _out(
            f"{rec['id']:>4}  {rec['uploaded_at'][:16]}  {rec['file_name']}{team}: "
            f"{rec['students']} students, {rec['scores']} scores"
        )
    return 0


def cmd_migrate_store(args: argparse.Namespace) -> int:
    from collabplan.migrate_store import migrate_store

    counts = migrate_store(args.from_file, args.to, progress=None if args.json else _progress_printer())
    if args.json:
        _json(counts)
        return 0
    _out(f"Moved {sum(counts.values())} rows in {len(counts)} tables; every table's count "
         "matches the file:")
    for table, n in counts.items():
        if n:
            _out(f"  {table}: {n}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from collabplan.samples.demo import load_demo

    db = _connect(args.db)
    show = _progress_printer()

    def progress(*a: Any) -> None:
        if show is None:
            return
        fraction = next((x for x in a if isinstance(x, int | float)), 0.0)
        message = next((x for x in a if isinstance(x, str)), "")
        show(fraction, message)

    result = load_demo(db, progress=progress)
    _out("Demo school loaded." if not isinstance(result, str) else result)
    return 0


COMMANDS = {
    "import": cmd_import,
    "skills": cmd_skills,
    "uploads": cmd_uploads,
    "demo": cmd_demo,
    "migrate-store": cmd_migrate_store,
}


def main(argv: Sequence[str] | None = None) -> int:
    # nothing heavy is imported here: the import command starts its workbook parser first
    from collabplan.errors import UserError

    # numpy's OpenBLAS starts a thread per core that spins for a while; nothing here does
    # linear algebra, and those threads take the cores the parser and DuckDB need
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    try:
        args = build_parser().parse_args(argv)
        if args.command in ("goal", "goals"):
            from collabplan import cli_goals

            run = cli_goals.cmd_goal_add if args.command == "goal" else cli_goals.cmd_goals
            return run(args, _connect, _out, _json)
        if args.command == "users":
            from collabplan import cli_users

            return cli_users.cmd_users(args, _connect, _out, _json)
        if args.command == "calendar":
            from collabplan.year import cli as year_cli

            return year_cli.cmd_calendar(args, _connect, _out)
        return COMMANDS[args.command](args)
    except (UsageError, UserError, ValueError) as exc:
        return _one_line(exc)
    except BrokenPipeError:  # output piped into `head`
        return 0
    except Exception as exc:
        from collabplan.db import DatabaseBusyError

        if isinstance(exc, DatabaseBusyError):
            return _one_line(exc)
        full = _disk_full(exc)
        if full:
            return _one_line(UsageError(full))
        raise
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted; nothing was saved from the file being imported\n")
        return 130
