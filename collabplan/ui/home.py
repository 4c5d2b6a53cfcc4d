"""Home-page helpers: page links, the next signposts and goals behind, the demo, and the
notice of a repair made when the database was opened."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.goals import signposts
from collabplan.samples.demo import load_demo


def page_link(page: str, label: str, icon: str | None = None, help: str | None = None) -> None:
    """An st.page_link to ``pages/<page>``."""
    st.page_link(f"pages/{Path(page).name}", label=label, icon=icon, help=help)


def signpost_frames(
    db: Database, today: str | None = None, viewer: Viewer | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(signposts in the next 60 days, goals that are behind, as ``viewer`` reads them).

    ``today`` (ISO date) is only part of the cache key, so "in the next 60 days" moves daily.
    """
    viewer = viewer or Viewer.local_user()
    return signposts.upcoming_signposts(db, days=60), signposts.goals_behind(db, viewer=viewer)


def shown(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The wanted columns of ``frame`` that it has, in that order."""
    return frame[[c for c in columns if c in frame.columns]]


def load_demo_school(db: Database) -> None:
    """Load the demo school with a progress bar."""
    bar = st.progress(0.0, text="Loading the demo school…")

    def progress(fraction: float, message: str = "") -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message or "Loading the demo school…")

    load_demo(db, progress=progress)
    bar.progress(1.0, text="Demo school loaded")


def repair_notice(db: Database) -> None:
    """Say once that the check on open removed what an interrupted import left behind.

    Shown on Home until someone presses "Understood" (without sign-in the app has one user,
    who is its leader); the repair stays in the audit log either way.
    """
    if db.repair is None or db.repair_shown:
        return
    with st.container(border=True):
        st.warning(db.repair.line(), icon=":material/build:")
        if st.button("Understood", key="repair_seen"):
            db.repair_shown = True
            st.rerun()
