"""Test helpers for the simulated gateway: read its SSE and its raw HTTP framing.

Independent of `playground.gateway` on purpose: the simulated gateway is tested with a small
reader of its own (and httpx), so a bug shared with the client cannot hide.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Event:
    """One dispatched SSE event."""

    data: str
    event: str = "message"
    t_ns: int = 0
    """When the bytes that completed it arrived (perf_counter_ns)."""

    @property
    def json(self) -> Any:
        return json.loads(self.data)


def parse_sse(text: str) -> tuple[list[Event], list[str]]:
    """WHATWG-style parse of a whole SSE body: (events, comments). CR, LF and CRLF line ends,
    one leading BOM ignored, multi-line data joined with LF, data-less events dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    events: list[Event] = []
    comments: list[str] = []
    data: list[str] = []
    name = "message"
    for line in lines:
        if line == "":
            if data:
                events.append(Event("\n".join(data), name))
            data, name = [], "message"
        elif line.startswith(":"):
            comments.append(line[1:].strip())
        else:
            key, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if key == "data":
                data.append(value)
            elif key == "event":
                name = value
    return events, comments


@dataclass
class StreamResult:
    """A streamed chat completion as a client saw it."""

    status: int
    headers: httpx.Headers
    raw: bytes = b""
    events: list[Event] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    t_start_ns: int = 0
    chunk_times: list[tuple[int, bytes]] = field(default_factory=list)
    error: Exception | None = None

    @property
    def chunks(self) -> list[dict[str, Any]]:
        """The JSON events (everything but ``[DONE]``)."""
        return [e.json for e in self.events if e.data != "[DONE]"]

    @property
    def content(self) -> str:
        return "".join(
            c["choices"][0]["delta"].get("content") or "" for c in self.chunks if c.get("choices")
        )

    @property
    def reasoning(self) -> str:
        return "".join(
            c["choices"][0]["delta"].get("reasoning") or "" for c in self.chunks if c.get("choices")
        )

    def delta_times(self) -> list[int]:
        """Arrival time of every event carrying content, reasoning or a tool call."""
        return [e.t_ns for e in self.events if e.data != "[DONE]" and _is_delta(e.json)]


def _is_delta(chunk: dict[str, Any]) -> bool:
    choices = chunk.get("choices") or []
    if not choices:
        return False
    delta = choices[0].get("delta") or {}
    return bool(delta.get("content") or delta.get("reasoning") or delta.get("tool_calls"))


async def stream_chat(
    client: httpx.AsyncClient,
    body: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
    url: str = "/chat/completions",
) -> StreamResult:
    """POST a streaming chat request and read the whole response, timing every byte chunk.

    Events are parsed incrementally (on LF/CR-normalised text), so each carries the arrival
    time of the bytes that completed it.
    """
    start = time.perf_counter_ns()
    async with client.stream("POST", url, json={**body, "stream": True}, headers=headers) as resp:
        result = StreamResult(resp.status_code, resp.headers, t_start_ns=start)
        buffer = b""
        try:
            async for data in resp.aiter_bytes():
                now = time.perf_counter_ns()
                result.chunk_times.append((now, data))
                buffer += data
                complete, buffer = _split_complete(buffer)
                if complete:
                    events, comments = parse_sse(complete.decode("utf-8"))
                    for event in events:
                        event.t_ns = now
                    result.events += events
                    result.comments += comments
        except httpx.HTTPError as exc:
            result.error = exc
        result.raw = b"".join(data for _, data in result.chunk_times)
        if buffer:
            events, comments = parse_sse(buffer.decode("utf-8", "replace"))
            result.events += events
            result.comments += comments
    return result


def _split_complete(buffer: bytes) -> tuple[bytes, bytes]:
    """(everything up to the last blank line, the rest)."""
    normal = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    cut = normal.rfind(b"\n\n")
    if cut < 0:
        return b"", buffer
    # Work on the normalised bytes: line endings no longer matter once split.
    return normal[: cut + 2], normal[cut + 2 :]


async def raw_exchange(host: str, port: int, request: bytes, *, idle_s: float = 10.0) -> bytes:
    """Send raw request bytes and read until the server closes the connection."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        chunks = []
        while True:
            data = await asyncio.wait_for(reader.read(65536), idle_s)
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)
    finally:
        writer.close()


def http_request(
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A raw HTTP/1.1 request that asks the server to close the connection afterwards."""
    payload = json.dumps(body).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def split_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, lower-case headers, body as sent: still chunk-encoded if it was)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def dechunk(body: bytes) -> tuple[list[bytes], bool]:
    """The chunks of a chunked body, and whether the terminating zero-length chunk came."""
    chunks: list[bytes] = []
    rest = body
    while rest:
        size_line, sep, rest = rest.partition(b"\r\n")
        if not sep:
            return chunks, False
        size = int(size_line, 16)
        if size == 0:
            return chunks, True
        if len(rest) < size + 2:
            return chunks, False
        chunks.append(rest[:size])
        rest = rest[size + 2 :]
    return chunks, False
