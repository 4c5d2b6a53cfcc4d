"""The audit log: who did what, when."""

from __future__ import annotations

import datetime as dt

from collabplan import audit

D = dt.date


def test_audit_record_writes_who_what_when(db):
    audit.record(db, "Ms Rivera", "export", "progress report (html)")
    with db.transaction() as cur:
        audit.record(cur, "", "undo", "upload 3")
    rows = audit.recent(db)
    assert list(rows["action"]) == ["undo", "export"]
    assert list(rows["who"]) == [audit.ANYONE, "Ms Rivera"]
    assert rows["happened_at"].notna().all()
