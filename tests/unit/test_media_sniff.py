"""What a file is, by its bytes (core.media), and whether a paste is paths (core.pasted)."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.core.media import (
    base64_size,
    describe_unsupported,
    image_type,
    size_text,
    sniff,
    text_label,
)
from playground.core.pasted import pasted_paths

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 20
GIF = b"GIF89a\x10\x00\x10\x00" + b"\x00" * 20
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.mark.parametrize(
    ("data", "media_type", "label"),
    [
        (PNG, "image/png", "PNG image"),
        (JPEG, "image/jpeg", "JPEG image"),
        (GIF, "image/gif", "GIF image"),
        (b"GIF87a" + GIF[6:], "image/gif", "GIF image"),
        (WEBP, "image/webp", "WebP image"),
    ],
)
def test_images_are_known_by_their_magic_bytes_whatever_the_name(
    data: bytes, media_type: str, label: str
) -> None:
    for name in ("photo.png", "photo.txt", "photo", "notes.md"):
        sniffed = sniff(data, name)
        assert sniffed is not None
        assert (sniffed.kind, sniffed.media_type, sniffed.label) == ("image", media_type, label)


def test_a_pdf_is_a_pdf_even_with_junk_before_its_header_or_a_png_name() -> None:
    assert sniff(PDF, "scan.png") == sniff(b"\r\n" * 10 + PDF, "x")
    sniffed = sniff(PDF, "scan.png")
    assert sniffed is not None and (sniffed.kind, sniffed.media_type) == ("pdf", "application/pdf")
    # Past the first kilobyte the header no longer counts (binary data then).
    assert sniff(b"\x00" * 2048 + PDF) is None


def test_text_is_utf8_without_nul_and_goes_out_as_text_plain() -> None:
    markdown = sniff("# Notes\n\n- café ☕\n".encode(), "notes.md")
    assert markdown is not None
    assert (markdown.kind, markdown.media_type, markdown.label) == (
        "text",
        "text/plain",
        "Markdown",
    )
    assert sniff(b"\xef\xbb\xbfprint('hi')\n", "a.py") is not None  # a BOM is fine
    assert sniff(b"x = 1\n", "script.py").label == "Python"  # type: ignore[union-attr]
    # A text that happens to start like a BMP or a Windows program is still text.
    assert sniff(b"BMW and MZ are letters\n", "cars.txt") is not None
    assert sniff(b"MZ", "x.txt") is not None


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"PK\x03\x04" + b"\x00" * 40, "ZIP archive"),
        (b"BM6\x00\x00\x00\x00\x00" + b"\x00" * 40, "BMP image"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, "HEIC image"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "program"),
        (b"\x00\x01\x02\x03\xff\xfe", "binary data"),
        ("café".encode("latin-1") + b" \xe9t\xe9", "binary data"),  # not UTF-8
    ],
)
def test_unsupported_files_say_what_they_look_like(data: bytes, what: str) -> None:
    assert sniff(data, "file.txt") is None
    assert what in describe_unsupported(data)


@given(st.binary(max_size=2048), st.text(max_size=20))
def test_sniff_never_fails_and_text_always_decodes(data: bytes, name: str) -> None:
    sniffed = sniff(data, name)
    if sniffed is not None and sniffed.kind == "text":
        assert b"\x00" not in data
        data.decode("utf-8-sig")  # raises if sniff was wrong


def test_labels_sizes_and_base64() -> None:
    assert text_label("a.tsx") == "TypeScript"
    assert text_label("README") == "text"
    assert text_label("x.UNKNOWN") == "text"
    assert image_type(b"GIF8") is None
    assert [size_text(n) for n in (1, 512, 2048, 5 * 1024 * 1024)] == [
        "1 byte",
        "512 bytes",
        "2.0 KB",
        "5.0 MB",
    ]
    assert base64_size(8) == 6


@pytest.mark.parametrize(
    ("paste", "paths"),
    [
        ("/home/me/cat.png", ["/home/me/cat.png"]),
        ("'/home/me/cat photo.png'", ["/home/me/cat photo.png"]),
        ("/home/me/cat\\ photo.png /tmp/b.pdf", ["/home/me/cat photo.png", "/tmp/b.pdf"]),
        ("~/notes.md", ["~/notes.md"]),
        ("file:///tmp/a%20b.png file:///tmp/c.pdf", ["file:///tmp/a%20b.png", "file:///tmp/c.pdf"]),
        ("docs/notes.md", ["docs/notes.md"]),
        ("  /tmp/x.txt\n", ["/tmp/x.txt"]),
    ],
)
def test_pastes_that_are_paths(paste: str, paths: list[str]) -> None:
    assert pasted_paths(paste) == paths


@pytest.mark.parametrize(
    "paste",
    [
        "Why is the sky blue?",
        "/sim 429 then hello",
        "see /tmp/x.png and tell me",
        "line one\n/tmp/x.png",
        "",
        "'unterminated",
        "a/b c",
        "/" * 5000,
    ],
)
def test_pastes_that_are_text(paste: str) -> None:
    assert pasted_paths(paste) is None


@given(
    st.lists(
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=["Cc"]),
            min_size=1,
            max_size=20,
        ).map(lambda name: "/tmp/" + name),
        min_size=1,
        max_size=4,
    )
)
def test_quoted_paths_come_back_as_they_were(paths: list[str]) -> None:
    """A terminal quotes dropped paths for the shell; they come back unquoted."""
    paste = " ".join(shlex.quote(p) for p in paths)
    if "\n" in paste or "\r" in paste or len(paste) > 4096:
        return
    assert pasted_paths(paste) == paths
