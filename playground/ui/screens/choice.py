"""A question with a few answers in a modal dialog (Save / Discard / Cancel, Restore /
Discard / Later). The question is plain text, never markup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer: its id (what the dialog returns), label and look."""

    id: str
    label: str
    primary: bool = False


class ChoiceScreen(ModalScreen[str]):
    """Dismisses with the id of the chosen answer; Escape chooses `cancel`.

    Args:
        question: Plain text (it may contain names from files: never parsed as markup).
        choices: The answers, left to right; the primary one is focused.
        cancel: What Escape means.
        title: A bold first line.
    """

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical {
        width: 84; max-width: 95%; height: auto; padding: 1 2;
        background: $panel; border: thick $primary;
    }
    ChoiceScreen #choice-title { text-style: bold; margin-bottom: 1; }
    ChoiceScreen #choice-question { margin-bottom: 1; }
    ChoiceScreen Horizontal { height: auto; align-horizontal: right; }
    ChoiceScreen Button { margin-left: 1; min-width: 10; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(
        self,
        question: str,
        choices: Sequence[Choice],
        *,
        cancel: str,
        title: str = "",
    ) -> None:
        super().__init__()
        self._question = question
        self._choices = tuple(choices)
        self._cancel = cancel
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical():
            if self._title:
                yield Static(Content(self._title), id="choice-title")
            yield Static(Content(self._question), id="choice-question")
            with Horizontal():
                for choice in self._choices:
                    yield Button(
                        choice.label,
                        id=f"choice-{choice.id}",
                        variant="primary" if choice.primary else "default",
                    )

    def on_mount(self) -> None:
        primary = next((c for c in self._choices if c.primary), self._choices[0])
        self.query_one(f"#choice-{primary.id}", Button).focus()

    def action_cancel(self) -> None:
        self.dismiss(self._cancel)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))
