"""A throwaway PostgreSQL server from Debian's packages, for the shared-store test run,
the district benchmark and the load test.

``start(folder)`` makes a cluster in ``folder`` (``initdb``, trust on loopback only), starts it
on a free port and returns its URL with no database name (``postgresql://collab@127.0.0.1:P``);
``stop(folder)`` stops it. PostgreSQL refuses to run as root, so as root the server runs as the
``postgres`` user the Debian package makes. From the shell (``.ci/run``):
``python tests/pgserver.py start FOLDER`` prints the URL; ``python tests/pgserver.py stop FOLDER``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

USER = "collab"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} not found: apt-get install -y postgresql")
    return path


def available() -> bool:
    try:
        _bin("initdb")
    except RuntimeError:
        return False
    return True


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder: Path | str, *, durable: bool = False, port: int | None = None) -> str:
    """Start a server; ``durable`` keeps PostgreSQL's fsync (for timings a district would see;
    the test runs leave it off, as nothing outlives them)."""
    folder = Path(folder).resolve()
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    if not data.exists():
        subprocess.run(
            _as_owner([_bin("initdb"), "-D", str(data), "-A", "trust", "-U", USER,
                       "--encoding", "UTF8", "--no-sync"]),
            check=True, capture_output=True,
        )
    port = port or _free_port()
    options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=400 "
               "-c shared_buffers=256MB")
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(
        _as_owner([_bin("pg_ctl"), "-D", str(data), "-o", options, "-l",
                   str(folder / "server.log"), "-w", "start"]),
        check=True, capture_output=True,
    )
    (folder / "port").write_text(str(port))
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    return f"postgresql://{USER}@127.0.0.1:{port}"


def stop(folder: Path | str) -> None:
    data = Path(folder).resolve() / "data"
    subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                   check=False, capture_output=True)


if __name__ == "__main__":
    command, where = sys.argv[1], sys.argv[2]
    if command == "start":
        print(start(where))
    else:
        stop(where)
