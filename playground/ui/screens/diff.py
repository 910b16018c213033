"""Where the two lanes' answers differ: status, finish reason, token counts and tool calls side
by side, then the answer diffed word by word (words only in A struck through in red, words
only in B underlined in green), and the reasoning the same way when there is some.

The diff runs in a thread (difflib over a long answer takes a noticeable fraction of a
second); the texts are sanitized and never parsed as markup.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from playground.core.answer_diff import FieldDifference, RunDiff, WordDiff, diff_runs
from playground.core.run import Run
from playground.core.sanitize import safe_line, safe_text

MUTED = "$text-muted"
ONLY_A = "strike $text-error"
ONLY_B = "underline $text-success"


def diff_content(diff: WordDiff) -> Content:
    """The diff as one text: shared words plain, A's struck out, B's underlined."""
    if diff.identical:
        return Content.styled("The two texts are the same word for word.", MUTED)
    parts: list[str | tuple[str, str]] = []
    for chunk in diff.chunks:
        if chunk.kind == "equal":
            parts.append(safe_text(chunk.b))
            continue
        if chunk.a:
            parts.append((safe_text(chunk.a), ONLY_A))
        if chunk.b:
            b = chunk.b
            if chunk.a and not chunk.a[-1].isspace() and not b[0].isspace():
                b = " " + b  # "sky blue" → "sky azure", not "sky blueazure"
            parts.append((safe_text(b), ONLY_B))
    return Content.assemble(*parts)


def fields_content(fields: tuple[FieldDifference, ...], width: int) -> Content:
    """The runs' properties in three aligned columns; the ones that differ marked ≠."""
    label_width = max((len(f.label) for f in fields), default=0) + 2
    cell = max(12, (width - label_width - 4) // 2)
    lines = [
        Content.assemble(
            ("".ljust(label_width), ""), ("A".ljust(cell), "bold"), ("B".ljust(cell), "bold")
        )
    ]
    for field in fields:
        style = "" if field.same else "bold $text-warning"
        lines.append(
            Content.assemble(
                (field.label.ljust(label_width), MUTED),
                (safe_line(field.a, cell - 2).ljust(cell), style),
                (safe_line(field.b, cell - 2).ljust(cell), style),
                ("" if field.same else "≠", style),
            )
        )
    return Content("\n").join(lines)


def similarity_line(diff: WordDiff) -> str:
    """``87% of the words are shared (A 412 words, B 398)``."""
    return (
        f"{diff.similarity:.0%} of the words are shared "
        f"(A {diff.a_words:,} words and marks, B {diff.b_words:,})"
    )


class DiffScreen(ModalScreen[None]):
    """The two lanes' last answers, compared."""

    DEFAULT_CSS = """
    DiffScreen { align: center middle; }
    DiffScreen > Vertical {
        width: 96%; height: 92%;
        background: $panel; border: thick $primary; padding: 0 1;
    }
    DiffScreen #diff-title { height: auto; text-style: bold; }
    DiffScreen #diff-legend { height: 1; color: $text-muted; }
    DiffScreen #diff-fields { height: auto; margin: 1 0; }
    DiffScreen #diff-body { height: 1fr; }
    DiffScreen .diff-heading { text-style: bold; margin: 1 0 0 0; }
    DiffScreen .diff-text { height: auto; }
    """
    BINDINGS = [
        Binding("escape,q,ctrl+d", "dismiss", "Close", id="diff-close", tooltip="Close the diff."),
    ]

    def __init__(self, a: Run, b: Run, *, titles: tuple[str, str]) -> None:
        super().__init__()
        self._runs = (a, b)
        self._titles = titles
        self.diff: RunDiff | None = None
        """The diff, once computed."""

    def compose(self) -> ComposeResult:
        a_title, b_title = (safe_line(t, 80) for t in self._titles)
        with Vertical():
            yield Static(Content(f"Diff: A {a_title}  vs  B {b_title}"), id="diff-title")
            yield Static(
                Content.assemble(
                    ("only in A", ONLY_A), ("   ", ""), ("only in B", ONLY_B), ("   esc closes", "")
                ),
                id="diff-legend",
            )
            yield Static("", id="diff-fields")
            with VerticalScroll(id="diff-body"):
                yield Static(Content.styled("Comparing the answers…", MUTED), id="diff-summary")
                yield Static(Content.styled("Answer", "bold"), classes="diff-heading")
                yield Static("", id="diff-answer", classes="diff-text")
                yield Static(
                    Content.styled("Reasoning", "bold"),
                    classes="diff-heading",
                    id="diff-reasoning-heading",
                )
                yield Static("", id="diff-reasoning", classes="diff-text")

    def on_mount(self) -> None:
        self.query_one("#diff-reasoning-heading").display = False
        self.query_one("#diff-reasoning").display = False
        self._compute()

    @work(thread=True, exit_on_error=False, group="diff")
    def _compute(self) -> None:
        diff = diff_runs(*self._runs)
        self.app.call_from_thread(self._show, diff)

    def _show(self, diff: RunDiff) -> None:
        self.diff = diff
        fields = self.query_one("#diff-fields", Static)
        fields.update(fields_content(diff.fields, fields.size.width or 100))
        self.query_one("#diff-summary", Static).update(
            Content.styled(similarity_line(diff.words), MUTED)
        )
        self.query_one("#diff-answer", Static).update(diff_content(diff.words))
        if diff.reasoning is not None:
            self.query_one("#diff-reasoning-heading").display = True
            reasoning = self.query_one("#diff-reasoning", Static)
            reasoning.display = True
            reasoning.update(diff_content(diff.reasoning))
