"""The form under an answer that called tools: one result field per call, then continue.

The model asked for `get_weather({"city": "Paris"})`; the user plays the tool and types what
it would return. Enter moves to the next field, and on the last one (or with the Send button)
posts `ToolResultsForm.Submitted` with every (call id, result); the screen continues the
conversation with them. Skip posts `Skipped` (the calls are answered as skipped, so the next
message is still a valid conversation). Once used, the form turns into a read-only record of
the results. Call names, arguments and results are untrusted: `safe_line`, never markup.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Static

from playground.core.request import ToolCall
from playground.core.sanitize import safe_line

MUTED = "$text-muted"


def call_title(call: ToolCall) -> Content:
    """``⚙ get_weather(city="Paris")  call_1a2b``: the call, its arguments on one line."""
    try:
        args = json.loads(call.arguments) if call.arguments.strip() else {}
    except ValueError:
        args = None
    if isinstance(args, dict):
        shown = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in args.items())
    else:
        shown = call.arguments
    return Content.assemble(
        ("⚙ ", "$text-secondary"),
        (safe_line(call.name or "tool", 60), "bold"),
        "(" + safe_line(shown, 120) + ")",
        ("  " + safe_line(call.id, 40), MUTED),
    )


class ToolResultsForm(Vertical):
    """A result field for each tool call of one answer."""

    DEFAULT_CSS = """
    ToolResultsForm {
        height: auto; margin: 0 0 0 1; padding: 0 1;
        border-left: outer $secondary; background: $secondary 8%;
    }
    ToolResultsForm > .tool-results-title { color: $text-secondary; text-style: bold; }
    ToolResultsForm > .tool-call { margin-top: 1; height: auto; }
    ToolResultsForm > .tool-call.-done { margin-top: 0; }
    ToolResultsForm > Input { margin: 0; }
    ToolResultsForm > #tool-results-error { color: $text-error; height: auto; display: none; }
    ToolResultsForm > #tool-results-error.-shown { display: block; }
    ToolResultsForm > #tool-results-buttons { height: auto; margin-top: 1; }
    ToolResultsForm #tool-results-buttons Button { margin-right: 1; }
    ToolResultsForm > .tool-result { color: $text-muted; height: auto; }
    """

    @dataclass
    class Submitted(Message):
        """The user typed a result for every call: (call id, result) in call order."""

        form: ToolResultsForm
        results: tuple[tuple[str, str], ...]

        @property
        def control(self) -> ToolResultsForm:
            return self.form

    @dataclass
    class Skipped(Message):
        """The user chose not to answer the calls."""

        form: ToolResultsForm

        @property
        def control(self) -> ToolResultsForm:
            return self.form

    def __init__(
        self,
        calls: tuple[ToolCall, ...],
        *,
        samples: Mapping[str, str] | None = None,
        run_id: str = "",
    ) -> None:
        """
        Args:
            calls: The calls the answer made.
            samples: A sample result by tool name (example tools), offered as placeholders.
            run_id: The run that made the calls.
        """
        super().__init__()
        self.calls = calls
        self.run_id = run_id
        self._samples = dict(samples or {})
        self.done = False
        """The results were sent (or skipped): the form is a record now."""

    def compose(self) -> ComposeResult:
        count = len(self.calls)
        yield Static(
            Content(
                f"The model called {count} tool{'s' if count != 1 else ''}. Type what "
                f"{'each' if count != 1 else 'it'} returned, then press enter to continue."
            ),
            classes="tool-results-title",
        )
        for index, call in enumerate(self.calls):
            yield Static(call_title(call), classes="tool-call")
            sample = self._samples.get(call.name, "")
            placeholder = f"e.g. {sample}" if sample else "the result, as JSON or text"
            yield Input(placeholder=safe_line(placeholder, 200), id=f"tool-result-{index}")
        yield Static("", id="tool-results-error")
        with Horizontal(id="tool-results-buttons"):
            yield Button("Send results ⏎", id="tool-results-send", variant="primary", compact=True)
            if any(self._samples.get(call.name) for call in self.calls):
                yield Button("Use the samples", id="tool-results-samples", compact=True)
            yield Button("Skip", id="tool-results-skip", compact=True)

    def focus_first(self) -> None:
        inputs = list(self.query(Input))
        if inputs:
            inputs[0].focus()

    @property
    def values(self) -> list[str]:
        return [field.value for field in self.query(Input)]

    def fill(self, values: list[str]) -> None:
        """Put `values` in the result fields (tests, and the samples button)."""
        for field, value in zip(self.query(Input), values, strict=False):
            field.value = value

    def submit(self) -> bool:
        """Post `Submitted` if every call has a result; say which is missing otherwise."""
        if self.done:
            return False
        values = self.values
        missing = [call.name for call, value in zip(self.calls, values, strict=True) if not value]
        if missing:
            error = self.query_one("#tool-results-error", Static)
            error.update(Content(f"Type a result for {safe_line(missing[0], 60)} (or press Skip)."))
            error.add_class("-shown")
            for field, value in zip(self.query(Input), values, strict=True):
                if not value:
                    field.focus()
                    break
            return False
        results = tuple((call.id, value) for call, value in zip(self.calls, values, strict=True))
        self.post_message(self.Submitted(self, results))
        return True

    async def close(self, results: tuple[tuple[str, str], ...] | None) -> None:
        """Replace the fields with a record of what was sent (None: skipped)."""
        self.done = True
        await self.remove_children()
        title = "Tool results" if results is not None else "Tool calls skipped"
        lines: list[Static] = [Static(title, classes="tool-results-title")]
        for index, call in enumerate(self.calls):
            lines.append(Static(call_title(call), classes="tool-call -done"))
            if results is None:
                text = Content.styled("↳ skipped", MUTED)
            else:
                text = Content.assemble(("↳ ", MUTED), safe_line(results[index][1], 400))
            lines.append(Static(text, classes="tool-result"))
        await self.mount_all(lines)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        position = inputs.index(event.input) if event.input in inputs else len(inputs) - 1
        if position < len(inputs) - 1 and not inputs[position + 1].value:
            inputs[position + 1].focus()
            return
        self.submit()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "tool-results-send":
            self.submit()
        elif event.button.id == "tool-results-samples":
            samples = [self._samples.get(call.name, "") for call in self.calls]
            self.fill([value or sample for value, sample in zip(self.values, samples, strict=True)])
        elif event.button.id == "tool-results-skip" and not self.done:
            self.post_message(self.Skipped(self))
