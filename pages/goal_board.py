"""The goal board: every team's goals as cards (why, progress, actions, the feedback thread),
filtered by school priority, where other teams offer suggestions, resources and questions,
and adopt each other's actions and suggestions into their own plans with one click."""

import streamlit as st

from collabplan import charts, text, ui
from collabplan.goals import adopt
from collabplan.goals.board import status_counts
from collabplan.goals.feedback import FEEDBACK_KINDS, add_feedback
from collabplan.goals.model import LIFECYCLE_LABELS
from collabplan.goals.progress import progress_frame
from collabplan.ui import goals as gui
from collabplan.ui import safe
from collabplan.ui.choices import remembered_select
from collabplan.ui.goals import ADOPTED_KEY

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

# -- where adopted ideas go: one of the viewer's own teams' goals (default: an active one) --
own_goals = [g for g in gui.list_goals() if me.can_edit_team(g.team_id)]
acting = st.session_state.get(gui.TEAM_KEY)
ranked = sorted(own_goals, key=lambda g: (g.team_id != acting, g.status != "active", g.id))
target = None
if ranked:
    goal_names = {g.id: f"{g.team}: {g.skill} ({LIFECYCLE_LABELS[g.status]})" for g in own_goals}
    target = remembered_select(
        "Ideas you adopt go into", [g.id for g in own_goals], key="gb_adopt_goal",
        container=st.columns([3, 2])[0],
        default=ranked[0].id, format_func=goal_names.get,
        help="Adopt an action or a suggestion from another team's card: it is added to this "
             "goal's action plan as planned, for your team to give a who and dates.")
elif me.role == "teacher":
    st.caption("Draft a goal for your team to adopt other teams' actions and suggestions "
               "into its plan.")
target_goal = next((g for g in own_goals if g.id == target), None)

just = st.session_state.get(ADOPTED_KEY)
if just:
    with st.container(border=True):
        st.success(f"Added “{safe.md(just['what'])}” to {safe.md(just['team'])}'s plan.",
                   icon=":material/playlist_add_check:")
        undo, open_it = st.columns(2)
        if undo.button("Undo", key="gb_undo_adopt", icon=":material/undo:"):
            try:
                adopt.undo_adoption(db, just["action_id"], viewer=me)
            except ValueError as exc:
                gui.show_refusal(exc)
            else:
                st.session_state.pop(ADOPTED_KEY, None)
                ui.after_write()
                st.toast("Taken back out of the plan.", icon=":material/undo:")
                st.rerun()
        if open_it.button("Open goal & actions", key="gb_open_adopted",
                          icon=":material/open_in_new:"):
            st.session_state.pop(ADOPTED_KEY, None)
            gui.open_goal(just["goal_id"])


def _adopt_button(container, kind: str, source_id: int, what: str, owner_team: int | None,
                  adopted_into: list[int]) -> None:
    """One click adopts the idea into the target goal (none for the viewer's own card)."""
    if target_goal is None or (kind == "action" and owner_team == target_goal.team_id):
        return
    if target_goal.id in adopted_into:
        container.button("In your plan", key=f"gb_adopt_{kind}_{source_id}", disabled=True,
                         icon=":material/check:")
        return
    if container.button("Adopt", key=f"gb_adopt_{kind}_{source_id}",
                        icon=":material/playlist_add:",
                        help=safe.md(f"Add it to {target_goal.team}'s plan for "
                                     f"{target_goal.skill}")):
        try:
            fn = adopt.adopt_action if kind == "action" else adopt.adopt_feedback
            new_id = fn(db, source_id, target_goal.id, viewer=me)
        except ValueError as exc:
            gui.show_refusal(exc)
        else:
            ui.after_write()
            st.session_state[ADOPTED_KEY] = {"action_id": new_id, "goal_id": target_goal.id,
                                             "team": target_goal.team, "what": what}
            st.rerun()


def _action_line(a: dict) -> str:
    parts = [f"**{safe.md(a['what'])}**"]
    parts += [safe.md(a["who"])] if a["who"] else []
    parts.append(safe.md(a["status"]))
    parts += [f"due {a['due']}"] if a["due"] else []
    return " · ".join(parts)


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
            if card["why"]:
                st.markdown(f"**Why:** {safe.md(card['why'])}")
            st.markdown(f"**Actions** ({len(card['actions'])})" if card["actions"]
                        else "**Actions:** none yet")
            for a in card["actions"]:
                line, button = st.columns([4, 1], vertical_alignment="center")
                line.markdown(_action_line(a))
                spread = ([a["adopted_from"][0].upper() + a["adopted_from"][1:]]
                          if a["adopted_from"] else []) + \
                    [f"Adopted by {t}" for t in a["adopted_by"]]
                if spread:
                    line.caption(safe.md(" · ".join(spread)))
                _adopt_button(button, "action", a["id"], a["what"], card["team_id"],
                              a["adopted_into"])
            st.markdown(f"**Feedback** ({len(card['feedback'])})" if card["feedback"]
                        else "**Feedback:** none yet")
            for fb in card["feedback"]:
                line, button = st.columns([4, 1], vertical_alignment="center")
                line.markdown(f"**{safe.md(fb['kind'].capitalize())}** from {safe.md(fb['by'])}: "
                              f"{safe.md(fb['body'])}")
                notes = [fb["when"]]
                if fb["answered"]:
                    notes.append("answered" + (f": {fb['answer']}" if fb["answer"] else ""))
                notes += [f"Adopted by {t}" for t in fb["adopted_by"]]
                line.caption(safe.md(" · ".join(notes)))
                if fb["adoptable"]:
                    _adopt_button(button, "feedback", fb["id"], fb["body"], card["team_id"],
                                  fb["adopted_into"])
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
