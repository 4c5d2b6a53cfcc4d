"""Select boxes, radios and segmented controls whose choice survives reruns and page changes.

Streamlit forgets a widget's own state when its page is left, and a page that writes the
widget's state from an older copy before drawing it overwrites the person's pick. Here the
*stored choice* is the truth:

1. before the widget is drawn, its state is seeded from the stored choice (or ``default``,
   or the first option when the stored one is no longer offered);
2. the widget's ``on_change`` copies the new pick into the store, so the next run seeds the
   widget with what the person chose;
3. what the widget returns is written back, so the store always names what is on screen.

The store is ``st.session_state[store]`` (or ``st.session_state[store][field]`` when a page
keeps several choices in one dict); by default every remembered choice lives in
``st.session_state[CHOICES_KEY][key]``. Store ids and text only, never DataFrames.

Widgets inside ``st.form`` cannot have an ``on_change``: keep those plain.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

#: The session dict holding choices that name no store of their own ({widget key: choice}).
CHOICES_KEY = "remembered_choices"
#: Session dict of the last ``?param=`` value adopted per store (so the address is read once).
_URL_SEEN_KEY = "remembered_choices_url"
#: A widget value standing for ``None`` (a selectbox whose value is None shows a placeholder).
_NONE = "\x00none"


def _location(key: str, store: str | None, field: str | None) -> tuple[str, str | None]:
    if store is None:
        return CHOICES_KEY, key
    return store, field


def stored_choice(key: str, store: str | None = None, field: str | None = None) -> Any:
    """The remembered choice of the widget ``key`` (or of ``store``/``field``); None if none."""
    store, field = _location(key, store, field)
    if field is None:
        return st.session_state.get(store)
    holder = st.session_state.get(store)
    return holder.get(field) if isinstance(holder, dict) else None


def remember(value: Any, key: str, store: str | None = None, field: str | None = None) -> None:
    """Set the remembered choice (e.g. a link that opens a goal); the widget shows it next run."""
    store, field = _location(key, store, field)
    if field is None:
        st.session_state[store] = value
    else:
        holder = st.session_state.get(store)
        if not isinstance(holder, dict):
            holder = st.session_state[store] = {}
        holder[field] = value


def _to_widget(value: Any) -> Any:
    return _NONE if value is None else value


def _from_widget(value: Any) -> Any:
    return None if value == _NONE else value


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _offered(value: Any, options: Sequence[Any]) -> bool:
    return any(_same(value, o) and (value is None) == (o is None) for o in options)


def _from_url(options: Sequence[Any], location: tuple[str, str | None], param: str) -> Any:
    """The option ``?param=`` names, when the address changed since it was last read."""
    raw = st.query_params.get(param)
    seen = st.session_state.setdefault(_URL_SEEN_KEY, {})
    tag = f"{location[0]}/{location[1]}/{param}"
    if raw is None or seen.get(tag) == raw:
        return _NONE
    seen[tag] = raw
    for option in options:
        if option is not None and str(option) == str(raw):
            return option
    return _NONE


def _on_change(
    key: str,
    location: tuple[str, str | None],
    query_param: str | None,
    callback: Callable[..., Any] | None,
    args: tuple[Any, ...],
) -> None:
    value = _from_widget(st.session_state.get(key))
    remember(value, key, *location)
    if query_param is not None and query_param in st.query_params:
        # keep the address naming what is open, so a reload or a shared link shows it
        st.query_params[query_param] = str(value)
        st.session_state.setdefault(_URL_SEEN_KEY, {})[
            f"{location[0]}/{location[1]}/{query_param}"
        ] = str(value)
    if callback is not None:
        callback(*args)


def distinct_labels(labels: Sequence[Any]) -> list[str]:
    """``labels`` as text, a repeated one numbered ("…", "… (no. 2)") in the order given.

    Streamlit tells a widget's options apart by their labels: two options shown alike
    (two drafts of one team on the same skill) would come back as the same choice.
    """
    out: list[str] = []
    used: set[str] = set()
    for label in labels:
        base = "" if label is None else str(label)
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base} (no. {n})"
        used.add(candidate)
        out.append(candidate)
    return out


def _remembered(
    kind: str,
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    store: str | None,
    field: str | None,
    default: Any,
    format_func: Callable[[Any], Any] | None,
    on_change: Callable[..., Any] | None,
    args: tuple[Any, ...],
    container: Any,
    query_param: str | None,
    widget_kwargs: dict[str, Any],
) -> Any:
    options = list(options)
    if not options:
        return None
    location = (CHOICES_KEY, key) if store is None else (store, field)
    wanted = _from_url(options, location, query_param) if query_param else _NONE
    if wanted == _NONE:
        wanted = stored_choice(key, *location)
        if not _offered(wanted, options):
            wanted = default if _offered(default, options) else options[0]
    remember(wanted, key, *location)
    st.session_state[key] = _to_widget(wanted)
    shown = [_to_widget(o) for o in options]
    fmt = format_func or str
    by_value: dict[Any, str] = {}
    for option, words in zip(shown, distinct_labels([fmt(o) for o in options]), strict=True):
        with contextlib.suppress(TypeError):  # (an unhashable option keeps its own label)
            by_value[option] = words

    def label_of(value: Any) -> str:
        try:
            found = by_value.get(value)
        except TypeError:
            found = None
        return found if found is not None else fmt(_from_widget(value))
    draw = getattr(container if container is not None else st, kind)
    extra = {"required": True} if kind == "segmented_control" else {}
    value = draw(
        label,
        shown,
        key=key,
        format_func=label_of,
        on_change=_on_change,
        args=(key, location, query_param, on_change, tuple(args)),
        **extra,
        **widget_kwargs,
    )
    value = _from_widget(value)
    remember(value, key, *location)
    return value


def remembered_select(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    store: str | None = None,
    field: str | None = None,
    default: Any = None,
    format_func: Callable[[Any], Any] | None = None,
    on_change: Callable[..., Any] | None = None,
    args: Sequence[Any] = (),
    container: Any = None,
    query_param: str | None = None,
    **widget_kwargs: Any,
) -> Any:
    """A selectbox whose choice is remembered; returns the chosen option (None if no options).

    ``key`` is the widget's key; ``store``/``field`` where the choice is kept (see the module
    docstring); ``default`` the choice when none is remembered or it is no longer offered
    (else the first option). ``None`` may be an option ("all"). ``query_param`` names an
    address parameter (``?goal=ID``) that opens that option when the address changes, and is
    kept in step with the pick. ``container`` is a column or the sidebar to draw in;
    ``on_change(*args)`` runs after the choice is stored. Other keyword arguments go to
    ``st.selectbox`` (``help``, ``label_visibility`` ...).
    """
    return _remembered(
        "selectbox", label, options, key=key, store=store, field=field, default=default,
        format_func=format_func, on_change=on_change, args=tuple(args), container=container,
        query_param=query_param, widget_kwargs=widget_kwargs,
    )


def remembered_radio(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    store: str | None = None,
    field: str | None = None,
    default: Any = None,
    format_func: Callable[[Any], Any] | None = None,
    on_change: Callable[..., Any] | None = None,
    args: Sequence[Any] = (),
    container: Any = None,
    **widget_kwargs: Any,
) -> Any:
    """Like :func:`remembered_select`, drawn as ``st.radio`` (``horizontal=True`` etc. pass on)."""
    return _remembered(
        "radio", label, options, key=key, store=store, field=field, default=default,
        format_func=format_func, on_change=on_change, args=tuple(args), container=container,
        query_param=None, widget_kwargs=widget_kwargs,
    )


def remembered_segments(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    store: str | None = None,
    field: str | None = None,
    default: Any = None,
    format_func: Callable[[Any], Any] | None = None,
    container: Any = None,
    **widget_kwargs: Any,
) -> Any:
    """Like :func:`remembered_select`, drawn as a single-choice ``st.segmented_control`` that
    always has one segment chosen."""
    return _remembered(
        "segmented_control", label, options, key=key, store=store, field=field,
        default=default, format_func=format_func, on_change=None, args=(), container=container,
        query_param=None, widget_kwargs=widget_kwargs,
    )
