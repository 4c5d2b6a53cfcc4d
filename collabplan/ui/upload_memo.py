"""What the upload page works out from a dropped file, kept with the session, bounded in bytes.

Reading, detecting, preparing and checking a 10 MB export takes seconds, and every click on
the page reruns it, so the results are kept. They used to sit in ``st.cache_resource``, shared
by the whole server, counted in entries (8 and 16 of them, each up to hundreds of MB for a
large file) and kept after the session that made them closed. Now:

- each session keeps its own (:class:`UploadMemo` in ``st.session_state``), so they go
  when the session goes;
- at most :data:`SESSION_BYTES` per session, least recently used first out (the latest
  result is always kept, so a file larger than the bound still works: it is just not
  remembered next to others);
- only for the files in the uploader now (:meth:`UploadMemo.keep`), and nothing once an
  import finishes (:func:`forget_imported`, which also drops the uploaded bytes);
- when a session's store is dropped, the freed memory is handed back to the system
  (:func:`collabplan.memory.release`).

Streamlit keeps a closed tab's uploaded files until the session is shut down, which does not
happen when a disconnected session simply expires; :func:`sweep_closed_sessions` removes the
files of sessions gone longer than ``server.disconnectedSessionTTL`` (run every
:data:`SWEEP_SECONDS` by one background thread).
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import streamlit as st

from collabplan import memory

T = TypeVar("T")

MEMO_KEY = "upload_memo"
#: Bytes one session keeps of read, prepared and checked uploads.
SESSION_BYTES = 320 * 2**20
#: How often the background sweep looks for closed sessions' uploaded files.
SWEEP_SECONDS = 30.0


class UploadMemo:
    """Results by key (the file's sha256 first), least recently used out past ``limit`` bytes."""

    def __init__(self, limit: int = SESSION_BYTES) -> None:
        self.limit = limit
        self._items: OrderedDict[tuple[Any, ...], tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        # when the session's state is dropped (tab closed and expired), give the pages back
        weakref.finalize(self, memory.release)

    @property
    def bytes(self) -> int:
        return self._bytes

    def entries(self) -> list[tuple[Any, ...]]:
        """The keys kept, least recently used first."""
        return list(self._items)

    def values(self) -> list[Any]:
        return [value for value, _ in self._items.values()]

    def get(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """The value kept under ``key``, else ``make()`` kept (an exception keeps nothing)."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key][0]
        value = make()
        size = memory.approx_bytes(value)
        self._items[key] = (value, size)
        self._bytes += size
        dropped = False
        while self._bytes > self.limit and len(self._items) > 1:
            _, (_, old) = self._items.popitem(last=False)
            self._bytes -= old
            dropped = True
        if dropped:
            memory.release()
        return value

    def drop(self, keep: Callable[[tuple[Any, ...]], bool]) -> int:
        """Remove the entries whose key ``keep`` refuses; return how many."""
        gone = [k for k in self._items if not keep(k)]
        for k in gone:
            self._bytes -= self._items.pop(k)[1]
        if gone:
            memory.release()
        return len(gone)

    def keep(self, files: Iterable[str]) -> int:
        """Keep only the entries of these files (sha256): the others left the uploader."""
        wanted = set(files)
        return self.drop(lambda k: k[0] in wanted)

    def clear(self) -> None:
        self.drop(lambda k: False)


def session_memo() -> UploadMemo:
    """This session's store (made on first use)."""
    memo = st.session_state.get(MEMO_KEY)
    if not isinstance(memo, UploadMemo):
        memo = st.session_state[MEMO_KEY] = UploadMemo()
    return memo


def forget_imported(files: Iterable[Any]) -> None:
    """After an import: drop this session's results and the uploaded files' bytes.

    ``files``: the ``UploadedFile`` objects of the uploader. Their bytes are held by
    Streamlit's uploaded-file manager until the session ends; the page starts a new, empty
    uploader after an import, so they are removed now (as ``st.chat_input`` does with its own).
    """
    session_memo().clear()
    ctx = _script_context()
    if ctx is not None:
        for f in files:
            ctx.uploaded_file_mgr.remove_file(ctx.session_id, f.file_id)
    memory.release()


def _script_context() -> Any:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return get_script_run_ctx()


# ---------------------------------------------------------------------- closed sessions' files
_gone_since: dict[str, float] = {}
_sweeper_lock = threading.Lock()
_sweeper: threading.Thread | None = None


def sweep_closed_sessions(now: float | None = None) -> int:
    """Remove the uploaded files of sessions that have been gone (not connected) longer than
    ``server.disconnectedSessionTTL``: they can no longer come back. Returns how many
    sessions' files were removed."""
    from streamlit import config
    from streamlit.runtime import Runtime
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    if not Runtime.exists():
        return 0
    runtime = Runtime.instance()
    files = runtime.uploaded_file_mgr
    if not isinstance(files, MemoryUploadedFileManager):
        return 0
    now = time.monotonic() if now is None else now
    ttl = float(config.get_option("server.disconnectedSessionTTL"))
    removed = 0
    with _sweeper_lock:
        holding = list(files.file_storage)
        for session_id in holding:
            if runtime.is_active_session(session_id):
                _gone_since.pop(session_id, None)
                continue
            since = _gone_since.setdefault(session_id, now)
            if now - since > ttl:
                files.remove_session_files(session_id)
                _gone_since.pop(session_id, None)
                removed += 1
        for session_id in [s for s in _gone_since if s not in holding]:
            del _gone_since[session_id]
    if removed:
        memory.release()
    return removed


def start_sweeper() -> None:
    """Start the background sweep once per process (a daemon thread; idempotent)."""
    global _sweeper
    with _sweeper_lock:
        if _sweeper is not None and _sweeper.is_alive():
            return
        _sweeper = threading.Thread(target=_sweep_forever, name="collabplan-upload-sweep", daemon=True)
        _sweeper.start()


def _sweep_forever() -> None:
    while True:
        time.sleep(SWEEP_SECONDS)
        try:
            sweep_closed_sessions()
        except Exception:  # a sweep that fails once must not end the sweeping (logged)
            logging.getLogger(__name__).exception("sweeping closed sessions' uploaded files failed")
