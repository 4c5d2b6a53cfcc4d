"""``python -m collabplan …``: see collabplan/cli.py."""

import contextlib
import os
import sys

from collabplan.cli import main

if __name__ == "__main__":
    code = main()
    # Everything is written by now. Python's own teardown after a large import (freeing each
    # table, stopping DuckDB's threads, unloading modules) takes a quarter of a second or
    # more, so the databases are closed here and the process leaves at once.
    opened = sys.modules.get("collabplan.db")
    if opened is not None:
        opened.close_all()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe has nothing to flush
            stream.flush()
    os._exit(int(code or 0))
