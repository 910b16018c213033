"""Prompt caching as providers do it.

**Implicit** (OpenAI, Gemini, DeepSeek, xAI…): a request whose prompt starts with a prefix of
1,024 tokens or more that the same model on the same provider saw recently gets that prefix
back as ``prompt_tokens_details.cached_tokens``, in steps of 128 tokens, billed at the cache
read price. Nothing has to be asked for.

**Explicit** (Anthropic's ``cache_control``): the prompt up to the last message marked with
``cache_control`` is written to the cache (``cache_creation_input_tokens``, billed at the cache
write price) the first time and read from it afterwards.

Prefixes are compared on the canonical prompt text at four characters a token, the same
heuristic as the token counts.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

from playground.core.request import ImagePart, Message, Tool

MIN_PREFIX_TOKENS = 1024
"""The shortest prefix a provider caches."""
STEP_TOKENS = 128
"""Cached prefixes grow in steps of this many tokens."""
CHARS_PER_TOKEN = 4
_STEP_CHARS = STEP_TOKENS * CHARS_PER_TOKEN
CAPACITY = 200_000
"""Prefix digests kept per cache (least recently used go first)."""


def canonical_prompt(messages: Sequence[Message], tools: Sequence[Tool] = ()) -> list[str]:
    """The prompt as the text a provider caches, one string per message (tools first, as
    providers place them)."""
    out: list[str] = []
    if tools:
        out.append(
            "<|tools|>" + "|".join(f"{t.name}:{t.description}:{dict(t.parameters)}" for t in tools)
        )
    for message in messages:
        text = f"<|{message.role}|>{message.text}"
        for part in message.attachments:
            source = part.data or (part.url if isinstance(part, ImagePart) else "")
            digest = hashlib.sha1(source.encode()).hexdigest()
            text += f"<|{part.media_type}:{digest}|>"
        out.append(text)
    return out


def _digests(text: str) -> list[bytes]:
    """The digest of every prefix of `text` that ends on a 128-token boundary."""
    hasher = hashlib.sha1()
    digests = []
    for start in range(0, len(text) - _STEP_CHARS + 1, _STEP_CHARS):
        hasher.update(text[start : start + _STEP_CHARS].encode())
        digests.append(hasher.copy().digest())
    return digests


class PromptCache:
    """Implicit and explicit caches, one per (provider, model). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._implicit: dict[str, OrderedDict[bytes, None]] = {}
        self._explicit: dict[str, OrderedDict[bytes, None]] = {}

    def implicit(self, key: str, parts: Sequence[str], prompt_tokens: int) -> int:
        """Cached tokens for this prompt's prefix, then remember its prefixes.

        Args:
            key: the cache's name, ``provider:model``.
            parts: `canonical_prompt` of the request.
            prompt_tokens: the request's prompt tokens (the result never exceeds them).
        """
        digests = _digests("".join(parts))
        with self._lock:
            store = self._implicit.setdefault(key, OrderedDict())
            hits = 0
            for digest in digests:
                if digest not in store:
                    break
                hits += 1
            for digest in digests:
                store[digest] = None
                store.move_to_end(digest)
            while len(store) > CAPACITY:
                store.popitem(last=False)
        cached = hits * STEP_TOKENS
        if cached < MIN_PREFIX_TOKENS:
            return 0
        return min(cached, max(0, prompt_tokens - 1))

    def explicit(self, key: str, parts: Sequence[str], breakpoint_: int) -> tuple[int, int]:
        """(cache read tokens, cache write tokens) for a prompt marked up to message
        `breakpoint_` (an index into `parts`, which may start with the tools' entry)."""
        prefix = "".join(parts[: breakpoint_ + 1])
        tokens = len(prefix) // CHARS_PER_TOKEN
        if tokens < MIN_PREFIX_TOKENS:
            return 0, 0
        digest = hashlib.sha1(prefix.encode()).digest()
        with self._lock:
            store = self._explicit.setdefault(key, OrderedDict())
            if digest in store:
                store.move_to_end(digest)
                return tokens, 0
            store[digest] = None
            while len(store) > CAPACITY:
                store.popitem(last=False)
        return 0, tokens
