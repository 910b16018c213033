"""The simulated gateway: an HTTP/1.1 server on 127.0.0.1 with the Vercel AI Gateway's routes.

In-process, for tests::

    async with SimulatedGateway(seed=1, time_scale=0) as gw:
        ...  # talk to gw.url ("http://127.0.0.1:PORT/v1")
        gw.inject("429 retry-after=1, then ok")
        record = gw.records[-1]

From synchronous code, ``with SimulatedGateway.start_in_thread(seed=1) as running:
running.url``; standalone, ``playground sim --port 8765``.

Routes: ``GET /v1/models``, ``GET /v1/models/{creator}/{model}``, ``GET
/v1/models/{creator}/{model}/endpoints``, ``GET /v1/credits``, ``GET /v1/generation?id=``
and ``POST /v1/chat/completions``. A wrong method gets 405 with an empty body and a path
outside ``/v1`` gets an HTML 404, as observed on the real gateway.
"""

from __future__ import annotations

import asyncio
import gzip
import hmac
import re
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Any

import orjson

from playground.core.sanitize import safe_line
from playground.core.secret import Secret
from playground.sim import http, replies
from playground.sim.caching import PromptCache
from playground.sim.catalog import Catalog
from playground.sim.catalog_json import decimal_str, endpoints_body, model_entry, models_list
from playground.sim.chat import plan_chat
from playground.sim.faults import (
    Fault,
    FaultPlan,
    FaultSpecError,
    Route,
    extract_directive,
    parse_spec,
)
from playground.sim.parse import InvalidRequest, parse_chat_body
from playground.sim.providers import StratifiedDraws
from playground.sim.records import RequestRecord
from playground.sim.replies import Reply
from playground.sim.routing import RoutingError
from playground.sim.stream import ClientGone, Responder
from playground.sim.thread import GatewayThread

STARTING_BALANCE = Decimal("100.00")
"""What ``/v1/credits`` reports before any request was billed."""

_MODEL_PATH = re.compile(r"^/v1/models/([^/]+/[^/]+?)(/endpoints)?/?$")
_METHODS = {
    "/v1/models": "GET",
    "/v1/chat/completions": "POST",
    "/v1/credits": "GET",
    "/v1/generation": "GET",
}


class SimulatedGateway:
    """A simulated AI gateway serving on 127.0.0.1. Start it with ``async with`` (or
    `start`/`stop`); its base URL is `url`."""

    def __init__(
        self,
        *,
        seed: int = 0,
        time_scale: float = 1.0,
        port: int = 0,
        key: str | Secret | None = None,
        faults: str | Sequence[str] = (),
        catalog: Catalog | None = None,
        log: Callable[[str], None] | None = None,
        max_records: int | None = None,
    ) -> None:
        """Configure the gateway (nothing starts until `start`).

        Args:
            seed: fixes answers and timings: the same seed and request sequence reproduce a run.
            time_scale: multiplies every simulated delay; 0 sends as fast as possible.
            port: 0 picks a free port.
            key: when set, the chat, credits and generation routes want ``Bearer <key>`` and
                answer anything else with 401; without it any key (or none) is accepted.
            faults: standing fault specs, applied in turn to every chat request.
            catalog: the models to serve (the built-in catalog by default).
            log: called with one sanitized line per request (the CLI prints them).
            max_records: keep only this many of the latest `records` (a long-running
                ``playground sim``); None keeps them all (tests).

        Raises:
            FaultSpecError: a standing fault spec does not parse.
            ValueError: a negative time scale.
        """
        if time_scale < 0:
            raise ValueError("time_scale must be 0 or more")
        specs = [faults] if isinstance(faults, str) else list(faults)
        self.seed = seed
        self.time_scale = float(time_scale)
        self.catalog = catalog or Catalog.default()
        self.records: list[RequestRecord] = []
        """Every request served, in arrival order."""
        self.faults = FaultPlan(
            [step for spec in specs if spec.strip() for step in parse_spec(spec)]
        )
        self._key = key if isinstance(key, Secret) or key is None else Secret(key)
        self._port = port
        self._log = log
        self._max_records = max_records
        self._served = 0
        self._cache = PromptCache()
        self._draws = StratifiedDraws(seed)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._used = Decimal(0)

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Bind 127.0.0.1 and start accepting connections."""
        if self._server is None:
            self._server = await asyncio.start_server(
                self._accept, "127.0.0.1", self._port, limit=http.MAX_HEADER_BYTES
            )

    async def stop(self) -> None:
        """Stop accepting, close every open connection, wait for the handlers to finish."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        # Aborted connections end their handlers within one poll; cancel any straggler
        # (one sleeping through a stall on a catalog route).
        if self._tasks:
            _, pending = await asyncio.wait(list(self._tasks), timeout=1.0)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await server.wait_closed()

    async def __aenter__(self) -> SimulatedGateway:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the simulated gateway is not running")
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The base URL clients use: ``http://127.0.0.1:PORT/v1``."""
        return f"{self.origin}/v1"

    @property
    def used(self) -> Decimal:
        """Dollars billed so far (what ``/v1/credits`` reports as ``total_used``)."""
        return self._used

    def inject(self, spec: str | Fault, *, times: int = 1, route: Route = "chat") -> None:
        """Queue faults for the next requests: each step of `spec` for one request, the whole
        spec `times` over. Thread-safe.

        Raises:
            FaultSpecError: `spec` does not parse.
        """
        steps = (spec,) if isinstance(spec, Fault) else parse_spec(spec)
        self.faults.inject(steps, times=times, route=route)

    def clear_faults(self) -> None:
        """Drop queued faults and header/directive sequence positions."""
        self.faults.clear()

    @classmethod
    def start_in_thread(cls, **options: Any) -> GatewayThread:
        """Run a gateway on its own event loop in a daemon thread, for synchronous callers.

        Args:
            options: the keyword arguments of `SimulatedGateway`.
        """
        return GatewayThread(cls(**options))

    # -- connections ---------------------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._writers.add(writer)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, ClientGone, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # Only `stop` cancels handlers; ending quietly keeps asyncio's stream callback
            # from logging the cancellation as an error.
            pass
        finally:
            self._writers.discard(writer)
            if task is not None:
                self._tasks.discard(task)
            writer.transport.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                request = await http.read_request(reader)
            except http.BadHttp as exc:
                reply = Reply.error(400, "invalid_request_error", f"Bad HTTP request: {exc}")
                writer.write(http.response(400, reply.body, reply.content_type, keep_alive=False))
                await writer.drain()
                return
            if request is None:
                return
            record = RequestRecord(
                index=self._served,
                method=request.method,
                path=request.path,
                t_received_ns=time.perf_counter_ns(),
                authorization="authorization" in request.headers,
                body=request.body if self._max_records is None else b"",
            )
            self.records.append(record)
            self._served += 1
            if self._max_records is not None and len(self.records) > self._max_records:
                del self.records[: len(self.records) - self._max_records]
            try:
                keep = await self._dispatch(request, reader, writer, record)
            finally:
                if self._log is not None:
                    self._log(safe_line(record.summary(), 400))
            if not keep or not request.keep_alive:
                return

    async def _dispatch(
        self,
        request: http.Request,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        record: RequestRecord,
    ) -> bool:
        path, keep = request.path.rstrip("/") or "/", request.keep_alive
        if not path.startswith("/v1/"):
            reply = Reply(404, replies.not_found_html(request.path), replies.HTML)
            return await self._reply(writer, record, reply, keep)
        match = _MODEL_PATH.match(path)
        expected = "GET" if match else _METHODS.get(path)
        if expected is None:
            reply = Reply.error(404, "not_found", f"Route {request.method} {path} not found")
            return await self._reply(writer, record, reply, keep)
        if request.method != expected:
            return await self._reply(writer, record, Reply(405), keep)
        if path == "/v1/models":
            return await self._catalog(request, writer, record, models_list(self.catalog))
        if match:
            model = self.catalog.get(match.group(1))
            if model is None:
                reply = Reply.error(
                    404,
                    "model_not_found",
                    f"Model '{match.group(1)}' not found",
                    param={"modelId": match.group(1)},
                )
                return await self._reply(writer, record, reply, keep)
            payload = endpoints_body(model) if match.group(2) else model_entry(model)
            return await self._catalog(request, writer, record, payload)
        if not self._authorized(request):
            reply = replies.unauthorized("authorization" in request.headers)
            return await self._reply(writer, record, reply, keep)
        if path == "/v1/chat/completions":
            return await self._chat(request, reader, writer, record)
        if path == "/v1/credits":
            balance = {
                "balance": decimal_str(STARTING_BALANCE - self._used),
                "total_used": decimal_str(self._used),
            }
            return await self._reply(writer, record, Reply.json(200, balance), keep)
        return await self._reply(
            writer, record, replies.generation(self.records, request.query.get("id")), keep
        )

    async def _reply(
        self, writer: asyncio.StreamWriter, record: RequestRecord, reply: Reply, keep: bool
    ) -> bool:
        writer.write(
            http.response(
                reply.status, reply.body, reply.content_type, keep_alive=keep, extra=reply.headers
            )
        )
        record.status = reply.status
        record.t_headers_ns = time.perf_counter_ns()
        await writer.drain()
        record.completed = True
        return keep

    def _authorized(self, request: http.Request) -> bool:
        if self._key is None:
            return True
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self._key.reveal().encode()
        )

    async def _replace(
        self,
        fault: Fault,
        writer: asyncio.StreamWriter,
        record: RequestRecord,
        keep: bool,
        model: str | None,
    ) -> bool | None:
        """Answer with `fault` when it replaces the whole response; None when it does not."""
        if fault.kind == "drop":
            writer.transport.close()
            record.completed = True
            return False
        reply = replies.fault_reply(fault, path=record.path, port=self.port, model=model)
        return None if reply is None else await self._reply(writer, record, reply, keep)

    async def _catalog(
        self,
        request: http.Request,
        writer: asyncio.StreamWriter,
        record: RequestRecord,
        payload: Any,
    ) -> bool:
        keep = request.keep_alive
        try:
            fault = self.faults.next_for(
                "models", header=request.headers.get("x-sim-fault"), directive=None
            )
        except FaultSpecError as exc:
            reply = Reply.error(400, "invalid_request_error", f"Invalid x-sim-fault: {exc}")
            return await self._reply(writer, record, reply, keep)
        record.fault = fault.text
        if fault.kind == "stall":
            await asyncio.sleep(fault.seconds)
        replaced = await self._replace(fault, writer, record, keep, None)
        if replaced is not None:
            return replaced
        data = orjson.dumps(payload)
        headers: list[tuple[str, str]] = []
        if fault.has("gzip"):
            data = gzip.compress(data)
            headers.append(("content-encoding", "gzip"))
        if fault.kind == "cut":
            whole = http.response(200, data, replies.JSON, keep_alive=False, extra=headers)
            writer.write(whole[: len(whole) - len(data) // 2])
            writer.close()
            record.status = 200
            return False
        return await self._reply(writer, record, Reply(200, data, replies.JSON, headers), keep)

    # -- chat ------------------------------------------------------------------------------

    async def _chat(
        self,
        request: http.Request,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        record: RequestRecord,
    ) -> bool:
        keep = request.keep_alive
        try:
            parsed = parse_chat_body(orjson.loads(request.body))
        except orjson.JSONDecodeError:
            reply = Reply.error(
                400, "invalid_request_error", "Invalid request: the body is not valid JSON"
            )
            return await self._reply(writer, record, reply, keep)
        except InvalidRequest as exc:
            reply = Reply.error(
                400, "invalid_request_error", exc.message, param=exc.param, code=exc.code
            )
            return await self._reply(writer, record, reply, keep)
        record.stream = parsed.stream
        record.request = parsed.request
        last_user = next((m for m in reversed(parsed.request.messages) if m.role == "user"), None)
        directive, user_text = extract_directive(last_user.text if last_user else "")
        header = request.headers.get("x-sim-fault")
        try:
            fault = self.faults.next_for("chat", header=header, directive=directive)
        except FaultSpecError as exc:
            source = "x-sim-fault header" if header else "/sim directive"
            reply = Reply.error(400, "invalid_request_error", f"Invalid {source}: {exc}")
            return await self._reply(writer, record, reply, keep)
        record.fault = fault.text
        replaced = await self._replace(fault, writer, record, keep, parsed.request.model)
        if replaced is not None:
            return replaced
        try:
            plan = plan_chat(
                parsed,
                catalog=self.catalog,
                cache=self._cache,
                fault=fault,
                seed=self.seed,
                index=record.index,
                user_text=user_text,
                draws=self._draws,
            )
        except RoutingError as exc:
            return await self._routing_error(exc, writer, record, keep)
        record.model = plan.route.model.id
        record.provider = plan.route.provider
        record.attempts = [
            (a.provider, a.status) for m in plan.route.model_attempts for a in m.attempts
        ]
        record.generation_id = plan.generation_id
        record.ttft_s = plan.ttft_s * self.time_scale
        record.provider_ttft_s = plan.draw.ttft_s
        record.tokens_per_s = plan.draw.tokens_per_s
        record.effective_tokens_per_s = (
            plan.draw.tokens_per_s / self.time_scale if self.time_scale else float("inf")
        )
        record.prompt_tokens = plan.prompt_tokens
        record.cached_tokens = plan.cached_tokens
        record.cache_write_tokens = plan.cache_write_tokens
        record.completion_tokens = plan.completion_tokens
        record.reasoning_tokens = plan.reasoning_tokens
        record.cost = plan.cost
        # Planned time (stream.py): the answer at once, each event stamped with when it
        # would have left; for deterministic screenshots and snapshot tests.
        virtual = request.headers.get("x-sim-virtual-time") == "1"
        responder = Responder(
            reader,
            writer,
            plan,
            fault,
            record,
            scale=0.0 if virtual else self.time_scale,
            keep_alive=keep,
            annotate=virtual and parsed.stream,
        )
        try:
            return await (responder.stream() if parsed.stream else responder.complete())
        finally:
            if record.tokens_sent:
                self._used += plan.cost

    async def _routing_error(
        self, exc: RoutingError, writer: asyncio.StreamWriter, record: RequestRecord, keep: bool
    ) -> bool:
        if exc.attempts:
            # Every provider failed: the gateway spent their time before it gave up.
            failed_s = sum(a.duration_s for m in exc.attempts for a in m.attempts)
            await asyncio.sleep(failed_s * self.time_scale)
            record.attempts = [(a.provider, a.status) for m in exc.attempts for a in m.attempts]
        return await self._reply(writer, record, replies.routing_error(exc), keep)
