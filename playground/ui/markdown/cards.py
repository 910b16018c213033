"""Provides the small pieces the answer view draws around the Markdown: tool-call cards and the
reasoning header.

A tool call's arguments stream as JSON text; the card shows them pretty-printed and coloured
once they parse, and as the raw text (wrapped) until then. Names and arguments are untrusted:
both pass through the sanitizer, and neither is ever parsed as markup.
"""

from __future__ import annotations

import json

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from playground.core.sanitize import safe_line, safe_text
from playground.ui.markdown.code import LineHighlighter, TokenStyles
from playground.ui.markdown.render import MIN_WIDTH, Line, blank, pad, wrap
from playground.ui.markdown.theme import MarkdownTheme

TOGGLE_META = "answer-toggle"
"""Style meta key on the reasoning header; clicking it toggles the reasoning."""
CARD_CHARS = 4_000
"""Arguments still streaming (not yet valid JSON) are shown by their last this many
characters: a tool call writing a file can carry 100 KB, re-wrapped on every paint."""
CARD_LINES = 40
"""Pretty-printed arguments are cut after this many lines (the card is a summary)."""


def pretty_arguments(arguments: str) -> tuple[str, bool]:
    """Return (text to show, whether it is valid JSON) for a tool call's arguments so far."""
    try:
        value = json.loads(arguments)
    except ValueError:
        return arguments, False
    return json.dumps(value, indent=2, ensure_ascii=False), True


def tool_card(
    name: str,
    arguments: str,
    width: int,
    theme: MarkdownTheme,
    border: Style,
    title: Style,
) -> list[Line]:
    """A boxed card: the tool's name in the top border, its arguments inside.

    Args:
        name: The function name (untrusted).
        arguments: The JSON arguments received so far (untrusted, possibly incomplete).
        width: Card width in cells.
        theme: Styles for the body and the JSON colours.
        border: Style of the box lines.
        title: Style of the name.
    """
    width = max(width, MIN_WIDTH)
    base = theme.base
    inner = width - 4
    label = safe_line(name or "tool", limit=max(inner - 4, 1))
    top = [
        Segment("╭─ ", base + border),
        Segment("⚙ " + label, base + title),
        Segment(" ", base + border),
    ]
    used = Segment.get_line_length(top)
    top.append(Segment("─" * max(width - used - 1, 0) + "╮", base + border))
    lines: list[Line] = [pad(top, width, base)]
    shown, valid = pretty_arguments(arguments)
    if valid:
        rows = shown.split("\n")
        if len(rows) > CARD_LINES:
            more = len(rows) - CARD_LINES
            shown = "\n".join([*rows[:CARD_LINES], f"… {more} more lines"])
    elif len(shown) > CARD_CHARS:
        shown = "…" + shown[-CARD_CHARS:]
    shown = safe_text(shown)  # after parsing too: JSON escapes can decode to C1 or bidi controls
    body: list[Line] = []
    if valid:
        styles = TokenStyles(theme.code_theme, base)
        highlighter = LineHighlighter("json")
        for row in shown.split("\n"):
            segments = [Segment(v, styles(t)) for t, v in highlighter.feed(row)]
            text = Text(end="", style=base)
            for segment in segments:
                text.append(segment.text, segment.style)
            body.extend(wrap(text, inner, base))
    elif shown:
        for row in shown.split("\n"):
            body.extend(wrap(Text(row, style=base, end=""), inner, base))
    else:
        body.append(pad([], inner, base))
    side = Segment("│ ", base + border)
    right = Segment(" │", base + border)
    lines.extend([side, *row, right] for row in body)
    lines.append([Segment("╰" + "─" * (width - 2) + "╯", base + border)])
    return lines


def tool_cards(
    tools: dict[int, tuple[str, str]],
    width: int,
    theme: MarkdownTheme,
    border: Style,
    title: Style,
) -> list[Line]:
    """Cards for every tool call, by index, a blank line between them.

    Args:
        tools: Index → (name, arguments so far).
        width: Card width.
        theme: Styles.
        border: Style of the box lines.
        title: Style of the names.
    """
    lines: list[Line] = []
    for index in sorted(tools):
        if lines:
            lines.append(blank(width, theme.base))
        lines.extend(tool_card(*tools[index], width, theme, border, title))
    return lines


def reasoning_header(collapsed: bool, line_count: int, width: int, style: Style) -> Line:
    """The clickable line above the reasoning: ``▶ Reasoning (n lines)`` or ``▼ Reasoning``."""
    width = max(width, MIN_WIDTH)
    count = f"{line_count} line" + ("" if line_count == 1 else "s")
    label = f"▶ Reasoning ({count})" if collapsed else "▼ Reasoning"
    return pad([Segment(label, style + Style(meta={TOGGLE_META: "reasoning"}))], width, style)
