"""collabplan: the router. Page config, the projection-mode switch, then the pages."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from collabplan import db, memory, ui
from collabplan.errors import UserError
from collabplan.ui import present, signin

memory.freeze_modules()  # once per process: keeps the collection after every run cheap
db.keep_score_copies()  # on the shared store, pages read the scores from this server's copy

# The tables' own "Download as CSV" (and copy) would export cells unneutralised and unlogged,
# beside the app's safe buttons. .streamlit/config.toml turns it off; a start from another
# folder does not read that file, so the app makes sure, and reruns once so the browser gets it.
if not st.get_option("client.disableDataExport"):
    st.set_option("client.disableDataExport", True)
    st.rerun()

#: The tab icon ships with the app: a ":material/..." favicon is fetched from Google's font
#: host on every visit (Streamlit turns it into a fonts.gstatic.com URL); a file is inlined.
FAVICON = Path(__file__).parent / "collabplan" / "ui" / "static" / "flag.svg"

st.set_page_config(page_title="collabplan", page_icon=str(FAVICON), layout="wide")
ui.init_projection_mode()

# (file, title, icon, section)
PAGES = [
    ("pages/home.py", "Home", ":material/home:", "Start"),
    ("pages/upload.py", "Upload results", ":material/upload_file:", "Start"),
    ("pages/review.py", "Data review", ":material/insights:", "Look at the data"),
    ("pages/students.py", "Students by skill", ":material/groups:", "Look at the data"),
    ("pages/coach.py", "Coach view", ":material/travel_explore:", "Look at the data"),
    ("pages/goal_draft.py", "Draft a goal", ":material/edit_note:", "Goals"),
    ("pages/goal_board.py", "Goal board", ":material/dashboard:", "Goals"),
    ("pages/goal_detail.py", "Goal & actions", ":material/task_alt:", "Goals"),
    ("pages/priorities.py", "School priorities", ":material/flag:", "Goals"),
    ("pages/progress.py", "Progress", ":material/trending_up:", "Progress"),
    ("pages/signposts.py", "Signposts", ":material/event:", "Progress"),
    ("pages/calendar.py", "School year", ":material/calendar_month:", "Progress"),
    ("pages/staff_meeting.py", "Staff meeting", ":material/slideshow:", "Progress"),
    ("pages/reports.py", "Reports & exports", ":material/download:", "Progress"),
    ("pages/vision.py", "Vision & values", ":material/visibility:", "Collaboration"),
    ("pages/teams.py", "Teams & norms", ":material/diversity_3:", "Collaboration"),
    ("pages/structures.py", "Collaboration structures", ":material/account_tree:", "Collaboration"),
    ("pages/theory_of_action.py", "Theory of action", ":material/route:", "Collaboration"),
    ("pages/health.py", "Collaboration health", ":material/favorite:", "Collaboration"),
]
#: Pages only a leader is shown (each page also refuses anyone else itself).
LEADER_PAGES = [
    ("pages/people.py", "People & audit log", ":material/manage_accounts:", "School"),
]

#: Pages that are always in projection mode (url paths).
ALWAYS_PROJECTED = {"staff_meeting"}

# Who is looking (None: sign-in is configured and nobody allowed in is signed in).
viewer = signin.current()

sections: dict[str, list] = {}
for path, title, icon, section in PAGES + (LEADER_PAGES if viewer and viewer.role == "leader" else []):
    sections.setdefault(section, []).append(
        st.Page(path, title=title, icon=icon, default=path == "pages/home.py")
    )

page = st.navigation(sections, expanded=True, position="sidebar" if viewer else "hidden")
if viewer is None:
    signin.guard()  # the sign-in page (or why not), then the run stops: no page runs

# The staff-meeting slides are always projected: switch projection mode on before the
# switch is drawn (it stays on afterwards until someone turns it off).
always_projected = page.url_path in ALWAYS_PROJECTED
if always_projected:
    st.session_state[ui.PRESENT_KEY] = True

with st.sidebar:
    st.toggle(
        "Projection mode",
        key=ui.PRESENT_KEY,
        disabled=ui.projection_locked() or always_projected,
        help="Hides student names and ids and student-level tables, for a shared screen.",
    )
    if viewer is not None:
        signin.sidebar(viewer)
    present.sidebar()

present.notices()
present.room()

try:
    page.run()
except UserError as exc:  # what a page did not catch itself: one line, never a traceback
    if exc.kind != "setup":
        raise
    st.error(str(exc), icon=":material/cloud_off:")
