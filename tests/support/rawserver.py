"""A raw-socket HTTP/1.1 server on 127.0.0.1 that sends exactly the bytes a test scripts.

Frameworks will not produce the framings the gateway client must survive (RELIABILITY.md §6c):
a chunked body cut without its terminator, CR-only line ends, a BOM, a stall after the headers,
an HTML page with a 200, a whole stream gzip-compressed. Here each request pops the next
*script* (a list of steps: send these bytes, sleep, close, wait for the client to hang up) from
a queue, and the server records what it received and when it sent what, so tests can compare
the client's timestamps with the server's.

It runs in the test's own event loop::

    async with RawServer() as server:
        server.add(sse_script([chunk("Hel"), chunk("lo")]))
        client = GatewayClient(server.profile(), api_key=None)
"""

from __future__ import annotations

import asyncio
import gzip
import json
import ssl
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from playground.core.profile import Profile, ProfileKind


@dataclass(frozen=True, slots=True)
class Send:
    """Write these bytes (and wait until the kernel took them)."""

    data: bytes
    mark: str | None = None
    """Record ``perf_counter_ns()`` just before writing, under this name."""


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Close:
    """Close the connection now (a cut, if the response was not complete)."""


@dataclass(frozen=True, slots=True)
class WaitClose:
    """Send nothing more; wait until the client closes the connection (a stall)."""

    timeout: float = 30.0


Step = Send | Sleep | Close | WaitClose
Script = Sequence[Step]


@dataclass(slots=True)
class Received:
    """A request as the server read it."""

    method: str
    path: str
    headers: dict[str, str]
    """Header names in lower case."""
    body: bytes
    connection: int
    """Which connection carried it (0 for the first one accepted)."""
    t_ns: int

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(slots=True)
class _Connection:
    number: int
    closed_by_client_ns: int | None = None
    ended: asyncio.Event = field(default_factory=asyncio.Event)


class RawServer:
    """Serves scripted responses on 127.0.0.1 (an ephemeral port)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.scripts: deque[Script] = deque()
        self.requests: list[Received] = []
        self.marks: dict[str, list[int]] = {}
        self.connections: list[_Connection] = []
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._accepted = asyncio.Event()
        self.port = 0

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        """The base URL, ending in ``/v1``."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}/v1"

    def profile(self, kind: ProfileKind = "vercel") -> Profile:
        return Profile("raw", kind, self.url)

    def add(self, *scripts: Script) -> None:
        """Queue scripts; each request takes the next one."""
        self.scripts.extend(scripts)

    def mark(self, name: str) -> int:
        """The first time `name` was marked."""
        return self.marks[name][0]

    async def wait_client_close(self, connection: int, within: float) -> int | None:
        """Wait until the client closes `connection`; when it did, or None if it did not
        within `within` seconds."""
        try:
            async with asyncio.timeout(within):
                while len(self.connections) <= connection:
                    self._accepted.clear()
                    await self._accepted.wait()
                await self.connections[connection].ended.wait()
        except TimeoutError:
            return None
        return self.connections[connection].closed_by_client_ns

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = _Connection(len(self.connections))
        self.connections.append(conn)
        self._accepted.set()
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:
                request = await self._read_request(reader, conn)
                if request is None:
                    conn.closed_by_client_ns = time.perf_counter_ns()
                    break
                self.requests.append(request)
                script = self.scripts.popleft() if self.scripts else _NO_SCRIPT
                if not await self._run(script, reader, writer, conn):
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            if conn.closed_by_client_ns is None:
                conn.closed_by_client_ns = time.perf_counter_ns()
        except asyncio.CancelledError:
            pass  # the server is shutting down; asyncio would log a cancelled handler
        finally:
            self._tasks.discard(task)
            conn.ended.set()
            writer.close()

    async def _read_request(
        self, reader: asyncio.StreamReader, conn: _Connection
    ) -> Received | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        body = await reader.readexactly(length) if length else b""
        return Received(method, path, headers, body, conn.number, time.perf_counter_ns())

    async def _run(
        self,
        script: Script,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        conn: _Connection,
    ) -> bool:
        """Play a script; False when the connection must not be reused."""
        for step in script:
            if isinstance(step, Send):
                if step.mark is not None:
                    self.marks.setdefault(step.mark, []).append(time.perf_counter_ns())
                writer.write(step.data)
                await writer.drain()
            elif isinstance(step, Sleep):
                await asyncio.sleep(step.seconds)
            elif isinstance(step, Close):
                return False
            else:
                try:
                    await asyncio.wait_for(reader.read(), step.timeout)
                    conn.closed_by_client_ns = time.perf_counter_ns()
                except TimeoutError:
                    pass
                return False
        return True


# -- building responses -----------------------------------------------------------------------

REASONS = {
    200: "OK",
    307: "Temporary Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    422: "Unprocessable Entity",
    424: "Failed Dependency",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def head(
    status: int = 200,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    *,
    chunked: bool = True,
    length: int | None = None,
) -> bytes:
    """A status line and headers, ending with the blank line."""
    items = list(headers.items() if isinstance(headers, Mapping) else headers)
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    lines += [f"{name}: {value}" for name, value in items]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    elif length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def http_chunk(data: bytes) -> bytes:
    """One HTTP/1.1 chunk."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


END = b"0\r\n\r\n"
"""The chunked-body terminator."""

SSE_HEADERS = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"}


def event(payload: Any) -> bytes:
    """``data: <json>\\n\\n`` (a str or bytes payload is sent as is)."""
    if isinstance(payload, bytes):
        data = payload
    elif isinstance(payload, str):
        data = payload.encode()
    else:
        data = json.dumps(payload, ensure_ascii=False).encode()
    return b"data: " + data + b"\n\n"


def chunk(content: str | None = None, *, finish: str | None = None, **delta: Any) -> dict[str, Any]:
    """A ``chat.completion.chunk`` with one choice."""
    body: dict[str, Any] = dict(delta)
    if content is not None:
        body["content"] = content
    return {
        "id": "gen_01TEST",
        "object": "chat.completion.chunk",
        "created": 1790752558,
        "model": "openai/gpt-4.1-mini",
        "choices": [{"index": 0, "delta": body, "finish_reason": finish}],
    }


ROLE = chunk(role="assistant")


def sse_script(
    events: Sequence[Any],
    *,
    done: bool = True,
    end: bool = True,
    headers: Mapping[str, str] | None = None,
    marks: Mapping[int, str] | None = None,
    gap: float = 0.0,
) -> list[Step]:
    """A 200 event stream, one HTTP chunk per event (as real gateways send it).

    Args:
        events: Payloads for `event` (dicts, strings, or raw bytes sent as they are).
        done: Send ``data: [DONE]`` at the end.
        end: Send the chunked terminator (False leaves the body cut).
        headers: Extra or replacement headers.
        marks: Event index → mark name, to timestamp the sending of that event.
        gap: Seconds to wait between events.
    """
    steps: list[Step] = [Send(head(200, {**SSE_HEADERS, **(headers or {})}))]
    for index, payload in enumerate(events):
        if gap and index:
            steps.append(Sleep(gap))
        data = payload if isinstance(payload, bytes) and payload.endswith(b"\n") else event(payload)
        steps.append(Send(http_chunk(data), (marks or {}).get(index)))
    if done:
        steps.append(Send(http_chunk(b"data: [DONE]\n\n")))
    if end:
        steps.append(Send(END))
    else:
        steps.append(Close())
    return steps


def response(
    status: int,
    body: bytes | str | Any = b"",
    *,
    content_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
) -> list[Step]:
    """A whole response with a Content-Length body (JSON when `body` is not bytes/str)."""
    if isinstance(body, str):
        data = body.encode()
    elif isinstance(body, bytes):
        data = body
    else:
        data = json.dumps(body).encode()
    items = {"Content-Type": content_type, **(headers or {})} if data else dict(headers or {})
    return [Send(head(status, items, chunked=False, length=len(data)) + data)]


def gzip_script(events: Sequence[Any]) -> list[Step]:
    """A whole event stream gzip-compressed, as a buffering proxy might send it (N10)."""
    raw = b"".join(event(p) for p in events) + b"data: [DONE]\n\n"
    packed = gzip.compress(raw)
    headers = {**SSE_HEADERS, "Content-Encoding": "gzip"}
    half = len(packed) // 2
    return [
        Send(head(200, headers)),
        Send(http_chunk(packed[:half])),
        Send(http_chunk(packed[half:])),
        Send(END),
    ]


_NO_SCRIPT: list[Step] = response(500, {"error": {"message": "no script queued for this request"}})
