"""Settings: where the database lives and the thresholds the metrics use."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "collabplan.duckdb"

#: Groups with fewer students than this are suppressed ("fewer than 10 students").
MIN_GROUP_SIZE = int(os.environ.get("COLLABPLAN_MIN_GROUP", "10"))
#: Points/percent scores are proficient at or above this fraction unless the assessment says otherwise.
DEFAULT_CUT = 0.8
#: A skill is a strength / lagging when this many points above / below the median.
STATUS_MARGIN = 10.0
#: A skill whose growth is under this many points is stagnant.
STAGNANT_BELOW = 5.0

#: Upload limits, checked before a file is parsed.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_SHEET_CELLS = 50_000_000
PARSE_MEMORY_BYTES = 6 * 1024 * 1024 * 1024
PARSE_TIMEOUT_SECONDS = 300
#: Limits of what one upload may hold, checked in the parser child (docs/uploads.md). Excel's
#: own sheet ends at 16,384 columns; real exports reach about 1,000 (DIBELS Data System).
MAX_COLUMNS = 16_384
#: Largest csv cell: more than Excel's 32,767 characters take in UTF-8 (Python's csv default).
MAX_FIELD_BYTES = 128 * 1024
#: Longest csv line (one row): 16,384 columns of 256 bytes each.
MAX_LINE_BYTES = 4 * 1024 * 1024


#: A store location that is a URL with one of these schemes is the shared PostgreSQL store.
STORE_SCHEMES = ("postgresql://", "postgres://")


def database_path(path: Path | str | None = None) -> Path | str:
    """Where the data lives: ``path`` if given (a file, or a ``postgresql://`` URL for the
    shared store), else ``$COLLABPLAN_STORE``, else ``$COLLABPLAN_DB``, else
    ``data/collabplan.duckdb``."""
    if path:
        if str(path) == ":memory:" or str(path).startswith(STORE_SCHEMES):
            return str(path)
        return Path(path).expanduser().resolve()
    store = os.environ.get("COLLABPLAN_STORE")
    if store:
        if not store.startswith(STORE_SCHEMES):
            from collabplan.errors import UserError

            raise UserError(
                "COLLABPLAN_STORE must be a postgresql:// address, for example "
                "postgresql://collabplan@db.example.org/collabplan", kind="setup")
        return store
    env = os.environ.get("COLLABPLAN_DB")
    if env:
        return env if env == ":memory:" else Path(env).expanduser().resolve()
    return DEFAULT_DB
