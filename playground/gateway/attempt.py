"""One attempt of a streamed chat request: send it, time it, read it, say how it ended.

`GatewayClient.stream` runs one `StreamAttempt` per try and decides from its outcome whether to
retry. The attempt itself never retries and never raises for a gateway failure: it yields its
events in batches (one batch per network read) and leaves the outcome in its attributes.

Timing. `Timeouts` holds four separate limits. ``connect`` and ``idle`` are httpx's connect and
read timeouts (a read timeout is the gap between any two bytes, so comment lines count as
liveness). ``first_token`` and ``total`` are deadlines of our own, checked with
`asyncio.timeout_at` around a read only when they could fire during it: before the first delta,
and, for the total, once fewer than ``idle`` seconds remain (until then a read ends, with data
or an idle timeout, before the deadline). With the defaults, the loop after the first token
does nothing but read, decode and yield (httpx already spends about 8 µs per HTTP chunk;
bench/README.md).

The connect figure comes from httpx's ``trace`` extension: the moment the TCP (and TLS)
connection completed, or, when no connection event came, the moment the request headers went
out on a kept-alive connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from playground.core.errors import GatewayError
from playground.core.events import Connected, Finished, ResponseStarted, StreamEvent
from playground.core.secret import Secret
from playground.gateway.chunks import StreamReader
from playground.gateway.errors import (
    deadline_error,
    error_for_exception,
    error_for_status,
    not_an_event_stream,
    redirect_error,
)
from playground.gateway.retry import parse_retry_after

DRAIN_AFTER_DONE_S = 0.2
"""After ``[DONE]``, how long to wait for the end of the body so the connection can be reused."""
ERROR_BODY_LIMIT = 64 * 1024
"""The most of an error body that is read."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Separate limits, in seconds; None means no limit."""

    connect: float | None = 10.0
    """To open the connection (TCP and TLS), or to get one from the pool."""
    first_token: float | None = 120.0
    """From sending the request to the first content, reasoning or tool-call delta."""
    idle: float | None = 60.0
    """The longest gap between any two bytes (comment lines count), also while waiting for
    the response headers."""
    total: float | None = None
    """For the whole call, retries and waits included."""
    write: float | None = 30.0
    """To send the request body."""

    def for_httpx(self) -> httpx.Timeout:
        """The limits httpx enforces itself: connect, read (= idle), write, pool."""
        return httpx.Timeout(
            connect=self.connect, read=self.idle, write=self.write, pool=self.connect
        )

    def by_phase(self) -> dict[str, float | None]:
        return {
            "connect": self.connect,
            "first_token": self.first_token,
            "idle": self.idle,
            "total": self.total,
        }


class ConnectionTracer:
    """httpx's ``trace`` extension: when the connection was ready, and whether it was new."""

    __slots__ = ("clock", "connected_ns", "new_connection")

    def __init__(self, clock: Callable[[], int]) -> None:
        self.clock = clock
        self.connected_ns: int | None = None
        self.new_connection = False

    async def __call__(self, name: str, info: dict[str, Any]) -> None:
        if name in (
            "connection.connect_tcp.complete",
            "connection.connect_unix_socket.complete",
            "connection.start_tls.complete",
        ):
            self.connected_ns = self.clock()
            self.new_connection = True
        elif name.endswith(".send_request_headers.started") and self.connected_ns is None:
            self.connected_ns = self.clock()  # no connect events: a kept-alive connection


class StreamAttempt:
    """One ``POST /chat/completions`` with ``stream: true``.

    Args:
        http: The connection pool.
        body: The encoded request body.
        headers: The request headers (authorization included).
        clock: The timestamp source of every event.
        wall_clock: Unix time, for Retry-After dates.
        host: The gateway's host, for messages.
        secret: The key, only to remove it from error texts.
        timeouts: The limits, for messages.
        first_token_deadline: Loop time by which the first delta must arrive, if any.
        total_deadline: Loop time by which the whole call must end, if any.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        body: bytes,
        headers: httpx.Headers,
        *,
        clock: Callable[[], int],
        wall_clock: Callable[[], float],
        host: str,
        secret: Secret | None,
        timeouts: Timeouts,
        first_token_deadline: float | None,
        total_deadline: float | None,
    ) -> None:
        self._http = http
        self._body = body
        self._headers = headers
        self._clock = clock
        self._wall_clock = wall_clock
        self._host = host
        self._secret = secret
        self._timeouts = timeouts
        self._first_token_deadline = first_token_deadline
        self._total_deadline = total_deadline
        self._tracer = ConnectionTracer(clock)
        self.error: GatewayError | None = None
        """Why the attempt failed; None when it ended with `Finished`."""
        self.headers_received = False
        self.got_content = False
        """Whether any delta was yielded (then the request must never be retried)."""
        self.retry_after_s: float | None = None
        self.should_retry: str | None = None
        """The ``x-should-retry`` header, when the server sent one."""
        self.generation_id: str | None = None

    def _before_first_token(self) -> float | None:
        first, total = self._first_token_deadline, self._total_deadline
        if first is None or total is None:
            return first if total is None else total
        return min(first, total)

    def _deadline_error(self, deadline: float | None, tokens: int) -> GatewayError:
        if deadline is not None and deadline == self._total_deadline:
            return deadline_error(
                "total", self._timeouts.total or 0.0, host=self._host, tokens=tokens
            )
        limit = self._timeouts.first_token or 0.0
        return deadline_error("first_token", limit, host=self._host, tokens=tokens)

    def _exception_error(self, exc: httpx.HTTPError, tokens: int) -> GatewayError:
        return error_for_exception(
            exc,
            host=self._host,
            headers_received=self.headers_received,
            tokens=tokens,
            timeouts=self._timeouts.by_phase(),
            secret=self._secret,
        )

    async def _open(self) -> httpx.Response | None:
        """Send the request; the response (headers read), or None with `error` set."""
        request = self._http.build_request(
            "POST",
            "chat/completions",
            content=self._body,
            headers=self._headers,
            extensions={"trace": self._tracer},
        )
        deadline = self._before_first_token()
        try:
            if deadline is None:
                return await self._http.send(request, stream=True)
            async with asyncio.timeout_at(deadline):
                return await self._http.send(request, stream=True)
        except TimeoutError:
            self.error = self._deadline_error(deadline, 0)
        except httpx.HTTPError as exc:
            self.error = self._exception_error(exc, 0)
        return None

    async def events(self) -> AsyncGenerator[list[StreamEvent], None]:
        """Send the request and yield its events, one batch per network read."""
        response = await self._open()
        if response is None:
            return
        clock = self._clock
        try:  # from here on, `finally` closes the response, also when the consumer stops
            t_headers = clock()
            self.headers_received = True
            self.generation_id = response.headers.get("x-generation-id")
            first: list[StreamEvent] = []
            tracer = self._tracer
            if tracer.connected_ns is not None:
                first.append(Connected(tracer.connected_ns, not tracer.new_connection))
            first.append(ResponseStarted(t_headers, response.status_code, self.generation_id))
            yield first
            self.error = await self._check(response)
            if self.error is not None:
                return
            reader = StreamReader(secret=self._secret)
            feed = reader.feed
            chunks = _body_of(response)
            deadline: float | None = None
            t = clock()
            try:
                # Until the first delta: under the first-token (and total) deadline.
                while not reader.tokens:
                    deadline = self._before_first_token()
                    try:
                        if deadline is None:
                            raw = await anext(chunks)
                        else:
                            async with asyncio.timeout_at(deadline):
                                raw = await anext(chunks)
                    except StopAsyncIteration:
                        break
                    t = clock()
                    batch = feed(raw, t)
                    if batch:
                        yield batch
                    if reader.saw_done or reader.error is not None:
                        break
                else:
                    # Content is flowing. The hot loop: read, decode, yield; nothing else.
                    deadline = self._total_deadline
                    if deadline is None:
                        async for raw in chunks:
                            t = clock()
                            batch = feed(raw, t)
                            if batch:
                                yield batch
                            if reader.saw_done or reader.error is not None:
                                break
                    else:
                        # While more than `idle` seconds remain, each read ends (data or
                        # an idle timeout) before the deadline: no need to arm a timer,
                        # which would cost about 4 µs per read. Then it is armed.
                        now, idle = asyncio.get_running_loop().time, self._timeouts.idle
                        while True:
                            try:
                                if idle is not None and deadline - now() > idle:
                                    raw = await anext(chunks)
                                else:
                                    async with asyncio.timeout_at(deadline):
                                        raw = await anext(chunks)
                            except StopAsyncIteration:
                                break
                            t = clock()
                            batch = feed(raw, t)
                            if batch:
                                yield batch
                            if reader.saw_done or reader.error is not None:
                                break
                if not reader.saw_done:
                    t = clock()  # the end of the body: when it ended is when we noticed
            except TimeoutError:
                reader.error = self._deadline_error(deadline, reader.tokens)
            except httpx.HTTPError as exc:
                if reader.finish_reason is None:
                    reader.error = self._exception_error(exc, reader.tokens)
                t = clock()  # else the answer was complete; only its goodbye went missing
            self.got_content = reader.has_content
            self.generation_id = reader.generation_id or self.generation_id
            if reader.error is not None:
                self.error = reader.error
                return
            if reader.saw_done:
                await _drain(chunks)
            tail = reader.finish()
            tail.append(Finished(t, reader.finish_reason, reader.saw_done, self.generation_id))
            yield tail
        finally:
            await response.aclose()

    async def _check(self, response: httpx.Response) -> GatewayError | None:
        """The error a response stands for before its body is streamed, or None."""
        status = response.status_code
        if 300 <= status < 400:
            return redirect_error(status, response.headers.get("location"), host=self._host)
        if not 200 <= status < 300:
            body = await read_some(response, ERROR_BODY_LIMIT)
            now = self._wall_clock()
            self.retry_after_s = parse_retry_after(response.headers, now=now)
            self.should_retry = response.headers.get("x-should-retry")
            return error_for_status(
                status,
                response.headers,
                body,
                host=self._host,
                retry_after_s=self.retry_after_s,
                now=now,
                secret=self._secret,
            )
        content_type = response.headers.get("content-type", "")
        if not content_type.lower().startswith("text/event-stream"):
            return not_an_event_stream(status, content_type, await read_some(response, 4096))
        return None


def _body_of(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body's bytes as they come off the connection.

    With no content encoding (what we ask for), iterate the response's own byte stream rather
    than `aiter_raw()`: the same bytes and the same httpx exceptions, without one more
    generator and a re-chunking pass per HTTP chunk (0.7 µs of about 9, measured). A
    compressed body (a proxy that ignored ``Accept-Encoding: identity``) goes through
    `aiter_bytes()`, which decompresses it.
    """
    encoding = response.headers.get("content-encoding", "").strip().lower()
    stream = response.stream
    if encoding in ("", "identity") and isinstance(stream, httpx.AsyncByteStream):
        return aiter(stream)
    return response.aiter_bytes()


async def _drain(chunks: AsyncIterator[bytes]) -> None:
    """Read the rest of the body after ``[DONE]`` (usually just the chunked-encoding
    terminator), so that the connection goes back to the pool for the next request."""
    try:
        async with asyncio.timeout(DRAIN_AFTER_DONE_S):
            async for _ in chunks:
                pass
    except (TimeoutError, httpx.HTTPError):
        pass  # the connection is closed instead of reused; nothing is lost


async def read_some(response: httpx.Response, limit: int) -> bytes:
    """Up to `limit` bytes of a body; whatever arrived if reading it fails."""
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            parts.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
    except httpx.HTTPError:
        pass
    return b"".join(parts)[:limit]
