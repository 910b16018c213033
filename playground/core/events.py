"""The stream of one run, as the gateway client reports it.

`gateway.client.GatewayClient.stream` yields these; the UI, the CLI, repeat mode and the
session journal consume the same stream, and `core.run.RunBuilder` turns it into a `Run` with
its figures. Every event carries ``t_ns``, a `time.perf_counter_ns()` reading taken when the
client saw it, so figures are differences of timestamps from one clock.

A run's events come in this order (``*`` zero or more, ``?`` at most one)::

    (Started Connected? ResponseStarted? KeepAlive* Retrying)*   failed attempts, no token
    Started Connected? ResponseStarted?
        (TextDelta | ReasoningDelta | ToolCallDelta | KeepAlive | Routed | Usage)*
    Finished | Failed

`Finished` and `Failed` are always last, and there is exactly one of them unless the consumer
stops iterating (the user pressed Esc), in which case there is neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from playground.core.errors import GatewayError


@dataclass(frozen=True, slots=True)
class Started:
    """A request (attempt) is about to be sent. Figures are measured from the last one."""

    t_ns: int
    attempt: int = 0
    """0 for the first attempt, 1 and 2 for retries."""


@dataclass(frozen=True, slots=True)
class Connected:
    """The connection is ready to carry the request."""

    t_ns: int
    reused: bool
    """True when a kept-alive connection was reused (the connect figure is then 0)."""


@dataclass(frozen=True, slots=True)
class ResponseStarted:
    """The response status line and headers arrived."""

    t_ns: int
    status: int
    generation_id: str | None = None
    """From the ``X-Generation-Id`` header (OpenRouter), when present."""


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the answer."""

    t_ns: int
    text: str


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of the model's reasoning (``delta.reasoning`` or ``reasoning_content``)."""

    t_ns: int
    text: str


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of a tool call; pieces with the same `index` belong to one call."""

    t_ns: int
    index: int
    id: str | None
    name: str | None
    arguments: str
    """The next piece of the arguments' JSON text (may be empty)."""


@dataclass(frozen=True, slots=True)
class KeepAlive:
    """A comment line (``: OPENROUTER PROCESSING``): the stream is alive but has no content."""

    t_ns: int


@dataclass(frozen=True, slots=True)
class ProviderAttempt:
    """One provider the gateway tried for this request."""

    provider: str
    success: bool | None = None
    status: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Routed:
    """Which provider served the request, and what else the gateway tried."""

    t_ns: int
    served_by: str | None
    """``routing.finalProvider`` on Vercel, ``provider`` on OpenRouter."""
    resolved: str | None = None
    """The provider the gateway planned to use first (``resolvedProvider``)."""
    model: str | None = None
    """The model that actually answered (differs from the request's on a model fallback)."""
    fallbacks_available: tuple[str, ...] = ()
    attempts: tuple[ProviderAttempt, ...] = ()


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts and cost as the gateway reported them (usually in the last chunk)."""

    t_ns: int
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    """Output tokens, reasoning included (the OpenAI convention)."""
    cached_tokens: int | None = None
    cache_write_tokens: int | None = None
    reasoning_tokens: int | None = None
    cost: Decimal | None = None
    """USD, when the gateway reported it (``provider_metadata.gateway.cost`` or ``usage.cost``)."""
    web_search_calls: int | None = None


@dataclass(frozen=True, slots=True)
class Retrying:
    """The last attempt failed before any token; the client waits `delay_s`, then tries again."""

    t_ns: int
    attempt: int
    """The number of the attempt that will follow (1 or 2)."""
    delay_s: float
    error: GatewayError
    """Why the last attempt failed."""


FinishStatus = Literal["ok", "incomplete"]


@dataclass(frozen=True, slots=True)
class Finished:
    """The stream ended."""

    t_ns: int
    finish_reason: str | None
    """``stop``, ``length``, ``tool_calls``, ``content_filter``… or None if never sent."""
    saw_done: bool
    """Whether ``data: [DONE]`` arrived."""
    generation_id: str | None = None

    @property
    def status(self) -> FinishStatus:
        """``ok`` when the stream said it was complete, ``incomplete`` when it just stopped."""
        return "ok" if (self.finish_reason or self.saw_done) else "incomplete"


@dataclass(frozen=True, slots=True)
class Failed:
    """The run failed: before any token (after any retries), or in the middle of the stream."""

    t_ns: int
    error: GatewayError
    generation_id: str | None = None


Delta = TextDelta | ReasoningDelta | ToolCallDelta
StreamEvent = (
    Started
    | Connected
    | ResponseStarted
    | TextDelta
    | ReasoningDelta
    | ToolCallDelta
    | KeepAlive
    | Routed
    | Usage
    | Retrying
    | Finished
    | Failed
)
"""Everything a run's stream can yield: a closed union, matched with ``match``/``isinstance``."""
