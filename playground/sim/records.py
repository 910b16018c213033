"""What the simulated gateway did, request by request, for tests to compare against.

Every time is a `time.perf_counter_ns()` reading taken right after the bytes were handed to
the socket, on the same clock a client in the same machine uses for its own figures, so a
test can check a client's TTFT against `RequestRecord.t_first_token_ns` and its decode rate
against the span between the first and last token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from playground.core.request import ChatRequest


@dataclass(slots=True)
class RequestRecord:
    """One request and what the gateway sent back. Filled in while the response is written."""

    index: int
    """0 for the gateway's first request."""
    method: str
    path: str
    t_received_ns: int
    """When the request (headers and body) had been read."""
    authorization: bool
    """Whether the request carried an ``Authorization`` header (redirect tests)."""
    body: bytes = b""
    """The request body as received, for tests comparing what different clients sent;
    empty on a gateway with a bounded history (``max_records``), so a long-running server
    does not hold every upload."""
    fault: str = "ok"
    """The fault step applied, as written."""
    status: int | None = None
    stream: bool = False
    model: str | None = None
    """The model that answered (after any model fallback)."""
    provider: str | None = None
    """The provider that served it."""
    attempts: list[tuple[str, int]] = field(default_factory=list)
    """(provider, status) of every provider attempt, failed ones first."""
    generation_id: str | None = None
    ttft_s: float | None = None
    """Planned seconds from `t_received_ns` to the first token, time scale applied."""
    provider_ttft_s: float | None = None
    """The provider's drawn TTFT (gateway overhead included, before the time scale)."""
    tokens_per_s: float | None = None
    """The provider's drawn decode rate (before the time scale)."""
    effective_tokens_per_s: float | None = None
    """The rate tokens are actually paced at: `tokens_per_s` ÷ time scale (inf at 0)."""
    t_headers_ns: int | None = None
    t_first_token_ns: int | None = None
    t_last_token_ns: int | None = None
    token_times_ns: list[int] = field(default_factory=list)
    """When each streamed token (content, reasoning or tool-call piece) was written."""
    events: list[tuple[int, str]] = field(default_factory=list)
    """(time, kind) of every SSE event written: role, content, reasoning, tool, final,
    usage, done, error, comment, ping, malformed."""
    prompt_tokens: int | None = None
    cached_tokens: int | None = None
    cache_write_tokens: int | None = None
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None
    cost: Decimal | None = None
    finish_reason: str | None = None
    content: str = ""
    """The content text that was sent (after faults that alter it)."""
    request: ChatRequest | None = None
    """The chat request as the gateway read it from the body (messages with their parts,
    tools, tool results), for tests that check what a client sent."""
    completed: bool = False
    """The response was written to its end (a fault may still have broken it on purpose)."""
    disconnected: bool = False
    """The client went away before the response was complete."""

    @property
    def tokens_sent(self) -> int:
        return len(self.token_times_ns)

    @property
    def measured_tokens_per_s(self) -> float | None:
        """(tokens − 1) ÷ (last − first write time): the decode rate as sent."""
        times = self.token_times_ns
        if len(times) < 2 or times[-1] == times[0]:
            return None
        return (len(times) - 1) * 1e9 / (times[-1] - times[0])

    @property
    def fitted_tokens_per_s(self) -> float | None:
        """The decode rate as the least-squares slope of all token write times: what the
        schedule achieved, barely moved by one late wake-up at either end (unlike
        `measured_tokens_per_s`, which is what a client computes from the same tokens)."""
        times = self.token_times_ns
        n = len(times)
        if n < 2:
            return None
        mean_k = (n - 1) / 2
        mean_t = sum(times) / n
        spread = sum((k - mean_k) ** 2 for k in range(n))
        slope = sum((k - mean_k) * (t - mean_t) for k, t in enumerate(times)) / spread
        return 1e9 / slope if slope > 0 else None

    @property
    def measured_ttft_s(self) -> float | None:
        """Seconds from `t_received_ns` to the first token's write."""
        if self.t_first_token_ns is None:
            return None
        return (self.t_first_token_ns - self.t_received_ns) / 1e9

    def summary(self) -> str:
        """One log line: ``POST /v1/chat/completions 200 openai/gpt-4.1-mini via openai …``.

        Not sanitized: the caller does that before printing (it holds a requested model id).
        """
        status = self.status if self.status is not None else "---"
        parts = [f"{self.method} {self.path} {status}"]
        if self.model:
            parts.append(f"{self.model} via {self.provider}")
        if self.t_first_token_ns is not None:
            parts.append(f"ttft {self.measured_ttft_s or 0.0:.2f}s")
            rate = self.measured_tokens_per_s
            if rate is not None:
                parts.append(f"{rate:,.0f} tok/s")
            parts.append(f"{self.tokens_sent} tokens")
            if self.cost is not None:
                parts.append(f"${self.cost:f}")
        if self.fault != "ok":
            parts.append(f"[{self.fault}]")
        if self.disconnected:
            parts.append("(client went away)")
        return " ".join(parts)

    def mark_token(self, t_ns: int, count: int = 1) -> None:
        """`count` tokens were written at `t_ns`."""
        if self.t_first_token_ns is None:
            self.t_first_token_ns = t_ns
        self.t_last_token_ns = t_ns
        self.token_times_ns.extend([t_ns] * count)
