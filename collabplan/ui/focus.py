"""The "Choose a focus" step of Draft a goal: when several skills lag in the team's latest
results, the team rates each for interest and capacity for growth, sees the ratings beside
the data (a table and a chart, in the suggested order), and chooses one; the draft then opens
on it (the same seed Data review's "Start a goal" leaves, ``ui.GOAL_SEED_KEY``).

Session state holds ids and names only; the ratings live in the database (goals.focus).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from collabplan import charts, text, ui
from collabplan.access import Viewer
from collabplan.goals import focus
from collabplan.ui import present, safe
from collabplan.ui.cache import cached

focus_table = cached(focus.focus_table)
chosen_focus = cached(focus.chosen_focus)

#: How many ratings the last save changed (an int), shown once on the next run.
SAVED_KEY = "goal_focus_saved"

#: The combined view's columns, in words.
HEADINGS = {"order": "Suggested order", "skill": "Skill", "pct_proficient": "% proficient",
            "students": "Students", "gap": "Gap (points)", "gap_words": "Why it lags",
            "interest": "Interest", "capacity": "Capacity for growth",
            "together": "Interest + capacity", "chosen": "Chosen"}


def _refuse(exc: Exception) -> None:
    st.error(safe.md(str(exc)), icon=":material/block:")


def _key(kind: str, team_id: int, assessment_id: int, skill: str = "") -> str:
    return f"gd_focus_{kind}_{team_id}_{assessment_id}_{skill}"


def _ratings_form(db: Any, table: Any, team_id: int, assessment_id: int,
                  viewer: Viewer) -> None:
    """One row per lagging skill (lowest % proficient first): its figure and why it lags, and
    two 1–5 choices; saved together."""
    with st.form(_key("form", team_id, assessment_id)):
        head = st.columns([3, 2, 2])
        head[0].markdown("**Skill and its data**")
        head[1].markdown("**Interest** (1 low, 5 high)")
        head[2].markdown("**Capacity for growth** (1 low, 5 high)")
        given: dict[str, tuple[Any, Any]] = {}
        for row in table.sort_values(["pct_proficient", "skill"]).itertuples():
            c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="center")
            c1.markdown(f"**{safe.md(row.skill)}**  \n{text.pct(row.pct_proficient)} proficient "
                        f"of {text.count(int(row.students), 'student')} · "
                        f"{safe.md(row.gap_words)}")
            picks = []
            for col, what, value in ((c2, "Interest", row.interest),
                                     (c3, "Capacity for growth", row.capacity)):
                saved = None if pd.isna(value) else int(value)
                picks.append(col.radio(
                    f"{what}: {safe.md(row.skill)}", focus.SCALE, horizontal=True,
                    index=focus.SCALE.index(saved) if saved in focus.SCALE else None,
                    key=_key(what[:3].lower(), team_id, assessment_id, row.skill),
                    label_visibility="collapsed"))
            if None not in picks:
                given[row.skill] = (picks[0], picks[1])
        if st.form_submit_button("Save ratings", icon=":material/save:"):
            try:
                saved_n = focus.rate(db, team_id, assessment_id, given, viewer=viewer)
            except ValueError as exc:
                _refuse(exc)
            else:
                ui.after_write()
                if saved_n:  # said on the next run (a form's submit may run twice)
                    st.session_state[SAVED_KEY] = saved_n
                st.rerun()


def _choose(db: Any, table: Any, team_id: int, assessment_id: int, viewer: Viewer) -> None:
    """Pick one skill (suggested order, the chosen one first shown) and open the draft on it."""
    options = list(table["skill"])
    current = table.loc[table["chosen"], "skill"]
    pick_col, go_col = st.columns([3, 2], vertical_alignment="bottom")
    # The key follows the order, so a new suggestion (after rating) is shown as the default.
    skill = pick_col.selectbox(
        "Our focus", options, key=_key("pick", team_id, assessment_id, "|".join(options)),
        index=options.index(current.iloc[0]) if not current.empty else 0,
        help="Listed in the suggested order; any lagging skill may be the team's choice.")
    if go_col.button(f"Choose {safe.md(skill)} and draft a goal", type="primary",
                     icon=":material/flag:", key=_key("choose", team_id, assessment_id)):
        try:
            seed = focus.choose(db, team_id, assessment_id, skill, viewer=viewer)
        except ValueError as exc:
            _refuse(exc)
        else:
            ui.after_write()
            st.session_state[ui.GOAL_SEED_KEY] = seed
            st.rerun()


def focus_step(db: Any, team_id: int | None, assessment_id: int, team_name: str | None, *,
               viewer: Viewer) -> None:
    """The step for ``team_id`` × ``assessment_id``: an expander when several skills lag
    (open until the team has chosen), one line otherwise (one lagging skill, or none)."""
    if team_id is None:
        return
    saved_n = st.session_state.pop(SAVED_KEY, None)
    if saved_n:
        st.toast(f"Saved {text.count(saved_n, 'rating')}", icon=":material/save:")
    table = focus_table(team_id, assessment_id, viewer=viewer)
    team = safe.md(team_name or "this team")
    if table.empty:
        st.caption(f"Choose a focus: no skill lags in {team}'s latest results on this "
                   "assessment, so there is nothing to choose between; any skill can still "
                   "become a goal.")
        return
    if len(table) == 1:
        row = table.iloc[0]
        st.caption(f"One skill lags in {team}'s latest results: **{safe.md(row['skill'])}**, "
                   f"{text.pct(row['pct_proficient'])} proficient.")
        return
    chosen = table[table["chosen"]]
    title = f"Choose a focus: {text.count(len(table), 'skill')} lag for {team}"
    if not chosen.empty:
        title += f" (chosen: {safe.md(chosen['skill'].iloc[0])})"
    with st.expander(title, expanded=chosen.empty, icon=":material/filter_center_focus:"):
        st.caption("Several skills lag in the team's latest window "
                   f"({safe.md(table['window'].iloc[0])}). Rate each for the team's **interest** and "
                   "its **capacity for growth** (what the team can change this year), then "
                   "choose one with the data beside the ratings.")
        can_edit = viewer.can_edit_team(team_id)
        if can_edit:
            _ratings_form(db, table, team_id, assessment_id, viewer)
        else:
            st.caption("The team's own teachers and leaders rate and choose; you can read "
                       "their ratings here.")
        present.table(text.table(table, HEADINGS, columns=list(HEADINGS),
                                 none={"interest": "not rated", "capacity": "not rated",
                                       "together": "not rated"},
                                 formats={"pct_proficient": text.pct}), hide_index=True)
        st.caption(focus.ORDER_RULE)
        st.plotly_chart(charts.focus_chart(table), width="stretch",
                        key=_key("chart", team_id, assessment_id))
        if can_edit:
            _choose(db, table, team_id, assessment_id, viewer)

