"""Who is looking at this session: sign-in through the school's accounts, or this computer.

Two ways to run (docs/signin.md):

- **No ``[auth]``** in ``.streamlit/secrets.toml``: the single-user local tool, listening on
  127.0.0.1 only. :func:`viewer` is ``Viewer.local_user()`` (a leader) and nothing is asked.
- **``[auth]`` configured** (Streamlit's native OIDC: ``st.login`` / ``st.user`` /
  ``st.logout``): every page run starts with :func:`viewer` (app.py before ``page.run()``,
  and ``ui.page_setup()`` on every page, so a deep link to a page file is covered too). An
  anonymous visitor gets the sign-in page and the run stops; a signed-in address outside the
  allowed domains or not in the people table (collabplan/people.py) gets one line saying
  why, a sign-out button, and the run stops. No data is read before that check.

:func:`viewer` is what pages pass to queries. The person is looked up once per session and
looked up again after :data:`RECHECK_SECONDS`, so a person a leader removes loses access
within a minute without signing out. The sign-in is written to the audit log once a session.

``st.user`` is read only in :func:`_claims` so tests can replace it; AppTest sets it with
``at.user = {...}`` and the secrets with ``at.secrets["auth"] = {...}``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

from collabplan import audit, people
from collabplan.access import Viewer
from collabplan.ui import safe

#: Environment variable listing the email domains allowed to sign in (comma-separated).
DOMAINS_ENV = "COLLABPLAN_ALLOWED_DOMAINS"
#: How long a session trusts its looked-up role before reading the people table again.
RECHECK_SECONDS = 60.0
#: What the audit log records for the person at the computer when there is no sign-in.
LOCAL_WHO = "this computer"

_CACHE_KEY = "_signin_person"
_UNREADABLE = "The sign-in settings"
_AUDITED_KEY = "_signin_audited"


# -- configuration --------------------------------------------------------------------------
class SecretsUnreadable(Exception):
    """A secrets file exists but cannot be read: sign-in may be meant, so nobody gets in."""


def _secrets_section(name: str) -> Mapping[str, Any] | None:
    """A section of st.secrets, or None; no secrets file at all is not an error.

    A file Streamlit cannot parse raises :class:`SecretsUnreadable`: failing open would serve
    every page to anyone who reaches a server its IT person meant to put behind sign-in.
    """
    try:
        if name not in st.secrets:
            return None
        section = st.secrets[name]
    except Exception as exc:
        if getattr(exc, "error_id", None) == "no-secrets-found":
            return None
        raise SecretsUnreadable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
    return section if isinstance(section, Mapping) else None


def auth_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (sign-in is on)."""
    return _secrets_section("auth") is not None


def providers() -> list[str]:
    """The providers ``st.login`` can use: named ``[auth.NAME]`` sections, else "default"."""
    section = _secrets_section("auth") or {}
    named = [key for key, value in section.items()
             if isinstance(value, Mapping) and "client_id" in value]
    if named:
        return named
    return ["default"] if "client_id" in section else []


def missing_settings() -> list[str]:
    """The ``[auth]`` keys st.login needs that are not there (empty when sign-in can work)."""
    section = _secrets_section("auth") or {}
    missing = [key for key in ("redirect_uri", "cookie_secret") if not section.get(key)]
    names = providers()
    if not names:
        return [*missing, "client_id, client_secret and server_metadata_url"]
    for name in names:
        where = section if name == "default" else section[name]
        prefix = "" if name == "default" else f"{name}."
        missing += [prefix + key for key in ("client_id", "client_secret", "server_metadata_url")
                    if not where.get(key)]
    return missing


def allowed_domains() -> tuple[str, ...]:
    """Email domains allowed to sign in (lower case); empty: any the provider accepts.

    ``[collabplan] allowed_domains = ["school.org"]`` in secrets.toml, or the environment
    variable ``COLLABPLAN_ALLOWED_DOMAINS=school.org,district.org`` (secrets win).
    """
    section = _secrets_section("collabplan") or {}
    raw: Any = section.get("allowed_domains")
    if raw is None:
        raw = os.environ.get(DOMAINS_ENV, "")
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    return tuple(dict.fromkeys(str(d).strip().lower().lstrip("@") for d in items if str(d).strip()))


def domain_allowed(email: str, domains: tuple[str, ...]) -> bool:
    """Is ``email`` in one of ``domains`` (or are all domains allowed)?"""
    if not domains:
        return True
    return email.rpartition("@")[2].lower() in domains


# -- the signed-in person -------------------------------------------------------------------
def _claims() -> dict[str, Any]:
    """``st.user`` as a plain dict (the one place it is read)."""
    try:
        return dict(st.user.to_dict())
    except Exception:  # no script context (a bare import): nobody is signed in
        return {}


def signed_in_email() -> str | None:
    """The verified email the identity provider gave this session, lower-cased, or None."""
    claims = _claims()
    if claims.get("is_logged_in") is not True:
        return None
    if claims.get("email_verified") is False:  # the provider says the address is unproven
        return None
    email = str(claims.get("email") or "").strip().lower()
    return email or None


def _projection() -> bool:
    from collabplan import ui

    return ui.projection_mode()


def current() -> Viewer | None:
    """The viewer for this session, or None when nobody is allowed in (nothing is drawn)."""
    viewer_, _ = _resolve()
    return viewer_


def viewer() -> Viewer:
    """The :class:`Viewer` for this session (see the module docstring).

    With ``[auth]`` and nobody allowed in, this draws the sign-in (or "not on the list")
    page and stops the script run: code after a call to ``viewer()`` never runs for them.
    """
    found, reason = _resolve()
    if found is not None:
        return found
    if reason == "anonymous":
        _sign_in_page()
    else:
        _refusal(reason, sign_out=not reason.startswith(_UNREADABLE))
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover (st.stop raises)


def _resolve() -> tuple[Viewer | None, str]:
    """(viewer, "") when allowed in; else (None, "anonymous") or (None, why not)."""
    projection = _projection()
    try:
        configured = auth_configured()
    except SecretsUnreadable as exc:
        return None, (f"{_UNREADABLE} (`.streamlit/secrets.toml`) cannot be read, so nobody "
                      f"can sign in until the school's IT person fixes them: {safe.md(exc)}")
    if not configured:
        return Viewer.local_user(projection=projection), ""
    email = signed_in_email()
    if email is None:
        st.session_state.pop(_CACHE_KEY, None)
        return None, "anonymous"
    domains = allowed_domains()
    if not domain_allowed(email, domains):
        return None, (f"**{safe.md(email)}** is not a school account here: sign in with an "
                      f"address ending in {', '.join('@' + d for d in domains)}.")
    found = _cached_person(email)
    if found is None:
        from collabplan import ui

        nobody = people.count(ui.get_db()) == 0
        extra = (" No one has been added yet: the school's IT person adds the first leader "
                 "with `python -m collabplan users add EMAIL --role leader`.") if nobody else ""
        return None, (f"You are signed in as **{safe.md(email)}**, but you are not on "
                      f"collabplan's list of people: ask your school leader to add you.{extra}")
    if st.session_state.get(_AUDITED_KEY) != email:
        from collabplan import ui

        audit.record(ui.get_db(), email, "sign in", f"as {found.role}")
        st.session_state[_AUDITED_KEY] = email
    return found.with_projection(projection), ""


def _cached_person(email: str) -> Viewer | None:
    cached = st.session_state.get(_CACHE_KEY)
    now = time.monotonic()
    if cached and cached[0] == email and now - cached[1] < RECHECK_SECONDS:
        return cached[2]
    from collabplan import ui

    found = people.viewer_for(ui.get_db(), email)
    if found is None:
        st.session_state.pop(_CACHE_KEY, None)
    else:
        st.session_state[_CACHE_KEY] = (email, now, found)
    return found


def forget() -> None:
    """Drop this session's looked-up role (after a leader changes people on this session)."""
    st.session_state.pop(_CACHE_KEY, None)


def guard() -> Viewer:
    """The check every page makes first: the viewer, or the sign-in page and a stop."""
    return viewer()


def require_leader(viewer_: Viewer, what: str = "This page") -> None:
    """One line and a stop unless ``viewer_`` is a leader (the People and Audit log pages)."""
    if viewer_.role != "leader":
        st.info(f"{what} is for school leaders.", icon=":material/lock:")
        st.stop()


# -- what is drawn ---------------------------------------------------------------------------
def _sign_in_page() -> None:
    st.title("collabplan")
    missing = missing_settings()
    if missing:  # st.login would fail on the click: say what the IT person must add
        st.warning("Sign-in is not set up completely: `[auth]` in `.streamlit/secrets.toml` lacks "
                   f"{safe.md(', '.join(missing))} (see docs/signin.md).", icon=":material/lock:")
        return
    st.write("Sign in with your school account to continue.")
    names = providers()
    for name in names or ["default"]:
        label = "Sign in" if name == "default" else f"Sign in with {name.replace('-', ' ').title()}"
        st.button(label, type="primary", icon=":material/login:", key=f"signin_{name}",
                  on_click=st.login, args=() if name == "default" else (name,))


def _refusal(message: str, *, sign_out: bool = True) -> None:
    st.title("collabplan")
    st.warning(message, icon=":material/lock:")
    if sign_out:
        st.button("Sign out", key="signin_out", icon=":material/logout:", on_click=st.logout)


def sidebar(viewer_: Viewer) -> None:
    """Who is signed in and the sign-out button (nothing without sign-in)."""
    if viewer_.local:
        return
    label = viewer_.name or viewer_.email or ""
    st.caption(f"Signed in as {safe.md(label)} ({viewer_.role})")
    st.button("Sign out", key="sidebar_signout", icon=":material/logout:", on_click=st.logout)


# -- the audit log, tied to people ----------------------------------------------------------
_VIEWS_KEY = "_signin_views"


def audit_who(viewer_: Viewer, typed: str | None = None) -> str:
    """Who an audit row names: the signed-in email (a typed name is ignored then), else the
    name typed on the page, else "this computer"."""
    if not viewer_.local and viewer_.email:
        return viewer_.email
    return (typed or "").strip() or LOCAL_WHO


def record(viewer_: Viewer, action: str, detail: str | None = None,
           typed: str | None = None) -> None:
    """One audit row for what ``viewer_`` did (export, delete, undo, upload …)."""
    from collabplan import ui

    audit.record(ui.get_db(), audit_who(viewer_, typed), action, detail)
    ui.after_write()


def record_view(viewer_: Viewer, what: str) -> None:
    """Log that a signed-in person looked at a student list (once a session per list).

    Without sign-in there is one person at this computer and views are not logged (exports,
    deletions and undos still are).
    """
    if viewer_.local:
        return
    seen: set[str] = st.session_state.setdefault(_VIEWS_KEY, set())
    if what in seen:
        return
    from collabplan import ui

    audit.record(ui.get_db(), audit_who(viewer_), "view", what)
    seen.add(what)
