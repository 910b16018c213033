"""A small catalog server on 127.0.0.1 for the catalog tests: real HTTP, real sockets.

It serves ``GET {prefix}/models`` and ``GET {prefix}/models/{id}/endpoints`` from dicts of
payloads, counts requests, and measures how many endpoint requests are in flight at once
(each can be held until `hold_until` requests are waiting, so a concurrency bound is observed
deterministically rather than by timing). It runs in a thread, so it also answers a
``playground`` subprocess.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class CatalogServerState:
    models: Any = None
    """The ``/models`` payload (JSON-able), or raw bytes to send as they are."""
    endpoints: dict[str, Any] = field(default_factory=dict)
    """Model id → its ``/endpoints`` payload."""
    status: int = 200
    """Status for every answer (set e.g. 500 to fail)."""
    content_type: str = "application/json"
    hold_until: int = 0
    """Hold endpoints requests until this many are in flight at once (or `hold_timeout_s`
    passed); after that, the gate stays open."""
    gate_open: bool = False
    hold_timeout_s: float = 5.0
    requests: list[str] = field(default_factory=list)
    authorization: list[str | None] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Condition = field(default_factory=threading.Condition)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        state = self.server.state
        prefix = self.server.prefix
        path = self.path.split("?", 1)[0]
        with state.lock:
            state.requests.append(path)
            state.authorization.append(self.headers.get("Authorization"))
        if not path.startswith(prefix):
            return self._send(404, b"<html>not found</html>", "text/html")
        route = path[len(prefix) :]
        if route == "/models":
            return self._send_payload(state.models)
        if route.startswith("/models/") and route.endswith("/endpoints"):
            model_id = route[len("/models/") : -len("/endpoints")]
            self._hold(state)
            try:
                if model_id not in state.endpoints:
                    body = {
                        "error": {
                            "message": f"Model {model_id} not found",
                            "type": "model_not_found",
                        }
                    }
                    return self._send(404, json.dumps(body).encode(), "application/json")
                return self._send_payload(state.endpoints[model_id])
            finally:
                with state.lock:
                    state.in_flight -= 1
                    state.lock.notify_all()
        return self._send(404, b"", "text/plain")

    def _hold(self, state: CatalogServerState) -> None:
        with state.lock:
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            state.lock.notify_all()
            if state.in_flight >= state.hold_until:
                state.gate_open = True
            if state.hold_until:
                state.lock.wait_for(lambda: state.gate_open, timeout=state.hold_timeout_s)

    def _send_payload(self, payload: Any) -> None:
        state = self.server.state
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self._send(state.status, body, state.content_type)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: CatalogServerState, prefix: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        self.prefix = prefix


@dataclass
class RunningCatalogServer:
    state: CatalogServerState
    url: str
    """Base URL, ending in the prefix (``/v1``)."""


@contextmanager
def catalog_server(
    state: CatalogServerState | None = None, *, prefix: str = "/v1"
) -> Iterator[RunningCatalogServer]:
    """Serve `state` on an ephemeral loopback port for the duration of the block."""
    state = state or CatalogServerState()
    server = _Server(state, prefix)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield RunningCatalogServer(state, f"http://{host!s}:{port}{prefix}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port_url(prefix: str = "/v1") -> str:
    """A loopback URL nothing listens on (connection refused at once)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{prefix}"
