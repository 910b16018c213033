"""A run: one request, what came back, and its figures, computed from the event stream.

`RunBuilder` folds a stream of `core.events` into a `Run`. It is what the UI's live sidebar
reads (`snapshot`), what repeat mode collects and what a session stores. It does O(1) work per
event, so it sits in the streaming hot path without cost.

The figures follow DESIGN.md's table, with these precisions:

- Times are measured from the `Started` event of the **last** attempt. Retries (and the time
  spent waiting for them) are reported separately in `Figures.retries` and `Figures.waited_s`:
  a provider's TTFT should not include our backoff.
- The first token is the first content, reasoning or tool-call delta; the role-only chunk
  yields no event, so it never counts.
- Output tokens come from the gateway's usage when it sends one; until then (or if it never
  does) they are estimated from the text and `Figures.tokens.estimated` is set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from playground.core.errors import GatewayError
from playground.core.events import (
    Connected,
    Failed,
    Finished,
    KeepAlive,
    ReasoningDelta,
    ResponseStarted,
    Retrying,
    Routed,
    Started,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
)
from playground.core.pricing import Prices, estimate_prompt_tokens, estimate_tokens, run_cost
from playground.core.request import ChatRequest, ToolCall

RunStatus = Literal["running", "ok", "stopped", "interrupted", "incomplete", "error"]
"""``running`` only while streaming; the other five are final (DESIGN.md, "status")."""

FINAL_STATUSES: tuple[RunStatus, ...] = ("ok", "stopped", "interrupted", "incomplete", "error")

DEFAULT_STALL_S = 2.0
"""A gap between deltas longer than this counts as a stall."""

NS = 1_000_000_000
RATE_BUCKET_NS = NS // 5
"""The width of one bucket of `RunBuilder.rate_profile`: 200 ms, as often as the live figures."""


@dataclass(frozen=True, slots=True)
class TokenCounts:
    """Token counts of a run; None where neither the gateway nor an estimate can say."""

    prompt: int | None = None
    cached: int | None = None
    output: int | None = None
    reasoning: int | None = None
    cache_write: int | None = None
    estimated: bool = False
    """True while (or if) the output count is an estimate rather than the gateway's usage."""


@dataclass(frozen=True, slots=True)
class Stalls:
    """Gaps between deltas longer than the stall threshold."""

    count: int = 0
    longest_s: float = 0.0


CostSource = Literal["gateway", "computed", "estimate"]
"""``gateway``: reported in usage; ``computed``: usage × the endpoint's prices; ``estimate``:
estimated tokens × prices, while streaming or when the gateway sent no usage."""

PriceLookup = Callable[[str | None], Prices | None]
"""Prices of the endpoint that served a run, given the provider slug (None: unknown)."""


@dataclass(frozen=True, slots=True)
class Figures:
    """What DESIGN.md's table defines for one run. Seconds and tokens per second; None when
    the run did not get far enough for the figure to exist."""

    status: RunStatus
    connect_s: float | None = None
    """Request start → connection ready; 0 on a reused connection."""
    ttfb_s: float | None = None
    """Request start → response headers."""
    ttft_s: float | None = None
    """Request start → first content, reasoning or tool-call delta ("TTFT (client)")."""
    decode_rate: float | None = None
    """(output tokens − 1) ÷ (last delta − first delta)."""
    e2e_rate: float | None = None
    """Output tokens ÷ (end − request start)."""
    total_s: float | None = None
    """Request start → stream end (or now, while running)."""
    tokens: TokenCounts = TokenCounts()
    cost: Decimal | None = None
    cost_source: CostSource | None = None
    gateway_cost: Decimal | None = None
    """What the gateway reported, when it did."""
    computed_cost: Decimal | None = None
    """What the endpoint's prices give, when they are known."""
    served_by: str | None = None
    fallbacks: tuple[str, ...] = ()
    """Providers the gateway tried and gave up on before `served_by`."""
    stalls: Stalls = Stalls()
    retries: int = 0
    waited_s: float = 0.0
    """Time spent on failed attempts and backoff before the last attempt."""

    @property
    def cost_difference(self) -> Decimal | None:
        """Gateway-reported minus computed cost, when both exist."""
        if self.gateway_cost is None or self.computed_cost is None:
            return None
        return self.gateway_cost - self.computed_cost


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """A failure as stored in a run: plain values, no exception object."""

    kind: str
    message: str
    status: int | None = None
    code: str | None = None
    detail: str = ""

    @classmethod
    def from_error(cls, error: GatewayError) -> ErrorInfo:
        return cls(error.kind, error.message, error.status, error.code, error.detail)


@dataclass(frozen=True, slots=True)
class Run:
    """One request and everything that came back: the unit the UI shows, compare shows twice,
    repeat mode collects and a session stores."""

    id: str
    request: ChatRequest
    started_at: float
    """Wall-clock time the run started (Unix seconds), for display and sessions."""
    text: str
    reasoning: str
    tool_calls: tuple[ToolCall, ...]
    finish_reason: str | None
    figures: Figures
    error: ErrorInfo | None = None
    generation_id: str | None = None
    model: str | None = None
    """The model that answered, if the gateway said (it differs on a model fallback)."""
    profile: str = ""
    """The gateway profile the run went to (never its key)."""
    lane: str = ""
    """``A`` or ``B`` in compare mode, empty for a single run."""
    group: str = ""
    """Runs made together share a group id (a compare send, a repeat series)."""
    repeat_index: int | None = None
    """Position in a repeat series (0-based); None outside repeat mode."""
    warmup: bool = False
    """A repeat's warm-up run: kept, but left out of the statistics."""

    @property
    def status(self) -> RunStatus:
        return self.figures.status


@dataclass(slots=True)
class _ToolCallParts:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class RunBuilder:
    """Folds one run's events into text, tool calls and figures, in O(1) per event.

    Args:
        request: What was sent.
        prices: The serving endpoint's prices, for a computed cost (optional).
        price_lookup: Instead of `prices`: finds the prices of whichever provider serves the
            run (known only once the gateway says, or from the pin).
        stall_s: The stall threshold.
    """

    def __init__(
        self,
        request: ChatRequest,
        *,
        run_id: str = "",
        started_at: float = 0.0,
        prices: Prices | None = None,
        price_lookup: PriceLookup | None = None,
        stall_s: float = DEFAULT_STALL_S,
        profile: str = "",
        lane: str = "",
        group: str = "",
        repeat_index: int | None = None,
        warmup: bool = False,
    ) -> None:
        self.request = request
        self.run_id = run_id
        self.started_at = started_at
        self.prices = prices
        self.price_lookup = price_lookup
        self._prompt_estimate: int | None = None
        self.profile = profile
        self.lane = lane
        self.group = group
        self.repeat_index = repeat_index
        self.warmup = warmup
        self._stall_ns = int(stall_s * NS)

        self._text: list[str] = []
        self._text_len = 0
        self._reasoning: list[str] = []
        self._reasoning_len = 0
        self._tools: dict[int, _ToolCallParts] = {}

        self._first_start_ns: int | None = None
        self._start_ns: int | None = None
        self._connected_ns: int | None = None
        self._reused = False
        self._headers_ns: int | None = None
        self._first_delta_ns: int | None = None
        self._last_delta_ns: int | None = None
        self._last_alive_ns: int | None = None
        self._end_ns: int | None = None
        self._delta_count = 0
        self._bucket_deltas: list[int] = []
        """Deltas per `RATE_BUCKET_NS` since the first delta."""
        self._stall_count = 0
        self._longest_gap_ns = 0
        self._retries = 0

        self._usage: Usage | None = None
        self._routed: Routed | None = None
        self._finish_reason: str | None = None
        self._generation_id: str | None = None
        self._error: GatewayError | None = None
        self._status: RunStatus = "running"
        self.retrying: Retrying | None = None
        """The pending retry, while the client waits before the next attempt."""

    # -- feeding ----------------------------------------------------------------------------

    def observe(self, event: StreamEvent) -> None:
        """Take one event into account."""
        if isinstance(event, TextDelta):
            self._text.append(event.text)
            self._text_len += len(event.text)
            self._delta(event.t_ns)
        elif isinstance(event, ReasoningDelta):
            self._reasoning.append(event.text)
            self._reasoning_len += len(event.text)
            self._delta(event.t_ns)
        elif isinstance(event, ToolCallDelta):
            parts = self._tools.setdefault(event.index, _ToolCallParts())
            if event.id:
                parts.id = event.id
            if event.name and not parts.name:
                parts.name = event.name
            if event.arguments:
                parts.arguments.append(event.arguments)
            self._delta(event.t_ns)
        elif isinstance(event, KeepAlive):
            self._last_alive_ns = event.t_ns
        elif isinstance(event, Started):
            if self._first_start_ns is None:
                self._first_start_ns = event.t_ns
            self._start_ns = event.t_ns
            self._connected_ns = self._headers_ns = None
            self.retrying = None
        elif isinstance(event, Connected):
            self._connected_ns = event.t_ns
            self._reused = event.reused
        elif isinstance(event, ResponseStarted):
            self._headers_ns = event.t_ns
            if event.generation_id:
                self._generation_id = event.generation_id
        elif isinstance(event, Usage):
            self._usage = event
        elif isinstance(event, Routed):
            self._routed = event
        elif isinstance(event, Retrying):
            self._retries += 1
            self.retrying = event
        elif isinstance(event, Finished):
            self._end_ns = event.t_ns
            self._finish_reason = event.finish_reason
            self._generation_id = event.generation_id or self._generation_id
            self._status = event.status
        elif isinstance(event, Failed):
            self._end_ns = event.t_ns
            self._error = event.error
            self._generation_id = event.generation_id or self._generation_id
            self._status = "interrupted" if self._first_delta_ns is not None else "error"

    def _delta(self, t_ns: int) -> None:
        last = self._last_delta_ns
        if last is None:
            self._first_delta_ns = t_ns
        else:
            gap = t_ns - last
            if gap > self._stall_ns:
                self._stall_count += 1
            if gap > self._longest_gap_ns:
                self._longest_gap_ns = gap
        self._last_delta_ns = t_ns
        self._last_alive_ns = t_ns
        self._delta_count += 1
        first = self._first_delta_ns
        assert first is not None
        index = (t_ns - first) // RATE_BUCKET_NS
        buckets = self._bucket_deltas
        if index >= len(buckets):
            buckets.extend([0] * (index + 1 - len(buckets)))
        buckets[index] += 1

    def rate_profile(self, output_tokens: int | None, *, most: int = 60) -> tuple[float, ...]:
        """Tokens per second over the stream, first delta to last, in at most `most` equal
        slices (each a whole number of 200 ms buckets; the last is measured over its own
        length, and joins the one before when under half a slice).

        Deltas are counted; with `output_tokens` (the usage's count) they are scaled so the
        profile adds up to it, since a delta is not always one token. Empty before two
        deltas.
        """
        first, last, buckets = self._first_delta_ns, self._last_delta_ns, self._bucket_deltas
        if first is None or last is None or last <= first or self._delta_count < 2:
            return ()
        per_slice = -(-len(buckets) // most)
        scale = output_tokens / self._delta_count if output_tokens else 1.0
        span = last - first
        slices: list[tuple[int, int]] = []  # (deltas, length in ns)
        for start in range(0, len(buckets), per_slice):
            count = sum(buckets[start : start + per_slice])
            length_ns = min(per_slice * RATE_BUCKET_NS, span - start * RATE_BUCKET_NS)
            if slices and length_ns < per_slice * RATE_BUCKET_NS // 2:
                # A short tail (or the last delta alone) joins the slice before it: over a
                # few milliseconds one delta would read as a spike.
                previous_count, previous_ns = slices.pop()
                count, length_ns = count + previous_count, previous_ns + max(0, length_ns)
            slices.append((count, length_ns))
        return tuple(count * scale / (length_ns / NS) for count, length_ns in slices)

    def stop(self, t_ns: int) -> None:
        """The user stopped the run (Esc): keep what arrived and mark it ``stopped``."""
        if self._status == "running":
            self._status = "stopped"
            self._end_ns = t_ns
            self.retrying = None

    def fail(self, error: GatewayError, t_ns: int) -> None:
        """Record a failure that happened outside the stream (the consumer's own error)."""
        self.observe(Failed(t_ns, error))

    # -- reading ----------------------------------------------------------------------------

    @property
    def status(self) -> RunStatus:
        return self._status

    @property
    def done(self) -> bool:
        return self._status != "running"

    @property
    def text(self) -> str:
        if len(self._text) > 1:
            self._text[:] = ["".join(self._text)]
        return self._text[0] if self._text else ""

    @property
    def reasoning(self) -> str:
        if len(self._reasoning) > 1:
            self._reasoning[:] = ["".join(self._reasoning)]
        return self._reasoning[0] if self._reasoning else ""

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        return tuple(
            ToolCall(p.id or f"call_{i}", p.name, "".join(p.arguments))
            for i, p in sorted(self._tools.items())
        )

    @property
    def error(self) -> GatewayError | None:
        return self._error

    @property
    def has_tokens(self) -> bool:
        return self._first_delta_ns is not None

    @property
    def delta_count(self) -> int:
        return self._delta_count

    @property
    def last_alive_ns(self) -> int | None:
        """When the stream last showed life (a delta or a comment line)."""
        return self._last_alive_ns

    @property
    def start_ns(self) -> int | None:
        """perf_counter_ns of the last attempt's start."""
        return self._start_ns

    def snapshot(self, now_ns: int | None = None) -> Figures:
        """The figures so far. While running, `now_ns` stands in for the end."""
        end = self._end_ns if self._end_ns is not None else now_ns
        start = self._start_ns
        usage = self._usage

        def since_start(t: int | None) -> float | None:
            return None if t is None or start is None else (t - start) / NS

        if usage is not None and usage.completion_tokens is not None:
            output: int | None = usage.completion_tokens
            estimated = False
        elif self._delta_count:
            output = max(
                1, estimate_tokens_len(self._text_len) + estimate_tokens_len(self._reasoning_len)
            )
            output = max(output, len(self._tools)) if self._tools else output
            estimated = True
        else:
            output, estimated = (0, False) if self.done else (None, False)

        decode: float | None = None
        first, last = self._first_delta_ns, self._last_delta_ns
        if (
            output is not None
            and output > 1
            and first is not None
            and last is not None
            and last > first
        ):
            decode = (output - 1) / ((last - first) / NS)
        total = since_start(end)
        e2e = output / total if output and total and self._end_ns else None

        prompt = usage.prompt_tokens if usage else None
        if prompt is None and estimated:
            prompt = self.prompt_estimate
        tokens = TokenCounts(
            prompt=prompt,
            cached=usage.cached_tokens if usage else None,
            output=output,
            reasoning=usage.reasoning_tokens if usage else None,
            cache_write=usage.cache_write_tokens if usage else None,
            estimated=estimated,
        )
        gateway_cost = usage.cost if usage else None
        routed = self._routed
        prices = self._prices_for(routed.served_by if routed else None)
        computed: Decimal | None = None
        if prices is not None and prompt is not None and output is not None:
            computed = run_cost(
                prices,
                prompt_tokens=prompt,
                output_tokens=output,
                cached_tokens=tokens.cached or 0,
                cache_write_tokens=tokens.cache_write or 0,
                web_searches=(usage.web_search_calls or 0) if usage else 0,
            )
        cost: Decimal | None = None
        source: CostSource | None = None
        if gateway_cost is not None:
            cost, source = gateway_cost, "gateway"
        elif computed is not None:
            cost, source = computed, "estimate" if estimated else "computed"
        if estimated:
            computed = None  # only a figure from real usage is "computed"

        fallbacks: tuple[str, ...] = ()
        if routed is not None:
            fallbacks = tuple(
                a.provider
                for a in routed.attempts
                if a.success is False and a.provider != routed.served_by
            )
        connect: float | None = None
        if self._connected_ns is not None:
            connect = 0.0 if self._reused else since_start(self._connected_ns)
        waited = 0.0
        if self._first_start_ns is not None and start is not None:
            waited = (start - self._first_start_ns) / NS

        return Figures(
            status=self._status,
            connect_s=connect,
            ttfb_s=since_start(self._headers_ns),
            ttft_s=since_start(first),
            decode_rate=decode,
            e2e_rate=e2e,
            total_s=total,
            tokens=tokens,
            cost=cost,
            cost_source=source,
            gateway_cost=gateway_cost,
            computed_cost=computed,
            served_by=routed.served_by if routed else None,
            fallbacks=fallbacks,
            stalls=Stalls(self._stall_count, self._longest_gap_ns / NS),
            retries=self._retries,
            waited_s=waited,
        )

    @property
    def prompt_estimate(self) -> int:
        """The prompt's size estimated from its text (until the gateway reports usage)."""
        if self._prompt_estimate is None:
            self._prompt_estimate = estimate_prompt_tokens([m.text for m in self.request.messages])
        return self._prompt_estimate

    def _prices_for(self, served_by: str | None) -> Prices | None:
        if self.prices is not None:
            return self.prices
        if self.price_lookup is None:
            return None
        return self.price_lookup(served_by or self.request.routing.pinned)

    def build(self) -> Run:
        """The finished run. Call after `Finished`, `Failed` or `stop`."""
        routed = self._routed
        return Run(
            id=self.run_id,
            request=self.request,
            started_at=self.started_at,
            text=self.text,
            reasoning=self.reasoning,
            tool_calls=self.tool_calls,
            finish_reason=self._finish_reason,
            figures=self.snapshot(),
            error=ErrorInfo.from_error(self._error) if self._error else None,
            generation_id=self._generation_id,
            model=routed.model if routed else None,
            profile=self.profile,
            lane=self.lane,
            group=self.group,
            repeat_index=self.repeat_index,
            warmup=self.warmup,
        )


def estimate_tokens_len(chars: int) -> int:
    """`estimate_tokens` for a length already known."""
    return 0 if chars <= 0 else max(1, (chars + 2) // 4)


def figures_of(
    request: ChatRequest, events: Iterable[StreamEvent], *, prices: Prices | None = None
) -> Figures:
    """Figures of a whole recorded stream (what `RunBuilder` computes incrementally)."""
    builder = RunBuilder(request, prices=prices)
    for event in events:
        builder.observe(event)
    return builder.snapshot()


__all__ = [
    "DEFAULT_STALL_S",
    "FINAL_STATUSES",
    "ErrorInfo",
    "Figures",
    "Run",
    "RunBuilder",
    "RunStatus",
    "Stalls",
    "TokenCounts",
    "estimate_tokens",
    "figures_of",
]
