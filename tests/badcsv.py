"""Hostile and awkward csv files, each built from its description (issue "Hostile files and
text hurt no one"). Sizes are parameters so a test can shrink them with lowered limits."""

from __future__ import annotations

import random


def one_long_line(fields: int = 100_000) -> bytes:
    """One line of ``fields`` one-character fields (200 KB for 100,000): once 59 s and a
    traceback in the app."""
    return b",".join([b"x"] * fields) + b"\n"


def ten_mb_line(size: int = 10 * 1024 * 1024) -> bytes:
    """A header row, then one line of ``size`` bytes of one-character fields (5 million of
    them in 10 MB): once 14 GB of memory."""
    return b"Student,Score\n" + (b"a," * (size // 2))[:-1] + b"\n"


def one_huge_cell_line(size: int = 10 * 1024 * 1024) -> bytes:
    """A header row, then a line of ``size`` bytes with no delimiter at all (one huge cell)."""
    return b"Student,Score\n" + b"a" * size + b"\n"


def million_column_header(columns: int = 1_200_000) -> bytes:
    """A header of ``columns`` names and one row: once 45 s and 2.8 GB before a refusal."""
    header = ",".join(f"Q{i}" for i in range(columns))
    return (header + "\n" + ",".join("1" for _ in range(columns)) + "\n").encode()


def ragged_big_field(field_bytes: int = 140_000) -> bytes:
    """Rows of different lengths, one cell over Python csv's 128 KB field limit (a traceback)."""
    return (
        b"Student ID,Student Name,Q1\n1,Ana Ruiz,1\n2,Ben Ode,"
        + b"x" * field_bytes
        + b",4,5\n3,Cy Lee,0\n"
    )


def unclosed_quote(size: int = 300_000) -> bytes:
    """A quote that is never closed: the rest of the file is one cell."""
    return b'Student ID,Student Name,Q1\n1,"Ana Ruiz,1\n' + b"2,Ben Ode,0\n" * (size // 12)


def wide(columns: int, rows: int = 30, seed: int = 1) -> bytes:
    """A real-looking wide export: id, name, then ``columns`` question columns of 0/1."""
    rng = random.Random(seed)
    header = ["Student ID", "Student Name"] + [f"Q{i}" for i in range(1, columns + 1)]
    lines = [",".join(header)]
    for r in range(rows):
        marks = [str(rng.randint(0, 1)) for _ in range(columns)]
        lines.append(",".join([str(1000 + r), f"Student {r:03d}", *marks]))
    return ("\n".join(lines) + "\n").encode()


#: Names with accents: (UTF-8 line, cp1252 line) pairs of a mixed file.
MIXED_NAMES = ("José Núñez", "Zoë Smith", "Renée Doe")


def mixed_encoding() -> bytes:
    """A UTF-8 export with one name pasted from an old Windows (cp1252) file on line 4."""
    return (
        "Student ID,Student Name,Q1\n1,José Núñez,1\n2,Zoë Smith,0\n".encode()
        + "3,Renée Doe,1\n".encode("cp1252")
        + b"4,Ana Ruiz,1\n"
    )


def cp1252_only() -> bytes:
    """A whole file from an older Windows export (cp1252 throughout)."""
    return "Student ID,Student Name,Q1\n1,José Núñez,1\n2,Renée Doe,0\n".encode("cp1252")


def repeated_headers() -> bytes:
    """Three score columns all headed ``Q1`` (once stored as one question, 0, 0, 0)."""
    return b"Student ID,Student Name,Q1,Q1,Q1\n1,Ana Ruiz,1,0,1\n2,Ben Ode,0,1,1\n"


def simple(rows: int = 3) -> bytes:
    """A small valid csv of ``rows`` students and two questions."""
    lines = ["Student ID,Student Name,Q1,Q2"]
    lines += [f"{i},Student {i},{i % 2},1" for i in range(1, rows + 1)]
    return ("\n".join(lines) + "\n").encode()
