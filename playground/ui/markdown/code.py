"""Provides `LineHighlighter`: Pygments highlighting one line at a time, for code that streams.

Highlighting a whole fence again on every paint is what makes Textual's `Markdown` fall to
47 tok/s inside a long code block (PERFORMANCE.md §4.1). Here a fence is lexed line by line as
lines complete, carrying the lexer's state stack from one line to the next, so each line is
lexed once and a multi-line string or comment opened on one line is still coloured on the
next. The same highlighter renders finished fences, so a streamed fence and the same fence
rendered whole are identical by construction.

Lexers that are plain `RegexLexer`s (Python, JavaScript, TypeScript, Rust, Go, Java, Bash, SQL,
HTML, CSS, TOML…) resume exactly; the rare lexer with its own tokenizer loop (C, C++, JSON,
YAML…) is run per line from its root state, which only loses colour inside constructs that
span lines. Pygments' single multi-line regexes (Python docstrings as ``String.Doc``) see one
line at a time and fall back to their line-wise rules (``String.Double``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from pygments.lexer import Lexer, RegexLexer
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import Error, Text, Whitespace, _TokenType
from pygments.util import ClassNotFound
from rich.style import Style

CodeToken = tuple[_TokenType, str]
"""A Pygments token type and its text."""

_ALIASES = {"py3": "python", "js": "javascript", "ts": "typescript", "sh": "bash", "shell": "bash"}
_MAX_LEXED_LINE = 4000
"""Longer lines are shown unhighlighted: a minified blob would cost more than it shows."""


@lru_cache(maxsize=64)
def lexer_for(language: str) -> Lexer | None:
    """The Pygments lexer for a fence's language, or None (plain text) if unknown."""
    name = language.strip().lower()
    if not name:
        return None
    try:
        return get_lexer_by_name(_ALIASES.get(name, name), stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def _resumable(lexer: Lexer) -> bool:
    """Whether `lexer` runs Pygments' stock regex loop, which we can resume between lines."""
    return (
        isinstance(lexer, RegexLexer)
        and type(lexer).get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed
    )


def _regex_tokens(lexer: RegexLexer, text: str, stack: list[str]) -> Iterator[CodeToken]:
    """Pygments' `RegexLexer.get_tokens_unprocessed`, resuming from and updating `stack`.

    A copy of the stock loop (pygments/lexer.py) whose state stack outlives the call.
    """
    pos = 0
    tokendefs = lexer._tokens
    statetokens = tokendefs[stack[-1]]
    while True:
        for rexmatch, action, new_state in statetokens:
            m = rexmatch(text, pos)
            if m:
                if action is not None:
                    if type(action) is _TokenType:
                        yield action, m.group()
                    else:
                        for _, ttype, value in action(lexer, m):
                            yield ttype, value
                pos = m.end()
                if new_state is not None:
                    if isinstance(new_state, tuple):
                        for state in new_state:
                            if state == "#pop":
                                if len(stack) > 1:
                                    stack.pop()
                            elif state == "#push":
                                stack.append(stack[-1])
                            else:
                                stack.append(state)
                    elif isinstance(new_state, int):
                        if abs(new_state) >= len(stack):
                            del stack[1:]
                        else:
                            del stack[new_state:]
                    elif new_state == "#push":
                        stack.append(stack[-1])
                    statetokens = tokendefs[stack[-1]]
                break
        else:
            if pos >= len(text):
                return
            if text[pos] == "\n":
                stack[:] = ["root"]
                statetokens = tokendefs["root"]
                yield Whitespace, "\n"
            else:
                yield Error, text[pos]
            pos += 1


class LineHighlighter:
    """Lexes the lines of one code block in order, one call per completed line."""

    __slots__ = ("_lexer", "_resume", "_stack")

    def __init__(self, language: str) -> None:
        """
        Args:
            language: The fence's info string (first word), e.g. ``python``.
        """
        self._lexer = lexer_for(language)
        self._resume = self._lexer is not None and _resumable(self._lexer)
        self._stack: list[str] = ["root"]

    def _lex(self, line: str, stack: list[str]) -> list[CodeToken]:
        lexer = self._lexer
        if lexer is None or len(line) > _MAX_LEXED_LINE:
            return [(Text, line)] if line else []
        text = line + "\n"
        if self._resume:
            assert isinstance(lexer, RegexLexer)
            tokens = list(_regex_tokens(lexer, text, stack))
        else:
            tokens = [(ttype, value) for _, ttype, value in lexer.get_tokens_unprocessed(text)]
        # Drop the newline we added (it may be glued to the last token's text).
        while tokens:
            ttype, value = tokens[-1]
            if value.endswith("\n"):
                value = value[:-1]
                if value:
                    tokens[-1] = (ttype, value)
                    break
                tokens.pop()
            else:
                break
        return tokens

    def feed(self, line: str) -> list[CodeToken]:
        """Lex the next complete line (no newline), advancing the lexer state."""
        return self._lex(line, self._stack)

    def peek(self, line: str) -> list[CodeToken]:
        """Lex a line that is still being typed, leaving the lexer state as it was."""
        return self._lex(line, list(self._stack))


@lru_cache(maxsize=16)
def _pygments_style(name: str) -> Any:
    try:
        return get_style_by_name(name)
    except ClassNotFound:
        return get_style_by_name("default")


class TokenStyles:
    """Rich styles for Pygments token types under one Pygments style, over a base style.

    Unlike Rich's `PygmentsSyntaxTheme`, the Pygments background is not painted: the code
    block's background comes from the app theme, so it follows theme switches.
    """

    __slots__ = ("_base", "_cache", "_style")

    def __init__(self, style_name: str, base: Style) -> None:
        """
        Args:
            style_name: A Pygments style name (``monokai``, ``friendly``…); unknown names fall
                back to ``default``.
            base: The code block's style (its background and default colour).
        """
        self._style = _pygments_style(style_name)
        self._base = base
        self._cache: dict[_TokenType, Style] = {}

    @property
    def base(self) -> Style:
        """The code block's own style."""
        return self._base

    def __call__(self, ttype: _TokenType) -> Style:
        """The style for a token type (cached)."""
        try:
            return self._cache[ttype]
        except KeyError:
            pass
        try:
            spec = self._style.style_for_token(ttype)
        except KeyError:
            style = self._base
        else:
            style = self._base + Style(
                color=f"#{spec['color']}" if spec["color"] else None,
                bold=spec["bold"] or None,
                italic=spec["italic"] or None,
                underline=spec["underline"] or None,
            )
        self._cache[ttype] = style
        return style
