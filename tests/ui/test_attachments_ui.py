"""Attaching images and files on the main screen, against the simulated gateway: the dialog
(typing, completion, the folder tree), pasted paths, chips, capability notes, and what the
gateway received."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Static

from playground.core.request import FilePart, ImagePart
from playground.sim.server import SimulatedGateway
from playground.ui.app import PlaygroundApp
from playground.ui.screens.attach import AttachScreen, PathInput
from playground.ui.screens.confirm import ConfirmScreen
from playground.ui.widgets.attachment_chips import AttachmentChips, Chip
from playground.ui.widgets.conversation import Conversation, UserTurn
from playground.ui.widgets.message_area import MessageArea
from playground.ui.widgets.prompt_editor import PromptEditor

from support.apps import finished, make_app, ready, send, wait_for

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x40\x00\x00\x00\x30\x08\x02\x00\x00\x00"
    + b"\x00" * 40
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n"


@pytest.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=7, time_scale=0.02) as gw:
        yield gw


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "cat photo.png").write_bytes(PNG)
    (folder / "report.pdf").write_bytes(PDF)
    (folder / "notes.md").write_text("# Notes\n\nship it\n", encoding="utf-8")
    (folder / "archive.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 32)
    return folder


def _editor(app: PlaygroundApp) -> PromptEditor:
    return app.screen_main.query_one(PromptEditor)


async def _open_dialog(pilot: Pilot[Any], app: PlaygroundApp) -> AttachScreen:
    """Press f5 and wait until the path input has the focus (keys go there from then on)."""
    await pilot.press("f5")
    await wait_for(pilot, lambda: isinstance(app.focused, PathInput))
    assert isinstance(app.screen, AttachScreen)
    return app.screen


async def _attach_by_dialog(pilot: Pilot[Any], app: PlaygroundApp, path: str) -> None:
    before = len(_editor(app).attachments)
    dialog = await _open_dialog(pilot, app)
    dialog.query_one(PathInput).value = path
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(_editor(app).attachments) == before + 1)


async def test_attach_an_image_and_a_file_then_send(
    gateway: SimulatedGateway, tmp_path: Path, files: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        screen.attach_flow._cwd = files
        await _attach_by_dialog(pilot, app, f"{files}/cat photo.png")
        await _attach_by_dialog(pilot, app, "report.pdf")  # relative to the working folder
        chips = screen.query(Chip)
        assert [chip.part.filename for chip in chips] == ["cat photo.png", "report.pdf"]
        assert "PNG" in str(chips[0].render()) and "PDF" in str(chips[1].render())

        await send(pilot, "What do you make of these?")
        await finished(pilot, 1)
        assert _editor(app).attachments == ()  # the chips went with the message
        sent = gateway.records[-1].request
        assert sent is not None
        image, pdf = sent.messages[-1].attachments
        assert isinstance(image, ImagePart) and base64.b64decode(image.data) == PNG
        assert image.media_type == "image/png"
        assert isinstance(pdf, FilePart) and base64.b64decode(pdf.data) == PDF
        assert (pdf.media_type, pdf.filename) == ("application/pdf", "report.pdf")
        assert app.state is not None
        answer = app.state.runs[-1].text
        assert "I can see the attached image (image/png, 64×48" in answer
        assert "I've read the attached file `report.pdf` (application/pdf" in answer
        turn = screen.query_one(Conversation).query_one(UserTurn)
        shown = str(turn.render())
        assert "cat photo.png" in shown and "report.pdf" in shown


async def test_the_dialog_completes_shows_errors_and_picks_from_the_tree(
    gateway: SimulatedGateway, tmp_path: Path, files: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        screen.attach_flow._cwd = files
        dialog = await _open_dialog(pilot, app)
        field = dialog.query_one(PathInput)
        field.value = "no"
        await pilot.press("tab")
        await wait_for(pilot, lambda: field.value == "notes.md")
        field.value = "nothing-here.png"
        await pilot.press("enter")
        error = dialog.query_one("#attach-error", Static)
        await wait_for(pilot, lambda: "no such file" in str(error.render()))
        assert "nothing-here.png" in str(error.render())
        assert app.screen is dialog  # still open, so the path can be fixed
        field.value = "archive.zip"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "ZIP archive" in str(error.render()))
        # The tree lists the working folder; choosing a file attaches it.
        tree = dialog.query_one(DirectoryTree)
        await wait_for(pilot, lambda: len(tree.root.children) >= 4)
        node = next(n for n in tree.root.children if str(n.label) == "notes.md")
        tree.post_message(DirectoryTree.FileSelected(node, files / "notes.md"))
        await wait_for(pilot, lambda: app.screen is screen)
        [part] = _editor(app).attachments
        assert isinstance(part, FilePart) and part.filename == "notes.md"


async def test_a_pasted_path_offers_to_attach_and_plain_text_is_inserted(
    gateway: SimulatedGateway, tmp_path: Path, files: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        area = screen.query_one(MessageArea)

        def paste(text: str) -> None:
            """What a terminal's bracketed paste does: the app forwards it to the focus."""
            area.focus()
            app.post_message(events.Paste(text))

        paste(f"'{files}/cat photo.png'")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause()
        question = str(app.screen.query_one("#question", Static).render())
        assert "cat photo.png" in question
        await pilot.press("enter")  # Attach is the default
        await wait_for(pilot, lambda: len(_editor(app).attachments) == 1)
        assert area.text == ""  # attached instead of inserted

        # A path that exists, pasted as text on request.
        paste(f"{files}/report.pdf")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause()
        await pilot.click("#no")
        await wait_for(pilot, lambda: area.text == f"{files}/report.pdf")

        # A path-like paste that is no file, and ordinary text, go straight in.
        area.text = ""
        paste("/no/such/file.png")
        await wait_for(pilot, lambda: area.text == "/no/such/file.png")
        paste(" and more")
        await wait_for(pilot, lambda: area.text == "/no/such/file.png and more")
        assert len(_editor(app).attachments) == 1


async def test_a_chip_is_removed_by_clicking_it(
    gateway: SimulatedGateway, tmp_path: Path, files: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        screen.attach_flow._cwd = files
        await _attach_by_dialog(pilot, app, "notes.md")
        await _attach_by_dialog(pilot, app, "report.pdf")
        await pilot.click(Chip)  # the first chip
        await wait_for(pilot, lambda: len(_editor(app).attachments) == 1)
        [left] = _editor(app).attachments
        assert left.filename == "report.pdf"
        chip = screen.query_one(Chip)
        chip.focus()
        await pilot.press("delete")
        await wait_for(pilot, lambda: _editor(app).attachments == ())
        assert not screen.query_one(AttachmentChips).has_class("-shown")


async def test_a_model_without_vision_gets_a_warning_not_a_block(
    gateway: SimulatedGateway, tmp_path: Path, files: Path
) -> None:
    app = make_app(gateway.url, tmp_path, model="meta/llama-3.3-70b")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        screen.attach_flow._cwd = files
        await _attach_by_dialog(pilot, app, "cat photo.png")
        chips = screen.query_one(AttachmentChips)
        await wait_for(pilot, lambda: chips.notes)
        [(severity, text)] = chips.notes
        assert severity == "warning"
        assert "meta/llama-3.3-70b does not list vision" in text
        notes = str(chips.query_one("#attachment-notes", Static).render())
        assert "does not list vision" in notes
        # Switching to a vision model clears it.
        screen.model_id = "openai/gpt-4.1-mini"
        await wait_for(pilot, lambda: not chips.notes)
        screen.model_id = "meta/llama-3.3-70b"
        await wait_for(pilot, lambda: chips.notes)
        # An unlisted model: nobody can tell, so a note.
        screen.model_id = "acme/unlisted-model"
        await wait_for(pilot, lambda: chips.notes and chips.notes[0][0] == "note")
        screen.model_id = "meta/llama-3.3-70b"
        await send(pilot, "What is this?")
        await finished(pilot, 1)
        sent = gateway.records[-1].request
        assert sent is not None and len(sent.messages[-1].attachments) == 1
        assert app.state is not None and app.state.runs[-1].status == "ok"


async def test_a_session_heavy_with_attachments_is_warned_about_once(
    gateway: SimulatedGateway, tmp_path: Path, files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playground.services import attachments

    monkeypatch.setattr(attachments, "SESSION_WARN_BYTES", 100)
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        screen.attach_flow._cwd = files
        warnings: list[str] = []
        notify = screen.notify

        def spy(message: str, **options: Any) -> None:
            if "of attachments" in message:
                warnings.append(message)
            notify(message, **options)

        monkeypatch.setattr(screen, "notify", spy)
        await _attach_by_dialog(pilot, app, "cat photo.png")
        await send(pilot, "What is this?")
        await finished(pilot, 1)
        assert len(warnings) == 1
        assert "every run keeps the request it sent" in warnings[0]
        await send(pilot, "And now?")  # the image is resent, but the warning is not
        await finished(pilot, 2)
        assert len(warnings) == 1


async def test_the_buttons_and_the_palette_open_the_dialogs(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        await pilot.click("#attach")
        await wait_for(pilot, lambda: isinstance(app.focused, PathInput))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.click("#tools")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ToolEditor")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Attach a file")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.focused, PathInput))
