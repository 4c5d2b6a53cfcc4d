"""The one guarded child process that parses every upload: a workbook (fastexcel, that is
calamine) or a csv (pyarrow, :mod:`collabplan.ingest.csvparse`).

A parser is not built for hostile input: a workbook may make it abort (SIGABRT cannot be
caught), segfault, or allocate or loop without end; a csv of one 100,000-field line or a
million-column header once took a minute and gigabytes in the app. So every upload is parsed in a child
process, ``python -m collabplan.ingest.parser``, that limits its own address space (RLIMIT_AS),
CPU time (RLIMIT_CPU) and wall time (an alarm); the caller also stops waiting, and kills it,
after ``PARSE_TIMEOUT_SECONDS``. A child that dies becomes one line of :class:`UserError` naming
the file, and the caller carries on.

A fresh interpreter rather than a fork: the app server runs many threads, and a forked copy of a
threaded process may inherit a lock that is never released; multiprocessing's forkserver would
import the caller's main script (streamlit's) into every child. The fresh interpreter parses
after about 0.05 s (pyarrow, a fifth of a second more, loads while fastexcel parses); a caller
hides that by starting the parse before its own work (:func:`start`), and the app keeps one
spare child started ahead, its modules loaded, waiting for the next upload (:func:`keep_spare`;
it sets the same limits before it reads a byte of the upload). The workbook's bytes go to
the child on its stdin and the tables come back on its stdout as Arrow IPC streams: nothing is
written to disk.

The child runs every check of :mod:`collabplan.ingest.checks` itself before parsing, so a parse
may start before the caller has checked anything. It parses each sheet twice, cheaply: the
*body* is fastexcel's typed read of the whole sheet (every row decides a column's type), the
*head* is its text read of a copy of the workbook cut after the sheet's first ``HEAD_ROWS`` rows
(:mod:`collabplan.ingest.sheetxml`). A csv is one table of text, sent as the head with no body
(its ``delimiter`` and ``encoding`` are given to :func:`start`), within the column, line and
cell limits of the config.

What the child writes to stderr (a parser's abort message, a warning) is kept from the
caller's stderr: the command line prints one line for a refused file, nothing more. The last
few KB are logged at debug level when the child fails.

Use: ``job = start(data, file_name, sheets)`` … ``job.result()`` (waits; raises UserError), and
``job.close()`` in a ``finally`` (stops the child if it still runs). :func:`parse` does all three.

The child answers with an 8-byte length and a JSON header (``["ok", [[name, has_body], ...]]``,
``["refused", message]`` or ``["error", [sheet, reason]]``; an "ok" of a csv has a third item,
its notes for the validation report), then, after "ok", each table as an
8-byte length and an Arrow IPC stream: a head, then its body when it has one. (JSON, not pickle:
the parent trusts nothing the child sends.)
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import resource
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

import collabplan
from collabplan import config
from collabplan.errors import KINDS, UserError
from collabplan.ingest.checks import RESAVE, ZIP_MAGIC, check_upload, inspect_workbook
from collabplan.ingest.sheetxml import head_workbook

if TYPE_CHECKING:
    import pyarrow as pa

#: ``read_upload``'s ``sheets``: None (the first sheet with data), "*" (all), a name or names.
Sheets = str | list[str] | None

#: Where ``collabplan`` is imported from, for the child (the app need not be installed).
_PACKAGE_ROOT = str(Path(collabplan.__file__).resolve().parent.parent)
_LENGTH = struct.Struct("<Q")
_log = logging.getLogger(__name__)


class ParsedSheet(NamedTuple):
    """One parsed sheet (columns named ``cK`` after sheet column K, 0 = A).

    ``head``: text of sheet rows 1, 2 … as far as the cut copy of the sheet reaches (at least
    ``HEAD_ROWS`` rows from the first row holding a value). ``body``: typed cells of sheet rows
    2 … last (``None`` for a sheet without any value).
    """

    name: str
    head: pa.Table
    body: pa.Table | None
    notes: tuple[str, ...] = ()  # (csv) what the report should say: lines decoded another way


@dataclass(frozen=True)
class Job:
    """An upload (a workbook or a csv) being parsed in its child process (see :func:`start`).

    ``sheets`` (a workbook) or ``delimiter`` and ``encoding`` (a csv) are what it was started
    for; ``process`` the child; ``feeder`` the thread writing the bytes to the child's stdin;
    ``errors`` the thread keeping the end of the child's stderr.
    """

    file_name: str
    sheets: Sheets
    timeout: float
    process: subprocess.Popen
    feeder: threading.Thread
    errors: _StderrTail
    workbook: bool = True  # a zip (else text: a csv, or a file the child refuses)
    delimiter: str | None = None
    encoding: str | None = None

    def reads(
        self, workbook: bool, sheets: Sheets, delimiter: str | None, encoding: str | None
    ) -> bool:
        """Whether this job parses what a read of a workbook (or a csv) with these options
        needs (a csv has one sheet)."""
        if workbook != self.workbook:
            return False
        if self.workbook:
            return self.sheets == sheets
        return (self.delimiter, self.encoding) == (delimiter, encoding)

    def result(self) -> list[ParsedSheet]:
        """The parsed sheets; waits at most ``timeout`` seconds, then the job is closed.

        Raises :class:`UserError` naming the file when the workbook is refused by a check, the
        parser reports an error, the child dies (a crash, the memory limit) or runs out of time.
        """
        import pyarrow.ipc  # noqa: F401  (loaded while the child parses)

        expired = threading.Event()

        def stop() -> None:
            expired.set()
            self.process.kill()

        timer = threading.Timer(self.timeout, stop)
        timer.start()
        try:
            answer = self.process.stdout.read()
            self.process.wait()  # it exits once it has answered
        finally:
            timer.cancel()
            self.close()
        if expired.is_set():
            raise UserError(
                f"{self.file_name} took longer than {self.timeout:g} seconds to read, so "
                "reading was stopped. Export only the students and columns you need, or "
                "split it into several files."
            )
        message = _receive(answer) if self.process.returncode == 0 else None
        if message is None or message[0] not in ("ok", "refused"):
            self.errors.log(self.file_name)
        if message is None:
            code = self.process.returncode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            raise UserError(
                f"{self.file_name} is too large or too damaged to read safely "
                f"(the reader stopped: {how}). {RESAVE}."
            )
        status, payload = message
        if status == "refused":
            text, kind = payload
            raise UserError(text, kind=kind if kind in KINDS else "file")
        if status == "error":
            where, reason = payload
            where = f" (sheet {where!r})" if where else ""
            raise UserError(f"{self.file_name} could not be read{where}: {reason}. {RESAVE}.")
        return payload

    def close(self) -> None:
        """Stop the child if it still runs and wait until it is gone (idempotent)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.feeder.join()
        self.errors.join()

    def __enter__(self) -> Job:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def start(
    data: bytes,
    file_name: str,
    sheets: Sheets = None,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    memory: int | None = None,
    timeout: float | None = None,
) -> Job:
    """Start checking and parsing an upload in a child process; returns at once.

    ``sheets`` is for a workbook, ``delimiter`` and ``encoding`` (a mapping's ``[source]``,
    ``None`` = sniffed) for a csv. ``memory`` (bytes of address space) and ``timeout``
    (seconds) default to the config's ``PARSE_MEMORY_BYTES`` and ``PARSE_TIMEOUT_SECONDS``.
    The caller closes the job.
    """
    memory = config.PARSE_MEMORY_BYTES if memory is None else memory
    timeout = config.PARSE_TIMEOUT_SECONDS if timeout is None else timeout
    limits = [config.MAX_COLUMNS, config.MAX_FIELD_BYTES, config.MAX_LINE_BYTES]
    request = json.dumps([file_name, sheets, delimiter, encoding, memory, timeout, limits])
    workbook = data.startswith(ZIP_MAGIC)
    process = _take_spare()
    if process is not None:  # started earlier, its modules loaded: the request comes first
        head = (json.dumps([request, workbook]) + "\n").encode()
    else:
        head = b""
        process = _popen([request] + (["workbook"] if workbook else []), file_name)
    # the child reads its input after starting up; meanwhile the caller goes on
    feeder = threading.Thread(target=_feed, args=(process.stdin, head, data), daemon=True)
    feeder.start()
    return Job(
        file_name, sheets, timeout, process, feeder, _StderrTail(process.stderr),
        workbook, delimiter, encoding,
    )


def _popen(args: list[str], file_name: str = "the file") -> subprocess.Popen:
    """``python -m collabplan.ingest.parser ARGS`` with pipes on stdin, stdout and stderr."""
    path = os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
    env = os.environ | {"PYTHONPATH": path, "RUST_BACKTRACE": "0"}  # an abort prints one line
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "collabplan.ingest.parser", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
    except OSError as exc:  # pragma: no cover - the machine is out of processes
        raise UserError(
            f"{file_name} could not be read right now ({exc}). Try again in a minute."
        ) from None


#: The spare child (see :func:`keep_spare`), taken by the next :func:`start`.
_spare: list[subprocess.Popen] = []
_spare_lock = threading.Lock()


def keep_spare() -> None:
    """Have one parser child started and waiting for the next upload (the upload page calls
    this once a run, so a dropped file does not wait for a fresh interpreter and pyarrow).

    The spare loads its modules (pyarrow, fastexcel, the csv parser: trusted code) and then
    waits for its request on stdin; only then does it set its limits and read the upload's
    bytes, exactly as a child started for that upload does (same limits, alarm and kill). It
    holds no upload's data before it is taken, and exits when this process goes away (its
    stdin closes).
    """
    with _spare_lock:
        if _spare and _spare[0].poll() is None:
            return
        for old in _spare:
            _reap(old)
        _spare[:] = [_popen(["--spare"])]


def _take_spare() -> subprocess.Popen | None:
    """The waiting spare child, if there is one still alive (it is no longer the spare)."""
    with _spare_lock:
        taken = _spare[:]
        _spare.clear()
    for process in taken:
        if process.poll() is None:
            return process
        _reap(process)
    return None


def _reap(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        with contextlib.suppress(OSError):
            stream.close()


@atexit.register
def _drop_spare() -> None:
    process = _take_spare()
    if process is not None:
        _reap(process)


class _StderrTail:
    """Reads a child's stderr to its end in a thread (so the child never blocks on a full
    pipe), keeping only the last ``keep`` bytes, for the log."""

    def __init__(self, stream: IO[bytes], keep: int = 4096) -> None:
        self._stream = stream
        self._keep = keep
        self._tail = b""
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        with contextlib.suppress(OSError, ValueError), self._stream:
            for chunk in iter(lambda: self._stream.read1(65536), b""):
                self._tail = (self._tail + chunk)[-self._keep :]

    def join(self) -> None:
        self._thread.join()

    def log(self, file_name: str) -> None:
        """Log what the child wrote (debug level: a person sees the one-line UserError)."""
        self._thread.join(timeout=1)
        if self._tail.strip():
            _log.debug("parser for %s wrote: %s", file_name, self._tail.decode(errors="replace"))


def parse(data: bytes, file_name: str, sheets: Sheets = None, **limits: Any) -> list[ParsedSheet]:
    """:func:`start`, :meth:`Job.result` and :meth:`Job.close` in one call."""
    with start(data, file_name, sheets, **limits) as job:
        return job.result()


def _feed(stdin: IO[bytes], head: bytes, data: bytes) -> None:
    with contextlib.suppress(OSError), stdin:  # BrokenPipeError: the child is gone already
        if head:
            stdin.write(head)
        stdin.write(data)


def _receive(answer: bytes) -> tuple[str, Any] | None:
    """The child's answer with its tables read; ``None`` when it is cut short or malformed."""
    import pyarrow as pa
    import pyarrow.ipc  # noqa: F401

    view = memoryview(answer)
    pieces = []
    while view:
        if len(view) < _LENGTH.size:
            return None
        (size,) = _LENGTH.unpack(view[: _LENGTH.size])
        piece = view[_LENGTH.size : _LENGTH.size + size]
        if len(piece) < size:
            return None
        pieces.append(piece)
        view = view[_LENGTH.size + size :]
    if not pieces:
        return None
    try:
        status, payload, *rest = json.loads(bytes(pieces[0]))
        if status != "ok":
            return status, payload
        notes = tuple(str(n) for n in rest[0]) if rest else ()
        streams = iter(pieces[1:])

        def table() -> pa.Table:
            with pa.ipc.open_stream(pa.py_buffer(next(streams))) as stream:
                return stream.read_all()

        return status, [
            ParsedSheet(name, table(), table() if has_body else None, notes)
            for name, has_body in payload
        ]
    except (ValueError, TypeError, StopIteration, pa.ArrowException):
        return None


# ------------------------------------------------------------------------------- in the child


def _child_main(request: str, workbook: bool) -> None:
    """Read the workbook from stdin, check and parse it, answer on stdout (see the docstring).

    ``workbook``: the bytes are a zip (an xlsx), else text (a csv, or what the checks refuse)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints goes to stderr, not into the answer
    file_name, sheets, delimiter, encoding, memory, timeout, limits = json.loads(request)
    config.MAX_COLUMNS, config.MAX_FIELD_BYTES, config.MAX_LINE_BYTES = limits  # the caller's
    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "falling back to string" notes
    _limit_child(memory, timeout)
    if workbook:
        pyarrow_loaded = _pyarrow_in_background()  # a fifth of a second: not before parsing starts
    else:
        # a csv is parsed by pyarrow itself: loaded now, at full priority (a thread of the
        # lowest one waits for a free core for seconds on a busy machine)
        import pyarrow.csv  # noqa: F401
        import pyarrow.ipc  # noqa: F401

        def pyarrow_loaded() -> None:
            return None

    data = sys.stdin.buffer.read()
    where: list[str] = [""]  # the sheet being parsed, for the message
    streams: list = []
    notes: list[str] = []
    try:
        if check_upload(data, file_name) == "csv":
            from collabplan.ingest import csvparse

            pyarrow_loaded()
            table, notes = csvparse.parse_csv(
                data, file_name, delimiter=delimiter, encoding=encoding
            )
            tables = [(csvparse.sheet_name(file_name), table, None)]
        else:
            tables = _check_and_parse(data, file_name, sheets, where, pyarrow_loaded)
        for _name, head, body in tables:
            streams += [_ipc(head)] + ([] if body is None else [_ipc(body)])
        message: list = ["ok", [[name, body is not None] for name, _head, body in tables], notes]
    except UserError as exc:
        message = ["refused", [str(exc), exc.kind]]
    except MemoryError:
        message = ["error", [where[0], "it needs more memory than this app allows"]]
    except Exception as exc:  # the parser's own errors (CalamineError, ...) become one line
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        message = ["error", [where[0], reason.removeprefix("calamine error: ")]]
    with out:
        for piece in [json.dumps(message).encode(), *streams]:
            out.write(_LENGTH.pack(len(piece)))
            out.write(piece)


def _check_and_parse(
    data: bytes, file_name: str, sheets: Sheets, where: list[str], pyarrow_loaded
) -> list:
    """[(name, head, body)] as Arrow record batches; ``where[0]`` follows the sheet being read.

    ``pyarrow_loaded()`` waits for pyarrow, which only the conversion at the end needs.
    """
    info = inspect_workbook(data, file_name)
    parts = {s.name: s.part for s in info.sheets}
    order = [s.name for s in info.sheets]
    wanted = order if sheets == "*" else [sheets] if isinstance(sheets, str) else sheets
    if wanted is not None and any(name not in parts for name in wanted):
        raise UserError(f"{file_name}: a sheet asked for is not in the workbook.")
    import fastexcel

    names = list(wanted) if wanted is not None else order
    reader = fastexcel.read_excel(data)
    head_reader = fastexcel.read_excel(head_workbook(data, [parts[n] for n in names]))
    loaded = []
    for name in names:
        where[0] = name
        body = _load_body(fastexcel, reader, name)
        if body is None and wanted is None:
            continue
        try:
            head = head_reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        except fastexcel.FastExcelError:  # the cut copy did not parse: read the whole sheet
            head = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        loaded.append((name, head, body))
        if wanted is None:
            break
    pyarrow_loaded()
    tables = [(name, _arrow(head), _arrow(body)) for name, head, body in loaded]
    for name, _head, body in tables:
        where[0] = name
        if body is not None:
            _check_sheet_limits(body, file_name, name)
    return tables


def _check_sheet_limits(body, file_name: str, sheet: str) -> None:
    """The column and cell limits a csv has, for a parsed sheet (whose dimension may lie)."""
    from collabplan.ingest.checks import column_letters
    from collabplan.ingest.csvparse import oversized_cell

    width = 1 + max((int(n[1:]) for n in body.schema.names), default=-1)
    if width > config.MAX_COLUMNS:
        raise UserError(
            f"{file_name}, sheet {sheet!r} has {width:,} columns; collabplan reads up to "
            f"{config.MAX_COLUMNS:,}. Save only the sheet's results columns and upload again.",
            kind="file",
        )
    found = oversized_cell(body)
    if found is not None:
        row, k = found
        column = int(body.schema.names[k][1:])
        raise UserError(
            f"{file_name}, sheet {sheet!r}: cell {column_letters(column + 1)}{row + 2} holds "
            f"more than {config.MAX_FIELD_BYTES // 1024:,} KB of text; collabplan reads cells up "
            "to that size. Remove that text, save and upload again.",
            kind="file",
        )


def _pyarrow_in_background() -> Callable[[], None]:
    """Import pyarrow in a thread (fastexcel parses meanwhile, without the GIL); returns a join."""

    def load() -> None:
        # the lowest priority: the parse is what everyone waits for
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        with contextlib.suppress(Exception):  # (then the import fails again, and is reported)
            import pyarrow.ipc  # noqa: F401

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    return thread.join


def _limit_child(memory: int, timeout: float) -> None:
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(timeout) + 2
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or hard > cpu:
        resource.setrlimit(
            resource.RLIMIT_CPU, (cpu, cpu + 1 if hard == resource.RLIM_INFINITY else hard)
        )
    signal.alarm(int(timeout) + 2)


def _load_body(fastexcel, reader, name: str):
    """The typed read of sheet rows 2 … last, every row deciding its column's type.

    (Typing by the first rows only, as fastexcel does by default, is a little faster but
    not safe: a later cell that does not fit becomes empty ("85%" in a column of numbers), a
    number in a column of dates becomes a date in 1900, a number in a column of TRUE/FALSE
    becomes TRUE, and ``to_arrow_with_errors`` reports only the first of these.)
    """
    try:
        return reader.load_sheet(name, header_row=None, skip_rows=1, schema_sample_rows=None)
    except fastexcel.InvalidParametersError as exc:
        if "Too many rows skipped" in str(exc):  # a sheet without a single value
            return None
        raise


def _arrow(sheet):
    """A fastexcel sheet as a RecordBatch whose columns are named ``cK`` after sheet column K."""
    if sheet is None:
        return None
    import pyarrow as pa

    batch = sheet.to_arrow()
    names = [f"c{col.absolute_index}" for col in sheet.selected_columns]
    return pa.RecordBatch.from_arrays(batch.columns, names=names)


def _ipc(batch) -> pa.Buffer:
    """A record batch (or table) as one Arrow IPC stream."""
    import pyarrow as pa
    import pyarrow.ipc  # noqa: F401

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write(batch)
    return sink.getvalue()


def _spare_main() -> None:
    """A spare child (:func:`keep_spare`): load the modules a parse needs, then wait for the
    request line; exit quietly when stdin closes without one."""
    import fastexcel  # noqa: F401
    import pyarrow.csv  # noqa: F401
    import pyarrow.ipc  # noqa: F401

    from collabplan.ingest import csvparse  # noqa: F401

    line = sys.stdin.buffer.readline()
    if not line.strip():
        os._exit(0)
    request, workbook = json.loads(line)
    _child_main(request, bool(workbook))


if __name__ == "__main__":
    if sys.argv[1:] == ["--spare"]:
        _spare_main()
    else:  # (and "workbook" after the request when the bytes are a zip)
        _child_main(sys.argv[1], sys.argv[2:] == ["workbook"])
    sys.stderr.flush()
    os._exit(0)  # the answer is out: skip tearing down the interpreter, the caller waits for it
