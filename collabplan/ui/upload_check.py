"""Upload-page helpers for what the store says about a file: the report with changed
students, students matched by name and scores stored already; the stop before a file whose
students carry other people's names; warnings without names for projection mode."""

from __future__ import annotations

from typing import Any

import streamlit as st

from collabplan.ingest.compare import StudentsChangedError, checked_report
from collabplan.ingest.validate import Report, without_names

CONFIRM_LABEL = "These are the same students: update their names"


@st.cache_resource(show_spinner=False, max_entries=16)
def _checked(key: tuple[str, ...], version: int, path: str, _prepared: Any) -> Report:
    from collabplan import ui

    return checked_report(ui.get_db(), _prepared)


def checked(db: Any, prepared: Any) -> Report:
    """``prepared.report`` compared with the store, until the next committed write."""
    key = (prepared.sha256, prepared.file_name, prepared.mapping.name, prepared.mapping.to_toml())
    return _checked(key, db.version, db.path, prepared)


def refusal_text(report: Report) -> str:
    """Why a file stops before import (no names: it is shown in projection mode too)."""
    c = report.student_changes
    assert c is not None
    return (
        f"{c.other_names:,} of the {c.compared_names:,} students this file shares with the stored "
        "ones have other people's names in it: is it from another school, or are ids used again? "
        "Nothing from it will be imported unless you confirm they are the same students."
    )


def shown_warnings(warnings: list[str], projection: bool) -> list[str]:
    """Warnings as the page shows them: in projection mode without students' names."""
    return without_names(list(warnings)) if projection else list(warnings)


def error_text(exc: Exception, projection: bool) -> str:
    """An import's error as the page shows it: a refusal for other names (the store changed
    since the preview) names no student in projection mode."""
    if projection and isinstance(exc, StudentsChangedError):
        c = exc.changes
        return (
            f"{exc.file_name}: {c.other_names:,} of the {c.compared_names:,} students this file shares "
            "with the stored ones have other people's names in it. Nothing was imported."
        )
    return str(exc)
