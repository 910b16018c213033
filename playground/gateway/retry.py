"""When to try a failed request again, and how long to wait first (RELIABILITY.md §2.3).

The one rule that matters: **never retry once a token has been shown**. A chat request is not
idempotent (it is billed, and a second answer differs from the first), so a retry after text
arrived would splice two answers together. Before the first token, a bounded, visible retry
hides most transient failures: connect errors, timeouts before the response headers, 408, 409,
429 and 5xx, and an error object or a cut connection that arrives before any content.

The waiting follows openai-python (``_base_client.py``): ``retry-after-ms``, then
``Retry-After`` as seconds (a float is fine) or as an HTTP date, honoured when
0 < delay <= `RetryPolicy.max_retry_after_s`; a longer Retry-After means no retry at all (the
error message says when to come back). Without a usable Retry-After the wait is exponential
with jitter: ``min(0.5 * 2**n, 8) * (1 - 0.25 * random())``. ``x-should-retry: true|false``
from the server overrides the status rule, except that 400, 401, 402, 403, 404 and 422 are
never retried whatever it says.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from playground.core.errors import (
    ConnectionLost,
    GatewayError,
    StatusError,
    StreamError,
    Timeout,
    Unreachable,
)

NEVER_RETRY_STATUSES = frozenset({400, 401, 402, 403, 404, 422})
"""Statuses that a second try cannot fix: the request, the key or the account is wrong."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times, and how patiently, to retry before the first token."""

    max_retries: int = 2
    """Retries after the first attempt (so at most ``max_retries + 1`` requests)."""
    max_retry_after_s: float = 60.0
    """The longest Retry-After that is waited out; a longer one means no retry."""
    initial_delay_s: float = 0.5
    """The first backoff, doubled for each retry after it."""
    max_delay_s: float = 8.0
    """The longest backoff."""
    jitter: float = 0.25
    """Each backoff is shortened by a random fraction up to this much."""


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """Whether to retry, and after how long."""

    retry: bool
    delay_s: float = 0.0
    reason: str = ""
    """Why, in a few words (for logs and tests)."""


def parse_retry_after(headers: Mapping[str, str], *, now: float) -> float | None:
    """How long the server asked us to wait, in seconds, or None if it did not say.

    Args:
        headers: The response headers (a case-insensitive mapping such as `httpx.Headers`).
        now: Wall-clock time (Unix seconds), to turn an HTTP date into a delay.

    Returns:
        ``retry-after-ms`` / 1000, else ``Retry-After`` as seconds or as an HTTP date (a date
        in the past gives a negative delay); None if neither header is present and valid.
    """
    value = headers.get("retry-after-ms")
    if value is not None:
        seconds = _number(value)
        if seconds is not None:
            return seconds / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    parsed = email.utils.parsedate_tz(value.strip())
    if parsed is None:
        return None
    return float(email.utils.mktime_tz(parsed)) - now


def _number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def backoff_delay(policy: RetryPolicy, retries_so_far: int, rand: float) -> float:
    """The exponential backoff before retry number ``retries_so_far + 1``.

    Args:
        policy: The limits.
        retries_so_far: 0 before the first retry, 1 before the second…
        rand: A number in [0, 1) (``random.random()``), for the jitter.
    """
    base = min(policy.initial_delay_s * 2.0 ** min(retries_so_far, 30), policy.max_delay_s)
    return max(0.0, base * (1.0 - policy.jitter * rand))


def is_retryable(error: GatewayError, *, headers_received: bool) -> bool:
    """Whether this failure, before any token, is one a second attempt may cure."""
    if isinstance(error, StatusError):
        status = error.status or 0
        return status in (408, 409, 429) or status >= 500
    if isinstance(error, Unreachable | StreamError | ConnectionLost):
        return True
    if isinstance(error, Timeout):
        # A connect timeout, or no response headers within the idle limit: the request may
        # never have been processed. Once headers arrived, a stall is the provider's; and the
        # first-token and total limits are the user's patience, spent: never retried.
        return error.phase == "connect" or (error.phase == "idle" and not headers_received)
    return False


def decide(
    policy: RetryPolicy,
    error: GatewayError,
    *,
    retries_so_far: int,
    got_content: bool,
    headers_received: bool = False,
    retry_after_s: float | None = None,
    should_retry: str | None = None,
    random: Callable[[], float],
) -> RetryDecision:
    """Whether to retry after `error`, and how long to wait first.

    Args:
        policy: The limits.
        error: Why the attempt failed.
        retries_so_far: Retries already made (0 after the first attempt).
        got_content: Whether any content, reasoning or tool-call delta was yielded.
        headers_received: Whether the failed attempt got its response headers.
        retry_after_s: The server's Retry-After, parsed (`parse_retry_after`).
        should_retry: The ``x-should-retry`` header, if the server sent one.
        random: Source of the jitter.
    """
    if got_content:
        return RetryDecision(False, reason="tokens were already shown")
    status = error.status
    if status in NEVER_RETRY_STATUSES:
        return RetryDecision(False, reason=f"{status} is never retried")
    if retries_so_far >= policy.max_retries:
        return RetryDecision(False, reason="no retries left")
    hint = (should_retry or "").strip().lower()
    if hint == "false":
        return RetryDecision(False, reason="the server said x-should-retry: false")
    if hint != "true" and not is_retryable(error, headers_received=headers_received):
        return RetryDecision(False, reason=f"{error.kind} errors are not retried")
    if retry_after_s is not None and retry_after_s > 0:
        if retry_after_s <= policy.max_retry_after_s:
            return RetryDecision(True, retry_after_s, "waiting as Retry-After asked")
        return RetryDecision(
            False, reason=f"Retry-After {retry_after_s:g} s is above {policy.max_retry_after_s:g} s"
        )
    delay = backoff_delay(policy, retries_so_far, random())
    return RetryDecision(True, delay, "backoff")
