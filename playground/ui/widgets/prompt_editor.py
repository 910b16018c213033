"""The prompt editor: a system prompt, the message, and the sampling parameters.

It validates what the user typed and posts `PromptEditor.Submitted` with plain values; the
screen turns those into a request. It never sends anything itself.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Checkbox, Collapsible, Input, Label, Select, Static, TextArea

from playground.core.request import (
    REASONING_EFFORTS,
    FilePart,
    ImagePart,
    Params,
    ReasoningEffort,
    validate_params,
)
from playground.ui.widgets.attachment_chips import AttachmentChips
from playground.ui.widgets.message_area import MessageArea

MUTED = "$text-muted"


@dataclass(frozen=True, slots=True)
class PromptSettings:
    """Everything the editor holds besides the message text."""

    system: str = ""
    params: Params = field(default_factory=Params)
    reasoning_effort: ReasoningEffort | None = None
    json_mode: bool = False


class ParameterError(ValueError):
    """What the user typed is not a valid parameter; the message says which and why."""


def _parse_float(name: str, text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ParameterError(f"{name} must be a number.") from None


def _parse_int(name: str, text: str) -> int | None:
    text = text.strip().replace(",", "").replace("_", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ParameterError(f"{name} must be a whole number.") from None


def parse_stop(text: str) -> tuple[str, ...]:
    r"""Stop sequences typed as ``a, b`` or ``"\n\n", END``: commas separate, double quotes
    protect commas and spaces, ``\n`` and ``\t`` escapes are understood."""
    if not text.strip():
        return ()
    try:
        fields = next(csv.reader([text], skipinitialspace=True))
    except (csv.Error, StopIteration):
        fields = text.split(",")
    return tuple(
        field.replace("\\n", "\n").replace("\\t", "\t")
        for field in (f.rstrip(" ") for f in fields)
        if field
    )


def params_summary(settings: PromptSettings) -> str:
    """One line saying which parameters are set, e.g. ``temp 0.7 · max 1,024 · JSON``."""
    p = settings.params
    parts = []
    if p.temperature is not None:
        parts.append(f"temp {p.temperature:g}")
    if p.max_tokens is not None:
        parts.append(f"max {p.max_tokens:,}")
    if p.top_p is not None:
        parts.append(f"top p {p.top_p:g}")
    if p.seed is not None:
        parts.append(f"seed {p.seed}")
    if p.stop:
        parts.append(f"{len(p.stop)} stop")
    if settings.reasoning_effort:
        parts.append(f"effort {settings.reasoning_effort}")
    if settings.json_mode:
        parts.append("JSON")
    return " · ".join(parts) if parts else "provider defaults"


class PromptEditor(Vertical):
    """System prompt, message and parameters. Posts `Submitted` when the user sends."""

    DEFAULT_CSS = """
    PromptEditor { height: auto; max-height: 60%; padding: 0 1; }
    PromptEditor #message { height: auto; min-height: 3; max-height: 12; }
    PromptEditor #system-prompt { height: auto; min-height: 3; max-height: 8; }
    PromptEditor Collapsible { padding: 0; border: none; }
    PromptEditor Collapsible > Contents { padding: 0 0 0 1; }
    PromptEditor #params-grid {
        grid-size: 4; grid-columns: auto 1fr auto 1fr; grid-rows: 1; grid-gutter: 0 1;
        height: auto;
    }
    PromptEditor #params-grid Label { color: $text-muted; }
    PromptEditor #params-grid Input, PromptEditor #params-grid Select { width: 1fr; }
    PromptEditor #send-row { height: 1; margin-top: 1; }
    PromptEditor #estimate { width: 1fr; color: $text-muted; }
    PromptEditor #problems { color: $error; height: auto; display: none; }
    PromptEditor #problems.-shown { display: block; }
    PromptEditor #send { min-width: 12; }
    PromptEditor #attach, PromptEditor #tools { margin-right: 1; min-width: 0; width: auto; }
    """

    @dataclass
    class Submitted(Message):
        """The user asked to send `text` with `settings`."""

        editor: PromptEditor
        text: str
        settings: PromptSettings
        attachments: tuple[ImagePart | FilePart, ...] = ()
        """Images and files to send with the text, in the order they were attached."""

        @property
        def control(self) -> PromptEditor:
            return self.editor

    @dataclass
    class SettingsChanged(Message):
        """A parameter or the system prompt changed (for the pre-send estimate)."""

        editor: PromptEditor

        @property
        def control(self) -> PromptEditor:
            return self.editor

    def __init__(
        self,
        settings: PromptSettings = PromptSettings(),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._initial = settings
        self.max_output: int | None = None
        """The model's output limit from the catalog, for validation."""
        self.context: int | None = None

    def compose(self) -> ComposeResult:
        initial = self._initial
        p = initial.params
        with Collapsible(title="System prompt", collapsed=not initial.system, id="system-box"):
            yield TextArea(
                initial.system, id="system-prompt", soft_wrap=True, show_line_numbers=False
            )
        yield MessageArea(
            "",
            id="message",
            soft_wrap=True,
            placeholder="Ask anything…  (ctrl+j sends)",
            show_line_numbers=False,
        )
        yield AttachmentChips(id="attachment-chips")
        with (
            Collapsible(title=f"Parameters: {params_summary(initial)}", id="params-box"),
            Grid(id="params-grid"),
        ):
            yield Label("temperature")
            yield Input(_text(p.temperature), id="temperature", placeholder="0–2", compact=True)
            yield Label("max tokens")
            yield Input(_text(p.max_tokens), id="max-tokens", placeholder="default", compact=True)
            yield Label("top p")
            yield Input(_text(p.top_p), id="top-p", placeholder="0–1", compact=True)
            yield Label("seed")
            yield Input(_text(p.seed), id="seed", placeholder="none", compact=True)
            yield Label("stop")
            yield Input(
                ", ".join(p.stop), id="stop", placeholder='e.g. "\\n\\n", END', compact=True
            )
            yield Label("reasoning")
            yield Select(
                [(effort, effort) for effort in REASONING_EFFORTS],
                value=initial.reasoning_effort or Select.NULL,
                prompt="default",
                id="reasoning-effort",
                compact=True,
            )
            yield Label("JSON mode")
            yield Checkbox("", initial.json_mode, id="json-mode", compact=True)
        yield Static("", id="problems")
        with Horizontal(id="send-row"):
            yield Static("", id="estimate")
            # Their actions run on the screen (which may not offer them: then they do nothing).
            yield Button(
                "Attach",
                id="attach",
                compact=True,
                tooltip="Attach an image or a file (f5)",
                action="screen.attach",
            )
            yield Button(
                "Tools",
                id="tools",
                compact=True,
                tooltip="Define tools (f8)",
                action="screen.tools",
            )
            yield Button("Send ^j", id="send", variant="primary", compact=True)

    # -- reading and writing --------------------------------------------------------------------

    @property
    def message(self) -> str:
        return self.query_one("#message", TextArea).text

    @message.setter
    def message(self, text: str) -> None:
        area = self.query_one("#message", TextArea)
        area.text = text
        area.move_cursor(area.document.end)

    def settings(self) -> PromptSettings:
        """The current settings.

        Raises:
            ParameterError: a field does not parse; the message names it.
        """

        def value(widget_id: str) -> str:
            return self.query_one(f"#{widget_id}", Input).value

        params = Params(
            temperature=_parse_float("Temperature", value("temperature")),
            max_tokens=_parse_int("Max tokens", value("max-tokens")),
            top_p=_parse_float("Top p", value("top-p")),
            seed=_parse_int("Seed", value("seed")),
            stop=parse_stop(value("stop")),
        )
        effort = self.query_one("#reasoning-effort", Select).value
        return PromptSettings(
            system=self.query_one("#system-prompt", TextArea).text,
            params=params,
            reasoning_effort=effort if isinstance(effort, str) else None,  # type: ignore[arg-type]
            json_mode=self.query_one("#json-mode", Checkbox).value,
        )

    def problems(self) -> list[str]:
        """What would stop a send, as sentences (empty when the editor is ready)."""
        try:
            settings = self.settings()
        except ParameterError as exc:
            return [str(exc)]
        return validate_params(settings.params, max_output=self.max_output, context=self.context)

    def apply(self, settings: PromptSettings) -> None:
        """Show `settings` (e.g. carried over from another screen or a loaded session)."""
        p = settings.params
        self.query_one("#system-prompt", TextArea).text = settings.system
        for widget_id, text in (
            ("temperature", _text(p.temperature)),
            ("max-tokens", _text(p.max_tokens)),
            ("top-p", _text(p.top_p)),
            ("seed", _text(p.seed)),
            ("stop", ", ".join(_quote_stop(s) for s in p.stop)),
        ):
            self.query_one(f"#{widget_id}", Input).value = text
        self.query_one("#reasoning-effort", Select).value = settings.reasoning_effort or Select.NULL
        self.query_one("#json-mode", Checkbox).value = settings.json_mode
        if settings.system:
            self.query_one("#system-box", Collapsible).collapsed = False

    def show_estimate(self, text: str | Content) -> None:
        self.query_one("#estimate", Static).update(
            text if isinstance(text, Content) else Content.styled(text, MUTED)
        )

    def show_problems(self, problems: list[str]) -> None:
        box = self.query_one("#problems", Static)
        box.update(Content("\n".join(problems)))
        box.set_class(bool(problems), "-shown")

    def submit(self) -> bool:
        """Validate and post `Submitted`; show what is wrong instead when it is not valid.

        Returns:
            Whether the prompt was submitted.
        """
        text = self.message
        problems = self.problems()
        if not text.strip():
            problems.insert(0, "Write a message first.")
        self.show_problems(problems)
        if problems:
            return False
        self.post_message(self.Submitted(self, text, self.settings(), self.attachments))
        return True

    # -- attachments ----------------------------------------------------------------------------

    @property
    def attachments(self) -> tuple[ImagePart | FilePart, ...]:
        """What goes with the next message."""
        return self.query_one(AttachmentChips).parts

    async def set_attachments(self, parts: tuple[ImagePart | FilePart, ...]) -> None:
        """Replace the next message's attachments (the chips show them)."""
        await self.query_one(AttachmentChips).show(parts)
        self.post_message(self.SettingsChanged(self))

    def show_attachment_notes(self, notes: list[tuple[str, str]]) -> None:
        """(severity, text) notes under the chips: what the model may not take."""
        self.query_one(AttachmentChips).show_notes(notes)

    def set_tools_label(self, label: str) -> None:
        """The tools button's label: ``Tools`` or ``Tools (2)``."""
        button = self.query_one("#tools", Button)
        button.label = Content(label)
        button.refresh(layout=True)  # an auto-width button does not resize on its own

    def focus_message(self) -> None:
        self.query_one("#message", TextArea).focus()

    # -- events ---------------------------------------------------------------------------------

    @on(Button.Pressed, "#send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(AttachmentChips.Removed)
    async def _attachment_removed(self, event: AttachmentChips.Removed) -> None:
        event.stop()
        parts = list(self.attachments)
        if 0 <= event.index < len(parts):
            del parts[event.index]
            await self.set_attachments(tuple(parts))
        self.focus_message()

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _settings_changed(self, event: Message) -> None:
        try:
            summary = params_summary(self.settings())
        except ParameterError:
            summary = "(check the values)"
        self.query_one("#params-box", Collapsible).title = f"Parameters: {summary}"
        self.show_problems(self.problems())
        self.post_message(self.SettingsChanged(self))

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        self.post_message(self.SettingsChanged(self))


def _text(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _quote_stop(stop: str) -> str:
    text = stop.replace("\n", "\\n").replace("\t", "\\t")
    return f'"{text}"' if ("," in text or text != text.strip()) else text
