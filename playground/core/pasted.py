"""Whether a paste is text to insert or files to attach.

A terminal that has files dropped on it types their paths: one line, each path quoted or
with its spaces escaped, or as ``file://`` URLs. `pasted_paths` recognises that shape (it
does not look at the disk); the screen then checks the files exist before offering to attach
them instead of inserting the text.

Pure functions, no I/O.
"""

from __future__ import annotations

import os
import shlex

MAX_PASTE = 4096
"""A longer paste is text, whatever it looks like."""

_PATH_STARTS = ("/", "~/", "./", "../", "~", "file://")


def pasted_paths(text: str) -> list[str] | None:
    """The paths a paste holds, if it looks like nothing but paths (what a terminal sends when
    files are dropped on it: one line, names quoted or with escaped spaces, or ``file://``
    URLs); None when it is ordinary text. Pure: whether the files exist is not checked."""
    text = text.strip()
    if not text or "\n" in text or len(text) > MAX_PASTE:
        return None
    if text.startswith("file://"):
        return [part for part in text.split() if part.startswith("file://")] or None
    try:
        words = shlex.split(text)
    except ValueError:
        return None
    if not words:
        return None
    if all(w.startswith(_PATH_STARTS) for w in words):
        return words
    if len(words) == 1 and os.sep in words[0] and " " not in text:
        return words  # a relative path such as docs/notes.md
    return None
