"""What every normalising step of one file reads and none changes: the file, its mapping and
the private in-memory database the steps work in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import duckdb

from collabplan.ingest.mapping import Mapping, Scores


@dataclass(frozen=True)
class Job:
    """One file being normalised: ``con`` is its own in-memory DuckDB (never the store)."""

    con: duckdb.DuckDBPyConnection
    file_name: str
    mapping: Mapping
    sheet_count: int  # sheets read from the file (resolved or not)

    @property
    def scores(self) -> Scores | None:
        return self.mapping.scores

    @property
    def kind(self) -> str | None:
        """points, percent or level (None when the mapping has no scores)."""
        s = self.mapping.scores
        return s.resolved_kind(self.mapping.max_row is not None) if s else None

    @property
    def is_book(self) -> bool:
        """A workbook (its sheets are named in messages), not a csv."""
        return not self.file_name.lower().endswith((".csv", ".txt", ".tsv"))

    @property
    def assessment_name(self) -> str:
        """The mapping's assessment name; else, when ``[scores] skill_from_filename`` is a
        table of codes, the skill it finds in the file's name (an SR_v2.csv file is the
        assessment "Star Reading"); else the file's name without its extension."""
        if self.mapping.assessment_name:
            return self.mapping.assessment_name
        s = self.mapping.scores
        if s is not None and isinstance(s.skill_from_filename, dict):
            from collabplan.ingest.normalise.cells import skill_from_file_name

            return skill_from_file_name(self, s.skill_from_filename)
        return PurePath(self.file_name).stem

    def where(self, sheet_name: str) -> str:
        """The file (and sheet) a message is about."""
        if self.sheet_count > 1 or self.is_book:
            return f"{self.file_name}, sheet {sheet_name!r}"
        return self.file_name

    def mapping_where(self) -> str:
        return f"{self.file_name}: mapping {self.mapping.name}"
