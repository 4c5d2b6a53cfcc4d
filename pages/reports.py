"""Reports & exports: the HTML report a leader can email, and the goals workbook."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import audit, text, ui
from collabplan.goals import progress
from collabplan.reports import html, poster, workbooks
from collabplan.ui import present, safe, signin
from collabplan.ui import progress as pui
from collabplan.ui.cache import cached

ui.page_setup()

db = ui.get_db()
goal_overview = cached(progress.goal_overview)
html_report = cached(html.html_report)
goals_xlsx = cached(workbooks.goals_xlsx)
goal_posters = cached(poster.posters)
recent_audit = cached(audit.recent)

#: Session flags (never the files themselves): which exports the person asked to prepare.
READY = {"html": "report_ready_html", "xlsx": "report_ready_xlsx",
         "posters": "report_ready_posters"}


def log_export(what: str) -> None:
    audit.record(db, signin.audit_who(me, pui.who()), "export", what)


me = ui.viewer()
st.title("Reports & exports")
st.caption(
    "Everything here is aggregated: no student names or ids, and groups under the minimum "
    "size show as “fewer than 10 students”. Each download is written to the export log."
)
if me.local:  # signed in, the log names the person's account
    safe.text_input(st, "Your name, for the export log", key=pui.WHO_KEY, limit=safe.NAME_LIMIT,
                  placeholder="e.g. Ms Rivera (assistant principal)")

overview, _ = goal_overview(viewer=me)
if overview.empty:
    pui.no_goals()
    st.stop()
today = dt.date.today().isoformat()
count = f"{len(overview)} goal{'s' if len(overview) != 1 else ''}"

html_col, xlsx_col = st.columns(2, gap="large")
with html_col, st.container(border=True):
    st.markdown("**Progress report (HTML)**")
    st.write("One file with every goal, its interactive chart, actions and signposts. It opens "
             "in any browser with no internet, so it can be emailed.")
    if st.button("Prepare the report", key="prepare_html", icon=":material/description:"):
        st.session_state[READY["html"]] = True
    if st.session_state.get(READY["html"]):
        with st.spinner("Building the report…"):
            data = html_report(viewer=me)
        st.download_button(
            "Download the report", data=data.encode("utf-8"), type="primary",
            file_name=f"collabplan-progress-{today}.html", mime="text/html",
            icon=":material/download:", key="download_html",
            on_click=log_export, args=(f"progress report (html), {count}",),
        )
with xlsx_col, st.container(border=True):
    st.markdown("**Goals and checkpoints (Excel)**")
    st.write("Three sheets: goals, every checkpoint with its straight-line value, and the "
             "signposts. Cells can never run as formulas.")
    if st.button("Prepare the workbook", key="prepare_xlsx", icon=":material/table_view:"):
        st.session_state[READY["xlsx"]] = True
    if st.session_state.get(READY["xlsx"]):
        with st.spinner("Building the workbook…"):
            data = goals_xlsx(viewer=me)
        st.download_button(
            "Download the workbook", data=data, type="primary",
            file_name=f"collabplan-goals-{today}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:", key="download_xlsx",
            on_click=log_export, args=(f"goals workbook (xlsx), {count}",),
        )

with st.container(border=True):
    st.markdown("**Posters for every goal (HTML, one page each)**")
    st.write(f"One poster per goal ({count}): statement, why, the baseline to target chart, "
             "the actions and empty boxes for colleagues' notes. Open the file and print it, or "
             "save it as PDF: each goal prints on its own letter-size page.")
    if st.button("Prepare the posters", key="prepare_posters", icon=":material/print:"):
        st.session_state[READY["posters"]] = True
    if st.session_state.get(READY["posters"]):
        with st.spinner("Building the posters…"):
            data = goal_posters(me, made=dt.date.today())
        st.download_button(
            "Posters for every goal", data=data.encode("utf-8"), type="primary",
            file_name=f"collabplan-posters-{today}.html", mime="text/html",
            icon=":material/download:", key="download_posters",
            on_click=log_export, args=(f"goal posters (html), {count}",),
        )

if me.role != "leader":  # with sign-in, the log is the leaders' (People & audit log)
    st.stop()
st.subheader("Export and deletion log")
log = recent_audit(50)
if log.empty:
    st.caption("Nothing exported or deleted yet.")
else:
    present.table(text.table(log, {"happened_at": "When", "action": "What happened"}),
                 hide_index=True, width="stretch")
