"""Files the user asks for by name (``--json FILE``, ``--out DIR``, exports): written
atomically through the store, so the CLI and the UI never open files themselves."""

from __future__ import annotations

from pathlib import Path

from playground.store.atomic import atomic_write_text


def write_user_file(path: Path, text: str) -> Path:
    """Write `text` to `path` atomically. The file is 0644 like any file a user writes by
    name (it holds no key: callers pass figures and answers only); returns the real path.

    Raises:
        OSError: the write failed; nothing was replaced.
    """
    return atomic_write_text(path.expanduser(), text, mode=0o644)
