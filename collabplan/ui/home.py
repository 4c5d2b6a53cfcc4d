"""Home-page helpers: optional modules written elsewhere, page links that exist, the demo."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pandas as pd
import streamlit as st

from collabplan import config
from collabplan.db import Database

PAGES_DIR = config.PROJECT_ROOT / "pages"


def optional_module(name: str) -> ModuleType | None:
    """``collabplan.<name>`` if it is installed, else None (the section it feeds is left out)."""
    try:
        return importlib.import_module(f"collabplan.{name}")
    except ModuleNotFoundError as exc:
        if exc.name in (f"collabplan.{name}", "collabplan"):
            return None
        raise


def page_exists(page: str) -> bool:
    """True when ``pages/<page>`` is there (and so in the menu: app.py lists existing files)."""
    return (PAGES_DIR / Path(page).name).exists()


def page_link(page: str, label: str, icon: str | None = None, help: str | None = None) -> bool:
    """An st.page_link to ``pages/<page>`` when that page exists; returns whether it drew one."""
    if not page_exists(page):
        return False
    st.page_link(f"pages/{Path(page).name}", label=label, icon=icon, help=help)
    return True


def signpost_frames(db: Database, today: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(signposts in the next 60 days, goals that are behind), or None before those exist.

    ``today`` (ISO date) is only part of the cache key, so "in the next 60 days" moves daily.
    """
    signposts = optional_module("goals.signposts")
    if signposts is None:
        return None
    upcoming = getattr(signposts, "upcoming_signposts", None)
    behind = getattr(signposts, "goals_behind", None)
    if upcoming is None or behind is None:
        return None
    return upcoming(db, days=60), behind(db)


def shown(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The wanted columns of ``frame`` that it has, in that order."""
    return frame[[c for c in columns if c in frame.columns]]


def load_demo_school(db: Database) -> bool:
    """Load the demo school with a progress bar; False when the demo is not available yet."""
    demo = optional_module("demo")
    if demo is None or not hasattr(demo, "load_demo"):
        return False
    bar = st.progress(0.0, text="Loading the demo school…")

    def progress(fraction: float, message: str = "") -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message or "Loading the demo school…")

    demo.load_demo(db, progress=progress)
    bar.progress(1.0, text="Demo school loaded")
    return True
