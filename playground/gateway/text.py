"""Gateway-supplied text made fit for a message: redacted, readable, short, one line.

Error bodies, exception texts and in-band error objects come from the network, so they are
untrusted: they may hold the key (echoed back by a proxy), markup, escape sequences, whole HTML
pages, or the real reason buried three levels deep in stringified JSON. The helpers here turn
them into something a person can read in one line, without any of that.
"""

from __future__ import annotations

import re

import orjson

from playground.core.redact import redact as redact_text
from playground.core.sanitize import safe_line
from playground.core.secret import Secret

MESSAGE_LIMIT = 300
"""Longest user-facing message, in characters (RELIABILITY.md §5: "truncated to about 300")."""
SNIPPET_LIMIT = 200
"""Longest piece of a response body quoted in a message."""
DETAIL_LIMIT = 2000
"""Longest sanitized body kept in `GatewayError.detail` for an expandable error card."""

_TAG = re.compile(r"<[^>]*>")
_SCRIPT = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>")
_HTML_TITLE = re.compile(r"(?is)<title[^>]*>(.*?)</title>")
_ENTITY = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " "}

_GENERIC_MESSAGES = frozenset(
    {
        "error",
        "an error occurred",
        "stream error occurred",
        "internal server error",
        "internal error",
        "unknown error",
        "provider returned error",
        "upstream error",
        "bad gateway",
        "service unavailable",
    }
)
"""Messages that say nothing; a nested message is preferred over them."""

_MESSAGE_KEYS = ("message", "error_message", "error", "detail", "msg", "reason", "description")


def redact(text: str, secret: Secret | None = None) -> str:
    """`text` without anything that could be a credential: the key itself, ``Bearer …``
    tokens, ``sk-…`` keys, URL userinfo and key-like query parameters, which httpx exception
    texts include verbatim (RELIABILITY.md §5, X6). The rules are `core.redact`'s, so that
    messages and the log filter mask alike."""
    return redact_text(text, (secret,) if secret else ())


def one_line(text: str, secret: Secret | None = None, limit: int = MESSAGE_LIMIT) -> str:
    """A user-facing line: redacted, sanitized, on one line, at most `limit` characters."""
    return safe_line(redact(text, secret), limit)


def html_text(body: str) -> str:
    """The readable text of an HTML page: its title and visible text, without tags."""
    title = _HTML_TITLE.search(body)
    text = _TAG.sub(" ", _SCRIPT.sub(" ", body))
    for entity, char in _ENTITY.items():
        text = text.replace(entity, char)
    text = " ".join(text.split())
    if title:
        heading = " ".join(title.group(1).split())
        if heading and not text.startswith(heading):
            text = f"{heading} {text}"
    return text


def body_snippet(body: bytes, content_type: str, limit: int = SNIPPET_LIMIT) -> str:
    """The first `limit` readable characters of a response body (HTML tags removed)."""
    text = body[: 64 * 1024].decode("utf-8", "replace")
    if "html" in content_type.lower() or text.lstrip()[:1] == "<":
        text = html_text(text)
    return safe_line(text, limit)


def best_error_message(error: object) -> str | None:
    """The most useful message inside a free-form error value.

    Gateways nest the real reason: Vercel's in-band errors carry ``"Stream error occurred"`` on
    top and the provider's message inside ``value.error_message`` as stringified JSON;
    OpenRouter puts the upstream body in ``metadata.raw``. So walk the whole value, parse
    strings that look like JSON objects, and prefer the most deeply nested message that is not
    a generic one ("Stream error occurred", "Provider returned error").

    Args:
        error: The ``error`` value of a body or chunk: an object, a string, anything.

    Returns:
        The message, stripped but not yet sanitized; None if there is none.
    """
    found: list[tuple[int, str]] = []
    _collect(error, 0, found, is_message=True)
    if not found:
        return None
    specific = [(depth, text) for depth, text in found if text.lower() not in _GENERIC_MESSAGES]
    if specific:
        deepest = max(depth for depth, _ in specific)
        return next(text for depth, text in specific if depth == deepest)
    return found[0][1]


def _collect(value: object, depth: int, found: list[tuple[int, str]], *, is_message: bool) -> None:
    if depth > 8:
        return
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "{[" and text[-1:] in "}]" and len(text) < 256 * 1024:
            try:
                parsed = orjson.loads(text)
            except orjson.JSONDecodeError:
                parsed = None
            if isinstance(parsed, dict | list):
                _collect(parsed, depth + 1, found, is_message=False)
                return
        if is_message and text:
            found.append((depth, text))
    elif isinstance(value, dict):
        for key in _MESSAGE_KEYS:
            if key in value:
                _collect(value[key], depth + 1, found, is_message=True)
        for key, item in value.items():
            if key not in _MESSAGE_KEYS and isinstance(item, dict | list | str):
                _collect(item, depth + 1, found, is_message=False)
    elif isinstance(value, list):
        for item in value[:20]:
            _collect(item, depth + 1, found, is_message=False)


def error_code(error: object) -> str | None:
    """``error.type``, else ``error.code`` (OpenRouter's is a number), as a string."""
    if not isinstance(error, dict):
        return None
    for key in ("type", "code", "name"):
        value = error.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None
