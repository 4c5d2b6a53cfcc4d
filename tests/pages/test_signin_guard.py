"""With [auth] set, nothing of any page reaches someone not allowed in; roles shape the menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import people

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
#: Every page of the menu (People is only in a leader's menu: its deep link is tested below).
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py") if p.name != "people.py")
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-that-is-long-enough",
    "client_id": "collabplan",
    "client_secret": "secret",
    "server_metadata_url": "http://localhost:1/.well-known/openid-configuration",
}
#: Element kinds that would carry data; the sign-in and refusal pages have none of them.
DATA_ELEMENTS = ("dataframe", "table", "metric", "selectbox", "multiselect", "text_input",
                 "text_area", "radio", "slider", "checkbox", "toggle", "expander", "tabs")


def _app(user: dict, script: str = APP) -> AppTest:
    at = AppTest.from_file(script, default_timeout=60)
    at.secrets["auth"] = dict(AUTH)
    at.user = user
    return at


def _nothing_but(at: AppTest, words: str, buttons: list[str]) -> None:
    assert not at.exception, at.exception
    for kind in DATA_ELEMENTS:
        assert len(at.get(kind)) == 0, kind
    assert [b.label for b in at.button] == buttons
    shown = " ".join([m.value for m in at.markdown] + [w.value for w in at.warning]
                     + [t.value for t in at.title])
    assert words in shown
    names = {"Ana", "Lee"}  # no student of the demo school is ever in it either
    assert not any(name in shown.split() for name in names)


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_visitor_sees_only_the_sign_in_page_on_every_page(demo_db, page) -> None:
    at = _app({"is_logged_in": False})
    at.run()
    _nothing_but(at, "Sign in with your school account", ["Sign in"])
    at.switch_page(f"pages/{page}").run()
    _nothing_but(at, "Sign in with your school account", ["Sign in"])


@pytest.mark.parametrize("page", ["students.py", "people.py", "upload.py", "review.py"])
def test_a_deep_link_to_a_page_file_is_guarded_too(demo_db, page) -> None:
    at = _app({"is_logged_in": False}, str(ROOT / "pages" / page))
    at.run()
    _nothing_but(at, "Sign in with your school account", ["Sign in"])


@pytest.mark.parametrize("page", ["home.py", "students.py", "reports.py"])
def test_someone_signed_in_but_not_listed_is_told_to_ask_a_leader(demo_db, page) -> None:
    people.add(demo_db, "boss@school.org", "leader")
    at = _app({"is_logged_in": True, "email": "stranger@school.org"})
    at.run()
    at.switch_page(f"pages/{page}").run()
    _nothing_but(at, "ask your school leader to add you", ["Sign out"])


def test_a_leader_gets_the_people_page_and_the_sign_out_button(demo_db) -> None:
    people.add(demo_db, "boss@school.org", "leader", name="Ms Boss")
    at = _app({"is_logged_in": True, "email": "Boss@School.org"})
    at.run()
    assert not at.exception
    assert any("Signed in as Ms Boss (leader)" in c.value for c in at.sidebar.caption)
    assert "Sign out" in [b.label for b in at.sidebar.button]
    at.switch_page("pages/people.py").run()
    assert not at.exception
    assert "boss@school.org" in at.dataframe[0].value["email"].tolist()


def test_a_teacher_is_refused_the_people_page_in_one_line(demo_db) -> None:
    people.add(demo_db, "boss@school.org", "leader")
    people.add(demo_db, "t@school.org", "teacher")
    at = _app({"is_logged_in": True, "email": "t@school.org"}, str(ROOT / "pages" / "people.py"))
    at.run()
    assert not at.exception
    assert [i.value for i in at.info] == ["People & audit log is for school leaders."]
    assert len(at.dataframe) == 0


def test_a_teachers_menu_has_no_people_page(demo_db) -> None:
    people.add(demo_db, "boss@school.org", "leader")
    people.add(demo_db, "t@school.org", "teacher")
    at = _app({"is_logged_in": True, "email": "t@school.org"})
    at.run()
    assert not at.exception
    assert any("(teacher)" in c.value for c in at.sidebar.caption)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/people.py")


def test_a_signed_in_export_names_the_account_not_a_typed_name(demo_db) -> None:
    people.add(demo_db, "boss@school.org", "leader")
    at = _app({"is_logged_in": True, "email": "boss@school.org"})
    at.run()
    at.switch_page("pages/reports.py").run()
    assert not at.exception
    assert [t.label for t in at.text_input] == []  # no "Your name, for the export log"


def test_a_signed_in_look_at_a_student_list_is_logged_once_a_session(demo_db) -> None:
    from collabplan import audit

    people.add(demo_db, "boss@school.org", "leader")
    at = _app({"is_logged_in": True, "email": "boss@school.org"})
    at.run()
    at.switch_page("pages/students.py").run()
    assert not at.exception
    at.run()
    views = audit.recent(demo_db, 100).query("action == 'view'")
    assert views["who"].tolist() == ["boss@school.org"]
    assert views["detail"].iloc[0].startswith("students by skill: ")
    signins = audit.recent(demo_db, 100).query("action == 'sign in'")
    assert signins["who"].tolist() == ["boss@school.org"]


def test_the_audit_names_the_account_or_this_computer() -> None:
    from collabplan.access import Viewer
    from collabplan.ui import signin

    local = Viewer.local_user()
    assert signin.audit_who(local) == "this computer"
    assert signin.audit_who(local, " Ms Rivera ") == "Ms Rivera"
    person = Viewer(email="t@school.org", role="teacher")
    assert signin.audit_who(person, "someone else") == "t@school.org"
