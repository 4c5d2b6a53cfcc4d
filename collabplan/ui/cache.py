"""A query cache keyed by the function, the database file and its write version.

``st.cache_data`` does not hash parameters whose names start with an underscore, so the
key parts here are plain names: two cached functions called with the same arguments never
share an entry, and any committed write (an import, an undo) makes the next call read fresh.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

R = TypeVar("R")


@st.cache_data(show_spinner=False, max_entries=512)
def _run(fn_key: str, version: int, path: str, *args: Any, **kwargs: Any) -> Any:
    from collabplan import ui

    return _FUNCTIONS[fn_key](ui.get_db(), *args, **kwargs)


_FUNCTIONS: dict[str, Callable[..., Any]] = {}


def cached(fn: Callable[..., R]) -> Callable[..., R]:
    """``cached(fn)(*args)`` = ``fn(db, *args)``, cached until the next committed write."""
    fn_key = f"{fn.__module__}.{fn.__qualname__}"
    _FUNCTIONS[fn_key] = fn

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        from collabplan import ui

        db = ui.get_db()
        return _run(fn_key, db.version, db.path, *args, **kwargs)

    return wrapper
