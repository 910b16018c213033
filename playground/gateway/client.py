"""`GatewayClient`: one connection pool to one gateway, and the stream engine on top of it.

`GatewayClient.stream` sends a chat request and yields `core.events` in the order documented in
`core/events.py`, each stamped with the injected clock (``perf_counter_ns``)::

    Started  Connected?  ResponseStarted?  Retrying        ← attempts that failed before a token
    Started  Connected?  ResponseStarted?  (deltas, KeepAlive, Routed, Usage)*  Finished | Failed

A gateway failure never escapes as an exception: the iterator yields one `Failed` and ends.
Cancelling the consumer's task, or closing the iterator (``aclose()``), closes the HTTP
response at once, so the server sees the connection go away (which stops billing on gateways
that support it). Retries happen only before the first token (`gateway.retry`), each announced
by a `Retrying` event so that a UI can count down.

The client is handed a base URL and a key; it never reads config or the keyring. The key is
revealed in exactly one place, `GatewayClient.headers`, and never appears in a message: error
texts go through `gateway.text.redact`.
"""

from __future__ import annotations

import asyncio
import random as _random
import ssl
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from types import TracebackType

import httpx

from playground import __version__
from playground.core.errors import GatewayError, InsecureTransport, ProtocolError
from playground.core.events import Failed, Retrying, Started, StreamEvent
from playground.core.profile import Profile, is_loopback_host
from playground.core.request import ChatRequest
from playground.core.secret import Secret
from playground.gateway import wire
from playground.gateway.attempt import StreamAttempt, Timeouts
from playground.gateway.chunks import Completion, parse_completion
from playground.gateway.errors import error_for_exception, error_for_status, redirect_error
from playground.gateway.retry import RetryPolicy, decide, parse_retry_after
from playground.gateway.text import body_snippet, one_line

__all__ = ["GatewayClient", "RetryPolicy", "Timeouts"]

USER_AGENT = f"gateway-playground/{__version__}"
ERROR_BODY_LIMIT = 64 * 1024


def _ssl_context_for(base_url: str) -> ssl.SSLContext | bool:
    # httpx loads the whole CA bundle when it builds a client (60-90 ms, PERFORMANCE.md §3.1).
    # A plain-http gateway never needs it: give it a context that trusts nothing, so a stray
    # https request fails closed instead of going unverified.
    if httpx.URL(base_url).scheme == "http":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return True


class GatewayClient:
    """Async client for one gateway. Owns one connection pool; close it with `aclose()`.

    Args:
        profile: Which gateway, and its dialect.
        api_key: The key; revealed only in `headers()`.
        timeouts: The limits (`Timeouts`).
        retry: The retry policy before the first token.
        transport: An httpx transport to use instead of the network (tests).
        allow_insecure: Allow sending the key over plain http to a host that is not this
            machine (it is refused otherwise).
        clock: The timestamp source of every event (``time.perf_counter_ns``).
        sleep: What waits between retries (``asyncio.sleep``; tests pass a recorder).
        random: The jitter source (``random.random``).
        wall_clock: Unix time, for Retry-After dates and "retry after 14:02".
        verify: TLS verification: True, False or an `ssl.SSLContext`; by default the
            system's CAs for https and a trust-nothing context for http gateways.
    """

    def __init__(
        self,
        profile: Profile,
        *,
        api_key: Secret | None,
        timeouts: Timeouts = Timeouts(),  # noqa: B008 (frozen: a shared default is safe)
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 (frozen: a shared default is safe)
        transport: httpx.AsyncBaseTransport | None = None,
        allow_insecure: bool = False,
        clock: Callable[[], int] = time.perf_counter_ns,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        wall_clock: Callable[[], float] = time.time,
        verify: ssl.SSLContext | bool | None = None,
    ) -> None:
        self.profile = profile
        self.timeouts = timeouts
        self.retry = retry
        self._key = api_key
        self._allow_insecure = allow_insecure
        self._clock = clock
        self._sleep = sleep
        self._random = random
        self._wall_clock = wall_clock
        self._host = profile.display_host
        self._http = httpx.AsyncClient(
            base_url=profile.base_url,
            transport=transport,
            follow_redirects=False,  # a redirect could carry the key to another host (N8)
            timeout=timeouts.for_httpx(),
            verify=_ssl_context_for(profile.base_url) if verify is None else verify,
            headers={"user-agent": USER_AGENT},
        )

    @property
    def http(self) -> httpx.AsyncClient:
        """The connection pool, shared with the catalog fetcher."""
        return self._http

    def headers(self) -> httpx.Headers:
        """The authentication headers: the one place where the key is revealed.

        Raises:
            InsecureTransport: The gateway is plain http on another machine and
                ``allow_insecure`` was not given.
        """
        headers = httpx.Headers()
        if self._key:
            url = httpx.URL(self.profile.base_url)
            insecure = url.scheme != "https" and not is_loopback_host(url.host)
            if insecure and not self._allow_insecure:
                raise InsecureTransport(
                    one_line(
                        f"Refusing to send the API key to {self._host} over plain http: it "
                        "would travel unencrypted. Use https, or allow it explicitly."
                    )
                )
            headers["authorization"] = "Bearer " + self._key.reveal()
        return headers

    async def stream(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        """Send `request` and yield its events as they arrive (see the module docstring).

        Args:
            request: What to ask.

        Yields:
            `core.events`, ending with exactly one `Finished` or `Failed` (unless the
            consumer stops first).
        """
        clock = self._clock
        loop = asyncio.get_running_loop()
        total = self.timeouts.total
        total_deadline = loop.time() + total if total else None
        try:
            body = wire.encode(wire.chat_body(self.profile.kind, request, stream=True))
            headers = self.headers()
        except GatewayError as error:
            yield Started(clock(), 0)
            yield Failed(clock(), error)
            return
        headers["content-type"] = "application/json"
        headers["accept"] = "text/event-stream"
        headers["cache-control"] = "no-cache"
        headers["accept-encoding"] = "identity"  # a compressed stream arrives in one burst (N10)
        retries = 0
        while True:
            yield Started(clock(), retries)
            first_token = self.timeouts.first_token
            attempt = StreamAttempt(
                self._http,
                body,
                headers,
                clock=clock,
                wall_clock=self._wall_clock,
                host=self._host,
                secret=self._key,
                timeouts=self.timeouts,
                first_token_deadline=loop.time() + first_token if first_token else None,
                total_deadline=total_deadline,
            )
            batches = attempt.events()
            try:
                async for batch in batches:
                    for event in batch:
                        yield event
            finally:
                await batches.aclose()  # closes the response when the consumer stops early
            failure = attempt.error
            if failure is None:
                return
            decision = decide(
                self.retry,
                failure,
                retries_so_far=retries,
                got_content=attempt.got_content,
                headers_received=attempt.headers_received,
                retry_after_s=attempt.retry_after_s,
                should_retry=attempt.should_retry,
                random=self._random,
            )
            if not decision.retry or (
                total_deadline is not None and loop.time() + decision.delay_s >= total_deadline
            ):
                yield Failed(clock(), failure, attempt.generation_id)
                return
            retries += 1
            yield Retrying(clock(), retries, decision.delay_s, failure)
            await self._sleep(decision.delay_s)

    async def complete(self, request: ChatRequest) -> Completion:
        """Send `request` without streaming and return the whole answer (a key-test call).

        Raises:
            GatewayError: Any failure, typed, after the retries the policy allows.
        """
        body = wire.encode(wire.chat_body(self.profile.kind, request, stream=False))
        # The whole answer comes at once, so the read timeout must cover generating it.
        read = max(t for t in (self.timeouts.idle, self.timeouts.first_token, 1.0) if t)
        payload = await self._request_json(
            "POST", "chat/completions", content=body, auth=True, read_timeout=read
        )
        return parse_completion(payload, t_ns=self._clock(), secret=self._key)

    async def get_json(self, path: str, *, auth: bool = True) -> object:
        """``GET`` a path under the base URL (e.g. ``"/models"``) and return its JSON.

        Args:
            path: Relative to the base URL; a leading slash is allowed.
            auth: Send the key (``/models`` on Vercel and OpenRouter needs none).

        Raises:
            GatewayError: Any failure, typed, after the retries the policy allows; a body
                that is not JSON is a `ProtocolError`.
        """
        return await self._request_json("GET", path.lstrip("/"), auth=auth)

    async def _request_json(
        self,
        method: str,
        path: str,
        *,
        auth: bool,
        content: bytes | None = None,
        read_timeout: float | None = None,
    ) -> object:
        headers = self.headers() if auth else httpx.Headers()
        headers["accept"] = "application/json"
        if content is not None:
            headers["content-type"] = "application/json"
        timeout = self.timeouts.for_httpx()
        if read_timeout is not None:
            t = self.timeouts
            timeout = httpx.Timeout(
                connect=t.connect, read=read_timeout, write=t.write, pool=t.connect
            )
        retries = 0
        while True:
            retry_after: float | None = None
            should_retry: str | None = None
            try:
                response = await self._http.request(
                    method, path, content=content, headers=headers, timeout=timeout
                )
            except httpx.HTTPError as exc:
                error = error_for_exception(
                    exc,
                    host=self._host,
                    headers_received=False,
                    timeouts=self.timeouts.by_phase(),
                    secret=self._key,
                )
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return self._json_of(response, path)
                if 300 <= status < 400:
                    raise redirect_error(status, response.headers.get("location"), host=self._host)
                now = self._wall_clock()
                retry_after = parse_retry_after(response.headers, now=now)
                should_retry = response.headers.get("x-should-retry")
                error = error_for_status(
                    status,
                    response.headers,
                    response.content[:ERROR_BODY_LIMIT],
                    host=self._host,
                    retry_after_s=retry_after,
                    now=now,
                    secret=self._key,
                )
            decision = decide(
                self.retry,
                error,
                retries_so_far=retries,
                got_content=False,
                retry_after_s=retry_after,
                should_retry=should_retry,
                random=self._random,
            )
            if not decision.retry:
                raise error
            retries += 1
            await self._sleep(decision.delay_s)

    def _json_of(self, response: httpx.Response, path: str) -> object:
        try:
            return wire.parse_json(response.content)
        except ValueError:
            snippet = body_snippet(response.content, response.headers.get("content-type", ""))
            message = f"{self._host} answered /{path} with something that is not JSON: {snippet}"
            raise ProtocolError(one_line(message), status=response.status_code) from None

    async def warm(self) -> None:
        """Open a connection now (``GET /models``, no key sent) so that the first prompt does
        not pay for connecting (PERFORMANCE.md §7.1). Every error is ignored."""
        try:
            response = await self._http.get("models", headers={"accept": "application/json"})
            await response.aread()  # read to the end, so the connection goes back to the pool
        except httpx.HTTPError:
            pass

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> GatewayClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
