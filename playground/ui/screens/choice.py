"""A question with a few answers in a modal dialog (Save / Discard / Cancel, Restore /
Discard / Later). The question is plain text, never markup.

`ButtonDialog` is the dialog; `ChoiceScreen` returns the chosen answer's id and
`confirm.ConfirmScreen` (yes or no) returns a bool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

ResultT = TypeVar("ResultT")


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer: its id (what the dialog returns), label and look."""

    id: str
    label: str
    primary: bool = False


class ButtonDialog(ModalScreen[ResultT], Generic[ResultT]):
    """A title, a question and a row of buttons; subclasses say what a button (or Escape)
    returns.

    Args:
        question: Plain text (it may contain names from files: never parsed as markup).
        choices: The answers, left to right.
        focus: The id of the answer focused at first.
        title: A bold first line.
        prefix: Put before an answer's id to make its button's id (``choice-save``).
    """

    DEFAULT_CSS = """
    ButtonDialog { align: center middle; }
    ButtonDialog > Vertical {
        width: 84; max-width: 95%; height: auto; padding: 1 2;
        background: $panel; border: thick $primary;
    }
    ButtonDialog .dialog-title { text-style: bold; margin-bottom: 1; }
    ButtonDialog .dialog-question { margin-bottom: 1; }
    ButtonDialog Horizontal { height: auto; align-horizontal: right; }
    ButtonDialog Button { margin-left: 1; min-width: 10; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(
        self,
        question: str,
        choices: Sequence[Choice],
        *,
        focus: str,
        title: str = "",
        prefix: str = "",
    ) -> None:
        super().__init__()
        self._question = question
        self._choices = tuple(choices)
        self._focus = focus
        self._title = title
        self._prefix = prefix

    def result_of(self, choice_id: str) -> ResultT:
        """What pressing the button of `choice_id` returns."""
        raise NotImplementedError

    def cancelled(self) -> ResultT:
        """What Escape returns."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        prefix = self._prefix
        with Vertical():
            if self._title:
                yield Static(Content(self._title), id=f"{prefix}title", classes="dialog-title")
            yield Static(Content(self._question), id=f"{prefix}question", classes="dialog-question")
            with Horizontal():
                for choice in self._choices:
                    yield Button(
                        choice.label,
                        id=f"{prefix}{choice.id}",
                        variant="primary" if choice.primary else "default",
                    )

    def on_mount(self) -> None:
        self.query_one(f"#{self._prefix}{self._focus}", Button).focus()

    def action_cancel(self) -> None:
        self.dismiss(self.cancelled())

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.result_of((event.button.id or "").removeprefix(self._prefix)))


class ChoiceScreen(ButtonDialog[str]):
    """Dismisses with the id of the chosen answer; Escape chooses `cancel`.

    Args:
        question: Plain text (it may contain names from files: never parsed as markup).
        choices: The answers, left to right; the primary one is focused.
        cancel: What Escape means.
        title: A bold first line.
    """

    def __init__(
        self,
        question: str,
        choices: Sequence[Choice],
        *,
        cancel: str,
        title: str = "",
    ) -> None:
        primary = next((c for c in choices if c.primary), choices[0])
        super().__init__(question, choices, focus=primary.id, title=title, prefix="choice-")
        self._cancel = cancel

    def result_of(self, choice_id: str) -> str:
        return choice_id

    def cancelled(self) -> str:
        return self._cancel
