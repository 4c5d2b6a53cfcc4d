"""Coach view: lagging skills across every team and assessment, ranked, with the skills that
lag in more than one team or testing window called out."""

import streamlit as st

from collabplan import breakdowns, catalog, charts, ui
from collabplan.ui import filters as review_filters
from collabplan.ui import present, safe
from collabplan.ui.cache import cached

ui.page_setup()

coach_lagging = cached(breakdowns.coach_lagging)
filter_options = cached(catalog.filter_options)

me = ui.viewer()
st.title("Coach view")
if filter_options(None, None, viewer=me)["assessments"].empty:
    review_filters.no_data()
    st.stop()

st.caption(("Every team" if me.sees_every_team else "Your teams")
           + ", every assessment, every testing window. A skill lags when it is at least "
           "10 points below the median of that team's skills in that window.")
lagging = coach_lagging(viewer=me)
if lagging.empty:
    st.success("No skill lags in any team: every skill is within 10 points of its team's median.")
    st.stop()

repeated = lagging[lagging["repeated"]].drop_duplicates(["assessment_id", "skill"])
if not repeated.empty:
    lines = [f"- **{safe.md(r.skill)}** ({safe.md(r.assessment)}): {r.lags_in} windows, "
             f"in {safe.md(r.teams)}"
             for r in repeated.sort_values("lags_in", ascending=False).itertuples()]
    st.warning("**Lagging more than once** (across teams or testing windows)\n\n"
               + "\n".join(lines), icon=":material/repeat:")

st.plotly_chart(charts.coach_chart(lagging), width="stretch", key="coach_chart")
table = lagging.rename(columns={
    "team": "Team", "assessment": "Assessment", "label": "Testing window", "skill": "Skill",
    "students": "Students", "pct_proficient": "% proficient", "median": "Team median",
    "below": "Points below", "lags_in": "Lags in",
})
present.table(table[["Skill", "Team", "Assessment", "Testing window", "% proficient",
                    "Team median", "Points below", "Students", "Lags in"]], hide_index=True)
