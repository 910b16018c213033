"""A yes/no question in a modal dialog. The question is plain text, never markup."""

from __future__ import annotations

from playground.ui.screens.choice import ButtonDialog, Choice


class ConfirmScreen(ButtonDialog[bool]):
    """Dismisses with True (yes) or False (no, or Escape). "no" has the focus unless
    `focus` says "yes" (opening a link asks with no; attaching pasted files, with yes)."""

    def __init__(
        self, question: str, *, yes: str = "Yes", no: str = "No", focus: str = "no"
    ) -> None:
        super().__init__(
            question, (Choice("no", no), Choice("yes", yes, primary=True)), focus=focus
        )

    def result_of(self, choice_id: str) -> bool:
        return choice_id == "yes"

    def cancelled(self) -> bool:
        return False
