"""The People & audit log page: add, change, remove with undo, and the log's export."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from collabplan import audit, people
from tests.apptest_tree import download_buttons

ROOT = Path(__file__).resolve().parents[2]


def _open(db) -> AppTest:
    with db.transaction() as cur:
        cur.execute("INSERT INTO team (name) VALUES ('Grade 3'), ('Grade 4')")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/people.py").run()
    assert not at.exception, at.exception
    return at


def _email_key(at: AppTest) -> str:
    """The add form's email box (a new form, with new keys, after each person added)."""
    state = at.session_state
    number = state["people_add_form"] if "people_add_form" in state else 0  # noqa: SIM401
    return f"people_email_{number}"


def _add(at: AppTest, email: str, role: str, teams: list[str] = ()) -> AppTest:
    at.text_input(key=_email_key(at)).set_value(email)
    at.selectbox[0].set_value(role)
    at.multiselect[0].set_value(list(teams))
    [b for b in at.button if b.label == "Add"][0].click().run()
    assert not at.exception, at.exception
    return at


def test_without_sign_in_the_page_says_the_list_waits_for_sign_in(db) -> None:
    at = _open(db)
    assert "Sign-in is off" in " ".join(c.value for c in at.caption)
    assert "No one yet" in at.info[0].value


def test_a_leader_adds_people_and_mistakes_are_one_line(db) -> None:
    at = _open(db)
    _add(at, "Boss@School.org", "leader")
    _add(at, "t@school.org", "teacher", ["Grade 4"])
    assert [p.email for p in people.list_people(db)] == ["boss@school.org", "t@school.org"]
    table = at.dataframe[0].value
    assert table["teams"].tolist() == ["", "Grade 4"]
    assert set(table["added by"]) == {"this computer"}
    _add(at, "not-an-email", "coach")
    assert len(at.error) == 1 and "not an email address" in at.error[0].value
    assert people.count(db) == 2


def test_change_then_remove_and_undo(db) -> None:
    at = _open(db)
    _add(at, "boss@school.org", "leader")
    _add(at, "t@school.org", "teacher", ["Grade 3"])
    at.selectbox(key="people_pick").set_value("t@school.org").run()
    form_role = at.selectbox[2]
    form_role.set_value("coach")
    [b for b in at.button if b.label == "Save changes"][0].click().run()
    assert not at.exception
    assert people.get(db, "t@school.org").role == "coach"

    at.selectbox(key="people_pick").set_value("t@school.org").run()
    [b for b in at.button if b.label == "Remove"][0].click().run()
    assert not at.exception
    assert people.get(db, "t@school.org") is None
    assert "Removed **t\\@school.org** (coach)" in at.info[0].value
    at.button(key="people_undo").click().run()
    assert not at.exception
    back = people.get(db, "t@school.org")
    assert (back.role, back.teams) == ("coach", ("Grade 3",))


def test_the_last_leader_cannot_be_removed_on_the_page(db) -> None:
    at = _open(db)
    _add(at, "boss@school.org", "leader")
    at.selectbox(key="people_pick").set_value("boss@school.org").run()
    [b for b in at.button if b.label == "Remove"][0].click().run()
    assert "only leader" in at.error[0].value
    assert people.count(db) == 1


def test_the_audit_log_is_shown_and_its_download_is_logged(db) -> None:
    audit.record(db, "=HYPERLINK(\"http://x\")", "export", "students by skill: @SUM(1)")
    at = _open(db)
    shown = at.dataframe[-1].value
    assert shown["What"].tolist()[0] == "export"
    downloads = download_buttons(at.main.root)
    assert [b.proto.label for _blk, _i, b in downloads] == ["Download csv", "Download xlsx"]
    # AppTest cannot click a download button: press it as a plain button (its on_click runs)
    block, index, csv = downloads[0]
    block.children[index] = Button(csv.proto, at.main.root)
    block.children[index].click()
    at.run()
    assert not at.exception
    log = audit.recent(db)
    assert log.iloc[0]["action"] == "export"
    assert log.iloc[0]["detail"] == "audit log (csv), 1 row"
    assert log.iloc[0]["who"] == "this computer"


def test_a_hostile_name_is_stored_clean_and_shown_as_text(db) -> None:
    from tests.hostile_text import BELL, PAYLOADS
    from tests.pages.test_text_shown_as_text import assert_no_live_markup

    at = _open(db)
    for n, payload in enumerate(PAYLOADS):
        at.text_input(key=_email_key(at)).set_value(f"p{n}@school.org")
        [t for t in at.text_input if t.label == "Name (optional)"][0].set_value(f"{payload}{BELL} zz")
        [b for b in at.button if b.label == "Add"][0].click().run()
        assert not at.exception, at.exception
    assert_no_live_markup(at, "people page")
    names = [p.name for p in people.list_people(db)]
    assert len(names) == len(PAYLOADS)
    assert all(name and "zz" in name and BELL not in name for name in names)
