"""Attachments: reading a file the user named into a message part, off the UI thread.

A path typed, completed or pasted by the user becomes an `Attachment`: an ``image_url`` part
(PNG, JPEG, GIF, WebP) or a ``file`` part (PDF, UTF-8 text), chosen by the file's bytes
(`core.media.sniff`), never by its name alone. Everything that can go wrong is an
`AttachmentError` whose message names the path (sanitized) and says what to do: a missing
file, a folder, no permission, a file above the size limit, a type no model takes.

The screens call the ``async`` functions here; each runs its file-system work in a thread, so
a slow disk or a network mount never freezes the UI.
"""

from __future__ import annotations

import asyncio
import base64
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from playground.core.catalog import Catalog
from playground.core.media import SUPPORTED, describe_unsupported, size_text, sniff
from playground.core.pasted import pasted_paths
from playground.core.request import FilePart, ImagePart, Message
from playground.core.sanitize import safe_line
from playground.core.session import Session

MAX_IMAGE_BYTES = 20 * 1024 * 1024
"""The largest image that can be attached (OpenAI and Anthropic take about 20 MB)."""
MAX_FILE_BYTES = 32 * 1024 * 1024
"""The largest PDF or text file that can be attached (Anthropic's PDF limit is 32 MB)."""
MAX_COMPLETIONS = 200
"""Path completion lists at most this many names of a folder."""

ErrorReason = Literal["missing", "folder", "not-a-file", "unreadable", "too-large", "empty",
                      "unsupported"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits, in bytes (tests and callers with other gateways can change them)."""

    image_bytes: int = MAX_IMAGE_BYTES
    file_bytes: int = MAX_FILE_BYTES


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file read and encoded, ready to go into a message."""

    part: ImagePart | FilePart
    """What is sent."""
    path: str
    """Where it came from, as the user would write it (``~/cat.png``)."""
    size: int
    """Its size in bytes."""
    label: str
    """What it is: ``PNG image``, ``PDF``, ``Markdown``."""

    @property
    def name(self) -> str:
        return self.part.filename

    @property
    def is_image(self) -> bool:
        return isinstance(self.part, ImagePart)


class AttachmentError(Exception):
    """A file could not be attached. ``str()`` is a sentence for the user that names the
    path (sanitized)."""

    def __init__(self, reason: ErrorReason, path: str, detail: str) -> None:
        self.reason: ErrorReason = reason
        self.path = path
        super().__init__(f"Can't attach {safe_line(path, 160)}: {detail}")


# -- paths ---------------------------------------------------------------------------------------


def expand(text: str, *, cwd: Path | None = None) -> Path:
    """The file a user means by `text`: quotes and surrounding space dropped, ``file://``
    URLs decoded, ``~`` expanded, relative paths taken from `cwd` (the working folder)."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    if text.startswith("file://"):
        text = unquote(urlsplit(text).path)
    path = Path(os.path.expanduser(text))
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    return path


def shown_path(path: Path) -> str:
    """`path` with the home folder written ``~``, as people read it."""
    home = Path.home()
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)


def _existing_files(candidates: Sequence[str], cwd: Path | None) -> list[Path]:
    found = []
    for candidate in candidates:
        path = expand(candidate, cwd=cwd)
        try:
            if path.is_file():
                found.append(path)
        except OSError:
            return []
    return found if len(found) == len(candidates) else []


async def files_in_paste(text: str, *, cwd: Path | None = None) -> list[Path]:
    """The files a paste names when it is nothing but paths to existing files (else empty)."""
    candidates = pasted_paths(text)
    if not candidates:
        return []
    return await asyncio.to_thread(_existing_files, candidates, cwd)


@dataclass(frozen=True, slots=True)
class Completion:
    """What a path typed so far can become."""

    text: str
    """The typed text extended as far as every candidate agrees (a folder gets its ``/``)."""
    candidates: tuple[str, ...]
    """The names in that folder that start with what was typed (folders end with ``/``)."""


def complete_path(text: str, *, cwd: Path | None = None) -> Completion:
    """Complete `text` like a shell does: within its folder, to the longest common start of
    the names that match (hidden names only when the typed name starts with a dot)."""
    typed = text
    if not text.strip():
        text = "./"
    elif text == "~":
        text = "~/"
    folder_text, _, prefix = text.rpartition("/")
    folder = expand(folder_text + "/" if folder_text or text.startswith("/") else ".", cwd=cwd)
    names: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.startswith(prefix):
                    continue
                if entry.name.startswith(".") and not prefix.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                names.append(entry.name + ("/" if is_dir else ""))
                if len(names) >= MAX_COMPLETIONS:
                    break
    except OSError:
        return Completion(typed, ())
    names.sort(key=str.lower)
    if not names:
        return Completion(typed, ())
    if len(names) >= MAX_COMPLETIONS:
        # Only some of the names were read: a common start among them may not be common to
        # all, so the typed text is not extended.
        return Completion(typed, tuple(names))
    common = _common_start(names)
    head = text[: len(text) - len(prefix)]
    return Completion(head + common if len(common) > len(prefix) else typed, tuple(names))


def _common_start(names: Sequence[str]) -> str:
    """The longest start every name shares (character by character: these are names, not
    paths)."""
    first, last = min(names), max(names)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


async def complete(text: str, *, cwd: Path | None = None) -> Completion:
    """`complete_path` in a thread."""
    return await asyncio.to_thread(complete_path, text, cwd=cwd)


# -- reading ---------------------------------------------------------------------------------------


def load(text: str | Path, *, limits: Limits = Limits(), cwd: Path | None = None) -> Attachment:
    """Read the file `text` names into an attachment (blocking: call `read` from the UI).

    Raises:
        AttachmentError: missing, a folder, not a regular file, unreadable, empty, too large,
            or not a supported type.
    """
    path = expand(str(text), cwd=cwd)
    shown = shown_path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AttachmentError("missing", shown, "no such file.") from None
    except OSError as exc:
        raise AttachmentError("unreadable", shown, _reason(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise AttachmentError("folder", shown, "it is a folder; pick a file inside it.")
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or a device would block the read, or never end.
        raise AttachmentError("not-a-file", shown, "it is not a regular file.")
    largest = max(limits.image_bytes, limits.file_bytes)
    if info.st_size > largest:
        raise AttachmentError(
            "too-large",
            shown,
            f"it is {size_text(info.st_size)}; the limit is {size_text(limits.image_bytes)} "
            f"for an image and {size_text(limits.file_bytes)} for a file.",
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(largest + 1)  # the file may have grown since stat
    except OSError as exc:
        raise AttachmentError("unreadable", shown, _reason(exc)) from None
    if not data:
        raise AttachmentError("empty", shown, "the file is empty.")
    sniffed = sniff(data, path.name)
    if sniffed is None:
        raise AttachmentError(
            "unsupported",
            shown,
            f"it looks like {describe_unsupported(data)}. Supported: {SUPPORTED}.",
        )
    limit = limits.image_bytes if sniffed.kind == "image" else limits.file_bytes
    if len(data) > limit:
        what = "an image" if sniffed.kind == "image" else "a file"
        raise AttachmentError(
            "too-large",
            shown,
            f"it is {size_text(len(data))}; the limit for {what} is {size_text(limit)}.",
        )
    encoded = base64.b64encode(data).decode("ascii")
    part: ImagePart | FilePart
    if sniffed.kind == "image":
        part = ImagePart(media_type=sniffed.media_type, data=encoded, filename=path.name)
    else:
        part = FilePart(media_type=sniffed.media_type, data=encoded, filename=path.name)
    return Attachment(part, shown, len(data), sniffed.label)


async def read(
    text: str | Path,
    *,
    limits: Limits = Limits(),
    cwd: Path | None = None,
) -> Attachment:
    """`load` in a thread: what the UI calls.

    Raises:
        AttachmentError: see `load`.
    """
    return await asyncio.to_thread(load, text, limits=limits, cwd=cwd)


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied."
    return (exc.strerror or type(exc).__name__).rstrip(".").lower() + "."


# -- what the chosen model takes ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CapabilityNote:
    """A word about whether the model takes what the message carries. Never a block: the
    catalog's tags can lag behind what a model accepts."""

    severity: Literal["warning", "note"]
    """``warning``: the catalog's tags lack the capability; ``note``: nobody can tell."""
    text: str


_NEEDS: tuple[tuple[str, str, str], ...] = (
    ("images", "vision", "images"),
    ("files", "file-input", "files (PDF, text)"),
    ("tools", "tool-use", "tools"),
)


def capability_notes(
    catalog: Catalog, model_id: str, *, images: bool = False, files: bool = False,
    tools: bool = False,
) -> tuple[CapabilityNote, ...]:  # fmt: skip
    """What to tell the user before sending images, files or tools to `model_id`.

    A tag the model lacks gives a warning (``vision`` for images, ``file-input`` for files,
    ``tool-use`` for tools). When the catalog cannot say (the model is not listed, or the
    gateway publishes no tags at all, as local servers do) there is one note instead.
    """
    wanted = {"images": images, "files": files, "tools": tools}
    needs = [(tag, what) for key, tag, what in _NEEDS if wanted[key]]
    if not needs:
        return ()
    name = safe_line(model_id, 80)
    model = catalog.get(model_id)
    things = " or ".join(what for _, what in needs)
    if model is None:
        return (CapabilityNote("note", f"{name} is not in the catalog: whether it takes "
                               f"{things} is unknown."),)  # fmt: skip
    if not model.tags and not any(m.tags for m in catalog):
        return (CapabilityNote("note", f"This gateway publishes no capabilities: whether {name} "
                               f"takes {things} is unknown."),)  # fmt: skip
    tags = set(catalog.capabilities(model))
    return tuple(
        CapabilityNote(
            "warning",
            f"{name} does not list {tag} in the catalog: it may refuse or ignore the {what}.",
        )
        for tag, what in needs
        if tag not in tags
    )


# -- how much a session holds ---------------------------------------------------------------------

SESSION_WARN_BYTES = 40 * 1024 * 1024
"""Warn once a session's attachments pass this (the session store asks before opening a file
above 50 MB; base64 and JSON add a third)."""


def message_attachment_chars(messages: Iterable[Message]) -> int:
    """The base64 characters of every attachment in `messages`."""
    return sum(len(part.data) for m in messages for part in m.attachments)


def session_attachment_bytes(session: Session) -> int:
    """About how many bytes of base64 attachments a saved `session` holds: each run stores
    the request it sent, so an image sent in five turns is stored five times."""
    chars = message_attachment_chars(session.messages)
    chars += sum(message_attachment_chars(run.request.messages) for run in session.runs)
    return chars


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_IMAGE_BYTES",
    "SESSION_WARN_BYTES",
    "Attachment",
    "AttachmentError",
    "CapabilityNote",
    "Completion",
    "Limits",
    "capability_notes",
    "complete",
    "complete_path",
    "expand",
    "files_in_paste",
    "load",
    "pasted_paths",
    "read",
    "session_attachment_bytes",
    "shown_path",
]
