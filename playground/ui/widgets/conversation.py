"""The conversation: the user's messages and the answers, each marked with how it ended.

A `Conversation` is a scrolling column of turns. A `UserTurn` shows what was sent; an
`AnswerTurn` holds the streaming `AnswerView`, a one-line summary of the run's figures once it
ends, and an error card when it failed. The screen pushes events in; nothing here does I/O.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from playground.core import format as fmt
from playground.core.request import FilePart, ImagePart
from playground.core.run import Run, RunStatus
from playground.core.sanitize import safe_line, safe_text
from playground.ui.widgets.answer_view import AnswerView
from playground.ui.widgets.metrics_sidebar import STATUS_LABELS

MUTED = "$text-muted"


def run_summary(run: Run) -> Content:
    """``✓ ok · openai · TTFT 0.612 s · 92.4 tok/s · 210 tok · $0.000344``."""
    f = run.figures
    label, style = STATUS_LABELS[f.status]
    parts: list[str | tuple[str, str]] = [(label, f"bold {style}")]

    def add(text: str) -> None:
        parts.append((" · ", MUTED))
        parts.append((text, MUTED))

    if f.served_by:
        add(safe_line(f.served_by, 40) + (" (fallback)" if f.fallbacks else ""))
    if f.ttft_s is not None:
        add(f"TTFT {fmt.seconds(f.ttft_s)}")
    if f.decode_rate is not None:
        add(fmt.rate(f.decode_rate))
    if f.tokens.output:
        add(f"{fmt.tokens(f.tokens.output, estimated=f.tokens.estimated)} tok")
    if f.total_s is not None:
        add(f"total {fmt.seconds(f.total_s)}")
    if f.cost is not None:
        add(("≈" if f.cost_source == "estimate" else "") + fmt.usd(f.cost))
    if f.retries:
        add(f"{f.retries} retr{'y' if f.retries == 1 else 'ies'}")
    return Content.assemble(*parts)


class UserTurn(Static):
    """What the user sent: the text and the names of attachments."""

    DEFAULT_CSS = """
    UserTurn {
        margin: 1 0 0 0;
        padding: 0 1;
        border-left: outer $primary;
        background: $primary 8%;
        height: auto;
    }
    """

    def __init__(self, text: str, attachments: tuple[ImagePart | FilePart, ...] = ()) -> None:
        self.raw_text = text
        content = Content.assemble(("You", "bold $text-primary"), "\n", safe_text(text.strip()))
        for part in attachments:
            kind = "image" if isinstance(part, ImagePart) else "file"
            name = safe_line(part.filename or part.media_type, 80)
            content = content.append(Content.assemble("\n", (f"📎 {kind}: {name}", MUTED)))
        super().__init__(content)


class ErrorCard(Static):
    """A failed run: what happened and what to do, in place of (or after) the answer."""

    DEFAULT_CSS = """
    ErrorCard {
        display: none;
        height: auto;
        margin: 0 0 0 1;
        padding: 0 1;
        border-left: outer $error;
        background: $error 10%;
    }
    ErrorCard.-shown { display: block; }
    """

    def show_error(self, title: str, message: str, detail: str = "", hint: str = "") -> None:
        parts: list[str | tuple[str, str]] = [(title, "bold $text-error"), "\n", safe_text(message)]
        if detail:
            parts += ["\n", (safe_text(detail), MUTED)]
        if hint:
            parts += ["\n", (hint, "italic")]
        self.update(Content.assemble(*parts))
        self.add_class("-shown")


class AnswerTurn(Vertical):
    """One answer: its header (model · provider), the streaming view, a live status line,
    then the run's summary or error card."""

    DEFAULT_CSS = """
    AnswerTurn { height: auto; margin: 1 0 0 0; }
    AnswerTurn > .answer-header { color: $text-muted; padding: 0 1; height: 1; }
    AnswerTurn > AnswerView {
        height: auto;
        overflow-y: hidden;
        background: transparent;
        padding: 0 1;
        scrollbar-gutter: auto;
    }
    AnswerTurn.-streaming > AnswerView { overflow-y: auto; scrollbar-size-vertical: 0; }
    AnswerTurn > .answer-status { color: $text-muted; padding: 0 1; height: auto; }
    """

    def __init__(self, header: str, *, run_id: str = "") -> None:
        super().__init__()
        self.run_id = run_id
        self._header = header
        self.run: Run | None = None
        """The finished run, once it ended."""
        self._status: Content | str = ""
        self._status_lines = 0

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(safe_line(self._header, 200), MUTED), classes="answer-header")
        yield AnswerView()
        yield Static("", classes="answer-status")
        yield ErrorCard()

    @property
    def answer(self) -> AnswerView:
        return self.query_one(AnswerView)

    def stream_within(self, rows: int) -> None:
        """While streaming, the answer grows to at most `rows` rows and then scrolls inside
        itself: growing the turn (and so the whole conversation) on every frame would make
        the screen lay itself out on every frame. `finish` lets it take its full height."""
        self.add_class("-streaming")
        self.answer.styles.max_height = max(3, rows)

    def show_status(self, content: Content | str) -> None:
        """The live line under the answer (waiting, retrying, streaming)."""
        status = self.query_one(".answer-status", Static)
        if content == self._status:
            return
        lines = str(content).count("\n") + 1 if content else 0
        status.update(content, layout=lines != self._status_lines)
        self._status, self._status_lines = content, lines

    def finish(self, run: Run, *, hint: str = "") -> None:
        """The run ended: render the final text, then its summary or error card."""
        self.run = run
        self.remove_class("-streaming")
        self.answer.styles.max_height = None
        self.answer.finish()
        self._status_lines = -1  # the summary may wrap: let it lay out
        self.show_status(run_summary(run))
        if run.error is not None:
            title = _ERROR_TITLES.get(run.status, "Error")
            detail = run.error.detail if run.error.detail != run.error.message else ""
            self.query_one(ErrorCard).show_error(title, run.error.message, detail, hint)
        elif run.status in ("incomplete", "stopped"):
            message = _ENDING_NOTES[run.status]
            self.query_one(ErrorCard).show_error(_ERROR_TITLES[run.status], message, "", hint)


_ERROR_TITLES: dict[RunStatus, str] = {
    "error": "The request failed",
    "interrupted": "The answer was interrupted",
    "incomplete": "The answer may be incomplete",
    "stopped": "Stopped",
}
_ENDING_NOTES: dict[RunStatus, str] = {
    "incomplete": "The stream ended without a finish reason or [DONE]: the gateway or a proxy "
    "may have cut it short.",
    "stopped": "You stopped this answer; what arrived is kept.",
}


class Conversation(VerticalScroll):
    """The turns of the conversation, newest at the bottom; follows the bottom while an answer
    streams unless the user scrolls up."""

    DEFAULT_CSS = """
    Conversation { height: 1fr; padding: 0 1; }
    Conversation > .conversation-empty { color: $text-muted; margin: 1 0; }
    """

    def compose(self) -> ComposeResult:
        yield Static(
            Content.styled(
                "Pick a model on the left (ctrl+l), write a message below, and press ctrl+j to "
                "send. Esc stops an answer; ctrl+p lists every action.",
                MUTED,
            ),
            classes="conversation-empty",
        )

    async def add_user(
        self, text: str, attachments: tuple[ImagePart | FilePart, ...] = ()
    ) -> UserTurn:
        await self._drop_placeholder()
        turn = UserTurn(text, attachments)
        await self.mount(turn)
        return turn

    async def add_answer(self, header: str, *, run_id: str = "") -> AnswerTurn:
        await self._drop_placeholder()
        turn = AnswerTurn(header, run_id=run_id)
        await self.mount(turn)
        turn.stream_within(self.scrollable_content_region.height - 3)
        self._follow = True
        self.scroll_end(animate=False)
        return turn

    _follow = False
    """Set once an answer was added: from then on the view follows the bottom when the turns
    overflow (until the user scrolls up: Textual's anchor releases itself)."""

    def watch_virtual_size(self) -> None:
        self._place()

    def settle(self) -> None:
        """An answer ended: once it is laid out at its full height, place the view again."""
        self.call_after_refresh(self._place)

    def _place(self) -> None:
        # Short conversations read from the top, long ones follow the bottom. Only anchor
        # once the turns overflow: an anchored container aligns short content to its bottom
        # (with blank space above), and it can leave the scroll offset negative when the
        # content shrinks back (an answer laid out before its width was known).
        if not self._follow:
            return
        if self.max_scroll_y > 0:
            if not self.is_anchored:
                self.anchor()
        elif self.is_anchored or self.scroll_y != 0:
            self.anchor(False)
            self.set_scroll(None, 0)  # unvalidated: the anchor may have left it negative
            self.scroll_target_y = 0
            self.refresh()

    async def clear(self) -> None:
        await self.remove_children()
        await self.mount_all(list(self.compose()))
        self._follow = False
        self.anchor(False)

    async def _drop_placeholder(self) -> None:
        for placeholder in self.query(".conversation-empty"):
            await placeholder.remove()

    @property
    def answers(self) -> list[AnswerTurn]:
        return list(self.query(AnswerTurn))

    @property
    def last_answer(self) -> AnswerTurn | None:
        answers = self.answers
        return answers[-1] if answers else None
