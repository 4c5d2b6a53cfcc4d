"""The shared store's tables, made from the same numbered migrations as the embedded file.

The migrations are DuckDB SQL. To bring a PostgreSQL store from version *a* to *b*, they are
applied to two in-memory DuckDBs (up to *a* and up to *b*), and the difference of the two
catalogs (sequences, tables, columns with their types, defaults and NOT NULL, primary keys,
UNIQUE and CHECK constraints) is written as PostgreSQL DDL. A migration that also moves data
(none after the store existed yet) ships its PostgreSQL twin as
``migrations/postgres/NNNN_name.sql``, run after the difference. Views stay DuckDB views,
made over the attached tables in each process (:func:`views`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from collabplan.shared_store import PLAIN_NAME

POSTGRES_DIR = Path(__file__).parent / "migrations" / "postgres"

#: The two tables a store has before any migration: the versions applied, and the commit count
#: every server's caches follow (collabplan/shared_store.py).
BOOTSTRAP = (
    "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY,"
    " name text NOT NULL, applied_at timestamp NOT NULL DEFAULT current_timestamp);"
    " CREATE TABLE IF NOT EXISTS store_version (n bigint NOT NULL);"
    " INSERT INTO store_version SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM store_version)"
)

_TYPES = {
    "VARCHAR": "text", "INTEGER": "integer", "BIGINT": "bigint", "DOUBLE": "double precision",
    "BOOLEAN": "boolean", "DATE": "date", "TIME": "time", "TIMESTAMP": "timestamp",
    "VARCHAR[]": "text[]", "INTEGER[]": "integer[]", "SMALLINT": "smallint", "FLOAT": "real",
    "TIMESTAMP WITH TIME ZONE": "timestamptz", "BLOB": "bytea",
}
_DEFAULTS = {
    "main.list_value()": "'{}'", "CAST('f' AS BOOLEAN)": "false", "CAST('t' AS BOOLEAN)": "true",
}
#: Indexes PostgreSQL needs where DuckDB reads whole ranges (table, columns): an upload's
#: sittings and measures, a sitting's score values, a student by key.
INDEXES = {
    "sitting": ["upload_id", "student_id"], "measure": ["upload_id"],
    "score_value": ["sitting_id"], "student": ["student_key"],
    "upload_student": ["upload_id"], "student_group": ["student_id"],
}

#: Every statement that writes or removes score rows notes the uploads it touched, whatever
#: ran it: each app server's copy of the scores (score_mirror.py) copies those uploads again.
#: (Statement triggers with transition tables: one insert per statement, not per row.)
SCORE_CHANGES = [
    "CREATE TABLE IF NOT EXISTS score_change (id bigserial PRIMARY KEY,"
    " upload_id integer NOT NULL)",
    "CREATE OR REPLACE FUNCTION collabplan_note_upload() RETURNS trigger LANGUAGE plpgsql AS"
    " $f$ BEGIN INSERT INTO score_change (upload_id) SELECT DISTINCT upload_id FROM changed;"
    " RETURN NULL; END $f$",
    "CREATE OR REPLACE FUNCTION collabplan_note_sitting() RETURNS trigger LANGUAGE plpgsql AS"
    " $f$ BEGIN INSERT INTO score_change (upload_id) SELECT DISTINCT s.upload_id"
    " FROM changed c JOIN sitting s ON s.id = c.sitting_id; RETURN NULL; END $f$",
    *(
        f"CREATE OR REPLACE TRIGGER note_{table}_{event.lower()} AFTER {event} ON {table}"
        f" REFERENCING {'OLD' if event == 'DELETE' else 'NEW'} TABLE AS changed"
        f" FOR EACH STATEMENT EXECUTE FUNCTION"
        f" collabplan_note_{'sitting' if table == 'score_value' else 'upload'}()"
        for table in ("sitting", "measure", "score_value")
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
]


@dataclass
class Table:
    columns: dict[str, tuple[str, str | None, bool]] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    unique: list[tuple[str, ...]] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


@dataclass
class Schema:
    sequences: set[str] = field(default_factory=set)
    tables: dict[str, Table] = field(default_factory=dict)
    views: dict[str, str] = field(default_factory=dict)


def reference(upto: int) -> Schema:
    """The schema the migrations up to version ``upto`` make, read from an in-memory DuckDB."""
    from collabplan.db import SCHEMA_VERSION_TABLE, migrations

    con = duckdb.connect()
    try:
        con.execute(SCHEMA_VERSION_TABLE)
        for version, _, sql in migrations():
            if version <= upto:
                con.execute(sql)
        return _catalog(con)
    finally:
        con.close()


def _catalog(con: duckdb.DuckDBPyConnection) -> Schema:
    schema = Schema()
    schema.sequences = {
        s for (s,) in con.execute(
            "SELECT sequence_name FROM duckdb_sequences() WHERE database_name = 'memory'"
            " AND NOT temporary").fetchall()
    }
    for table, column, dtype, default, nullable in con.execute(
        """SELECT table_name, column_name, data_type, column_default, is_nullable
           FROM duckdb_columns() WHERE database_name = 'memory' AND schema_name = 'main'
             AND NOT internal AND table_name IN (
                 SELECT table_name FROM duckdb_tables()
                 WHERE database_name = 'memory' AND schema_name = 'main' AND NOT temporary)
           ORDER BY table_name, column_index"""
    ).fetchall():
        schema.tables.setdefault(table, Table()).columns[column] = (dtype, default, not nullable)
    for table, kind, columns, text in con.execute(
        """SELECT table_name, constraint_type, constraint_column_names, constraint_text
           FROM duckdb_constraints() WHERE database_name = 'memory' AND schema_name = 'main'
             AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'CHECK')
           ORDER BY table_name, constraint_index"""
    ).fetchall():
        if table not in schema.tables:
            continue
        if kind == "PRIMARY KEY":
            schema.tables[table].primary_key = tuple(columns)
        elif kind == "UNIQUE":
            schema.tables[table].unique.append(tuple(columns))
        else:
            schema.tables[table].checks.append(text)
    schema.views = dict(con.execute(
        "SELECT view_name, sql FROM duckdb_views() WHERE database_name = 'memory'"
        " AND schema_name = 'main' AND NOT internal").fetchall())
    return schema


def _ident(name: str) -> str:
    if not PLAIN_NAME.fullmatch(name):
        raise ValueError(f"not a plain name: {name!r}")
    return f'"{name}"'


def _column(name: str, spec: tuple[str, str | None, bool]) -> str:
    dtype, default, not_null = spec
    if dtype not in _TYPES:
        raise ValueError(f"no PostgreSQL type for the DuckDB type {dtype} (column {name})")
    text = f"{_ident(name)} {_TYPES[dtype]}"
    if default is not None:
        text += f" DEFAULT {_DEFAULTS.get(default, default)}"
    if not_null:
        text += " NOT NULL"
    return text


def ddl(before: Schema, after: Schema) -> list[str]:
    """PostgreSQL statements that turn the ``before`` schema into ``after`` (views aside)."""
    out = [f"CREATE SEQUENCE {_ident(s)}" for s in sorted(after.sequences - before.sequences)]
    for name in sorted(set(before.tables) - set(after.tables)):
        out.append(f"DROP TABLE {_ident(name)}")
    for name, table in sorted(after.tables.items()):
        old = before.tables.get(name)
        if old is None:
            parts = [_column(c, spec) for c, spec in table.columns.items()]
            if table.primary_key:
                parts.append(f"PRIMARY KEY ({', '.join(map(_ident, table.primary_key))})")
            parts += [f"UNIQUE ({', '.join(map(_ident, u))})" for u in table.unique]
            parts += [re.sub(r"^CHECK\(\((.*)\)\)$", r"CHECK (\1)", c) for c in table.checks]
            out.append(f"CREATE TABLE {_ident(name)} ({', '.join(parts)})")
            out += [
                f"CREATE INDEX ON {_ident(name)} ({_ident(c)})"
                for c in INDEXES.get(name, []) if c in table.columns
            ]
            continue
        for column in old.columns.keys() - table.columns.keys():
            out.append(f"ALTER TABLE {_ident(name)} DROP COLUMN {_ident(column)}")
        for column, spec in table.columns.items():
            if column not in old.columns:
                out.append(f"ALTER TABLE {_ident(name)} ADD COLUMN {_column(column, spec)}")
            elif old.columns[column][0] != spec[0]:
                out.append(f"ALTER TABLE {_ident(name)} ALTER COLUMN {_ident(column)} TYPE "
                           f"{_TYPES[spec[0]]} USING {_ident(column)}::{_TYPES[spec[0]]}")
        for unique in table.unique:
            if unique not in old.unique:
                out.append(f"ALTER TABLE {_ident(name)} ADD UNIQUE "
                           f"({', '.join(map(_ident, unique))})")
    for sequence in sorted(before.sequences - after.sequences):
        out.append(f"DROP SEQUENCE {_ident(sequence)}")
    return out


def twin(version: int) -> str | None:
    """The PostgreSQL twin of a migration that moves data, if it has one."""
    found = sorted(POSTGRES_DIR.glob(f"{version:04d}_*.sql")) if POSTGRES_DIR.is_dir() else []
    return found[0].read_text(encoding="utf-8") if found else None


def views(upto: int) -> dict[str, str]:
    """The DuckDB views of version ``upto`` (name -> CREATE VIEW statement)."""
    return reference(upto).views
