"""Reading files into message parts (services.attachments): types, limits, errors, completion,
capability notes and how much a session holds."""

from __future__ import annotations

import base64
import os
from dataclasses import replace
from pathlib import Path

import pytest

from playground.core.catalog import Catalog, Model
from playground.core.request import ChatRequest, FilePart, ImagePart, Message, TextPart
from playground.core.run import Figures, Run
from playground.core.session import SessionProfile, new_session
from playground.services import attachments
from playground.services.attachments import (
    AttachmentError,
    Limits,
    capability_notes,
    complete_path,
    load,
    session_attachment_bytes,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x03" + b"\x00" * 30
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Page >>\nendobj\n%%EOF\n"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "cat photo.png").write_bytes(PNG)
    (folder / "report.pdf").write_bytes(PDF)
    (folder / "notes.md").write_text("# Notes\n\nship it\n", encoding="utf-8")
    (folder / "archive.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "sub").mkdir()
    (folder / ".hidden.txt").write_text("secret", encoding="utf-8")
    return folder


def test_an_image_becomes_an_image_part_with_its_bytes(files: Path) -> None:
    attachment = load(files / "cat photo.png")
    part = attachment.part
    assert isinstance(part, ImagePart)
    assert part.media_type == "image/png"
    assert base64.b64decode(part.data) == PNG
    assert part.filename == "cat photo.png"
    assert part.data_url.startswith("data:image/png;base64,iVBORw0KGgo")
    assert (attachment.size, attachment.label, attachment.is_image) == (len(PNG), "PNG image", True)


def test_pdf_and_text_become_file_parts(files: Path) -> None:
    pdf = load(files / "report.pdf").part
    assert isinstance(pdf, FilePart)
    assert (pdf.media_type, pdf.filename) == ("application/pdf", "report.pdf")
    assert base64.b64decode(pdf.data) == PDF
    notes = load(files / "notes.md")
    assert isinstance(notes.part, FilePart)
    assert (notes.part.media_type, notes.label) == ("text/plain", "Markdown")


def test_the_type_comes_from_the_bytes_not_the_name(files: Path) -> None:
    (files / "really-a-pdf.png").write_bytes(PDF)
    part = load(files / "really-a-pdf.png").part
    assert isinstance(part, FilePart) and part.media_type == "application/pdf"


def test_paths_as_people_type_them(files: Path, tmp_path: Path) -> None:
    home = Path.home()  # the test HOME is under tmp_path (conftest)
    (home / "pic.png").write_bytes(PNG)
    assert load("~/pic.png").path == "~/pic.png"
    assert load("'~/pic.png'").part.filename == "pic.png"
    assert load(f"file://{files}/cat%20photo.png").part.filename == "cat photo.png"
    assert load("notes.md", cwd=files).part.filename == "notes.md"
    assert load(f'"{files}/notes.md"').size == len("# Notes\n\nship it\n")


@pytest.mark.parametrize(
    ("name", "reason", "words"),
    [
        ("missing.png", "missing", "no such file"),
        ("sub", "folder", "it is a folder"),
        ("empty.txt", "empty", "empty"),
        ("archive.zip", "unsupported", "ZIP archive"),
    ],
)
def test_clear_errors_that_name_the_path(files: Path, name: str, reason: str, words: str) -> None:
    with pytest.raises(AttachmentError) as caught:
        load(files / name)
    assert caught.value.reason == reason
    message = str(caught.value)
    assert message.startswith("Can't attach ")
    assert name in message and words in message


def test_a_fifo_is_refused_without_blocking(files: Path) -> None:
    fifo = files / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(AttachmentError) as caught:
        load(fifo)
    assert caught.value.reason == "not-a-file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(files: Path) -> None:
    locked = files / "locked.txt"
    locked.write_text("x", encoding="utf-8")
    locked.chmod(0)
    with pytest.raises(AttachmentError) as caught:
        load(locked)
    assert caught.value.reason == "unreadable"
    assert "permission denied" in str(caught.value)


def test_size_limits_differ_for_images_and_files(files: Path) -> None:
    limits = Limits(image_bytes=len(PNG) - 1, file_bytes=len(PNG) + 100)
    with pytest.raises(AttachmentError) as caught:
        load(files / "cat photo.png", limits=limits)
    assert caught.value.reason == "too-large"
    assert "the limit for an image is" in str(caught.value)
    assert isinstance(load(files / "report.pdf", limits=limits).part, FilePart)
    tight = Limits(image_bytes=10, file_bytes=10)
    with pytest.raises(AttachmentError) as caught:
        load(files / "report.pdf", limits=tight)
    assert caught.value.reason == "too-large"
    assert "for an image and" in str(caught.value)  # refused at stat, before reading


def test_the_default_limits() -> None:
    assert attachments.MAX_IMAGE_BYTES == 20 * 1024 * 1024
    assert attachments.MAX_FILE_BYTES == 32 * 1024 * 1024


def test_a_hostile_file_name_is_sanitized_in_the_error(files: Path) -> None:
    hostile = files / "x\x1b]52;c;cHduZWQ=\x07\u202e.zip"
    hostile.write_bytes(b"PK\x03\x04" + b"\x00" * 10)
    with pytest.raises(AttachmentError) as caught:
        load(hostile)
    message = str(caught.value)
    assert not any(c in message for c in "\x1b\x07\u202e")


async def test_read_runs_in_a_thread_and_gives_the_same(files: Path) -> None:
    assert await attachments.read(files / "notes.md") == load(files / "notes.md")
    with pytest.raises(AttachmentError):
        await attachments.read(files / "nope.txt")


def test_completion_like_a_shell(files: Path) -> None:
    assert complete_path("no", cwd=files) == attachments.Completion("notes.md", ("notes.md",))
    folder = complete_path("su", cwd=files)
    assert folder.text == "sub/"
    both = complete_path(f"{files}/", cwd=files)
    assert ".hidden.txt" not in both.candidates
    assert "sub/" in both.candidates and "cat photo.png" in both.candidates
    assert complete_path(f"{files}/.h").candidates == (".hidden.txt",)
    (files / "report-2.pdf").write_bytes(PDF)
    shared = complete_path(f"{files}/rep")
    assert shared.text == f"{files}/report"
    assert shared.candidates == ("report-2.pdf", "report.pdf")
    assert complete_path("zzz", cwd=files) == attachments.Completion("zzz", ())
    assert complete_path("/no/such/folder/x") == attachments.Completion("/no/such/folder/x", ())


def test_completion_of_a_huge_folder_does_not_guess(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attachments, "MAX_COMPLETIONS", 3)
    for name in ("ab1", "ab2", "ab3", "ac1"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = complete_path("a", cwd=tmp_path)
    assert found.text == "a"  # "ab" may be all that was read, but "ac1" exists too
    assert len(found.candidates) == 3


def test_completion_of_the_home_folder() -> None:
    (Path.home() / "Pictures").mkdir()
    assert complete_path("~/Pic").text == "~/Pictures/"
    assert "Pictures/" in complete_path("~").candidates


async def test_files_in_a_paste(files: Path) -> None:
    paste = f"'{files}/cat photo.png' {files}/report.pdf"
    assert await attachments.files_in_paste(paste) == [
        files / "cat photo.png",
        files / "report.pdf",
    ]
    # One missing file: the paste is text after all.
    assert await attachments.files_in_paste(f"{files}/report.pdf {files}/gone.pdf") == []
    assert await attachments.files_in_paste("hello there") == []


def _catalog() -> Catalog:
    return Catalog(
        [
            Model("openai/gpt-4.1-mini", tags=("vision", "file-input", "tool-use")),
            Model("meta/llama-3.3-70b", tags=("tool-use",)),
            Model("acme/plain"),
        ]
    )


def test_capability_warnings_name_the_missing_tag() -> None:
    catalog = _catalog()
    assert capability_notes(catalog, "openai/gpt-4.1-mini", images=True, files=True) == ()
    notes = capability_notes(catalog, "meta/llama-3.3-70b", images=True, files=True, tools=True)
    assert [n.severity for n in notes] == ["warning", "warning"]
    assert "vision" in notes[0].text and "images" in notes[0].text
    assert "file-input" in notes[1].text
    assert capability_notes(catalog, "acme/plain", tools=True)[0].severity == "warning"
    assert capability_notes(catalog, "meta/llama-3.3-70b") == ()


def test_unknown_capabilities_give_a_note_not_a_warning() -> None:
    unlisted = capability_notes(_catalog(), "someone/else", images=True)
    assert [n.severity for n in unlisted] == ["note"]
    assert "not in the catalog" in unlisted[0].text
    untagged = Catalog([Model("llama3.2"), Model("qwen3")])  # a local server's catalog
    [note] = capability_notes(untagged, "llama3.2", images=True, files=True)
    assert note.severity == "note" and "publishes no capabilities" in note.text


def _run(request: ChatRequest, index: int) -> Run:
    return Run(f"run_{index}", request, 0.0, "ok", "", (), "stop", Figures(status="ok"))


def test_session_size_counts_every_stored_copy_of_an_attachment() -> None:
    image = ImagePart("image/png", data="A" * 4000, filename="cat.png")
    first = Message("user", (TextPart("look"), image))
    session = new_session(SessionProfile("sim", "http://127.0.0.1/v1"))
    assert session_attachment_bytes(session) == 0
    one = ChatRequest("m", (first,))
    two = ChatRequest("m", (first, Message("assistant", "ok"), Message("user", "again")))
    session = replace(session, messages=two.messages, runs=(_run(one, 1), _run(two, 2)))
    assert session_attachment_bytes(session) == 3 * 4000
