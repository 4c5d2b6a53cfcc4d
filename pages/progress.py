"""Progress: each goal's baseline, every checkpoint since, and the straight line to its target."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from collabplan import charts, text, ui
from collabplan.goals import lookups, model, progress, values
from collabplan.ui import home, present, safe
from collabplan.ui import progress as pui
from collabplan.ui.cache import cached

ui.page_setup()

db = ui.get_db()
goal_overview = cached(progress.goal_overview)
follow_candidates = cached(lookups.follow_candidates)

st.title("Progress")
st.caption(
    "Every upload that scores a goal's skill adds a checkpoint here: nothing to type. A goal is "
    "on track when its latest result is at least as good as the straight line from its "
    "baseline to its target."
)

me = ui.viewer()
overview, points = goal_overview(viewer=me)
if overview.empty:
    pui.no_goals()
    st.stop()

goal_id = pui.goal_picker(overview)
row = overview.set_index("goal_id").loc[goal_id].copy()
row["goal_id"] = goal_id
pts = points[goal_id]

st.markdown(f"### {safe.md(row['statement'])}")
pui.status_line(row)

cols = st.columns(4)
cols[0].metric("Baseline", pui.value_text(row["baseline_value"]), help=safe.md(row["baseline_label"]))
cols[1].metric("Latest", "no checkpoint yet" if pd.isna(row["latest_label"])
               else pui.value_text(row["latest_value"]),
               help=None if pd.isna(row["latest_label"]) else safe.md(row["latest_label"]))
cols[2].metric("Target", pui.value_text(row["target_value"], missing="not set yet"),
               help=None if pd.isna(row["target_date"]) else
               f"by {text.long_date(values.to_date(row['target_date']))}")
cols[3].metric("Gap closed", "–" if pd.isna(row["gap_closed"]) else f"{row['gap_closed']:.0f}%",
               delta=row["gap_note"] if isinstance(row["gap_note"], str) else None,
               delta_color="normal" if row["gap_note"] == text.PAST_TARGET else "inverse",
               help="Share of the distance from baseline to target covered so far, "
               "between 0% and 100%; beyond the target or away from it is said in words.")
if bool(row["baseline_changed"]):
    st.caption(f"Baseline {pui.value_text(row['baseline_value'])} (agreed) · the data now says "
               f"{pui.value_text(row['baseline_now_value'])}: the team decides on **Goal & actions**.")

fig = charts.progress_figure(
    pts, metric=row["metric"],
    target_value=None if pd.isna(row["target_value"]) else float(row["target_value"]),
    target_date=values.to_date(row["target_date"]), status=row["status"],
)
st.plotly_chart(fig, width="stretch", key=f"progress_chart_{goal_id}")

st.markdown("#### Checkpoints")
present.table(text.table(progress.checkpoint_table(pts),
                        {"when": "Testing window", "value": text.METRIC_LABELS[row["metric"]]}),
             hide_index=True, width="stretch")
if len(pts) == 1:
    st.caption("Only the baseline so far: the next testing window (or a common assessment the "
               "goal follows, below) adds the first checkpoint.")

with st.expander("Follow this skill into another assessment", icon=":material/call_split:"):
    st.write(
        "A common assessment given between benchmark windows can add checkpoints too, when it "
        f"scores **{safe.md(row['skill'])}**. Choose the ones this goal should follow."
    )
    candidates = follow_candidates(goal_id)
    if candidates.empty:
        st.caption(f"No other assessment has scored {safe.md(row['skill'])} yet: upload one on "
                   "Upload results and it will be listed here.")
    else:
        names = dict(zip(candidates["id"].astype(int), candidates["name"], strict=True))
        current = [i for i in model.get_goal(db, goal_id).follow_assessment_ids if i in names]
        with st.form(f"follow_{goal_id}"):
            chosen = st.multiselect("Also follow", list(names), default=current,
                                    format_func=names.get)
            if st.form_submit_button("Save", type="primary"):
                try:
                    model.set_follow_assessments(db, goal_id, chosen, viewer=me)
                except ValueError as exc:
                    st.error(safe.md(exc))
                else:
                    ui.after_write()
                    st.success("Saved: the chart now follows the skill there too.")
                    st.rerun()

home.page_link("signposts.py", "Signposts: check-ins on this goal", icon=":material/event:")
