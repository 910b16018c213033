"""What kind of file a byte string is, by its content: the attachment types a message can carry.

An attachment is sent as an ``image_url`` part (PNG, JPEG, GIF, WebP) or a ``file`` part (PDF,
UTF-8 text). The type is decided by the bytes, not the name: a ``.png`` that holds a PDF is
sent as a PDF, and a ``.txt`` that holds binary data is refused. The name only picks a label
for text (``Markdown``, ``Python``) and is never trusted for the media type.

Text goes out as ``text/plain`` whatever its flavour: it is the one text type every provider
that reads documents accepts (Anthropic's document input takes PDF and ``text/plain`` only;
OpenAI's takes PDF), and the file name still tells the model what it is reading.

Pure functions, no I/O.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Literal

MediaKind = Literal["image", "pdf", "text"]

SNIFF_BYTES = 1024
"""How much of a file's start `sniff` needs for the binary types (a PDF header may sit
anywhere in its first kilobyte)."""

IMAGE_TYPES: dict[str, str] = {
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
}
"""The image types vision models take, with their labels."""

SUPPORTED = "PNG, JPEG, GIF or WebP images, PDF documents, and UTF-8 text"
"""What can be attached, for error messages."""

_TEXT_LABELS: dict[str, str] = {
    "md": "Markdown", "markdown": "Markdown", "rst": "reStructuredText", "txt": "text",
    "py": "Python", "pyi": "Python", "js": "JavaScript", "mjs": "JavaScript", "ts": "TypeScript",
    "tsx": "TypeScript", "jsx": "JavaScript", "json": "JSON", "jsonl": "JSON lines",
    "yaml": "YAML", "yml": "YAML", "toml": "TOML", "ini": "INI", "cfg": "config", "csv": "CSV",
    "tsv": "TSV", "html": "HTML", "htm": "HTML", "xml": "XML", "svg": "SVG", "css": "CSS",
    "sql": "SQL", "sh": "shell", "bash": "shell", "zsh": "shell", "rs": "Rust", "go": "Go",
    "java": "Java", "kt": "Kotlin", "c": "C", "h": "C", "cpp": "C++", "cc": "C++", "hpp": "C++",
    "cs": "C#", "rb": "Ruby", "php": "PHP", "swift": "Swift", "lua": "Lua", "r": "R",
    "tex": "LaTeX", "log": "log",
}  # fmt: skip

# Binary formats people try to attach, named so the refusal says what the file is. Only
# consulted once a file failed as text: a text that starts with "BM" is still text.
_KNOWN_BINARIES: tuple[tuple[bytes, int, str], ...] = (
    (b"BM", 0, "a BMP image (convert it to PNG)"),
    (b"II*\x00", 0, "a TIFF image (convert it to PNG)"),
    (b"MM\x00*", 0, "a TIFF image (convert it to PNG)"),
    (b"ftypheic", 4, "a HEIC image (convert it to JPEG)"),
    (b"ftypheix", 4, "a HEIC image (convert it to JPEG)"),
    (b"ftypavif", 4, "an AVIF image (convert it to PNG)"),
    (b"ftyp", 4, "a video or audio file"),
    (b"PK\x03\x04", 0, "a ZIP archive (Word, Excel and other Office files are ZIPs too)"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"\x7fELF", 0, "a program"),
    (b"MZ", 0, "a Windows program"),
    (b"ID3", 0, "an MP3 file"),
    (b"OggS", 0, "an Ogg audio file"),
    (b"\xd0\xcf\x11\xe0", 0, "an old Office document"),
)


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What a file is, and how it is sent."""

    kind: MediaKind
    media_type: str
    """The MIME type sent on the wire (``image/png``, ``application/pdf``, ``text/plain``)."""
    label: str
    """What to call it: ``PNG image``, ``PDF``, ``Markdown``."""


def image_type(head: bytes) -> str | None:
    """The MIME type of an image `head` starts with, if it is one vision models take."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(head) >= 12 and head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_pdf(head: bytes) -> bool:
    """A PDF header in the first kilobyte (readers accept junk before it)."""
    return b"%PDF-" in head[:SNIFF_BYTES]


def text_label(name: str) -> str:
    """``Markdown`` for ``notes.md``: the flavour of a text file, by its extension."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _TEXT_LABELS.get(extension, "text")


def decode_text(data: bytes) -> str | None:
    """`data` as text if it is UTF-8 (a BOM allowed) without NUL bytes, else None."""
    if b"\x00" in data:
        return None
    try:
        return codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError:
        return None


def sniff(data: bytes, name: str = "") -> Sniffed | None:
    """What `data` (a whole file) is, or None when it is none of the `SUPPORTED` types.

    Args:
        data: The file's bytes.
        name: Its file name: only picks the label of a text file.
    """
    head = data[:SNIFF_BYTES]
    media_type = image_type(head)
    if media_type is not None:
        return Sniffed("image", media_type, IMAGE_TYPES[media_type])
    if is_pdf(head):
        return Sniffed("pdf", "application/pdf", "PDF")
    if decode_text(data) is not None:
        return Sniffed("text", "text/plain", text_label(name))
    return None


def describe_unsupported(data: bytes) -> str:
    """What an unsupported file seems to be: ``a ZIP archive``, or ``binary data``."""
    head = data[:SNIFF_BYTES]
    for magic, offset, what in _KNOWN_BINARIES:
        if head[offset:].startswith(magic):
            return what
    return "binary data, not UTF-8 text"


def size_text(size: int) -> str:
    """``512 bytes``, ``12.3 KB``, ``4.0 MB``: a size for people (1 KB = 1,024 bytes)."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def base64_size(encoded_length: int) -> int:
    """How many bytes a base64 text of `encoded_length` characters holds (padding aside,
    exact for unpadded text; at most 2 bytes over when padded)."""
    return encoded_length * 3 // 4
