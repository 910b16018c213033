"""Writing a planned chat completion onto the socket: paced, framed, and broken on demand.

Pacing is by absolute schedule: token *k* leaves at ``t₀ + TTFT + k / rate`` (times the time
scale), measured on `time.perf_counter_ns`, never by adding up sleeps, so the decode rate a
client measures is the planned one however late a single wake-up was. Tokens that are due
together (at time scale 0, or after a late wake-up) go out in one write, each still in its
own HTTP chunk, as real gateways send them.

Planned time (``annotate``): a client that asks for it with ``x-sim-virtual-time: 1`` gets
the response at once, with each event's planned time, in microseconds after the request
arrived, in a comment line before it (``: planned-us=712345``) and the headers' in an
``x-sim-planned-headers-us`` header. `services.deterministic` turns those into the client's
timestamps, so screenshots and snapshot tests show the figures a user would see, the same
in every run, without waiting for them.
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from playground.sim import http
from playground.sim.chat import Delta, Plan
from playground.sim.faults import Fault
from playground.sim.providers import HEADERS_FRACTION
from playground.sim.records import RequestRecord
from playground.sim.wire import ChunkEncoder, Framing, completion_body, dumps, error_body

POLL_S = 0.05
"""While waiting long, check this often whether the client went away."""
COMMENT_INTERVAL_S = 0.5
"""With ``comments``, a keep-alive comment at least this often while nothing else is sent."""
MAX_BATCH = 256
"""At most this many due tokens in one write."""
BOM = "\ufeff".encode()
PLANNED_PREFIX = b": planned-us="
"""Starts the comment line that carries an event's planned time (see the module doc)."""
PLANNED_HEADERS = "x-sim-planned-headers-us"
"""The response header with the planned time of the headers."""


def fragments(data: bytes) -> list[bytes]:
    """`data` cut where a client's reassembly is tested hardest: inside every multi-byte
    UTF-8 character, between CR and LF, and every seven bytes besides."""
    cuts = {i for i in range(7, len(data), 7)}
    for i in range(1, len(data)):
        inside_char = 0x80 <= data[i] <= 0xBF and data[i - 1] >= 0x80
        if inside_char or (data[i - 1 : i + 1] == b"\r\n"):
            cuts.add(i)
    edges = [0, *sorted(cuts), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges) if b > a]


class ClientGone(Exception):
    """The client closed the connection; stop writing."""


@dataclass(slots=True)
class Schedule:
    """When things leave, in `perf_counter_ns` time."""

    headers_ns: int
    first_token_ns: int
    interval_ns: float
    """Between two tokens (0 at time scale 0)."""
    offset_ns: int = 0
    """Added by a mid-stream stall."""

    def token_ns(self, k: int) -> int:
        return self.first_token_ns + round(k * self.interval_ns) + self.offset_ns


def schedule_for(plan: Plan, t0_ns: int, scale: float) -> Schedule:
    """The schedule of `plan` for a request received at `t0_ns`."""
    headers_s = plan.route.failed_s + HEADERS_FRACTION * plan.draw.ttft_s
    return Schedule(
        headers_ns=t0_ns + round(headers_s * scale * 1e9),
        first_token_ns=t0_ns + round(plan.ttft_s * scale * 1e9),
        interval_ns=scale * 1e9 / plan.draw.tokens_per_s,
    )


def wall_ms() -> int:
    return int(time.time() * 1000)


class Responder:
    """Writes one chat response for `plan`, applying `fault`."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        plan: Plan,
        fault: Fault,
        record: RequestRecord,
        *,
        scale: float,
        keep_alive: bool,
        annotate: bool = False,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.plan = plan
        self.fault = fault
        self.record = record
        self.scale = scale
        self.keep_alive = keep_alive
        line_end = b"\r\n" if fault.has("crlf") else b"\r" if fault.has("cr") else b"\n"
        self.encoder = ChunkEncoder(plan, Framing(line_end, fault.has("multiline")))
        self.schedule = schedule_for(plan, record.t_received_ns, scale)
        self.annotate = annotate
        self.planned = schedule_for(plan, 0, 1.0)
        """The schedule at time scale 1 from 0, for ``annotate``."""
        if fault.kind == "stall" and fault.after is None:
            # A stall before the first byte: nothing at all, then the response, unhurried.
            stall_ns = round(fault.seconds * 1e9)
            for schedule in (self.schedule, self.planned):
                schedule.headers_ns += stall_ns
                schedule.first_token_ns += stall_ns
        self._started_ms = wall_ms() - round((time.perf_counter_ns() - record.t_received_ns) / 1e6)
        self._bom = fault.has("bom")
        self._fragment = fault.has("fragment")

    # -- waiting -------------------------------------------------------------------------

    def _gone(self) -> bool:
        return self.reader.at_eof() or self.writer.is_closing()

    async def wait_until(
        self, target_ns: int, keepalive: Callable[[], bytes] | None = None
    ) -> None:
        """Sleep until `target_ns`; meanwhile send `keepalive()` every `COMMENT_INTERVAL_S`.

        Raises:
            ClientGone: the client closed the connection meanwhile.
        """
        last_sent = time.perf_counter_ns()
        while True:
            now = time.perf_counter_ns()
            remaining = (target_ns - now) / 1e9
            if remaining <= 0:
                return
            if keepalive is not None and (now - last_sent) / 1e9 >= COMMENT_INTERVAL_S:
                await self.send([(keepalive(), "comment")])
                last_sent = now
            step = remaining if remaining <= POLL_S else POLL_S
            if keepalive is not None:
                step = min(step, COMMENT_INTERVAL_S)
            await asyncio.sleep(step)
            if self._gone():
                self.record.disconnected = True
                raise ClientGone

    # -- writing -------------------------------------------------------------------------

    def _at(self, t_ns: int, event: tuple[bytes, str]) -> tuple[bytes, str]:
        """`event` with its planned time in a comment before it, when annotating."""
        if not self.annotate:
            return event
        data, kind = event
        return PLANNED_PREFIX + str(t_ns // 1000).encode() + b"\n" + data, kind

    async def send(self, events: list[tuple[bytes, str]], tokens: int = 0) -> int:
        """Write SSE events, one HTTP chunk each, in one write; record and return the time."""
        if self._bom and events:
            first, kind = events[0]
            events = [(BOM + first, kind), *events[1:]]
            self._bom = False
        if self._fragment:
            pieces = [piece for data, _ in events for piece in fragments(data)]
        else:
            pieces = [data for data, _ in events]
        self.writer.write(b"".join(http.chunk(piece) for piece in pieces))
        t_ns = time.perf_counter_ns()
        record = self.record
        record.events.extend((t_ns, kind) for _, kind in events)
        if tokens:
            record.mark_token(t_ns, tokens)
        await self._drain()
        return t_ns

    async def _drain(self) -> None:
        try:
            await self.writer.drain()
        except ConnectionError as exc:
            self.record.disconnected = True
            raise ClientGone from exc
        if self._gone():
            self.record.disconnected = True
            raise ClientGone

    def _times_ms(self) -> list[tuple[int, int]]:
        """(start, end) wall-clock ms of every provider attempt, for the routing metadata."""
        times = []
        start = self._started_ms
        for model_attempt in self.plan.route.model_attempts:
            for attempt in model_attempt.attempts:
                if attempt.success:
                    times.append((start, wall_ms()))
                else:
                    end = start + round(attempt.duration_s * self.scale * 1000)
                    times.append((start, end))
                    start = end
        return times

    def _delta_event(self, delta: Delta) -> tuple[bytes, str]:
        if delta.kind == "content":
            return self.encoder.content(delta.text), "content"
        if delta.kind == "reasoning":
            return self.encoder.reasoning(delta.text), "reasoning"
        assert delta.tool is not None
        piece = delta.tool
        return self.encoder.tool(piece.index, piece.id, piece.name, piece.arguments), "tool"

    def _deltas(self) -> list[Delta]:
        deltas = self.plan.deltas
        if not self.fault.has("u2028"):
            return deltas
        # Line and paragraph separators inside JSON strings: valid JSON, but a client that
        # splits lines like str.splitlines() breaks the chunk in two.
        deltas = list(deltas)
        content = [i for i, d in enumerate(deltas) if d.kind == "content"]
        for i, extra in zip(content[1:3], ("\u2028", "\u0085"), strict=False):
            deltas[i] = Delta("content", deltas[i].text + extra)
        return deltas

    # -- the response --------------------------------------------------------------------

    async def stream(self) -> bool:
        """Write the event stream. Returns whether the connection can be kept alive."""
        fault, plan, record, enc = self.fault, self.plan, self.record, self.encoder
        deltas = self._deltas()
        if fault.has("gzip") or fault.has("burst"):
            return await self._burst(deltas, compress=fault.has("gzip"))
        comments = fault.has("comments")
        keepalive = enc.framing.comment if comments else None
        await self.wait_until(self.schedule.headers_ns)
        headers = [
            ("content-type", "text/event-stream"),
            ("cache-control", "no-cache"),
            ("transfer-encoding", "chunked"),
        ]
        planned = self.planned
        if self.annotate:
            headers.append((PLANNED_HEADERS, str(planned.headers_ns // 1000)))
        self.writer.write(http.head(200, headers, keep_alive=self.keep_alive))
        record.t_headers_ns = time.perf_counter_ns()
        record.status = 200
        opening = [(enc.role(), "role")]
        if comments:
            opening.append((enc.framing.comment(), "comment"))
        if fault.has("ping"):
            opening.append((enc.ping(), "ping"))
        await self.send([self._at(planned.headers_ns, event) for event in opening])
        fault_at = fault.after if fault.kind in _MID_STREAM else None
        if fault.kind == "no-done" and fault_at is None:
            fault_at = len(deltas)
        k, n = 0, len(deltas)
        while True:
            if fault_at is not None and k == min(fault_at, n):
                ended = await self._mid_stream_fault(keepalive)
                if ended is not None:
                    return ended
                fault_at = None
            if k >= n:
                break
            target = self.schedule.token_ns(k)
            if target > time.perf_counter_ns():
                await self.wait_until(target, keepalive)
            now = time.perf_counter_ns()
            batch: list[tuple[bytes, str]] = []
            j = k
            while (
                j < n
                and len(batch) < MAX_BATCH
                and (fault_at is None or j < fault_at)
                and self.schedule.token_ns(j) <= now
            ):
                batch.append(self._at(planned.token_ns(j), self._delta_event(deltas[j])))
                j += 1
                if comments and j % fault.every == 0:
                    batch.append((enc.framing.comment(), "comment"))
            tokens = sum(1 for _, kind in batch if kind != "comment")
            record.content += "".join(d.text for d in deltas[k:j] if d.kind == "content")
            await self.send(batch, tokens)
            k = j
        tail = [
            (
                enc.final(
                    self._times_ms(),
                    with_usage=not fault.has("usage-separate") and plan.body.include_usage,
                ),
                "final",
            )
        ]
        if fault.has("usage-separate") and plan.body.include_usage:
            tail.append((enc.usage_only(), "usage"))
        tail.append((enc.done(), "done"))
        end_ns = planned.token_ns(n - 1) if n else planned.headers_ns
        await self.send([self._at(end_ns, event) for event in tail])
        self.writer.write(http.LAST_CHUNK)
        await self._drain()
        record.finish_reason = plan.finish_reason
        record.completed = True
        return self.keep_alive

    async def _mid_stream_fault(self, keepalive: Callable[[], bytes] | None) -> bool | None:
        """Apply the mid-stream fault. Returns the keep-alive verdict if the response ended,
        None if the stream goes on."""
        fault, enc = self.fault, self.encoder
        code = fault.status or 500
        message = _MID_MESSAGES.get(code, "Provider disconnected unexpectedly")
        if fault.kind == "stall":
            stall_ns = round(fault.seconds * 1e9)
            await self.wait_until(time.perf_counter_ns() + stall_ns, keepalive)
            self.schedule.offset_ns += stall_ns
            self.planned.offset_ns += stall_ns
            return None
        if fault.kind == "malformed":
            await self.send([(enc.malformed(), "malformed")])
            return None
        if fault.kind == "cut":
            # Close without the terminating zero-length chunk: an incomplete chunked body.
            self.writer.close()
            self.record.completed = True
            return False
        if fault.kind == "mid-error":
            await self.send(
                [
                    (
                        enc.error(code, message, style=fault.style, error_type=fault.error_type),
                        "error",
                    )
                ]
            )
        elif fault.kind == "event-error":
            await self.send([(enc.error_event(code, message, fault.error_type), "error")])
        # mid-error, event-error and no-done end the body cleanly, without [DONE].
        self.writer.write(http.LAST_CHUNK)
        await self._drain()
        self.record.completed = True
        return self.keep_alive

    async def _burst(self, deltas: list[Delta], *, compress: bool) -> bool:
        """The whole stream sent at once, when a buffering proxy would: gzip-compressed, or
        as is; either way with a ``Content-Length``, once generation is over."""
        enc, plan, record = self.encoder, self.plan, self.record
        events = [enc.role()] + [self._delta_event(d)[0] for d in deltas]
        last = self.schedule.token_ns(max(0, len(deltas) - 1))
        await self.wait_until(last)
        events += [enc.final(self._times_ms(), with_usage=plan.body.include_usage), enc.done()]
        body = (BOM if self._bom else b"") + b"".join(events)
        headers = [("cache-control", "no-cache")]
        if compress:
            body = gzip.compress(body)
            headers.insert(0, ("content-encoding", "gzip"))
        self.writer.write(
            http.response(200, body, "text/event-stream", keep_alive=self.keep_alive, extra=headers)
        )
        t_ns = time.perf_counter_ns()
        record.t_headers_ns = t_ns
        record.status = 200
        record.mark_token(t_ns, len(deltas))
        record.events.append((t_ns, "burst"))
        record.content = "".join(d.text for d in deltas if d.kind == "content")
        await self._drain()
        record.finish_reason = plan.finish_reason
        record.completed = True
        return self.keep_alive

    async def complete(self) -> bool:
        """A non-streamed ``chat.completion``, sent once the whole answer is generated."""
        plan, fault, record = self.plan, self.fault, self.record
        n = len(plan.deltas)
        await self.wait_until(self.schedule.token_ns(max(0, n - 1)))
        record.status = 200
        if fault.kind in ("mid-error", "event-error"):
            code = fault.status or 500
            body = dumps(
                error_body(
                    code,
                    fault.error_type or "internal_server_error",
                    _MID_MESSAGES.get(code, "Provider disconnected unexpectedly"),
                    generation_id=plan.generation_id,
                )
            )
            record.status = code
            self.writer.write(
                http.response(code, body, "application/json", keep_alive=self.keep_alive)
            )
            await self._drain()
            record.completed = True
            return self.keep_alive
        body = dumps(completion_body(plan, self._times_ms()))
        extra: list[tuple[str, str]] = []
        if fault.has("gzip"):
            body = gzip.compress(body)
            extra.append(("content-encoding", "gzip"))
        if fault.kind == "malformed":
            body = body[: len(body) // 2]
        if fault.kind == "cut":
            payload = http.response(200, body, "application/json", keep_alive=False, extra=extra)
            self.writer.write(payload[: len(payload) - len(body) // 2])
            self.writer.close()
            record.completed = True
            return False
        self.writer.write(
            http.response(200, body, "application/json", keep_alive=self.keep_alive, extra=extra)
        )
        t_ns = time.perf_counter_ns()
        record.t_headers_ns = t_ns
        record.mark_token(t_ns, n)
        record.content = plan.content
        await self._drain()
        record.finish_reason = plan.finish_reason
        record.completed = True
        return self.keep_alive


_MID_STREAM = frozenset(("mid-error", "event-error", "cut", "malformed", "no-done", "stall"))

_MID_MESSAGES = {
    429: "Rate limit exceeded by the upstream provider",
    500: "Provider disconnected unexpectedly",
    502: "The provider returned an invalid response",
    503: "The provider is overloaded; the stream was interrupted",
    504: "The provider stopped responding",
}
