"""Streamlit pieces shared by the progress, signposts, staff-meeting and reports pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from markupsafe import Markup

from collabplan.charts.progress import CELEBRATION, STATUS_WORDS
from collabplan.goals.progress import journey_text
from collabplan.text import fewer_than, pct_exact
from collabplan.ui import home, safe
from collabplan.ui.choices import remembered_select

#: Session key holding the goal id the progress pages last showed (an id, never data).
GOAL_KEY = "progress_goal"
#: Session key for the name a person gives for the audit log of exports and deletions.
WHO_KEY = "audit_who"

STATUS_ICONS = {
    "on track": ":material/trending_up:",
    "behind": ":material/warning:",
    "met": ":material/celebration:",
    "not enough data yet": ":material/hourglass_empty:",
}


def who() -> str | None:
    """The name typed for the export log (cleaned like every text box), None when blank."""
    return safe.clean_text(st.session_state.get(WHO_KEY))[: safe.NAME_LIMIT].strip() or None


def no_goals() -> None:
    """The empty state of every progress page: what to do next."""
    st.info(
        "No goals yet. A team starts one on **Draft a goal** (or from a lagging skill on "
        "**Data review**); its progress shows here as soon as it is saved. No results at all? "
        "Upload a file on **Upload results** or load the demo school on **Home**.",
        icon=":material/flag:",
    )
    home.page_link("goal_draft.py", "Draft a goal", icon=":material/edit_note:")
    home.page_link("home.py", "Home", icon=":material/home:")


def goal_label(row: pd.Series) -> str:
    status = STATUS_WORDS.get(row["status"], row["status"])
    mark = f" {CELEBRATION}" if row["status"] == "met" else ""
    return f"{row['name']} · {status}{mark}"


def goal_picker(overview: pd.DataFrame, label: str = "Goal", key: str = "progress_goal_pick") -> int:
    """A select box of goals that remembers the choice across the progress pages.

    ``?goal=ID`` in the address opens that goal.
    """
    ids = [int(i) for i in overview["goal_id"]]
    labels = {int(r["goal_id"]): goal_label(r) for _, r in overview.iterrows()}
    chosen = remembered_select(label, ids, key=key, store=GOAL_KEY, format_func=labels.get,
                               query_param="goal")
    return int(chosen)


def status_line(row: pd.Series) -> None:
    """Where the goal stands, in words, with an icon (never colour alone)."""
    status = row["status"]
    words = STATUS_WORDS.get(status, status)
    text = f"**{safe.md(words)}** · {safe.md(journey_text(row))}"
    if status == "behind":
        st.warning(text, icon=STATUS_ICONS[status])
    elif status in ("on track", "met"):
        st.success(text, icon=STATUS_ICONS[status])
    else:
        st.info(text + " · a checkpoint appears when the next results that score this skill "
                "are uploaded.", icon=STATUS_ICONS[status])


def value_text(value: object, missing: str | None = None) -> str:
    """A percentage for a metric tile; a hidden small group reads "fewer than 10 students"."""
    if value is None or pd.isna(value):
        return missing or fewer_than()
    return pct_exact(float(value))


def slide_text(text: str, css: str, *, badge: str | None = None, badge_css: str = "") -> None:
    """A staff-meeting slide's words in the class ``css`` (with a status badge after them).

    The text is escaped by :func:`collabplan.ui.safe.html_text` (HTML, Markdown and math
    inert, line breaks kept), so a team's words are shown as they wrote them.
    """
    block = Markup('<div class="{}">{}').format(css, Markup(safe.html_text(text)))
    if badge:
        block += Markup(' <span class="slide-badge {}">{}</span>').format(
            badge_css, Markup(safe.html_text(badge))
        )
    st.markdown(block + Markup("</div>"), unsafe_allow_html=True)
