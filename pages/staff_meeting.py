"""Staff meeting: one slide per goal, large enough to read from the back of the room.

Projection mode is always on here: the slides carry only aggregated numbers and the teams'
own words, never a student's name or id.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from collabplan import charts, text, ui
from collabplan.charts.progress import CELEBRATION, STATUS_WORDS
from collabplan.goals import actions, model, progress, values
from collabplan.ui import present
from collabplan.ui import progress as pui
from collabplan.ui.cache import cached
from collabplan.ui.choices import remembered_select

ui.page_setup()

SLIDE_KEY = "staff_slide"
SLIDE_FONT = 22

goal_overview = cached(progress.goal_overview)
list_actions = cached(actions.list_actions)

st.markdown(
    """<style>
    .slide-title { font-size: 2.6rem; font-weight: 700; line-height: 1.15; margin: 0 0 .3rem; }
    .slide-statement { font-size: 1.9rem; line-height: 1.3; margin: .2rem 0 .6rem; }
    .slide-journey { font-size: 1.7rem; font-weight: 600; margin-bottom: .4rem; }
    .slide-body { font-size: 1.45rem; line-height: 1.4; white-space: pre-line; }
    .slide-badge { display: inline-block; padding: .1rem .8rem; border-radius: 1rem;
                   background: #d6e4f5; font-size: 1.5rem; font-weight: 700; }
    .slide-badge.behind { background: #fde7cc; }
    </style>""",
    unsafe_allow_html=True,
)


me = ui.viewer()
with st.sidebar:
    present.mint_controls()

overview, points = goal_overview(viewer=me)
shared = overview[overview["lifecycle"] != model.LIFECYCLE_LABELS["draft"]]
if overview.empty:
    st.title("Staff meeting")
    pui.no_goals()
    st.stop()
if shared.empty:
    shared = overview   # only drafts so far: show them rather than an empty room
    st.caption("Every goal is still a draft; these slides show the drafts.")

slides = ["summary", *[int(g) for g in shared["goal_id"]]]
index = min(int(st.session_state.get(SLIDE_KEY, 0)), len(slides) - 1)


def go_to(step: int) -> None:
    """Move a slide (button callbacks run before the page redraws, so buttons stay in step)."""
    current = int(st.session_state.get(SLIDE_KEY, 0))
    st.session_state[SLIDE_KEY] = min(max(current + step, 0), len(slides) - 1)


st.session_state[SLIDE_KEY] = index
names = {0: "Summary: every goal"}
names.update({i: pui.goal_label(r) for i, (_, r) in enumerate(shared.iterrows(), start=1)})
nav = st.columns([1, 1, 3, 2])
nav[0].button("Previous", icon=":material/arrow_back:", shortcut="Left", on_click=go_to,
              args=(-1,), disabled=index == 0, key="slide_prev", width="stretch")
nav[1].button("Next", icon=":material/arrow_forward:", shortcut="Right", on_click=go_to,
              args=(1,), disabled=index == len(slides) - 1, key="slide_next", width="stretch")
# the slide box shows SLIDE_KEY, which the buttons move too
remembered_select("Go to slide", list(names), key="slide_jump", store=SLIDE_KEY,
                  format_func=names.get, container=nav[2], label_visibility="collapsed")
nav[3].caption(f"Slide {index + 1} of {len(slides)} · ← → keys move · F11 for full screen · "
               "projection mode is always on here")
if nav[3].toggle("Hide the menu", key="staff_hide_menu"):
    st.markdown('<style>section[data-testid="stSidebar"], header[data-testid="stHeader"]'
                " { display: none; }</style>", unsafe_allow_html=True)

slide = slides[index]
if slide == "summary":
    counts = shared["status"].value_counts()
    pui.slide_text("How our goals are going", "slide-title")
    pui.slide_text(f"{text.count(int(counts.get('met', 0)), 'goal')} met · "
                   + " · ".join(f"{counts.get(s, 0)} {STATUS_WORDS[s].lower()}"
                                for s in ("on track", "behind", "not enough data yet")),
                   "slide-journey")
    fig = charts.gap_closed_figure(progress.gap_summary(shared), font_size=SLIDE_FONT)
    st.plotly_chart(fig, width="stretch", key="staff_summary")
    st.stop()

row = shared.set_index("goal_id").loc[slide].copy()
row["goal_id"] = slide
status = row["status"]
met = status == "met"
if met:
    # The badge celebrates; balloons would fly over the chart the room is reading.
    pui.slide_text(f"{CELEBRATION} Goal met! {CELEBRATION}", "slide-badge")
pui.slide_text(row["name"], "slide-title")
pui.slide_text(row["statement"], "slide-statement")
pui.slide_text(progress.journey_text(row), "slide-journey",
               badge=STATUS_WORDS.get(status, status), badge_css="behind" if status == "behind" else "")

chart_col, words_col = st.columns([3, 2], gap="large")
with chart_col:
    target = None if pd.isna(row["target_value"]) else float(row["target_value"])
    latest = None if pd.isna(row["latest_value"]) else float(row["latest_value"])
    fig = charts.progress_figure(
        points[slide], metric=row["metric"], target_value=target,
        target_date=values.to_date(row["target_date"]), status=status,
        font_size=SLIDE_FONT,
        # the target is on the slide already: a short title fits the column
        title=charts.progress_title(status, row["metric"], latest, target, None, with_target=False),
    )
    fig.update_layout(height=560)
    st.plotly_chart(fig, width="stretch", key=f"staff_chart_{slide}")
with words_col:
    actions = list_actions(slide)
    st.markdown("### What we tried")
    if actions.empty:
        pui.slide_text("No actions written down yet.", "slide-body")
    else:
        pui.slide_text("\n".join(f"• {a['what']} ({a['status']})" for _, a in actions.iterrows()),
            "slide-body")
    st.markdown("### What worked")
    pui.slide_text(row["what_worked"] if isinstance(row["what_worked"], str) else "Not written yet.",
        "slide-body")
    st.markdown("### Next step")
    pui.slide_text(row["next_step"] if isinstance(row["next_step"], str) else "Not written yet.",
        "slide-body")
