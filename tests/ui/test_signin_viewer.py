"""collabplan.ui.signin.viewer(): the local user without [auth]; the signed-in person with it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import audit, people
from tests.pages.test_signin_guard import AUTH  # the same [auth] section


def _script() -> None:
    import streamlit as st

    from collabplan import ui

    if st.query_params.get("present") == "1":
        ui.init_projection_mode()
    v = ui.viewer()
    st.text(f"viewer {v.email} {v.role} local={v.local} projection={v.projection} "
            f"teams={sorted(v.team_ids)}")


def _run(*, auth: bool, user: dict | None = None, present: bool = False,
         domains: list[str] | None = None) -> AppTest:
    at = AppTest.from_function(_script, default_timeout=30)
    if auth:
        at.secrets["auth"] = dict(AUTH)
    if domains is not None:
        at.secrets["collabplan"] = {"allowed_domains": domains}
    if user is not None:
        at.user = user
    if present:
        at.query_params["present"] = "1"
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def _words(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [w.value for w in at.warning]
                    + [b.label for b in at.button])


def test_without_auth_the_viewer_is_the_local_leader(db_path) -> None:
    at = _run(auth=False, user={"email": "someone@else.org", "is_logged_in": True})
    assert _texts(at) == ["viewer None leader local=True projection=False teams=[]"]


def test_without_auth_projection_mode_reaches_the_viewer(db_path) -> None:
    at = _run(auth=False, present=True)
    assert _texts(at) == ["viewer None leader local=True projection=True teams=[]"]


def test_with_auth_an_anonymous_visitor_gets_only_the_sign_in_button(db_path) -> None:
    at = _run(auth=True, user={"is_logged_in": False})
    assert _texts(at) == []
    assert [b.label for b in at.button] == ["Sign in"]


def test_a_user_dict_without_the_login_flag_is_not_signed_in(db_path) -> None:
    at = _run(auth=True, user={"email": "lee@school.org"})
    assert _texts(at) == []
    assert [b.label for b in at.button] == ["Sign in"]


def test_named_providers_get_one_button_each(db_path) -> None:
    at = AppTest.from_function(_script, default_timeout=30)
    at.secrets["auth"] = {
        "redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
        "google": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
        "microsoft": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
    }
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["Sign in with Google", "Sign in with Microsoft"]
    assert _texts(at) == []


def test_a_signed_in_person_not_on_the_list_is_told_to_ask_a_leader(db) -> None:
    people.add(db, "boss@school.org", "leader")
    at = _run(auth=True, user={"is_logged_in": True, "email": "new@school.org"})
    assert _texts(at) == []
    assert "ask your school leader to add you" in _words(at)
    assert "users add" not in _words(at)  # there is a leader already
    assert [b.label for b in at.button] == ["Sign out"]


def test_with_nobody_on_the_list_the_refusal_says_how_to_add_the_first_leader(db) -> None:
    at = _run(auth=True, user={"is_logged_in": True, "email": "new@school.org"})
    assert _texts(at) == []
    assert "users add EMAIL --role leader" in _words(at)


def test_a_teacher_on_the_list_gets_their_viewer_and_the_sign_in_is_audited_once(db) -> None:
    db.scalar("SELECT 1")
    with db.transaction() as cur:
        cur.execute("INSERT INTO team (name) VALUES ('Grade 3'), ('Grade 4')")
    people.add(db, "boss@school.org", "leader")
    people.add(db, "Ms.Lee@School.org", "teacher", teams=["Grade 4"])
    at = _run(auth=True, user={"is_logged_in": True, "email": "MS.LEE@school.org"}, present=True)
    assert _texts(at) == ["viewer ms.lee@school.org teacher local=False projection=True teams=[2]"]
    at.run()
    assert not at.exception
    log = audit.recent(db)
    signins = log[log["action"] == "sign in"]
    assert signins["who"].tolist() == ["ms.lee@school.org"]


def test_an_unverified_email_is_not_signed_in(db) -> None:
    people.add(db, "boss@school.org", "leader")
    at = _run(auth=True, user={"is_logged_in": True, "email": "boss@school.org",
                               "email_verified": False})
    assert _texts(at) == []
    assert [b.label for b in at.button] == ["Sign in"]


@pytest.mark.parametrize("domains", [["school.org"], ["@School.org", "district.org"]])
def test_the_allowed_domains_let_the_school_in(db, domains) -> None:
    people.add(db, "boss@school.org", "leader")
    at = _run(auth=True, user={"is_logged_in": True, "email": "boss@school.org"}, domains=domains)
    assert _texts(at) == ["viewer boss@school.org leader local=False projection=False teams=[]"]


def test_an_address_outside_the_allowed_domains_is_refused_even_if_listed(db) -> None:
    people.add(db, "boss@gmail.com", "leader")
    at = _run(auth=True, user={"is_logged_in": True, "email": "boss@gmail.com"},
              domains=["school.org"])
    assert _texts(at) == []
    assert "@school.org" in _words(at)


def test_the_domain_list_can_come_from_the_environment(db, monkeypatch) -> None:
    monkeypatch.setenv("COLLABPLAN_ALLOWED_DOMAINS", "district.org, school.org")
    people.add(db, "boss@gmail.com", "leader")
    at = _run(auth=True, user={"is_logged_in": True, "email": "boss@gmail.com"})
    assert _texts(at) == []
    assert "@district.org, @school.org" in _words(at)


def test_an_unreadable_secrets_file_lets_nobody_in(db_path, tmp_path, monkeypatch) -> None:
    """Sign-in may be what the broken file meant: never fall back to the open local tool."""
    from streamlit import config

    broken = tmp_path / "secrets.toml"
    broken.write_text("[auth\nredirect_uri = ", encoding="utf-8")
    monkeypatch.setattr(config, "get_option", lambda key, _real=config.get_option:
                        [str(broken)] if key == "secrets.files" else _real(key))
    import streamlit as st

    st.secrets._secrets = None  # read the files again
    try:
        at = AppTest.from_function(_script, default_timeout=30)
        at.run()
        assert not at.exception, at.exception
        assert _texts(at) == []
        assert "cannot be read" in _words(at)
        assert [b.label for b in at.button] == []
    finally:
        st.secrets._secrets = None


@pytest.mark.parametrize("drop, named", [("cookie_secret", False), ("server_metadata_url", False),
                                         ("client_secret", True)])
def test_an_incomplete_auth_section_says_what_is_missing_instead_of_a_button(db_path, drop,
                                                                             named) -> None:
    at = AppTest.from_function(_script, default_timeout=30)
    keys = ("client_id", "client_secret", "server_metadata_url")
    if named:
        section = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
                   "google": {k: AUTH[k] for k in keys if k != drop}}
        expected = f"google.{drop}"
    else:
        section = {k: v for k, v in AUTH.items() if k != drop}
        expected = drop
    at.secrets["auth"] = section
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception, at.exception
    assert _texts(at) == []
    assert [b.label for b in at.button] == []
    assert expected.replace("_", "\\_") in at.warning[0].value or expected in at.warning[0].value
