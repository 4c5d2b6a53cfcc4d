"""The remembered select box, radio and segmented control: the stored choice is the truth, the
person's pick is never overwritten, and the choice survives the widget leaving the page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script() -> None:
    import streamlit as st

    from collabplan.ui.choices import remembered_radio, remembered_segments, remembered_select

    options = st.session_state.get("options", [1, 2, 3])
    if st.session_state.get("show", True):
        value = remembered_select(
            "Team", options, key="pick", store="team_id", default=st.session_state.get("default"),
            format_func=lambda v: "All teams" if v is None else f"Team {v}",
            query_param="team" if st.session_state.get("use_url") else None,
        )
        st.markdown(f"chosen: {value!r}")
    colour = remembered_radio("Colour", ["red", "blue"], key="colour", horizontal=True)
    view = remembered_segments("View", ["a", "b", "c"], key="view", default="b")
    st.markdown(f"colour: {colour} · view: {view}")


def _app() -> AppTest:
    at = AppTest.from_function(_script, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def _shown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_first_option_until_a_pick_and_the_pick_is_kept_on_every_rerun():
    at = _app()
    assert at.selectbox(key="pick").value == 1
    assert at.session_state["team_id"] == 1
    at.selectbox(key="pick").set_value(3).run()
    assert at.selectbox(key="pick").value == 3
    assert "chosen: 3" in _shown(at)
    assert at.session_state["team_id"] == 3
    at.run()
    at.run()
    assert at.selectbox(key="pick").value == 3 and "chosen: 3" in _shown(at)


def test_default_is_shown_until_the_person_picks_another():
    at = AppTest.from_function(_script, default_timeout=30)
    at.session_state["default"] = 2
    at.run()
    assert at.selectbox(key="pick").value == 2
    at.selectbox(key="pick").set_value(1).run()
    assert at.selectbox(key="pick").value == 1  # the default does not win back


def test_a_choice_written_to_the_store_elsewhere_is_shown():
    at = _app()
    at.session_state["team_id"] = 2  # e.g. a button on another page that opens team 2
    at.run()
    assert at.selectbox(key="pick").value == 2 and "chosen: 2" in _shown(at)


def test_the_choice_survives_the_widget_leaving_the_page():
    at = _app()
    at.selectbox(key="pick").set_value(3).run()
    at.session_state["show"] = False  # another page: the widget is not drawn at all
    at.run()
    at.session_state["show"] = True
    at.run()
    assert at.selectbox(key="pick").value == 3


def test_a_choice_no_longer_offered_falls_back_to_the_default_or_first():
    at = _app()
    at.selectbox(key="pick").set_value(3).run()
    at.session_state["options"] = [1, 2]
    at.run()
    assert not at.exception
    assert at.selectbox(key="pick").value == 1 and at.session_state["team_id"] == 1


def test_none_is_an_option_with_its_own_label():
    at = AppTest.from_function(_script, default_timeout=30)
    at.session_state["options"] = [None, 1, 2]
    at.run()
    box = at.selectbox(key="pick")
    assert box.options == ["All teams", "Team 1", "Team 2"]
    assert "chosen: None" in _shown(at)
    box.set_value(2).run()
    assert at.session_state["team_id"] == 2
    at.selectbox(key="pick").set_value(None).run()
    assert at.session_state["team_id"] is None and "chosen: None" in _shown(at)


def test_no_options_draws_nothing_and_returns_none():
    at = AppTest.from_function(_script, default_timeout=30)
    at.session_state["options"] = []
    at.run()
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "pick"]
    assert "chosen: None" in _shown(at)


def test_the_address_opens_its_option_once_then_follows_the_pick():
    at = AppTest.from_function(_script, default_timeout=30)
    at.session_state["use_url"] = True
    at.query_params["team"] = "2"
    at.run()
    assert at.selectbox(key="pick").value == 2
    at.selectbox(key="pick").set_value(3).run()
    assert at.selectbox(key="pick").value == 3  # the address does not pull it back
    assert at.query_params["team"] in ("3", ["3"])  # and names what is open now
    at.run()
    assert at.selectbox(key="pick").value == 3


def test_radio_and_segmented_control_remember_their_choice():
    at = _app()
    assert "colour: red · view: b" in _shown(at)
    at.radio(key="colour").set_value("blue").run()
    at.button_group(key="view").set_value("c").run()
    assert "colour: blue · view: c" in _shown(at)
    at.run()
    assert at.radio(key="colour").value == "blue"
    assert "colour: blue · view: c" in _shown(at)


def _alike() -> None:
    import streamlit as st

    from collabplan.ui.choices import remembered_select

    # two drafts of one team on the same skill are shown alike but are two goals
    names = {6: "Grade 3: L.3.5, all students (Draft)", 7: "Grade 3: L.3.5, all students (Draft)",
             8: "Grade 3: RL.3.1, all students (Draft)"}
    value = remembered_select("Working on", [6, 7, 8], key="goal", format_func=names.get)
    st.markdown(f"chosen: {value!r}")


def test_options_shown_alike_stay_apart():
    at = AppTest.from_function(_alike, default_timeout=30)
    at.run()
    box = at.selectbox(key="goal")
    assert box.options == ["Grade 3: L.3.5, all students (Draft)",
                           "Grade 3: L.3.5, all students (Draft) (no. 2)",
                           "Grade 3: RL.3.1, all students (Draft)"]
    assert box.value == 6 and "chosen: 6" in _shown(at)
    box.set_value(7).run()
    assert at.selectbox(key="goal").value == 7 and "chosen: 7" in _shown(at)
    at.selectbox(key="goal").set_value(6).run()
    at.run()
    assert at.selectbox(key="goal").value == 6 and "chosen: 6" in _shown(at)


def test_distinct_labels_numbers_only_repeats():
    from collabplan.ui.choices import distinct_labels

    assert distinct_labels(["a", "b"]) == ["a", "b"]
    assert distinct_labels(["a", "a", "a (no. 2)", None]) == \
        ["a", "a (no. 2)", "a (no. 2) (no. 2)", ""]


def test_the_box_keeps_its_own_label():
    at = AppTest.from_function(_alike, default_timeout=30)
    at.run()
    assert at.selectbox(key="goal").label == "Working on"
