"""The parser's processes for a multi-threaded process (the app server): a ``forkserver``.

A process running several threads must not fork itself (see :func:`safety.can_fork_now`), so
its parsing children come from a forkserver that preloads the parser's modules; each child then
starts in a few milliseconds. This is apart from :mod:`collabplan.ingest.safety` because
multiprocessing takes a while to import and the command line, which forks directly, never
needs it.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
from multiprocessing import context as _mp_ctx
from multiprocessing import forkserver as _mp_forkserver
from multiprocessing import popen_forkserver as _mp_popen
from multiprocessing import reduction as _mp_reduction
from multiprocessing import spawn as _mp_spawn
from multiprocessing import util as _mp_util
from typing import Any

_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None


def context() -> multiprocessing.context.BaseContext:
    """The forkserver context, set up once to preload the parser and its libraries."""
    global _context
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["collabplan.ingest.safety", "fastexcel", "pyarrow"])
            _context = ctx
        return _context


def prestart() -> None:
    """Start the forkserver now, in the background (idempotent, returns at once)."""
    context()
    _mp_forkserver.ensure_running()


class _NoMainPopen(_mp_popen.Popen):
    """Starts a forkserver child without re-running the parent's ``__main__`` in it.

    multiprocessing re-executes the main script in every child (for objects defined there).
    Under ``streamlit run`` that would import Streamlit in each child; the parser needs nothing
    from ``__main__``, so that step is dropped. Otherwise this is ``popen_forkserver.Popen``.
    """

    def _launch(self, process_obj):
        prep_data = _mp_spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        _mp_ctx.set_spawning_popen(self)
        try:
            _mp_reduction.dump(prep_data, buf)
            _mp_reduction.dump(process_obj, buf)
        finally:
            _mp_ctx.set_spawning_popen(None)
        self.sentinel, w = _mp_forkserver.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)
        self.finalizer = _mp_util.Finalize(self, _mp_util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = _mp_forkserver.read_signed(self.sentinel)


class _ParseProcess(_mp_ctx.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _NoMainPopen(process_obj)


class _PassFd:
    """A file descriptor handed to a forkserver child (duplicated into it while pickling)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self):
        return _rebuild_fd, (_mp_reduction.DupFd(self.fd),)


def _rebuild_fd(dup) -> int:
    return dup.detach()


def start(target, args: tuple, out_fd: int | None) -> tuple[Any, Any]:
    """Run ``target(conn, out_fd, *args)`` in a forkserver child; returns (process, receiver).

    ``out_fd`` is duplicated into the child. The receiver is a multiprocessing connection.
    """
    receiver, sender = multiprocessing.Pipe(duplex=False)
    try:
        passed = _PassFd(out_fd) if out_fd is not None else None
        context()
        proc = _ParseProcess(target=target, args=(sender, passed, *args), daemon=True)
        proc.start()
    except BaseException:
        receiver.close()
        raise
    finally:
        sender.close()
    return proc, receiver
