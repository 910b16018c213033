"""Mask credentials in text before it is logged or shown (RELIABILITY.md §5).

A `Secret` already hides itself in reprs and tracebacks, but text built elsewhere can still carry
a key: an exception message from httpx embeds the full URL (userinfo and query included), an
error body may echo the Authorization header, a debug log line may contain a header dump. Every
such string goes through `redact` before it reaches a log file or the screen.

What is masked:

- ``Bearer <token>`` and ``Basic <token>`` (any case);
- ``sk-…`` style keys of at least eight characters (OpenAI, OpenRouter ``sk-or-v1-…``);
- header-like ``authorization: …``, ``x-api-key: …``, ``api-key: …`` pairs;
- the userinfo of a URL (``https://user:pass@host`` → ``https://[redacted]@host``);
- query parameters that commonly carry keys (``?key=…``, ``api_key``, ``token``…);
- the exact value of every secret passed in (so a key of any shape is caught).

Pure functions, no I/O: the gateway, the store's log filter and the UI all call them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from playground.core.secret import Secret

MASK = "[redacted]"
"""What a masked value is replaced with."""

MIN_SECRET_LENGTH = 4
"""Exact-value masking ignores shorter values: masking every ``a`` in a log is noise, and a
key that short is not a key."""

_HEADER = re.compile(
    r"(?i)(\b(?:proxy-)?authorization|\bx-api-key|\bapi-key|\bx-goog-api-key)"
    r"([\"']?\s*[:=]\s*[\"']?)(?:(bearer|basic)\s+)?([^\s\"',}]+)"
)


def _mask_header(match: re.Match[str]) -> str:
    # Keep the scheme word ("Bearer") so the log still says what kind of credential it was.
    name, sep, scheme, value = match.groups()
    scheme = f"{scheme} " if scheme else ""
    if value == MASK:
        return match.group()
    return f"{name}{sep}{scheme}{MASK}"


_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Bearer <anything>" as HTTP spells it; other casings only before a token-like word, so
    # that "the bearer of news" stays prose.
    (re.compile(r"\b(Bearer|Basic)\s+(?!\[redacted\])[^\s\"',}]+"), r"\1 " + MASK),
    (re.compile(r"(?i)\b(bearer|basic)\s+(?!\[redacted\])[^\s\"',}]{8,}"), r"\1 " + MASK),
    (re.compile(r"sk-[A-Za-z0-9_-]{8,}"), "sk-" + MASK),
    # scheme://user:password@host → scheme://[redacted]@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@"), r"\1" + MASK + "@"),
    # ?key=… &api_key=… &token=… (value up to the next separator)
    (
        re.compile(
            r"(?i)([?&;](?:api[_-]?key|key|token|access[_-]?token|auth|secret|password)=)"
            r"[^&#\s\"']+"
        ),
        r"\1" + MASK,
    ),
)


def _values(secrets: Iterable[Secret | str]) -> list[str]:
    values = {s.reveal() if isinstance(s, Secret) else s for s in secrets}
    # Longest first: a key that contains another registered key is masked whole.
    return sorted((v for v in values if len(v) >= MIN_SECRET_LENGTH), key=len, reverse=True)


def redact(text: str, secrets: Iterable[Secret | str] = ()) -> str:
    """`text` with every credential-looking token and every value in `secrets` masked.

    Args:
        text: Anything that may end up in a log or on screen.
        secrets: Exact values to mask wherever they appear, whatever their shape.
    """
    for value in _values(secrets):
        if value in text:
            text = text.replace(value, MASK)
    # Header dumps first, so the value is masked whole (it may itself start with "Bearer").
    text = _HEADER.sub(_mask_header, text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def contains_secret(text: str, secrets: Iterable[Secret | str]) -> bool:
    """Whether any of `secrets` appears verbatim in `text` (for leak checks)."""
    return any(value in text for value in _values(secrets))
