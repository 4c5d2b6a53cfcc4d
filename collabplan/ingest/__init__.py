"""Import assessment spreadsheets: read, map, normalise, validate, load (see notes/ingest_api.md).

The public names are imported lazily so that reading a mapping does not pull in the
spreadsheet reader, and the command line starts quickly.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from collabplan.errors import UserError

_WHERE = {
    "RawSheet": "read",
    "read_upload": "read",
    "sheet_names": "read",
    "Mapping": "mapping",
    "Scores": "mapping",
    "load_mapping": "mapping",
    "presets": "mapping",
    "detect_mapping": "detect",
    "Prepared": "normalise.prepare",
    "prepare": "normalise.prepare",
    "prepare_sheets": "normalise.prepare",
    "Report": "validate",
    "ImportResult": "load",
    "import_file": "load",
    "import_prepared": "load",
    "import_files": "load",
    "delete_upload": "load",
    "list_uploads": "load",
    "save_mapping": "load",
    "saved_mappings": "load",
}

__all__ = ["UserError", *_WHERE]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'collabplan.ingest' has no attribute {name!r}")
    return getattr(import_module(f"collabplan.ingest.{module}"), name)
