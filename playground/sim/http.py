"""Just enough HTTP/1.1 on asyncio streams: read a request, write a response.

Keep-alive by default, ``Content-Length`` or chunked request bodies, responses with
``Content-Length`` (JSON, HTML) or ``Transfer-Encoding: chunked`` (event streams, one chunk
per write). Written for a loopback test server, so it is strict where that is cheap (sizes,
header syntax) and tolerant where clients differ (header case, a missing Host).
"""

from __future__ import annotations

import asyncio
import email.utils
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 64 * 1024 * 1024
"""Bodies carry base64 images and PDFs; 64 MiB is more than any gateway accepts."""

REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    424: "Failed Dependency",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class BadHttp(Exception):
    """The client sent something that is not HTTP/1.1: answered with 400, then closed."""


@dataclass(slots=True)
class Request:
    """One HTTP request."""

    method: str
    target: str
    version: str
    headers: dict[str, str]
    """Lower-case names; repeated headers joined with ``, ``."""
    body: bytes = b""
    path: str = field(init=False)
    query: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.target)
        self.path = unquote(parts.path) or "/"
        self.query = parse_qs(parts.query)

    @property
    def keep_alive(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """The next request on the connection, or None if the client closed it cleanly.

    Raises:
        BadHttp: malformed request line, headers or body framing.
    """
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial.strip():
            return None
        raise BadHttp("connection closed in the middle of the request headers") from exc
    except asyncio.LimitOverrunError as exc:
        raise BadHttp("request headers too large") from exc
    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, version = lines[0].split(" ")
    except ValueError:
        raise BadHttp(f"bad request line {lines[0][:80]!r}") from None
    if not version.startswith("HTTP/1."):
        raise BadHttp(f"unsupported protocol {version[:20]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise BadHttp(f"bad header line {line[:80]!r}")
        key = name.lower()
        value = value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    body = await _read_body(reader, headers)
    return Request(method.upper(), target, version, headers, body)


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    try:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            parts: list[bytes] = []
            total = 0
            while True:
                size_line = await reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    while (await reader.readuntil(b"\r\n")) != b"\r\n":
                        pass
                    return b"".join(parts)
                total += size
                if total > MAX_BODY_BYTES:
                    raise BadHttp("request body too large")
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
        length = int(headers.get("content-length", "0") or "0")
    except ValueError as exc:
        raise BadHttp("bad body framing") from exc
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
        raise BadHttp("connection closed in the middle of the request body") from exc
    if length < 0 or length > MAX_BODY_BYTES:
        raise BadHttp("request body too large")
    try:
        return await reader.readexactly(length) if length else b""
    except asyncio.IncompleteReadError as exc:
        raise BadHttp("connection closed in the middle of the request body") from exc


def head(status: int, headers: list[tuple[str, str]], *, keep_alive: bool) -> bytes:
    """The status line and headers, with ``Date``, ``Server`` and ``Connection`` added."""
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    lines.append(f"date: {email.utils.formatdate(usegmt=True)}")
    lines.append("server: playground-sim")
    lines += [f"{name}: {value}" for name, value in headers]
    lines.append("connection: keep-alive" if keep_alive else "connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def response(
    status: int,
    body: bytes,
    content_type: str | None,
    *,
    keep_alive: bool,
    extra: list[tuple[str, str]] | None = None,
) -> bytes:
    """A whole response with a ``Content-Length`` body."""
    headers = list(extra or [])
    if content_type is not None:
        headers.insert(0, ("content-type", content_type))
    headers.append(("content-length", str(len(body))))
    return head(status, headers, keep_alive=keep_alive) + body


def chunk(data: bytes) -> bytes:
    """One chunk of a chunked body (never empty: that would end the body)."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


LAST_CHUNK = b"0\r\n\r\n"
