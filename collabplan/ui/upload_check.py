"""Upload-page helpers for what the store says about a file: the report with changed
students, students matched by name and scores stored already; the stop before a file whose
students carry other people's names; warnings without names for projection mode."""

from __future__ import annotations

import re
from typing import Any

from collabplan.ingest.compare import StudentsChangedError, checked_report
from collabplan.ingest.validate import Report, without_names
from collabplan.ui.upload_memo import session_memo

CONFIRM_LABEL = "These are the same students: update their names"


def checked(db: Any, prepared: Any) -> Report:
    """``prepared.report`` compared with the store, kept with the session until the next
    committed write (the answers for older versions are dropped; see upload_memo)."""
    memo = session_memo()
    memo.drop(lambda k: k[2] != "checked" or k[5:] == (db.version, db.path))
    key = (prepared.sha256, prepared.file_name, "checked", prepared.mapping.name,
           prepared.mapping.to_toml(), db.version, db.path)
    return memo.get(key, lambda: checked_report(db, prepared))


def refusal_text(report: Report) -> str:
    """Why a file stops before import (no names: it is shown in projection mode too)."""
    c = report.student_changes
    assert c is not None
    return (
        f"{c.other_names:,} of the {c.compared_names:,} students this file shares with the stored "
        "ones have other people's names in it: is it from another school, or are ids used again? "
        "Nothing from it will be imported unless you confirm they are the same students."
    )


#: The warning of validate.py that lists students by name: "N students appear twice in one
#: administration (Ann Lee, Bo Chan and 3 more): the last row counts".
TWICE = re.compile(r"^(?P<head>[\d,]+ students? appears? twice in one administration) \(.*\)"
                   r"(?P<tail>: the last row counts)$", re.S)


def shown_warnings(warnings: list[str], projection: bool) -> list[str]:
    """Warnings as the page shows them: in projection mode without students' names.

    Every path that shows an import's warnings (the preview's report, the result of an
    import, a stored upload's warnings) goes through here: the examples of changed students
    and the names of students scored twice are cut, their counts kept. Examples that give a
    row number or a score or date cell name no one and stay.
    """
    if not projection:
        return list(warnings)
    return [TWICE.sub(r"\g<head>\g<tail>", w) for w in without_names(list(warnings))]


def error_text(exc: Exception, projection: bool) -> str:
    """An import's error as the page shows it: a refusal for other names (the store changed
    since the preview) names no student in projection mode."""
    if projection and isinstance(exc, StudentsChangedError):
        c = exc.changes
        return (
            f"{exc.file_name}: {c.other_names:,} of the {c.compared_names:,} students this file shares "
            "with the stored ones have other people's names in it. Nothing was imported."
        )
    return shown_warnings([str(exc)], projection)[0]
