"""The one error for "a person must fix this": :class:`UserError`.

Anything a teacher, a leader or a script can put right (an unreadable file, a mapping key, a
goal whose target is on the wrong side of its baseline, a name left blank) raises a
``UserError`` whose message is one line saying what to fix. The command line prints it and
exits 2; the pages show it with ``st.error``. Nothing is written when one is raised.

``kind`` says which part of the input is at fault, so a page can place the message beside the
right widget and tests can check the cause without matching words:

- ``"file"``: the uploaded file itself (damaged, too large, password, no data);
- ``"mapping"``: a mapping key or preset that does not fit the file;
- ``"input"``: a typed value or a command-line option (blank, out of range, unknown name);
- ``"state"``: the thing was changed or removed meanwhile (deleted, already posted);
- ``"access"``: the person's role or teams do not allow it (see collabplan.access);
- ``"setup"``: the installation (a shared store that cannot be reached, a missing package).

Several independent mistakes found at once (a mapping with three wrong keys) are one error
whose ``lines`` hold one line each; its message lists them all, so a page that shows only the
message loses nothing, and the command line prints one ``error:`` line per mistake.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["file", "mapping", "input", "state", "access", "setup"]
KINDS: tuple[Kind, ...] = ("file", "mapping", "input", "state", "access", "setup")


class UserError(ValueError):
    """A one-line message a person can act on; ``kind`` names what to fix."""

    def __init__(self, message: str, *, kind: Kind = "input", lines: tuple[str, ...] = ()) -> None:
        if kind not in KINDS:
            raise TypeError(f"unknown UserError kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        #: one line per mistake when there are several (else empty: the message is the line)
        self.lines = tuple(" ".join(line.split()) for line in lines)

    def __str__(self) -> str:  # one line, whatever the message was built from
        return " ".join(super().__str__().split())
