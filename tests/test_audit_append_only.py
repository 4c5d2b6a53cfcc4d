"""The audit table is append-only from the app: no code in collabplan/ (or the pages) changes
or removes its rows; the repair on open only inserts into it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: UPDATE audit …, DELETE FROM audit, TRUNCATE audit, DROP TABLE audit, ALTER TABLE audit,
#: INSERT OR REPLACE INTO audit, and an ON CONFLICT upsert into it.
CHANGES = re.compile(
    r"\b(update\s+audit|delete\s+from\s+audit|truncate\s+(table\s+)?audit|drop\s+table\s+(if\s+exists\s+)?audit"
    r"|alter\s+table\s+audit|insert\s+or\s+replace\s+into\s+audit)\b",
    re.IGNORECASE,
)


def _sources() -> list[Path]:
    return sorted([*(ROOT / "collabplan").rglob("*.py"), *(ROOT / "collabplan").rglob("*.sql"),
                   *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])


def test_the_pattern_catches_each_kind_of_change() -> None:
    for sql in ("UPDATE audit SET who = 'x'", "delete  from AUDIT where id = 1", "TRUNCATE audit",
                "DROP TABLE IF EXISTS audit", "INSERT OR REPLACE INTO audit VALUES (1)"):
        assert CHANGES.search(sql), sql
    assert not CHANGES.search("INSERT INTO audit (who, action, detail) VALUES (?, ?, ?)")
    assert not CHANGES.search("DELETE FROM audit_note")  # another table


def test_no_code_updates_or_deletes_audit_rows() -> None:
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
             for path in _sources()
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if CHANGES.search(line)]
    # SQL split over lines: look at each file as one text too
    joined = [str(path.relative_to(ROOT)) for path in _sources()
              if CHANGES.search(" ".join(path.read_text(encoding="utf-8").split()))]
    assert found == [] and joined == []


def test_the_repair_on_open_only_inserts_into_the_audit_table() -> None:
    text = (ROOT / "collabplan" / "integrity.py").read_text(encoding="utf-8")
    statements = re.findall(r"\b(INSERT INTO|UPDATE|DELETE FROM)\s+audit\b", text, re.IGNORECASE)
    assert statements and {s.upper() for s in statements} == {"INSERT INTO"}
