"""The goal board: every team's goals as cards, filtered by school priority, where other
teams offer suggestions, resources and questions."""

import streamlit as st

from collabplan import charts, text, ui
from collabplan.goals.board import status_counts
from collabplan.goals.feedback import FEEDBACK_KINDS, add_feedback
from collabplan.goals.progress import progress_frame
from collabplan.ui import goals as gui
from collabplan.ui import safe
from collabplan.ui.choices import remembered_select

ui.page_setup()

STATUS_ICONS = {
    "on track": ":material/trending_up:",
    "behind": ":material/warning:",
    "met": ":material/celebration:",
    "not enough data yet": ":material/hourglass_empty:",
}

me = ui.viewer()
st.title("Goal board")
st.caption("Every team's current goals, so leaders can see everyone rowing in the same direction "
           "and teams can offer each other strategies and resources.")
db = ui.get_db()
sent = st.session_state.pop("gb_sent", None)
if sent:
    st.toast(f"Sent to {safe.md(sent)}: they will see it on their goal page", icon=":material/send:")
if not gui.list_goals():
    gui.no_goals()
    st.stop()

priorities = gui.list_priorities()
teams = gui.list_teams()
p_names = dict(zip(priorities["id"].astype(int), priorities["title"], strict=True))
t_names = dict(zip(teams["id"].astype(int), teams["name"], strict=True))
c1, c2, c3 = st.columns([3, 2, 2])
priority_id = remembered_select("School priority", [None, *p_names], key="gb_priority",
                                container=c1,
                                format_func=lambda v: "All priorities" if v is None else p_names[v])
team_id = remembered_select("Team", [None, *t_names], key="gb_team", container=c2,
                            format_func=lambda v: "All teams" if v is None else t_names[v])
drafts = c3.toggle("Show drafts", value=False, key="gb_drafts")

cards = gui.board_cards(priority_id, team_id, drafts, viewer=me)
if not cards:
    st.info("No goals match: choose **All priorities** or **All teams**, or turn on *Show drafts*.",
            icon=":material/filter_alt_off:")
    st.stop()

counts = status_counts(cards)
summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
heading = f"“{safe.md(p_names[priority_id])}”" if priority_id is not None else "the school's priorities"
st.markdown(f"**{text.count_says(len(cards), 'goal', 'serves', 'serve')} {heading}:** {summary}.")
with st.expander("How far each goal has come, by priority"):
    gaps = gui.gap_rows(p_names.get(priority_id), drafts, me)
    if gaps.empty:
        st.caption("Nothing to show yet.")
    else:
        st.plotly_chart(charts.gap_closed_figure(gaps), width="stretch", key="gb_gaps")

for row_start in range(0, len(cards), 2):
    columns = st.columns(2)
    for card, column in zip(cards[row_start:row_start + 2], columns, strict=False):
        gid = card["goal_id"]
        prog = card["progress"]
        with column, st.container(border=True):
            st.markdown(f"**{safe.md(card['statement'])}**")
            st.caption(f"{safe.md(card['team'])} · "
                       f"{safe.md(card['priority']) or 'no priority named yet'} · "
                       f"{safe.md(card['lifecycle'])}")
            b, latest, t = st.columns(3)
            b.metric("Baseline", card["baseline"])
            latest.metric("Latest", card["latest"])
            t.metric("Target", card["target"])
            gui.baseline_choice(db, prog, card["team_id"], "gb_baseline", me, card["team_id"])
            st.plotly_chart(
                charts.progress_sparkline(progress_frame(prog), prog.target_value, prog.metric),
                width="stretch", key=f"gb_spark_{gid}", config={"displayModeBar": False},
            )
            st.markdown(f"{STATUS_ICONS[card['status']]} **{card['status'].capitalize()}**"
                        + (f" · {card['open_feedback']} open feedback" if card["open_feedback"] else ""))
            if st.button("Open goal & actions", key=f"gb_open_{gid}", icon=":material/open_in_new:"):
                gui.open_goal(gid)
            with st.expander("Offer a suggestion, resource or question"):
                # a teacher posts as one of their own teams; a coach as themselves (no team)
                others = [i for i in t_names if i != card["team_id"] and me.can_edit_team(i)]
                if me.role == "coach":
                    others = [None]
                if not others:
                    st.caption("Other teams can leave feedback here once they exist."
                               if me.role == "leader" else
                               "Feedback comes from other teams: this is your team's goal.")
                    continue
                # not cleared on submit: a refused note keeps the team picked and the words
                with st.form(f"gb_fb_{gid}"):
                    sender = st.selectbox(
                        "From", others, key=f"gb_fb_from_{gid}",
                        format_func=lambda i: (me.name or me.email or "Coach") if i is None
                        else t_names[i])
                    kind = st.radio("Kind", FEEDBACK_KINDS, horizontal=True,
                                    key=f"gb_fb_kind_{gid}")
                    body = safe.text_area(st, "Your note", key=f"gb_fb_body_{gid}")
                    if st.form_submit_button(f"Send to {safe.md(card['team'])}"):
                        try:
                            add_feedback(db, gid, sender, kind, body, viewer=me)
                        except ValueError as exc:
                            gui.show_refusal(exc)
                        else:
                            ui.after_write()
                            st.session_state.pop(f"gb_fb_body_{gid}", None)
                            st.session_state["gb_sent"] = card["team"]
                            st.rerun()
