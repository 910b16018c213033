"""Provides `inline_text`: markdown-it inline tokens to a Rich `Text`, styled with spans.

Model text is never parsed as markup: every piece is appended as plain text with a `Style`.
Links keep their URL in the style's meta (``answer-link``, ``answer-link-text``); nothing
here builds an action. Only http and https links are styled and clickable; any other scheme
is shown as its text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markdown_it.token import Token
from rich.style import Style
from rich.text import Text

from playground.ui.markdown.theme import MarkdownTheme

LINK_META = "answer-link"
"""Style meta key holding a link's URL."""
LINK_TEXT_META = "answer-link-text"
"""Style meta key holding a link's text."""


def safe_url(url: str) -> str | None:
    """Return `url` if it is an absolute http(s) URL we may offer to open, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def link_style(theme: MarkdownTheme, url: str, text: str) -> Style:
    """The style of a clickable link: the theme's link look plus the URL in meta."""
    return theme.link + Style(meta={LINK_META: url, LINK_TEXT_META: text})


def inline_text(children: list[Token] | None, theme: MarkdownTheme, style: Style) -> Text:
    """Render inline tokens to a `Text` whose base style is `style`.

    Args:
        children: The ``children`` of a markdown-it ``inline`` token.
        theme: Styles for emphasis, code and links.
        style: The block's style (paragraph, heading, quote…), under every span.
    """
    text = Text(style=style, end="")
    stack: list[Style] = [Style()]
    links: list[tuple[str | None, int]] = []
    append = text.append
    for token in children or ():
        kind = token.type
        if kind == "text":
            append(token.content, stack[-1])
        elif kind == "softbreak":
            append(" ", stack[-1])
        elif kind == "hardbreak":
            append("\n")
        elif kind == "code_inline":
            append(token.content, stack[-1] + theme.code_inline)
        elif kind == "strong_open":
            stack.append(stack[-1] + theme.strong)
        elif kind == "em_open":
            stack.append(stack[-1] + theme.emphasis)
        elif kind == "s_open":
            stack.append(stack[-1] + theme.strike)
        elif kind in ("strong_close", "em_close", "s_close"):
            if len(stack) > 1:
                stack.pop()
        elif kind == "link_open":
            href = token.attrs.get("href")
            links.append((safe_url(href) if isinstance(href, str) else None, len(text)))
        elif kind == "link_close":
            if links:
                url, start = links.pop()
                if url is not None and len(text) > start:
                    text.stylize(link_style(theme, url, text.plain[start:]), start)
        elif kind == "image":
            src = token.attrs.get("src")
            url = safe_url(src) if isinstance(src, str) else None
            label = f"[image: {token.content}]" if token.content else "[image]"
            start = len(text)
            append(label, stack[-1])
            if url is not None:
                text.stylize(link_style(theme, url, label), start)
        else:  # html_inline, and anything a later markdown-it adds: shown as written
            append(token.content, stack[-1])
    return text
