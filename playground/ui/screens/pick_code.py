"""Choose one of an answer's code blocks (to copy it)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from playground.core.sanitize import safe_line


class PickCodeBlock(ModalScreen[int | None]):
    """Lists code blocks as ``python · 12 lines · def fib(n):``; dismisses with the index."""

    DEFAULT_CSS = """
    PickCodeBlock { align: center middle; }
    PickCodeBlock > Vertical {
        width: 90; max-width: 95%; height: auto; max-height: 80%;
        background: $panel; border: thick $primary; padding: 0 1;
    }
    PickCodeBlock OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", show=False)]

    def __init__(self, blocks: list[tuple[str, str]]) -> None:
        super().__init__()
        self._blocks = blocks

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Copy which code block?", classes="title")
            options = []
            for index, (language, code) in enumerate(self._blocks):
                lines = code.splitlines()
                first = next((line.strip() for line in lines if line.strip()), "")
                label = Content.assemble(
                    (safe_line(language or "code", 20), "bold"),
                    (f" · {len(lines)} line{'s' if len(lines) != 1 else ''} · ", "$text-muted"),
                    safe_line(first, 60),
                )
                options.append(Option(label, id=str(index)))
            yield OptionList(*options)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))
