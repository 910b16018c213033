"""Tokens as the simulated providers count and stream them.

Two different jobs, kept consistent with the client:

- **Prompt tokens** use the client's own estimate (`core.pricing.estimate_prompt_tokens`, about
  four characters a token, plus framing per message), so the ``≈`` figure the app shows while
  streaming and the ``usage`` the simulated gateway reports agree on plain text.
- **Output tokens** are real pieces of text: `split_tokens` cuts an answer into word pieces the
  way a BPE tokenizer does (a leading space stays on the word, long words split into
  sub-words, punctuation and newlines apart), every piece is streamed as one delta, and
  ``completion_tokens`` is the number of pieces sent. Joining the pieces gives the text back
  exactly.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterable
from random import Random

from playground.core.pricing import estimate_prompt_tokens, estimate_tokens

# GPT-2's pre-tokenizer, with Python classes for \p{L} and \p{N}: contractions, a word with
# its leading space, up to three digits, a run of punctuation, newlines, other whitespace.
_PIECES = re.compile(
    r"""'(?:s|t|re|ve|m|ll|d)\b
      | \ ?[^\W\d_]+
      | \ ?\d{1,3}
      | \n+
      | \ ?[^\s\w]+
      | \ ?_+
      | [^\S\n]+(?=\S)
      | [^\S\n]+
      | .""",
    re.VERBOSE | re.DOTALL,
)

# Common English endings become their own piece, as they do in real vocabularies.
_SUFFIXES = ("ation", "tion", "sion", "ment", "ness", "able", "ing", "ally", "ed", "er", "ly")

_LONG_WORD = 7
"""Words longer than this (leading space included) are split into sub-word pieces."""

IMAGE_TOKENS = 258
"""Prompt tokens charged for one image (Gemini's flat figure; OpenAI's low-detail is 85)."""


def split_tokens(text: str) -> list[str]:
    """Cut `text` into the pieces a model would stream, one token each.

    ``"".join(split_tokens(text)) == text`` always holds.
    """
    pieces: list[str] = []
    for match in _PIECES.finditer(text):
        piece = match.group()
        if len(piece) > _LONG_WORD and piece.strip().isalpha():
            pieces.extend(_subwords(piece))
        else:
            pieces.append(piece)
    return pieces


def _subwords(word: str) -> list[str]:
    """``" understanding"`` → ``[" underst", "and", "ing"]``-like pieces of 3 to 6 letters."""
    tail: list[str] = []
    stem = word
    for suffix in _SUFFIXES:
        if stem.lower().endswith(suffix) and len(stem) - len(suffix) >= 4:
            tail.append(stem[-len(suffix) :])
            stem = stem[: -len(suffix)]
            break
    head: list[str] = []
    while len(stem) > 6:
        cut = 5 if stem[0] == " " else 4
        head.append(stem[:cut])
        stem = stem[cut:]
    head.append(stem)
    return head + tail


def count_tokens(text: str) -> int:
    """How many pieces `split_tokens` makes of `text`."""
    return len(split_tokens(text))


def prompt_tokens(
    texts: Iterable[str], *, images: int = 0, file_bytes: int = 0, tool_schema_chars: int = 0
) -> int:
    """The ``prompt_tokens`` the simulated gateway reports for a request.

    Args:
        texts: each message's text (system, user, assistant and tool results).
        images: how many images are attached; each costs `IMAGE_TOKENS`.
        file_bytes: total decoded size of attached files, counted at four bytes a token.
        tool_schema_chars: length of the tools' JSON definitions, counted like text.
    """
    total = estimate_prompt_tokens(list(texts))
    total += images * IMAGE_TOKENS
    total += (file_bytes + 3) // 4
    if tool_schema_chars:
        total += estimate_tokens("x" * tool_schema_chars) + 8
    return total


def decoded_size(data: str) -> int:
    """Bytes in a base64 payload, without decoding all of it."""
    data = data.strip()
    if not data:
        return 0
    padding = data[-2:].count("=")
    return max(0, len(data) * 3 // 4 - padding)


def decode_head(data: str, size: int = 4096) -> bytes:
    """The first `size` bytes of a base64 payload (enough to read a PNG header or a text
    file's first lines); empty if it is not valid base64."""
    chunk = data.strip()[: (size // 3 + 1) * 4]
    try:
        return base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=False)[:size]
    except ValueError:
        return b""


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(rng: Random, now_ms: int | None = None) -> str:
    """A ULID-shaped id: 48 bits of milliseconds and 80 bits from `rng`, in Crockford base 32."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms & (2**48 - 1)) << 80 | rng.getrandbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def short_id(rng: Random, length: int = 24) -> str:
    """Random letters and digits, for ``call_…``, ``resp_…`` and fingerprint ids."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(rng.choice(alphabet) for _ in range(length))
