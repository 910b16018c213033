"""Provides `AnswerView`: a streaming answer shown as formatted Markdown, built for 2,000 tok/s.

One line-based scroll view (like Textual's `Log`) holds the whole answer: a collapsible
reasoning part, the answer's Markdown, and tool-call cards. It is fast because it does little:

- `append` only buffers. A timer paints at most ~30 times a second (at once when the stream
  was quiet), so a burst of tokens costs one layout per frame, never one per token.
- Finished Markdown blocks are rendered once into cached lines (per width and theme); only
  the open tail is re-rendered, and an open code fence is highlighted line by line
  (`playground.ui.markdown`). Each paint's work is bounded by a deadline; a burst is spread
  over frames.
- Cached lines are packed into tuples of strings and integers (`StyleTable`), which the
  garbage collector stops scanning, and `render_line` turns only the visible ones into
  `Strip`s (in a small LRU cache), so a 100,000-token answer scrolls like a short one and does
  not lengthen the collector's pauses. The view follows the bottom while streaming until the
  user scrolls up, and again once they scroll back down (Textual's `anchor`).

Model text is untrusted (RELIABILITY.md §3): it is sanitized line by line in the splitter,
never parsed as markup, and links are never opened here: a click posts `LinkClicked` for the
screen to confirm, and only http(s) links are clickable. No ``@click`` action is ever built.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from playground.ui.markdown.cards import TOGGLE_META, reasoning_header, tool_cards
from playground.ui.markdown.document import MarkdownDocument
from playground.ui.markdown.inline import LINK_META, LINK_TEXT_META, safe_url
from playground.ui.markdown.packed import PackedLine, StyleTable
from playground.ui.markdown.render import MIN_WIDTH, Line, fenced_code, warm_up
from playground.ui.markdown.sections import Sections
from playground.ui.markdown.theme import CODE_THEME_VARIABLE, MarkdownTheme

MAX_FPS = 30.0
"""Default paints per second while text streams (PERFORMANCE.md §7.2: 15–30 Hz)."""
FRAME_BUDGET = 0.012
"""Seconds of rendering per paint before the rest waits for the next frame."""
DARK_CODE_THEME = "monokai"
"""Pygments style for ``code_theme = "auto"`` under a dark app theme."""
LIGHT_CODE_THEME = "friendly"
"""Pygments style for ``code_theme = "auto"`` under a light app theme."""

_COMPONENTS = (
    "h1", "h2", "h3", "h4", "h5", "h6", "strong", "emphasis", "strike", "code-inline", "link",
    "quote", "quote-bar", "bullet", "rule", "table-header", "table-border", "code-block",
    "code-label", "reasoning-header", "tool-border", "tool-name",
)  # fmt: skip


class AnswerView(ScrollView, can_focus=True):
    """A streaming Markdown answer with reasoning and tool-call cards."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"answer-view--{name}" for name in _COMPONENTS}
    """Styles of the Markdown elements (``answer-view--h1``, ``--link``, ``--code-block``…)."""

    DEFAULT_CSS = """
    AnswerView {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    AnswerView > .answer-view--h1 { color: $primary; text-style: bold; }
    AnswerView > .answer-view--h2 { color: $primary; text-style: bold; }
    AnswerView > .answer-view--h3 { color: $secondary; text-style: bold; }
    AnswerView > .answer-view--h4 { color: $secondary; text-style: bold italic; }
    AnswerView > .answer-view--h5 { color: $secondary; text-style: italic; }
    AnswerView > .answer-view--h6 { color: $text-muted; text-style: italic; }
    AnswerView > .answer-view--strong { text-style: bold; }
    AnswerView > .answer-view--emphasis { text-style: italic; }
    AnswerView > .answer-view--strike { text-style: strike; }
    AnswerView > .answer-view--code-inline { color: $text-warning; background: $warning-muted; }
    AnswerView > .answer-view--link { color: $text-accent; text-style: underline; }
    AnswerView > .answer-view--quote { color: $text-muted; text-style: italic; }
    AnswerView > .answer-view--quote-bar { color: $primary; }
    AnswerView > .answer-view--bullet { color: $accent; text-style: bold; }
    AnswerView > .answer-view--rule { color: $primary-darken-2; }
    AnswerView > .answer-view--table-header { color: $text-primary; text-style: bold; }
    AnswerView > .answer-view--table-border { color: $primary-darken-2; }
    AnswerView > .answer-view--code-block { color: $foreground; background: $panel; }
    AnswerView > .answer-view--code-label {
        color: $text-muted; background: $panel; text-style: italic;
    }
    AnswerView > .answer-view--reasoning-header { color: $text-muted; text-style: bold; }
    AnswerView > .answer-view--tool-border { color: $secondary-darken-2; }
    AnswerView > .answer-view--tool-name { color: $text-secondary; text-style: bold; }
    """

    code_theme: reactive[str] = reactive("auto", init=False)
    """Pygments style for code (``monokai``, ``friendly``…), or ``auto`` to follow the app
    theme (the style it names, else one that suits its darkness). Changing it re-renders the
    code."""

    @dataclass
    class LinkClicked(Message):
        """A link was clicked. Nothing was opened: confirm with the user, then open it."""

        answer_view: AnswerView
        url: str
        """An http or https URL (nothing else is offered)."""
        text: str
        """The link's text, which may claim to be somewhere else: show both."""

        @property
        def control(self) -> AnswerView:
            """The view the link is in."""
            return self.answer_view

    @dataclass
    class ReasoningToggled(Message):
        """The reasoning part was collapsed or expanded."""

        answer_view: AnswerView
        collapsed: bool

        @property
        def control(self) -> AnswerView:
            """The view whose reasoning was toggled."""
            return self.answer_view

    def __init__(
        self,
        text: str = "",
        *,
        max_fps: float = MAX_FPS,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """
        Args:
            text: Initial answer text (more may be appended).
            max_fps: At most this many paints a second while text streams.
            name: The widget's name.
            id: The widget's DOM id.
            classes: CSS classes.
            disabled: Whether the widget is disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._styles = StyleTable()
        self._answer: MarkdownDocument[PackedLine] = MarkdownDocument(self._styles.pack)
        self._reasoning: MarkdownDocument[PackedLine] = MarkdownDocument(self._styles.pack)
        self._strips: LRUCache[int, tuple[PackedLine, Strip]] = LRUCache(256)
        self._header: tuple[tuple[bool, int, int, Style], PackedLine] | None = None
        self._pending: list[str] = []
        self._pending_reasoning: list[str] = []
        self._finish_requested = False
        self._reasoning_collapsed: bool | None = None
        self._tools: dict[int, tuple[str, str]] = {}
        self._tool_lines: list[PackedLine] = []
        self._tools_dirty = False
        self._sections = Sections([])
        self._theme: MarkdownTheme | None = None
        self._dim_theme: MarkdownTheme | None = None
        self._flush_scheduled = False
        self._last_flush = 0.0
        self._interval = 1 / max_fps
        self.paint_count = 0
        """Flushes that changed the view (for benchmarks and tests)."""
        if text:
            self.append(text)

    # ---- public API: text in

    def append(self, text: str) -> None:
        """Append answer text. Cheap: it is buffered and painted in batches.

        Raises:
            RuntimeError: After `finish` (call `clear` to start a new answer).
        """
        self._check_open()
        if text:
            self._pending.append(text)
            self._schedule()

    def append_reasoning(self, text: str) -> None:
        """Append reasoning text, shown dimmed above the answer.

        Raises:
            RuntimeError: After `finish`.
        """
        self._check_open()
        if text:
            self._pending_reasoning.append(text)
            self._schedule()

    def add_tool_call(self, index: int, name: str, arguments_so_far: str) -> None:
        """Show or update the card of tool call `index` with its arguments received so far."""
        if self._tools.get(index) != (name, arguments_so_far):
            self._tools[index] = (name, arguments_so_far)
            self._tools_dirty = True
            self._schedule()

    def _check_open(self) -> None:
        if self._finish_requested:
            raise RuntimeError("the answer is finished; clear() it to start another")

    def finish(self) -> None:
        """The stream ended: flush everything and render the final text faithfully."""
        self._finish_requested = True
        self._schedule(now=True)

    # ---- public API: reading back

    @property
    def text(self) -> str:
        """The raw answer text, unsanitized (for copying)."""
        return self._answer.text + "".join(self._pending)

    @property
    def reasoning_text(self) -> str:
        """The raw reasoning text, unsanitized."""
        return self._reasoning.text + "".join(self._pending_reasoning)

    @property
    def shown_chars(self) -> int:
        """How many characters of the answer the current lines show."""
        return self._answer.shown_chars

    @property
    def is_finished(self) -> bool:
        """Whether the final text is rendered (after `finish`)."""
        return self._answer.finished and self._answer.up_to_date and not self._pending

    @property
    def reasoning_collapsed(self) -> bool:
        """Whether the reasoning is folded to its header line."""
        if self._reasoning_collapsed is not None:
            return self._reasoning_collapsed
        return bool(self._answer.fed_chars or self._pending)

    def rendered_lines(self) -> list[Line]:
        """The answer's lines as currently rendered (segments, one list per line)."""
        lines = (self._answer.line(y) for y in range(self._answer.line_count))
        return [self._styles.unpack(line) for line in lines if line is not None]

    @property
    def markdown_theme(self) -> MarkdownTheme:
        """The styles the view paints with (from its component classes and `code_theme`)."""
        return self._markdown_theme()

    def code_blocks(self) -> list[tuple[str, str]]:
        """Every fenced code block of the answer as (language, code), in order, as shown
        (sanitized), including one still streaming."""
        self._ingest()
        found: list[tuple[str, str]] = []
        for block in self._answer.blocks():
            found.extend(fenced_code(block))
        return found

    def toggle_reasoning(self, collapsed: bool | None = None) -> None:
        """Collapse or expand the reasoning (toggle when `collapsed` is None)."""
        value = (not self.reasoning_collapsed) if collapsed is None else collapsed
        self._reasoning_collapsed = value
        self.post_message(self.ReasoningToggled(self, value))
        self._schedule(now=True)

    def clear(self) -> None:
        """Forget the answer, reasoning and tool calls."""
        self._answer = MarkdownDocument(self._styles.pack)
        self._reasoning = MarkdownDocument(self._styles.pack)
        self._pending.clear()
        self._pending_reasoning.clear()
        self._tools.clear()
        self._tool_lines = []
        self._finish_requested = False
        self._reasoning_collapsed = None
        self._schedule(now=True)

    # ---- painting

    def _schedule(self, now: bool = False) -> None:
        if self._flush_scheduled or not self.is_mounted:
            return
        self._flush_scheduled = True
        delay = 0.0 if now else self._last_flush + self._interval - time.perf_counter()
        if delay <= 0:
            self.call_later(self._flush)
        else:
            self.set_timer(delay, self._flush)

    def _ingest(self) -> None:
        if self._pending:
            self._answer.feed("".join(self._pending))
            self._pending.clear()
        if self._pending_reasoning:
            self._reasoning.feed("".join(self._pending_reasoning))
            self._pending_reasoning.clear()
        if self._finish_requested:
            self._answer.finish()
            self._reasoning.finish()

    def _flush(self) -> None:
        self._flush_scheduled = False
        started = time.perf_counter()
        self._last_flush = started
        width = self.scrollable_content_region.width
        if width <= 0:
            return  # not laid out yet: on_resize paints
        self._ingest()
        theme = self._markdown_theme()
        deadline = started + FRAME_BUDGET
        top = round(self.scroll_y)
        visible = (top, top + self.scrollable_content_region.height)
        answer_start = self._sections.start("answer")
        done = self._answer.layout(
            width,
            theme,
            deadline,
            (visible[0] - answer_start, visible[1] - answer_start),
            force=self._finish_requested,
        )
        if self._reasoning.fed_chars:
            done = self._reasoning.layout(width, self._reasoning_theme(), deadline) and done
        tools_changed = self._tools_dirty
        if tools_changed:
            self._render_tools(width, theme)
        old_layout = self._sections.key
        self._layout_sections(width)
        self.paint_count += 1
        changed = self._answer.changed_from
        if (
            not tools_changed
            and self._reasoning.changed_from is None
            and self._sections.key == old_layout
        ):
            # Only the answer changed, and nothing moved: repaint from the first changed row
            # (usually just the tail) instead of the whole view.
            if changed is not None:
                start = self._sections.start("answer") + changed
                self.refresh_lines(start, max(self._sections.height - start, 1))
        else:
            self.refresh()
        if not done:
            self._schedule()

    def _markdown_theme(self) -> MarkdownTheme:
        if self._theme is None:

            def get(name: str) -> Style:
                return self.get_component_rich_style(f"answer-view--{name}", partial=True)

            code_theme = self.code_theme
            if code_theme == "auto":  # the app theme's own style, else one for its darkness
                app_theme = self.app.current_theme
                code_theme = app_theme.variables.get(CODE_THEME_VARIABLE) or (
                    DARK_CODE_THEME if app_theme.dark else LIGHT_CODE_THEME
                )
            self._theme = MarkdownTheme.from_components(self.rich_style, get, code_theme)
        return self._theme

    def _reasoning_theme(self) -> MarkdownTheme:
        if self._dim_theme is None:
            self._dim_theme = self._markdown_theme().dimmed()
        return self._dim_theme

    def _render_tools(self, width: int, theme: MarkdownTheme) -> None:
        self._tools_dirty = False
        border = self.get_component_rich_style("answer-view--tool-border", partial=True)
        title = self.get_component_rich_style("answer-view--tool-name", partial=True)
        width = max(width, MIN_WIDTH)
        cards = tool_cards(self._tools, width, theme, border, title)
        self._tool_lines = [self._styles.pack(line, width) for line in cards]

    def _layout_sections(self, width: int) -> None:
        """Stack the parts (reasoning header and text, answer, tool cards) and size the view."""
        reasoning = self._reasoning.fed_chars > 0
        collapsed = self.reasoning_collapsed
        self._sections = Sections(
            [
                ("reasoning-header", 1 if reasoning else 0),
                ("reasoning", self._reasoning.line_count if reasoning and not collapsed else 0),
                ("answer", self._answer.line_count),
                ("tools", len(self._tool_lines)),
            ]
        )
        size = Size(width, self._sections.height)
        if size == self.virtual_size:
            return
        grows_past_its_height = (
            self.virtual_size.height > self.scrollable_content_region.height
            and size.height >= self.virtual_size.height
            and size.width == self.virtual_size.width
        )
        if not grows_past_its_height:
            self.virtual_size = size  # may change this widget's height: a layout pass
            return
        # The view is already taller inside than outside (fixed height, or capped by
        # max-height while streaming): more lines cannot change its size, so skip the layout
        # pass a `virtual_size` change triggers. On a busy screen that pass repaints every row
        # (and re-measures every widget) each frame; here only this view repaints.
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)  # Textual's own scrollbar update (what a layout would do)
        if self.is_anchored and not self._anchor_released:
            self.set_scroll(None, max(0, size.height - self.scrollable_content_region.height))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """The cached strip for screen row `y` (only visible rows are ever asked for)."""
        width = self.scrollable_content_region.width
        line = self._line_at(round(self.scroll_y) + y)
        if line is None:
            return Strip.blank(width, self.rich_style)
        hit = self._strips.get(id(line))
        if hit is not None and hit[0] is line:  # the cache holds `line`, so its id is unique
            strip = hit[1]
        else:
            strip = Strip(self._styles.unpack(line), line[0])
            self._strips[id(line)] = (line, strip)
        if strip.cell_length != width:
            strip = strip.crop_extend(0, width, self.rich_style)
        return strip

    def _line_at(self, y: int) -> PackedLine | None:
        found = self._sections.find(y)
        if found is None:
            return None
        name, offset = found
        if name == "answer":
            return self._answer.line(offset)
        if name == "reasoning":
            return self._reasoning.line(offset)
        if name == "tools":
            return self._tool_lines[offset]
        if name == "reasoning-header":
            style = self.rich_style + self.get_component_rich_style(
                "answer-view--reasoning-header", partial=True
            )
            return self._reasoning_header(style)
        return None  # a gap

    def _reasoning_header(self, style: Style) -> PackedLine:
        width = max(self.scrollable_content_region.width, MIN_WIDTH)
        key = (self.reasoning_collapsed, self._reasoning.line_count, width, style)
        if self._header is None or self._header[0] != key:
            segments = reasoning_header(key[0], key[1], width, style)
            self._header = (key, self._styles.pack(segments, width))
        return self._header[1]

    # ---- events

    def on_mount(self) -> None:
        self.anchor()
        self.run_worker(warm_up, thread=True, group="answer-view-warm-up")
        if self._pending or self._pending_reasoning or self._finish_requested or self._tools:
            self._schedule(now=True)

    def on_resize(self, event: events.Resize) -> None:
        self._tools_dirty = bool(self._tools)
        self._schedule(now=True)

    def notify_style_update(self) -> None:
        """The theme or CSS changed: rebuild styles and re-render (cached lines are stale)."""
        super().notify_style_update()
        self._theme = self._dim_theme = None
        self._tools_dirty = bool(self._tools)
        if self.is_mounted:
            self._schedule(now=True)

    def watch_code_theme(self) -> None:
        self._theme = self._dim_theme = None
        self._tools_dirty = bool(self._tools)
        self._schedule(now=True)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        url = event.style.meta.get(LINK_META)
        tooltip = Content(url) if isinstance(url, str) else None  # Content: never markup
        if tooltip != self.tooltip:
            self.tooltip = tooltip

    def on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        if meta.get(TOGGLE_META) == "reasoning":
            event.stop()
            self.toggle_reasoning()
            return
        url = meta.get(LINK_META)
        if isinstance(url, str) and safe_url(url) is not None:
            event.stop()
            text = meta.get(LINK_TEXT_META)
            self.post_message(self.LinkClicked(self, url, text if isinstance(text, str) else ""))
