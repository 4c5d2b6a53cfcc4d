"""Checks an upload must pass before it is parsed, and the sandboxed workbook parser.

Spreadsheet parsers are not built for hostile input: a 5 KB xlsx naming cell XFD1048576 makes
calamine allocate for 17 billion cells and abort the whole process (SIGABRT cannot be caught),
and a 1 MB zip can inflate to gigabytes. So, before anything is parsed:

* the kind of file is decided by its first bytes, not its name (zip, OLE2, PDF, text);
* a zip's declared sizes and compression ratios are checked, and every XML part's prolog is read
  with defusedxml, which refuses any DTD or entity declaration;
* sheet names and each sheet's ``<dimension ref=...>`` are read with defusedxml, and a sheet
  claiming more cells than ``MAX_SHEET_CELLS`` is refused;
* the workbook is then parsed by fastexcel in a child process with an address-space limit and a
  timeout, so a parser crash or runaway allocation becomes an :class:`UserError`.

The child parses each sheet twice, cheaply: the *body* is fastexcel's typed read of the whole
sheet (every row decides a column's type), the *head* is its text read of a copy of the workbook
cut after the sheet's first ``HEAD_ROWS`` rows (only the start of the sheet part is inflated).

A process that runs a single thread (the command line, before it loads pyarrow) forks the child
directly: it starts in a millisecond and the workbook's bytes need no copying. Any other process
(the app server) never forks itself; its children come from a ``forkserver`` that preloads this
module with fastexcel and pyarrow, so each costs a few milliseconds. Tables come back as Arrow
IPC streams in an anonymous in-memory file (memfd) that the parent maps without copying.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import re
import resource
import select
import signal
import struct
import threading
import time
import zipfile
from pathlib import PurePath, PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple

import defusedxml
import defusedxml.ElementTree as SafeET

from collabplan import config
from collabplan.errors import UserError

if TYPE_CHECKING:
    import pyarrow as pa

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_MAGIC = b"%PDF"
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".xltx", ".xltm", ".ods"}

#: Excel's own limits.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
#: More parts than this in one zip is not a workbook anyone made by hand or by export.
MAX_ZIP_ENTRIES = 10_000
#: Entries smaller than this are never called bombs, whatever their ratio.
_RATIO_FLOOR_BYTES = 1024 * 1024
#: Largest workbook.xml / .rels part read whole.
_MAX_META_PART_BYTES = 16 * 1024 * 1024

_RESAVE = "Open it in Excel, save it again as .xlsx and upload the new file"
_SAVE_AS_XLSX = "Open it in Excel, use File > Save As > Excel Workbook (.xlsx) and upload that file"
_CSV_UTF8 = 'In Excel use File > Save As > "CSV UTF-8 (Comma delimited)" and upload that file'

_MAIN_NS_WORKSHEET = "/worksheet"


def _mb(n: int) -> str:
    """Bytes in the unit a teacher reads easily."""
    if n < 1024 * 1024:
        return f"{max(1, -(-n // 1024)):,} KB"
    if n < 1024**3:
        return f"{n / (1024 * 1024):,.0f} MB"
    return f"{n / 1024**3:,.1f} GB"


# ------------------------------------------------------------------------------------ sniffing


def sniff_kind(data: bytes) -> str:
    """What the bytes are: ``zip``, ``ole``, ``pdf``, ``utf16``, ``utf32``, ``binary`` or ``text``."""
    head = data[:8]
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(PDF_MAGIC) or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    sample = data[: 64 * 1024]
    if b"\x00" in sample:
        # UTF-16 without a byte order mark: every other byte of plain text is 0.
        zeros = sample.count(b"\x00")
        return "utf16" if zeros > len(sample) // 4 else "binary"
    return "text"


def check_upload(data: bytes, file_name: str) -> str:
    """Refuse what must not reach a parser; return ``"xlsx"`` or ``"csv"`` (the kind to read).

    A zip is only recognised here: :func:`inspect_workbook` does the workbook checks.
    """
    if not data:
        raise UserError(
            f"{file_name} is empty (0 bytes). Export the results again and upload the new file."
        )
    if len(data) > config.MAX_UPLOAD_BYTES:
        raise UserError(
            f"{file_name} is too large ({_mb(len(data))}; the limit is {_mb(config.MAX_UPLOAD_BYTES)}). "
            "Export only the students and columns you need, or split it into several files."
        )
    kind = sniff_kind(data)
    suffix = PurePath(file_name).suffix.lower()
    if kind == "zip":
        return "xlsx"
    if kind == "ole":
        check_ole(data, file_name)  # always raises
    if kind == "pdf":
        raise UserError(
            f"{file_name} is a PDF, not a spreadsheet. Download the results as .xlsx or .csv and upload that file."
        )
    if kind in ("utf16", "utf32", "binary"):
        if suffix in EXCEL_SUFFIXES:
            raise UserError(f"{file_name} is damaged or is not an Excel workbook. {_RESAVE}.")
        what = {
            "utf16": "text in an encoding this app cannot read (UTF-16)",
            "utf32": "text in an encoding this app cannot read (UTF-32)",
        }.get(kind, "not a text file")
        raise UserError(f"{file_name} is {what}. {_CSV_UTF8}.")
    if suffix in EXCEL_SUFFIXES:
        head = data[:512].lstrip().lower()
        looks = (
            "a web page"
            if head.startswith((b"<!doctype html", b"<html", b"<table"))
            else "plain text"
        )
        raise UserError(
            f"{file_name} is not a real Excel workbook (it holds {looks}). {_SAVE_AS_XLSX}."
        )
    return "csv"


def check_ole(data: bytes, file_name: str) -> None:
    """An OLE2 container is a password-protected workbook or a legacy .xls: both are refused."""
    import olefile

    try:
        ole = olefile.OleFileIO(data)
    except Exception:
        raise UserError(
            f"{file_name} is damaged or is not an Excel workbook. {_RESAVE}."
        ) from None
    try:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise UserError(
                f"{file_name} is protected with a password. Remove the password in Excel "
                "(File > Info > Protect Workbook > Encrypt with Password, clear it), save and upload again."
            )
        if ole.exists("Workbook") or ole.exists("Book"):
            raise UserError(
                f"{file_name} is an old-style Excel 97-2003 workbook (.xls). {_SAVE_AS_XLSX}."
            )
    finally:
        ole.close()
    raise UserError(
        f"{file_name} is not an Excel workbook (it looks like another Office document). {_SAVE_AS_XLSX}."
    )


# ----------------------------------------------------------------------------------- workbooks


# (plain classes, not dataclasses: this module is imported before the parser is forked, and
# dataclasses take a while to import)
class SheetInfo:
    """A worksheet of a workbook: its name, zip part and declared dimension (1-based, inclusive)."""

    __slots__ = ("name", "part", "dimension")

    def __init__(
        self, name: str, part: str, dimension: tuple[int, int, int, int] | None = None
    ) -> None:
        self.name = name
        self.part = part
        self.dimension = dimension  # first_row, first_col, last_row, last_col

    def __repr__(self) -> str:
        return f"SheetInfo({self.name!r}, {self.part!r}, {self.dimension!r})"


class WorkbookInfo:
    __slots__ = ("sheets",)

    def __init__(self, sheets: list[SheetInfo] | None = None) -> None:
        self.sheets = [] if sheets is None else sheets


def _damaged(file_name: str) -> UserError:
    return UserError(
        f"{file_name} is damaged (the workbook is incomplete or corrupt). {_RESAVE}."
    )


def _open_zip(data: bytes, file_name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _damaged(file_name) from None


def check_zip(zf: zipfile.ZipFile, file_name: str) -> None:
    """Refuse zip bombs by their declared sizes and compression ratios, and encrypted entries."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UserError(
            f"{file_name} holds {len(infos):,} parts, far more than any workbook. {_RESAVE}."
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UserError(
                f"{file_name} is protected with a password. Remove the password in Excel, save and upload again."
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR_BYTES and ratio > config.MAX_COMPRESSION_RATIO:
            raise UserError(
                f"{file_name} would unpack to {_mb(info.file_size)} from {_mb(info.compress_size)} "
                f"(part {info.filename}), which is not a normal workbook. {_RESAVE}."
            )
    if total > config.MAX_UNZIPPED_BYTES:
        raise UserError(
            f"{file_name} would unpack to {_mb(total)}, more than the {_mb(config.MAX_UNZIPPED_BYTES)} this app reads. "
            "Export only the students and columns you need, or split it into several files."
        )


def _first_element(zf: zipfile.ZipFile, name: str, file_name: str, *, stop: set[str] | None = None):
    """Parse the start of an XML part with defusedxml (no DTD, no entities).

    Returns the first element whose local name is in ``stop`` (or the root element when ``stop``
    is ``None``), or ``None`` when the part ends first. A DTD or entity raises :class:`UserError`.
    """
    try:
        with zf.open(name) as fh:
            for _event, elem in SafeET.iterparse(fh, events=("start",), forbid_dtd=True):
                local = elem.tag.rsplit("}", 1)[-1]
                if stop is None or local in stop:
                    return elem
    except defusedxml.DefusedXmlException:
        raise UserError(
            f"{file_name} contains XML declarations (DTD or entities) that Excel never writes, "
            f"so it is refused for safety (part {name}). {_RESAVE}."
        ) from None
    except SafeET.ParseError:
        raise _damaged(file_name) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        # RuntimeError: encrypted entry; NotImplementedError: unknown compression method.
        raise _damaged(file_name) from None
    return None


def _read_part(zf: zipfile.ZipFile, name: str, file_name: str) -> bytes:
    try:
        info = zf.getinfo(name)
        if info.file_size > _MAX_META_PART_BYTES:
            raise UserError(
                f"{file_name}: part {name} is far larger than in any workbook. {_RESAVE}."
            )
        with zf.open(info) as fh:
            return fh.read(_MAX_META_PART_BYTES + 1)[:_MAX_META_PART_BYTES]
    except KeyError:
        raise _damaged(file_name) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        raise _damaged(file_name) from None


def _parse_xml(zf: zipfile.ZipFile, name: str, file_name: str):
    raw = _read_part(zf, name, file_name)
    try:
        return SafeET.fromstring(raw, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise UserError(
            f"{file_name} contains XML declarations (DTD or entities) that Excel never writes, "
            f"so it is refused for safety (part {name}). {_RESAVE}."
        ) from None
    except SafeET.ParseError:
        raise _damaged(file_name) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(elem, local_name: str) -> str | None:
    for key, value in elem.attrib.items():
        if _local(key) == local_name:
            return value
    return None


def _resolve(base_dir: PurePosixPath, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in (base_dir / target).parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in (".", ""):
            parts.append(piece)
    return "/".join(parts)


def _workbook_part(zf: zipfile.ZipFile, names: set[str], file_name: str) -> str:
    if "xl/workbook.xml" in names:
        return "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in _parse_xml(zf, "_rels/.rels", file_name):
            if (_attr(rel, "Type") or "").endswith("/officeDocument"):
                part = _resolve(PurePosixPath(""), _attr(rel, "Target") or "")
                if part in names and part.endswith(".xml"):
                    return part
    if "xl/workbook.bin" in names:
        raise UserError(f"{file_name} is an Excel binary workbook (.xlsb). {_SAVE_AS_XLSX}.")
    if "mimetype" in names or "content.xml" in names:
        raise UserError(f"{file_name} is an OpenDocument spreadsheet (.ods). {_SAVE_AS_XLSX}.")
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise UserError(
            f"{file_name} is a Word or PowerPoint file, not a spreadsheet. Upload the results as .xlsx or .csv."
        )
    raise UserError(
        f"{file_name} is a zip file but not an Excel workbook. Upload the results as .xlsx or .csv."
    )


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def parse_ref(ref: str) -> tuple[int, int] | None:
    """``"N35"`` -> (35, 14): 1-based row and column; ``None`` when it is not a cell reference."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + (ord(ch) - 64)
    return int(m.group(2)), col


def column_letters(col: int) -> str:
    """1 -> "A", 16384 -> "XFD"."""
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _parse_dimension(ref: str | None) -> tuple[int, int, int, int] | None:
    if not ref:
        return None
    pieces = ref.split(":")
    first = parse_ref(pieces[0])
    last = parse_ref(pieces[-1])
    if first is None or last is None:
        return None
    return (
        min(first[0], last[0]),
        min(first[1], last[1]),
        max(first[0], last[0]),
        max(first[1], last[1]),
    )


def inspect_workbook(data: bytes, file_name: str, *, dimensions: bool = True) -> WorkbookInfo:
    """Every check short of parsing cells; the worksheets in workbook order."""
    zf = _open_zip(data, file_name)
    with zf:
        check_zip(zf, file_name)
        names = set(zf.namelist())
        wb_part = _workbook_part(zf, names, file_name)
        # The prolog of every XML part that is not read below: no DTD, no entities.
        for name in sorted(names):
            if name.endswith((".xml", ".rels", ".vml")) and name != wb_part:
                _first_element(zf, name, file_name)
        workbook = _parse_xml(zf, wb_part, file_name)
        wb_dir = PurePosixPath(wb_part).parent
        rels_part = str(wb_dir / "_rels" / (PurePosixPath(wb_part).name + ".rels"))
        targets: dict[str, str] = {}
        if rels_part in names:
            for rel in _parse_xml(zf, rels_part, file_name):
                if (_attr(rel, "Type") or "").endswith(_MAIN_NS_WORKSHEET):
                    targets[_attr(rel, "Id") or ""] = _resolve(wb_dir, _attr(rel, "Target") or "")
        info = WorkbookInfo()
        for elem in workbook.iter():
            if _local(elem.tag) != "sheet":
                continue
            part = targets.get(_attr(elem, "id") or "")
            name = _attr(elem, "name")
            if part is None or name is None:
                continue  # a chart sheet or dialog sheet: no cells to read
            if part not in names:
                raise _damaged(file_name)
            sheet = SheetInfo(name, part)
            if dimensions:
                dim = _first_element(zf, part, file_name, stop={"dimension", "sheetData"})
                if dim is not None and _local(dim.tag) == "dimension":
                    sheet.dimension = _parse_dimension(_attr(dim, "ref"))
                check_dimension(sheet, file_name)
            info.sheets.append(sheet)
        return info


def check_dimension(sheet: SheetInfo, file_name: str) -> None:
    """Refuse a sheet whose declared used range is beyond Excel's grid or ``MAX_SHEET_CELLS``."""
    if sheet.dimension is None:
        return
    r1, c1, r2, c2 = sheet.dimension
    cells = (r2 - r1 + 1) * (c2 - c1 + 1)
    if r2 > MAX_ROWS or c2 > MAX_COLUMNS or cells > config.MAX_SHEET_CELLS:
        raise UserError(
            f"{file_name}: sheet {sheet.name!r} reaches cell {column_letters(c2)}{r2}, far beyond any results table "
            f"({cells:,} cells), so it is not read. In Excel delete the rows and columns after your data "
            "(or copy the results into a new workbook), save and upload again."
        )


def workbook_sheets(data: bytes, file_name: str) -> list[tuple[str, str]]:
    """(sheet name, zip part) of every worksheet, in workbook order."""
    return [(s.name, s.part) for s in inspect_workbook(data, file_name, dimensions=False).sheets]


# ----------------------------------------------------------------------- parsing in a child

#: Rows at the top of each sheet that are also read as text (headers, titles, keys).
HEAD_ROWS = 30


class ParsedSheet(NamedTuple):
    """One parsed sheet as the child sends it (columns named ``cK`` after sheet column K).

    ``head``: text of sheet rows 1, 2 … as far as the cut copy of the sheet reaches (at least
    ``HEAD_ROWS`` rows from the first row holding a value). ``body``: typed cells of sheet rows
    2 … last (``None`` for a sheet without any value).
    """

    name: str
    head: pa.Table
    body: pa.Table | None


def prestart() -> None:
    """Start the parsing forkserver now, in the background (idempotent, returns at once).

    The first workbook read of a process waits for a fresh interpreter to import fastexcel and
    pyarrow (about half a second); calling this when an upload page opens overlaps that with
    other work. Later reads fork from it in milliseconds.
    """
    from collabplan.ingest import forkserver

    forkserver.prestart()


def can_fork_now() -> bool:
    """True when this process runs a single thread, so a plain ``fork`` is safe.

    A fork copies only the calling thread; locks held by any other thread (the import lock,
    allocator locks inside native libraries) would stay locked forever in the child. With one
    thread there is nothing to inherit half-done, and the child starts in a millisecond with
    everything this process already imported (the command line's case). Otherwise the
    forkserver is used.
    """
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1  # native threads too
    except OSError:
        return False


class _Pipe:
    """One end of a pipe that carries pickled messages: how a forked child answers.

    (multiprocessing's connections do the same, but importing multiprocessing would delay
    the fork of the command line's parser.) A message is its length (8 bytes) and its pickle.
    """

    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd

    @property
    def closed(self) -> bool:
        return self.fd is None

    def send(self, message: Any) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(struct.pack("<Q", len(data)) + data)
        while view:
            view = view[os.write(self.fd, view) :]

    def poll(self, timeout: float) -> bool:
        """True once there is something to read (a message, or the child's end closing)."""
        poller = select.poll()  # (not select.select, which fails on a descriptor past 1023)
        poller.register(self.fd, select.POLLIN)
        return bool(poller.poll(max(0, int(timeout * 1000))))

    def _read(self, size: int) -> bytes:
        chunks, left = [], size
        while left:
            chunk = os.read(self.fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError("the child closed its end without a whole message")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def recv(self) -> Any:
        (size,) = struct.unpack("<Q", self._read(8))
        return pickle.loads(self._read(size))

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _shared_memory_fd() -> int | None:
    """An anonymous in-memory file the child writes its tables into (``None``: use the pipe).

    The parent maps it without copying; it has no name, so nothing is left behind whatever
    happens to either process.
    """
    try:
        return os.memfd_create("collabplan-read", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None


class ChildJob:
    """A job running in a child process; :meth:`result` waits for what it sends.

    ``fork=True`` forks this (single-threaded) process; otherwise the child comes from the
    forkserver. The target is called as ``target(conn, out_fd, *args)``.
    """

    def __init__(self, target, args: tuple, file_name: str, *, fork: bool = False, out_fd=False):
        self.file_name = file_name
        self.sheets: Any = None  # the sheets asked for (see fork_parse)
        self.out_fd = _shared_memory_fd() if out_fd else None
        self.proc = None
        self.pid: int | None = None
        self.status: int | None = None
        self.receiver: Any = None
        try:
            if fork:
                self._fork(target, args)
            else:
                from collabplan.ingest import forkserver

                self.proc, self.receiver = forkserver.start(target, args, self.out_fd)
        except OSError as exc:  # pragma: no cover - the machine is out of processes
            self.close()
            raise UserError(
                f"{file_name} could not be read right now ({exc}). Try again in a minute."
            ) from None

    def _fork(self, target, args: tuple) -> None:
        read_end, write_end = os.pipe()
        os.set_inheritable(read_end, False)
        try:
            pid = os.fork()
        except BaseException:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # the child: run the job, never return into the caller's code
            code = 1
            try:
                os.close(read_end)
                target(_Pipe(write_end), self.out_fd, *args)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.receiver = _Pipe(read_end)
        self.pid = pid

    def _kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
        elif self.pid is not None and self.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def _join(self, timeout: float) -> None:
        if self.proc is not None:
            self.proc.join(timeout)
            if self.proc.is_alive():  # pragma: no cover
                self.proc.kill()
                self.proc.join(5)
            return
        if self.pid is None or self.status is not None:
            return
        deadline = time.monotonic() + timeout
        while True:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped already (by the thread result() leaves)
                return
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return
            if time.monotonic() > deadline:  # pragma: no cover
                os.kill(self.pid, signal.SIGKILL)
                _pid, status = os.waitpid(self.pid, 0)
                self.status = os.waitstatus_to_exitcode(status)
                return
            time.sleep(0.002)

    @property
    def exitcode(self) -> int | None:
        return self.proc.exitcode if self.proc is not None else self.status

    def result(self, timeout: float) -> Any:
        """What the child sent; a child that dies, sends nothing or runs out of time raises."""
        message = None
        try:
            if self.receiver.poll(timeout):
                try:
                    message = self.receiver.recv()
                except (EOFError, OSError):
                    message = None
            else:
                self._kill()
                self._join(5)
                raise UserError(
                    f"{self.file_name} took longer than {timeout:g} seconds to read, so reading was stopped. "
                    "Export only the students and columns you need, or split it into several files."
                )
        finally:
            self.receiver.close()
            if message is None or self.proc is not None:
                self._join(10)
            else:  # a forked child's answer is here: its exit (freeing its memory) is not
                # waited for, only reaped when it comes
                threading.Thread(target=self._join, args=(10,), daemon=True).start()
        if message is None:
            code = self.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            raise UserError(
                f"{self.file_name} is too large or too damaged to read safely (the reader stopped: {how}). {_RESAVE}."
            )
        return message

    def close(self) -> None:
        """Stop the child if it still runs, reap it and free the shared memory (idempotent)."""
        if self.receiver is not None and not self.receiver.closed:
            self.receiver.close()
            self._kill()
            self._join(5)
        if self.out_fd is not None:
            os.close(self.out_fd)
            self.out_fd = None


def run_in_child(target, args: tuple, file_name: str, timeout: float) -> Any:
    """Run ``target(conn, *args)`` in a fresh child and return what it sends on ``conn``.

    The child is killed after ``timeout`` seconds; a child that dies or sends nothing, and one
    that runs out of time, become an :class:`UserError` naming the file.
    """
    job = ChildJob(_without_fd, (target, *args), file_name)
    try:
        return job.result(timeout)
    finally:
        job.close()


def _without_fd(conn, _out_fd, target, *args) -> None:
    target(conn, *args)


def start_parse(data: bytes, file_name: str, sheets) -> ChildJob:
    """Fork a child that checks and parses the workbook now (this process must be single-threaded).

    ``sheets`` is ``read_upload``'s argument (``None``, ``"*"``, a name or a list of names).
    The child runs every check of :func:`inspect_workbook` itself before parsing; pass the job
    to :func:`parse_workbook` to collect the sheets, or :meth:`ChildJob.close` it.
    """
    memory, timeout = config.PARSE_MEMORY_BYTES, config.PARSE_TIMEOUT_SECONDS
    wanted = [sheets] if isinstance(sheets, str) and sheets != "*" else sheets
    args = (data, file_name, wanted, None, None, memory, timeout)
    return ChildJob(_child_main, args, file_name, fork=True, out_fd=True)


def fork_parse(data: bytes, file_name: str, sheets) -> ChildJob | None:
    """:func:`start_parse` when that is safe here (a workbook, a single-threaded process and
    a process to spare), else ``None``. The job remembers ``sheets`` as ``job.sheets``."""
    if sniff_kind(data) != "zip" or not can_fork_now():
        return None
    try:
        job = start_parse(data, file_name, sheets)
    except UserError:  # no process to spare: the usual way reports it
        return None
    job.sheets = sheets
    return job


def parse_workbook(
    data: bytes,
    file_name: str,
    wanted: list[str] | None,
    *,
    info: WorkbookInfo | None = None,
    timeout: float | None = None,
    memory: int | None = None,
    job: ChildJob | None = None,
) -> list[ParsedSheet]:
    """Parse sheets in a child process (or collect them from ``job``, see :func:`start_parse`).

    ``wanted=None`` reads the first sheet, or the first sheet with data when it is empty.
    """
    timeout = config.PARSE_TIMEOUT_SECONDS if timeout is None else timeout
    if job is None:
        if info is None:
            info = inspect_workbook(data, file_name)
        memory = config.PARSE_MEMORY_BYTES if memory is None else memory
        sheets = {s.name: s.part for s in info.sheets}
        order = [s.name for s in info.sheets]
        args = (data, file_name, wanted, order, sheets, memory, timeout)
        job = ChildJob(_child_main, args, file_name, out_fd=True)
    try:
        _warm_up()
        status, payload = job.result(timeout)
        if status == "refused":
            raise UserError(payload)
        if status == "error":
            where, reason = payload
            where = f" (sheet {where!r})" if where else ""
            raise UserError(f"{file_name} could not be read{where}: {reason}. {_RESAVE}.")
        return _receive_tables(payload, job.out_fd)
    finally:
        job.close()


def _warm_up() -> None:
    """Import what receiving and tidying the tables needs while the child parses."""
    import pyarrow  # noqa: F401
    import pyarrow.compute  # noqa: F401
    import pyarrow.ipc  # noqa: F401


def _receive_tables(payload, out_fd: int | None) -> list[ParsedSheet]:
    import pyarrow as pa

    source = None
    if out_fd is not None and os.fstat(out_fd).st_size:
        source = pa.memory_map(f"/proc/self/fd/{out_fd}").read_buffer()  # no copy

    def table(where):
        if where is None:
            return None
        if isinstance(where, bytes):
            buf = where
        else:
            offset, size = where
            buf = source.slice(offset, size)
        with pa.ipc.open_stream(buf) as stream:
            return stream.read_all()

    return [ParsedSheet(name, table(head), table(body)) for name, head, body in payload]


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


def _pyarrow_in_background():
    """Import pyarrow in a thread (fastexcel parses meanwhile, without the GIL); returns a join."""
    import sys

    if "pyarrow" in sys.modules:
        return lambda: None

    def load() -> None:
        # the lowest priority: the import takes a core nobody needs (the parse is what the
        # import waits for, and the main process loads its own modules meanwhile)
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        import pyarrow  # noqa: F401
        import pyarrow.ipc  # noqa: F401

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    return thread.join


def _child_main(
    conn, out_fd, data: bytes, file_name: str, wanted, order, sheets, memory: int, timeout: float
) -> None:
    """In the child: parse and send ("ok", [(name, head, body)]) or why it could not.

    Tables go into ``out_fd`` as Arrow IPC streams (then head/body are (offset, size)) or, when
    there is no such file, as bytes on ``conn``. With ``order=None`` (a forked child, see
    :func:`start_parse`) the workbook checks run here first.
    """
    _limit_child(memory, timeout)
    os.environ["RUST_BACKTRACE"] = "0"  # a parser abort prints one line, not a backtrace
    import logging

    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "falling back to string" notes
    current = ""
    try:
        if order is None:
            check_upload(data, file_name)
            info = inspect_workbook(data, file_name)
            order = [s.name for s in info.sheets]
            sheets = {s.name: s.part for s in info.sheets}
            if wanted == "*":
                wanted = order
            if wanted is not None and any(name not in sheets for name in wanted):
                conn.send(("refused", f"{file_name}: a sheet asked for is not in the workbook."))
                return
        import fastexcel

        names = list(wanted) if wanted is not None else order
        reader = fastexcel.read_excel(data)
        head_reader = fastexcel.read_excel(head_workbook(data, [sheets[n] for n in names]))
        loaded = []
        pyarrow_ready = None
        for name in names:
            current = name
            if pyarrow_ready is None:  # not earlier: the import would slow the checks above
                pyarrow_ready = _pyarrow_in_background()
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
        if pyarrow_ready is not None:
            pyarrow_ready()
        tables = [(name, _arrow(head), _arrow(body)) for name, head, body in loaded]
        conn.send(("ok", _send_tables(tables, out_fd)))
    except UserError as exc:
        conn.send(("refused", str(exc)))
    except MemoryError:
        conn.send(("error", (current, "it needs more memory than this app allows")))
    except Exception as exc:  # the parser's own errors (CalamineError, ...) become one line
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        reason = reason.removeprefix("calamine error: ")
        conn.send(("error", (current, reason)))
    finally:
        conn.close()


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


def _send_tables(tables, out_fd: int | None) -> list:
    import pyarrow as pa

    def ipc(batch, sink) -> None:
        with pa.ipc.new_stream(sink, batch.schema) as writer:
            writer.write_batch(batch)

    def pieces(write) -> list:
        return [
            (name, *(None if batch is None else write(batch) for batch in (head, body)))
            for name, head, body in tables
        ]

    if out_fd is None:

        def as_bytes(batch) -> bytes:
            sink = pa.BufferOutputStream()
            ipc(batch, sink)
            return sink.getvalue().to_pybytes()

        return pieces(as_bytes)
    with pa.OSFile(f"/proc/self/fd/{out_fd}", "wb") as sink:

        def in_file(batch) -> tuple[int, int]:
            start = sink.tell()
            ipc(batch, sink)
            end = sink.tell()
            if end % 64:  # keep every stream 64-byte aligned for the zero-copy read
                sink.write(b"\0" * (64 - end % 64))
            return start, end - start

        return pieces(in_file)


# ------------------------------------------------------------------- the head: a cut copy

_EMPTY_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData/></worksheet>"
)
_WORKSHEET_TAG = re.compile(rb"<([\w.-]+:)?worksheet\b")
_SHEET_DATA_TAG = re.compile(rb"<([\w.-]+:)?sheetData\b[^>]*?(/?)>")
_DIMENSION_TAG = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*>")
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d{1,7})["']""")
_VALUE_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:v\b[^>/]*>[^<]|is\b)")
_CHUNK = 64 * 1024


def head_workbook(data: bytes, parts: list[str], rows: int = HEAD_ROWS) -> bytes:
    """A copy of the workbook whose sheets ``parts`` stop after their first ``rows`` rows.

    A row counts from the first row holding a value (rows above it are kept too, empty). Only
    the start of each sheet part is decompressed; the parts a reader needs besides the sheets
    (workbook, relationships, shared strings, styles) are copied, stored uncompressed, and any
    other worksheet becomes an empty one. The shared strings stop after the last one the cut
    sheets use (Excel numbers them in order of first use, so that is usually a handful). Byte
    scanning only: the parser reads the copy.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zipfile.ZipFile(out, "w") as dst:
        names = set(zf.namelist())
        wb_dir = PurePosixPath(_workbook_part(zf, names, "workbook")).parent
        keep_dirs = {PurePosixPath(""), PurePosixPath("_rels"), wb_dir, wb_dir / "_rels"}
        cut = {part: cut_sheet(zf, part, rows) for part in dict.fromkeys(parts)}
        strings = _shared_strings_used(list(cut.values()))
        sheets = set(_worksheet_parts(zf, names))
        for info in zf.infolist():
            name = info.filename
            if name in cut:
                dst.writestr(name, cut[name])
            elif name in sheets:
                dst.writestr(name, _EMPTY_SHEET)
            elif PurePosixPath(name).parent in keep_dirs and not name.endswith("/"):
                if strings is not None and name.lower().endswith("sharedstrings.xml"):
                    dst.writestr(name, cut_shared_strings(zf, name, strings))
                else:
                    dst.writestr(name, zf.read(name))
    return out.getvalue()


_SHARED_CELL = re.compile(rb"""<(?:[\w.-]+:)?c\b[^>]*?\bt\s*=\s*["']s["'][^>]*>""")
_SHARED_INDEX = re.compile(
    rb"""<(?:[\w.-]+:)?c\b[^>]*?\bt\s*=\s*["']s["'][^>]*>\s*<(?:[\w.-]+:)?v>\s*(\d{1,9})\s*<"""
)
_SST_TAG = re.compile(rb"<([\w.-]+:)?sst\b[^>]*?(/?)>")
_SST_UNIQUE = re.compile(rb"""\suniqueCount\s*=\s*["'](\d{1,9})["']""")
_SST_COUNTS = re.compile(rb"""\s(?:count|uniqueCount)\s*=\s*["'][^"']*["']""")


def _shared_strings_used(sheets: list[bytes]) -> int | None:
    """How many shared strings the cut sheets need (``None``: cannot tell, keep them all)."""
    cells = sum(len(_SHARED_CELL.findall(xml)) for xml in sheets)
    used = [int(i) for xml in sheets for i in _SHARED_INDEX.findall(xml)]
    if len(used) != cells:
        return None
    return max(used, default=-1) + 1


def cut_shared_strings(zf: zipfile.ZipFile, part: str, count: int) -> bytes:
    """The shared-strings part with only its first ``count`` strings, closed (byte scanning)."""
    buf = bytearray()
    sst = None
    found = 0  # strings ending before ``scan``
    scan = 0
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            buf += chunk
            if sst is None:
                sst = _SST_TAG.search(buf)
                if sst is None and chunk:
                    continue
                if sst is None or sst.group(2):
                    return bytes(buf) + fh.read()
                scan = sst.end()
                close = b"</" + (sst.group(1) or b"") + b"si>"
                unique = _SST_UNIQUE.search(buf, sst.start(), sst.end())
                if unique and int(unique.group(1)) <= count:  # every string is needed
                    return bytes(buf) + fh.read()
            if b"si/>" in buf[max(scan, len(buf) - len(chunk) - 4) :]:
                return bytes(buf) + fh.read()  # an empty string written as <si/>: keep all
            end = sst.end() if count == 0 else None
            if end is None:  # count at C speed; walk string by string only to the last one
                tail = buf.rfind(close)
                last = tail + len(close) if tail >= scan else scan
                whole = buf.count(close, scan, last)
                if found + whole < count:
                    found, scan = found + whole, last
                else:
                    while found < count:
                        scan = buf.index(close, scan) + len(close)
                        found += 1
                    end = scan
            if end is not None:
                tag = _SST_COUNTS.sub(b"", buf[sst.start() : sst.end()])
                prefix = sst.group(1) or b""
                kept = buf[: sst.start()] + tag + buf[sst.end() : end]
                return bytes(kept) + b"</" + prefix + b"sst>"
            if not chunk:
                return bytes(buf)


def _worksheet_parts(zf: zipfile.ZipFile, names: set[str]) -> list[str]:
    """Every part named like a worksheet (``…/worksheets/….xml``)."""
    return [n for n in names if "/worksheets/" in f"/{n}" and n.endswith(".xml")]


def cut_sheet(zf: zipfile.ZipFile, part: str, rows: int = HEAD_ROWS) -> bytes:
    """The sheet XML up to the first row ``rows`` rows past the first row holding a value, closed.

    Rows without an ``r`` attribute follow the row before. When the sheet ends first, the part
    is returned whole. The ``<dimension>`` of a cut copy is dropped (it would be wrong).
    """
    buf = bytearray()
    sheet_data = None
    rows_seen: list[tuple[int, int]] = []  # (position of the row tag, row number)
    rows_from = value_from = 0  # where the next row tag / value search starts
    checked = 0  # rows_seen[:checked] are known to be within the limit
    row_number = 0
    limit = None  # the first row number past the head
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            buf += chunk
            if sheet_data is None:
                sheet_data = _SHEET_DATA_TAG.search(buf)
                if sheet_data is None and chunk:
                    continue
                if sheet_data is None or sheet_data.group(2):  # no rows at all
                    return bytes(buf) + fh.read()
                rows_from = value_from = sheet_data.end()
            for m in _ROW_TAG.finditer(buf, rows_from):
                number = _ROW_NUMBER.search(m.group(1))
                row_number = int(number.group(1)) if number else row_number + 1
                rows_seen.append((m.start(), row_number))
                rows_from = m.end()
            if limit is None:
                value = _VALUE_TAG.search(buf, value_from)
                if value is None:
                    value_from = max(value_from, len(buf) - 64)
                else:
                    first = max((n for pos, n in rows_seen if pos < value.start()), default=1)
                    limit = first + rows
            if limit is not None:
                for pos, number in rows_seen[checked:]:
                    if number >= limit:
                        return _close_sheet(bytes(buf[:pos]), sheet_data)
                checked = len(rows_seen)
            if not chunk:
                return bytes(buf)


def _close_sheet(xml: bytes, sheet_data: re.Match) -> bytes:
    """Sheet XML cut inside ``<sheetData>``: end both elements, with their own prefixes."""
    top = xml[: sheet_data.start()]
    worksheet = _WORKSHEET_TAG.search(top)
    top = _DIMENSION_TAG.sub(b"", top, count=1)
    data_prefix = sheet_data.group(1) or b""
    sheet_prefix = (worksheet.group(1) if worksheet else b"") or b""
    return (
        top
        + xml[sheet_data.start() :]
        + b"</"
        + data_prefix
        + b"sheetData></"
        + sheet_prefix
        + b"worksheet>"
    )
