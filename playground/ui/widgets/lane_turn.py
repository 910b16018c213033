"""A compare lane's answer: an `AnswerTurn` that fills the lane, scrolls itself (so its growth
never lays the screen out: `AnswerView` skips that pass once it is taller inside than out),
and is reused from run to run (cleared, not remounted: a repeat of twenty runs would otherwise
mount, lay out and warm up twenty answer views while it measures).

Two answers stream at once in compare mode, so each paints at `LANE_FPS` rather than the
single answer's 30 Hz (bench/README.md: 20 Hz keeps the lag bound with less CPU). The status
line under the answer is left empty: the lane's figures show the same notes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from playground.core.run import Run
from playground.core.sanitize import safe_line
from playground.ui.widgets.answer_view import AnswerView
from playground.ui.widgets.conversation import AnswerTurn, ErrorCard

LANE_FPS = 20.0
"""Paints per second of each lane's answer while it streams."""
MUTED = "$text-muted"


class LaneTurn(AnswerTurn):
    """One lane's answer, header on top, the answer view filling the rest."""

    DEFAULT_CSS = """
    LaneTurn { height: 1fr; margin: 0; }
    LaneTurn > AnswerView {
        height: 1fr;
        overflow-y: auto;
        padding: 0 0 0 1;
        scrollbar-size-vertical: 0;
    }
    LaneTurn > .answer-status { display: none; }
    """
    # No scrollbar: re-rendered on every paint as the answer grows, it cost more than the
    # answer itself (bench/compare_render.py). The wheel and the keys still scroll.

    def __init__(self, header: str, *, max_fps: float = LANE_FPS) -> None:
        super().__init__(header)
        self._max_fps = max_fps

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(safe_line(self._header, 200), MUTED), classes="answer-header")
        yield AnswerView(max_fps=self._max_fps)
        yield Static("", classes="answer-status")
        yield ErrorCard()

    def reset(self, header: str) -> None:
        """Start over for the next run: empty answer, new header, no error card."""
        self._header = header
        self.run = None
        self.query_one(".answer-header", Static).update(
            Content.styled(safe_line(header, 200), MUTED), layout=False
        )
        self.query_one(ErrorCard).remove_class("-shown")
        answer = self.answer
        answer.clear()
        answer.anchor()  # follow the new answer even if the user scrolled the last one

    def finish(self, run: Run, *, hint: str = "") -> None:
        """The run ended: show its answer from the top (two answers are read side by side
        from their start; the stream followed the bottom)."""
        super().finish(run, hint=hint)
        self.answer.scroll_to(y=0, animate=False, immediate=True)  # also releases the anchor

    def show_status(self, content: Content | str) -> None:
        """Not shown in a lane: its figures carry the same notes (and an update here would
        lay the whole screen out five times a second)."""
