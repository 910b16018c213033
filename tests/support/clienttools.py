"""Small helpers for the gateway client's loopback tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from playground.core.events import Failed, Finished, StreamEvent, TextDelta
from playground.core.profile import Profile
from playground.core.request import ChatRequest, Message, Routing
from playground.core.run import Figures, RunBuilder
from playground.core.secret import Secret
from playground.gateway.client import GatewayClient, RetryPolicy, Timeouts

KEY = Secret("sk-test-0123456789abcdefXYZW")
REQUEST = ChatRequest(
    "openai/gpt-4.1-mini",
    (Message("system", "Be brief."), Message("user", "Why is the sky blue?")),
    routing=Routing(only=("azure",)),
)


class Sleeps:
    """An injected `sleep` that records each wait and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def client_for(
    profile: Profile,
    *,
    sleeps: Sleeps | None = None,
    timeouts: Timeouts | None = None,
    retry: RetryPolicy | None = None,
    api_key: Secret | None = KEY,
    **kwargs: Any,
) -> GatewayClient:
    """A client whose retries do not really wait and whose jitter is fixed (random() = 0)."""
    return GatewayClient(
        profile,
        api_key=api_key,
        timeouts=timeouts or Timeouts(connect=5, first_token=10, idle=10),
        retry=retry or RetryPolicy(),
        sleep=sleeps or Sleeps(),
        random=lambda: 0.0,
        **kwargs,
    )


async def collect(client: GatewayClient, request: ChatRequest = REQUEST) -> list[StreamEvent]:
    return [event async for event in client.stream(request)]


def text_of(events: Sequence[StreamEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def figures_of(events: Sequence[StreamEvent], request: ChatRequest = REQUEST) -> Figures:
    builder = RunBuilder(request)
    for event in events:
        builder.observe(event)
    return builder.snapshot()


def last(events: Sequence[StreamEvent]) -> Finished | Failed:
    end = events[-1]
    assert isinstance(end, Finished | Failed), end
    assert sum(isinstance(e, Finished | Failed) for e in events) == 1
    return end


def names(events: Sequence[StreamEvent]) -> list[str]:
    return [type(e).__name__ for e in events]
