"""From what went wrong on the wire to a typed `core.errors` error with one clear line.

Three sources of failure, three functions:

- `error_for_status`: a non-2xx response, from its status, headers and body (JSON
  ``error.{message,type,code,param}``, OpenRouter's numeric ``code``, a flat string error, an
  HTML page, nothing at all);
- `error_for_exception`: an httpx exception (DNS failure, refused connection, TLS, timeouts, a
  connection cut in the middle of the body);
- `stream_error`: an ``{"error": …}`` object inside a 200 event stream, whose useful message
  may be buried in nested, even stringified, JSON (PROTOCOL.md §2.6).

Every message is one line (`safe_line`: no escape sequences, no newlines, at most about 300
characters), names the host rather than the URL, and passes through `redact`, which removes the
key, bearer tokens, ``sk-…`` strings, URL userinfo and query strings. The catalog fetcher uses
the same functions, so every gateway call reports errors alike.
"""

from __future__ import annotations

import re
import socket
import ssl
import time
from collections.abc import Mapping
from typing import Any

import httpx
import orjson

from playground.core.errors import (
    AuthError,
    BadRequest,
    ConnectionLost,
    GatewayError,
    NotFound,
    PaymentRequired,
    ProtocolError,
    RateLimited,
    ServerError,
    StatusError,
    StreamError,
    Timeout,
    Unreachable,
)
from playground.core.secret import Secret
from playground.gateway.text import (
    DETAIL_LIMIT,
    best_error_message,
    body_snippet,
    error_code,
    one_line,
    redact,
)


def stream_error(
    error: object,
    *,
    tokens: int,
    provider: str | None = None,
    generation_id: str | None = None,
    secret: Secret | None = None,
) -> StreamError:
    """The error for an ``{"error": …}`` chunk (or ``event: error``) inside a 200 stream.

    Args:
        error: The chunk's ``error`` value (or the whole payload of an ``event: error``).
        tokens: How many deltas arrived before it (0: retrying may help).
        provider: The provider that failed, when the chunk names it (OpenRouter).
        generation_id: The generation id, when known.
        secret: The key, so that it can be removed from the text.
    """
    reason = best_error_message(error) or "no details given"
    where = f" ({provider})" if provider else ""
    if tokens:
        message = f"The stream broke off after {tokens:,} tokens: {reason}{where}"
    else:
        message = f"The gateway reported an error before the answer started: {reason}{where}"
    detail = ""
    try:
        detail = one_line(orjson.dumps(error).decode(), secret, DETAIL_LIMIT)
    except TypeError:
        detail = ""
    return StreamError(
        one_line(message, secret),
        code=error_code(error),
        detail=detail,
        generation_id=generation_id,
    )


def retry_after_text(retry_after_s: float, now: float) -> str:
    """``retry after 14:02`` (local time; with the date when it is more than a day away)."""
    at = now + retry_after_s
    fmt = "%H:%M" if retry_after_s < 20 * 3600 else "%Y-%m-%d %H:%M"
    if retry_after_s < 120:
        fmt = "%H:%M:%S"
    return "retry after " + time.strftime(fmt, time.localtime(at))


def error_for_status(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    host: str,
    retry_after_s: float | None = None,
    now: float | None = None,
    secret: Secret | None = None,
) -> GatewayError:
    """The typed error for a non-2xx response (PROTOCOL.md §2.7, RELIABILITY.md §7 N2–N6).

    Args:
        status: The HTTP status.
        headers: The response headers (case-insensitive mapping, e.g. `httpx.Headers`).
        body: The response body, or its first part.
        host: The gateway's host, for the message.
        retry_after_s: What ``Retry-After``/``retry-after-ms`` asked for, when present.
        now: Wall-clock time (Unix seconds) for "retry after 14:02"; default `time.time()`.
        secret: The key, so that it can be removed from the text.
    """
    content_type = headers.get("content-type", "")
    parsed = _parse_error_body(body)
    code: str | None = None
    generation_id: str | None = None
    reason: str | None = None
    if parsed is not None:
        error = parsed.get("error", parsed)
        reason = best_error_message(error)
        code = error_code(error)
        if reason is None and error is not parsed:
            reason = best_error_message(parsed)
        gid = parsed.get("generationId")
        generation_id = gid if isinstance(gid, str) else None
    snippet = body_snippet(body, content_type)
    is_page = parsed is None and ("html" in content_type.lower() or snippet[:1] == "<")
    if reason is None:
        reason = snippet or "the response had no body"
    detail = body_snippet(body, content_type, DETAIL_LIMIT)

    when = ""
    if retry_after_s is not None and retry_after_s > 0:
        when = "; " + retry_after_text(retry_after_s, time.time() if now is None else now)
    cls, text = _status_text(status, host, reason, when, is_page)
    return cls(
        one_line(text, secret),
        status=status,
        code=code,
        detail=redact(detail, secret),
        retry_after_s=retry_after_s,
        generation_id=generation_id or headers.get("x-generation-id"),
    )


def _parse_error_body(body: bytes) -> dict[str, Any] | None:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


_ADVISES = re.compile(r"\b(?:check|create|regenerate|rotate)\b", re.IGNORECASE)


def _status_text(
    status: int, host: str, reason: str, when: str, is_page: bool
) -> tuple[type[GatewayError], str]:
    if status == 401:
        # The advice, unless the gateway's message already gives it ("Check the key or
        # create a new one in the AI Gateway dashboard").
        advice = "" if _ADVISES.search(reason) else " Check the key, or set a new one."
        return AuthError, f"The gateway rejected the API key (401): {reason.rstrip('.')}.{advice}"
    if status == 403:
        return AuthError, f"The gateway refused the request (403): {reason}"
    if status == 402:
        return PaymentRequired, f"Out of credits (402): {reason}"
    if status == 404:
        if is_page:
            return NotFound, f"Not found (404) at {host}: check the gateway URL: {reason}"
        return NotFound, f"Not found (404): {reason}"
    if status in (400, 413, 422):
        label = {400: "rejected the request", 413: "found the request too large"}.get(
            status, "could not process the request"
        )
        return BadRequest, f"The gateway {label} ({status}): {reason}"
    if status == 429:
        return RateLimited, f"Rate limited (429){when}: {reason}"
    if status == 408:
        return ServerError, f"The gateway timed out (408){when}: {reason}"
    if status == 409:
        return ServerError, f"Conflict (409){when}, the request may be retried: {reason}"
    if status >= 500:
        label = {
            500: "The gateway had an internal error",
            502: "Bad gateway: the provider or a proxy failed",
            503: "The gateway is unavailable",
            504: "The gateway timed out waiting for the provider",
        }.get(status, "The gateway failed")
        return ServerError, f"{label} ({status}){when}: {reason}"
    if status == 405:
        return StatusError, f"Method not allowed (405) at {host}: check the gateway URL"
    if 300 <= status < 400:
        return ProtocolError, f"Unexpected redirect ({status}) from {host}"
    return StatusError, f"Unexpected response ({status}) from {host}{when}: {reason}"


def redirect_error(status: int, location: str | None, *, host: str) -> ProtocolError:
    """A 3xx: never followed, so that the key is never sent to another host (N8)."""
    target = "another address"
    if location:
        try:
            url = httpx.URL(location)
            target = url.host or "another path on the same host"
        except httpx.InvalidURL:
            target = "an invalid address"
    message = (
        f"{host} redirected the request to {target} ({status}); redirects are not followed so "
        "that the key is never sent elsewhere. Check the gateway URL."
    )
    return ProtocolError(one_line(message), status=status)


def not_an_event_stream(status: int, content_type: str, body: bytes) -> ProtocolError:
    """A 2xx that is not ``text/event-stream``: a captive portal, a proxy, a wrong URL (N7)."""
    kind = content_type.split(";")[0].strip() or "no content type"
    snippet = body_snippet(body, content_type)
    parsed = _parse_error_body(body)
    if parsed is not None:
        snippet = best_error_message(parsed.get("error", parsed)) or snippet
    message = (
        f"Expected an event stream but got {kind} (HTTP {status}) — a proxy or captive portal "
        f"may be in the way: {snippet or '(empty body)'}"
    )
    return ProtocolError(
        one_line(message), status=status, detail=body_snippet(body, content_type, DETAIL_LIMIT)
    )


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes, outermost first."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 12:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def connect_reason(exc: BaseException) -> str:
    """Why a connection could not be made, in a few plain words."""
    for cause in _chain(exc):
        if isinstance(cause, socket.gaierror):
            return "the name could not be resolved (DNS lookup failed)"
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = getattr(cause, "verify_message", None) or getattr(cause, "reason", None)
            return f"TLS certificate check failed ({detail or 'certificate not trusted'})"
        if isinstance(cause, ssl.SSLError):
            detail = getattr(cause, "reason", None) or cause.__class__.__name__
            return f"TLS handshake failed ({detail})"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "connection reset"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror[:1].lower() + cause.strerror[1:]
    text = str(exc) or exc.__class__.__name__
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "the name could not be resolved (DNS lookup failed)"
    if "refused" in text.lower():
        return "connection refused"
    return text


def error_for_exception(
    exc: httpx.HTTPError,
    *,
    host: str,
    headers_received: bool,
    tokens: int = 0,
    timeouts: Mapping[str, float | None] | None = None,
    secret: Secret | None = None,
) -> GatewayError:
    """The typed error for an httpx exception (N1, S5, and the timeouts).

    Args:
        exc: What httpx raised.
        host: The gateway's host, for the message.
        headers_received: Whether the response headers had arrived (a timeout before them
            may be retried; after them it is a stall).
        tokens: Deltas received so far (for "after 812 tokens").
        timeouts: The limits in force, by phase name, to say "no data for 60 s".
        secret: The key, so that it can be removed from the text.
    """
    limits = timeouts or {}

    def limit(phase: str) -> str:
        value = limits.get(phase)
        return f" within {value:g} s" if value else ""

    after = f" after {tokens:,} tokens" if tokens else ""
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return Timeout(
            one_line(f"Can't reach {host}: no connection{limit('connect')}"), phase="connect"
        )
    if isinstance(exc, httpx.TimeoutException):
        idle = limits.get("idle")
        gap = f"{idle:g} s" if idle else "too long"
        if headers_received:
            text = f"The stream stalled{after}: no data from {host} for {gap}"
        else:
            text = f"{host} did not answer{limit('idle')} (no response headers)"
        return Timeout(one_line(text), phase="idle")
    if isinstance(exc, httpx.ConnectError):
        return Unreachable(one_line(f"Can't reach {host}: {connect_reason(exc)}", secret))
    if isinstance(exc, httpx.DecodingError):
        return ProtocolError(
            one_line(f"{host} sent a body that could not be decoded: {exc}", secret)
        )
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return GatewayError(one_line(f"The gateway URL is not usable: {exc}", secret))
    if isinstance(exc, httpx.TransportError):  # RemoteProtocolError, ReadError, WriteError…
        reason = _lost_reason(exc)
        if not headers_received:
            text = f"{host} closed the connection before answering ({reason})"
        elif tokens:
            text = f"Connection lost{after} ({reason})"
        else:
            text = f"Connection lost before the answer started ({reason})"
        return ConnectionLost(one_line(text, secret))
    return GatewayError(one_line(f"Request to {host} failed: {exc}", secret))


def _lost_reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "incomplete chunked read" in text or "peer closed" in text:
        return "the server closed it mid-stream"
    if "without sending" in text or "disconnected" in text:
        return "the server closed it"
    for cause in _chain(exc):
        if isinstance(cause, ConnectionResetError):
            return "connection reset"
        if isinstance(cause, BrokenPipeError):
            return "broken pipe"
    return str(exc) or exc.__class__.__name__


def deadline_error(phase: str, limit_s: float, *, host: str, tokens: int = 0) -> Timeout:
    """A limit of our own ran out: time to first token, or the total time of a request."""
    if phase == "first_token":
        text = f"No answer from {host} within {limit_s:g} s (the time-to-first-token limit)"
    else:
        after = f" after {tokens:,} tokens" if tokens else ""
        text = f"The request reached its {limit_s:g} s time limit{after}"
    return Timeout(one_line(text), phase=phase)
