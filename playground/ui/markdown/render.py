"""Provides `render_block` and `render_whole`: Markdown blocks to lines of Rich segments.

A block (from `blocks.BlockSplitter`) is parsed with markdown-it and painted to lines exactly
`width` cells wide: wrapped paragraphs with inline styles, headings, nested lists with their
markers, block quotes with a bar, GFM tables (drawn by Rich's `Table`), thematic breaks, and
fenced code with a language label and Pygments colours. Code lines are highlighted by a
`FenceState`, which lexes each completed line once; the answer view keeps one per open fence
so a streaming fence costs one line of lexing per new line, not a re-highlight per paint.

`render_whole` renders a text in one go with the same splitter and the same renderers; a
stream fed through the answer view ends in exactly these lines (tested).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich import box
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from playground.ui.markdown.blocks import Block, split_blocks
from playground.ui.markdown.code import CodeToken, LineHighlighter, TokenStyles
from playground.ui.markdown.inline import inline_text
from playground.ui.markdown.theme import MarkdownTheme, default_theme

Line = list[Segment]
"""One rendered line: segments covering exactly the render width."""

MIN_WIDTH = 12
"""Narrower views are rendered at this width and cropped by the widget."""
_BULLETS = ("•", "◦", "▪")


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark plus GFM tables and strikethrough; raw HTML is shown as text."""
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


@lru_cache(maxsize=1)
def render_console() -> Console:
    """A private console for wrapping and rendering (nothing is printed to it)."""
    return Console(
        width=200,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        markup=False,
        emoji=False,
        highlight=False,
    )


@lru_cache(maxsize=8)
def _token_styles(theme: MarkdownTheme) -> TokenStyles:
    return TokenStyles(theme.code_theme, theme.base + theme.code_block)


def pad(segments: list[Segment], width: int, style: Style) -> Line:
    """Crop or pad `segments` to exactly `width` cells."""
    return Segment.adjust_line_length(segments, width, style=style)


def blank(width: int, style: Style) -> Line:
    """An empty line."""
    return [Segment(" " * width, style)]


def wrap(text: Text, width: int, style: Style) -> list[Line]:
    """Word-wrap `text` to `width` (folding words longer than a line)."""
    console = render_console()
    lines: list[Line] = []
    for line in text.wrap(console, width, overflow="fold"):
        if line.spans:
            segments = list(line.render(console))
        else:  # Rich only applies the base style when there are spans
            base = line.style if isinstance(line.style, Style) else style
            segments = [Segment(line.plain, base)] if line.plain else []
        lines.append(pad(segments, width, style))
    return lines


# ---- code


def _code_line(tokens: list[CodeToken], width: int, theme: MarkdownTheme) -> list[Line]:
    """One code line, folded to the block's inner width, with one cell of padding a side."""
    styles = _token_styles(theme)
    background = styles.base
    inner = width - 2
    segments = [Segment(value, styles(ttype)) for ttype, value in tokens]
    length = Segment.get_line_length(segments)
    edge = Segment(" ", background)
    if length <= inner:
        return [[edge, *pad(segments, inner, background), edge]]
    cuts = [*range(inner, length, inner), length]
    return [
        [edge, *pad(list(part), inner, background), edge] for part in Segment.divide(segments, cuts)
    ]


class FenceState:
    """Highlighted lines of one code block, kept while its lines arrive."""

    __slots__ = ("_highlighter", "_key", "_rendered", "_tokens", "language")

    def __init__(self, language: str) -> None:
        """
        Args:
            language: The fence's language (first word of the info string), may be empty.
        """
        self.language = language
        self._highlighter = LineHighlighter(language)
        self._tokens: list[list[CodeToken]] = []
        self._rendered: list[list[Line]] = []
        self._key: tuple[int, MarkdownTheme] | None = None

    def render(
        self, code: Sequence[str], partial: bool, width: int, theme: MarkdownTheme
    ) -> list[Line]:
        """Label line plus code lines; only lines not seen before are lexed and drawn.

        Args:
            code: The code lines so far (fence markers removed).
            partial: Whether the last line is still being typed (lexed, not kept).
            width: Render width.
            theme: Styles.
        """
        partial = partial and bool(code)
        complete = len(code) - 1 if partial else len(code)
        tokens = self._tokens
        while len(tokens) < complete:
            tokens.append(self._highlighter.feed(code[len(tokens)].expandtabs(4)))
        key = (width, theme)
        if key != self._key:
            self._key, self._rendered = key, []
        rendered = self._rendered
        while len(rendered) < complete:
            rendered.append(_code_line(tokens[len(rendered)], width, theme))
        background = theme.base + theme.code_block
        label = Segment(f" {self.language}" if self.language else "", theme.base + theme.code_label)
        out: list[Line] = [pad([label], width, background)]
        for group in rendered[:complete]:
            out.extend(group)
        if partial and code:
            out.extend(_code_line(self._highlighter.peek(code[-1].expandtabs(4)), width, theme))
        return out


def fence_language(block: Block) -> str:
    """The language of a fence block: the first word of its info string."""
    stripped = block.lines[0].strip()
    info = stripped.lstrip(stripped[0]).strip() if stripped else ""
    return info.split()[0] if info else ""


def fence_parts(block: Block) -> tuple[str, list[str]]:
    """The language and code lines of a fence block (its markers and indent removed)."""
    opener = block.lines[0].expandtabs(4)
    indent = len(opener) - len(opener.lstrip(" "))
    language = fence_language(block)
    body = block.lines[1:-1] if block.closed and len(block.lines) > 1 else block.lines[1:]
    code = []
    for line in body:
        x = line.expandtabs(4) if "\t" in line else line
        strip = min(indent, len(x) - len(x.lstrip(" ")))
        code.append(x[strip:])
    return language, code


# ---- markdown-it tokens


def _close_index(tokens: list[Token], i: int) -> int:
    token = tokens[i]
    if token.nesting != 1:
        return i
    level = token.level
    for j in range(i + 1, len(tokens)):
        if tokens[j].level == level and tokens[j].nesting == -1:
            return j
    return len(tokens) - 1


class _Painter:
    """Walks markdown-it's token list of one block."""

    def __init__(self, theme: MarkdownTheme) -> None:
        self.theme = theme

    def blocks(
        self,
        tokens: list[Token],
        start: int,
        stop: int,
        width: int,
        style: Style,
        depth: int,
        tight: bool = False,
    ) -> list[Line]:
        """Render sibling blocks `tokens[start:stop]`, a blank line between them unless tight."""
        out: list[Line] = []
        i = start
        while i < stop:
            end = _close_index(tokens, i)
            lines = self.one(tokens, i, end, width, style, depth)
            if lines:
                if out and not tight:
                    out.append(blank(width, style))
                out.extend(lines)
            i = end + 1
        return out

    def one(
        self, tokens: list[Token], i: int, end: int, width: int, style: Style, depth: int
    ) -> list[Line]:
        token = tokens[i]
        kind = token.type
        theme = self.theme
        if kind == "paragraph_open":
            return wrap(inline_text(tokens[i + 1].children, theme, style), width, style)
        if kind == "heading_open":
            level = min(max(int(token.tag[1:] or 1), 1), 6)
            heading = style + theme.headings[level - 1]
            lines = wrap(inline_text(tokens[i + 1].children, theme, heading), width, style)
            if level == 1:
                lines.append([Segment("━" * width, heading)])
            return lines
        if kind in ("bullet_list_open", "ordered_list_open"):
            return self.list_block(tokens, i, end, width, style, depth)
        if kind == "blockquote_open":
            inner = self.blocks(tokens, i + 1, end, max(width - 2, 1), style + theme.quote, depth)
            bar = Segment("▌ ", style + theme.quote_bar)
            return [[bar, *line] for line in inner]
        if kind in ("fence", "code_block"):
            info = token.info.strip()
            code = token.content.split("\n")
            if code and code[-1] == "":
                code.pop()
            state = FenceState(info.split()[0] if info else "")
            return state.render(code, False, width, theme)
        if kind == "table_open":
            return self.table(tokens, i, end, width, style)
        if kind == "hr":
            return [[Segment("─" * width, style + theme.rule)]]
        if kind == "html_block":
            return wrap(Text(token.content.rstrip("\n"), style=style, end=""), width, style)
        return []

    def list_block(
        self, tokens: list[Token], i: int, end: int, width: int, style: Style, depth: int
    ) -> list[Line]:
        theme = self.theme
        opener = tokens[i]
        ordered = opener.type == "ordered_list_open"
        level = opener.level
        items = [
            j
            for j in range(i + 1, end)
            if tokens[j].level == level + 1 and tokens[j].type == "list_item_open"
        ]
        tight = any(
            tokens[j].type == "paragraph_open" and tokens[j].hidden
            for j in range(i + 1, end)
            if tokens[j].level == level + 2
        )
        if ordered:
            start = opener.attrGet("start")
            first = int(start) if isinstance(start, (int, str)) and str(start).isdigit() else 1
            delimiter = opener.markup or "."
            markers = [f"{first + n}{delimiter}" for n in range(len(items))]
        else:
            markers = [_BULLETS[depth % len(_BULLETS)]] * len(items)
        marker_width = max((len(m) for m in markers), default=1) + 1
        inner_width = max(width - marker_width, 1)
        out: list[Line] = []
        for marker, j in zip(markers, items, strict=True):
            close = _close_index(tokens, j)
            inner = self.blocks(tokens, j + 1, close, inner_width, style, depth + 1, tight)
            if not inner:
                inner = [blank(inner_width, style)]
            if out and not tight:
                out.append(blank(width, style))
            out.append([Segment(f"{marker:>{marker_width - 1}} ", style + theme.bullet), *inner[0]])
            indent = Segment(" " * marker_width, style)
            out.extend([indent, *line] for line in inner[1:])
        return out

    def table(self, tokens: list[Token], i: int, end: int, width: int, style: Style) -> list[Line]:
        theme = self.theme
        header: list[tuple[Text, str]] = []
        rows: list[list[Text]] = []
        in_head = True
        align = "left"
        for j in range(i + 1, end):
            token = tokens[j]
            if token.type == "tbody_open":
                in_head = False
            elif token.type == "tr_open" and not in_head:
                rows.append([])
            elif token.type in ("th_open", "td_open"):
                css = token.attrGet("style")
                align = str(css).rsplit(":", 1)[-1] if css else "left"
            elif token.type == "inline":
                if in_head:
                    cell = inline_text(token.children, theme, style + theme.table_header)
                    header.append((cell, align))
                else:
                    rows[-1].append(inline_text(token.children, theme, style))
        table = Table(
            box=box.ROUNDED,
            style=style,
            border_style=style + theme.table_border,
            header_style=Style(),
            expand=False,
            padding=(0, 1),
        )
        for cell, justify in header:
            table.add_column(cell, justify="right" if justify == "right" else
                             "center" if justify == "center" else "left")  # fmt: skip
        for row in rows:
            table.add_row(*row)
        console = render_console()
        options = console.options.update_width(width)
        return [
            pad(line, width, style) for line in console.render_lines(table, options, style=style)
        ]


def render_block(
    block: Block, width: int, theme: MarkdownTheme, fence: FenceState | None = None
) -> list[Line]:
    """Render one block to lines exactly `max(width, MIN_WIDTH)` cells wide.

    Args:
        block: The block; its `margin_top` blank lines come first.
        width: Render width in cells.
        theme: Styles.
        fence: For a fence block, the state that has highlighted its earlier lines (the answer
            view passes the same one while the fence streams); a fresh one if None.
    """
    width = max(width, MIN_WIDTH)
    base = theme.base
    lines = [blank(width, base) for _ in range(block.margin_top)]
    if block.kind == "fence":
        language, code = fence_parts(block)
        state = fence if fence is not None else FenceState(language)
        lines.extend(state.render(code, block.partial and not block.closed, width, theme))
    elif block.kind == "rule":
        lines.append([Segment("─" * width, base + theme.rule)])
    else:
        tokens = markdown_parser().parse(block.text)
        if block.list_number is not None:
            for token in tokens:
                if token.type == "ordered_list_open":
                    token.attrSet("start", block.list_number)
                    break
        lines.extend(_Painter(theme).blocks(tokens, 0, len(tokens), width, base, 0))
    return lines


def render_whole(text: str, width: int, theme: MarkdownTheme | None = None) -> list[Line]:
    """Render a whole Markdown text at once: the reference a finished stream must equal."""
    theme = theme or default_theme()
    lines: list[Line] = []
    for block in split_blocks(text):
        lines.extend(render_block(block, width, theme))
    return lines


def fenced_code(block: Block) -> list[tuple[str, str]]:
    """The fenced code in a block as (language, code): the block itself if it is a fence, or
    fences nested in a list item or quote."""
    if block.kind == "fence":
        language, code = fence_parts(block)
        return [(language, "\n".join(code))]
    text = block.text
    if block.kind not in ("list_item", "quote") or ("```" not in text and "~~~" not in text):
        return []
    found = []
    for token in markdown_parser().parse(text):
        if token.type == "fence":
            info = token.info.strip()
            found.append((info.split()[0] if info else "", token.content.removesuffix("\n")))
    return found


def warm_up(languages: Sequence[str] = ("python", "javascript", "bash", "json")) -> None:
    """Load the parser, the Pygments lexers and styles and Rich's table code once, so the
    first fence or table of a stream does not pay tens of milliseconds of imports mid-paint.
    Safe to run in a thread."""
    sample = "# a\n\n| a |\n|---|\n| *b* |\n\n" + "".join(
        f"```{language}\nx = 1\n```\n\n" for language in languages
    )
    render_whole(sample, 40)
