"""One chat completion, planned before a byte is sent: route, answer, tokens, usage, timing.

The server then only has to pace the plan's deltas onto the wire (and break it, when a fault
says so). Everything here is deterministic given the gateway's seed, the request's index and
its body, which is what makes runs reproducible.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from playground.core.pricing import run_cost
from playground.sim.caching import PromptCache, canonical_prompt
from playground.sim.catalog import Catalog
from playground.sim.faults import Fault
from playground.sim.parse import ChatBody
from playground.sim.providers import Draw, StratifiedDraws, draw
from playground.sim.routing import Route, resolve
from playground.sim.text import Answer, compose, rng_for
from playground.sim.tokens import decoded_size, prompt_tokens, short_id, split_tokens, ulid

DeltaKind = Literal["reasoning", "content", "tool"]


@dataclass(frozen=True, slots=True)
class ToolPiece:
    """A piece of a tool call delta: the first piece of a call carries its id and name."""

    index: int
    id: str | None
    name: str | None
    arguments: str


@dataclass(frozen=True, slots=True)
class Delta:
    """One streamed token."""

    kind: DeltaKind
    text: str = ""
    tool: ToolPiece | None = None


@dataclass(slots=True)
class Plan:
    """Everything about one completion except when its bytes leave."""

    body: ChatBody
    route: Route
    answer: Answer
    deltas: list[Delta]
    """Reasoning, then content or tool-call pieces: one token each, in stream order."""
    finish_reason: str
    prompt_tokens: int
    cached_tokens: int
    cache_write_tokens: int
    completion_tokens: int
    reasoning_tokens: int
    cost: Decimal
    input_cost: Decimal
    output_cost: Decimal
    generation_id: str
    created: int
    fingerprint: str
    response_id: str
    draw: Draw
    """The drawn (or directed) TTFT and decode rate, before the time scale."""
    ttft_s: float
    """Unscaled seconds from the request to the first token: failed attempts, the drawn
    TTFT and any reasoning the model does without streaming it."""
    request_ids: list[str] = field(default_factory=list)
    """A provider request id per attempt, in `route` order."""

    @property
    def content(self) -> str:
        return "".join(d.text for d in self.deltas if d.kind == "content")

    @property
    def reasoning(self) -> str:
        return "".join(d.text for d in self.deltas if d.kind == "reasoning")


def _user_attachments(body: ChatBody) -> tuple[int, int]:
    images = file_bytes = 0
    for message in body.request.messages:
        for part in message.attachments:
            if part.media_type.startswith("image/"):
                images += 1
            else:
                file_bytes += decoded_size(part.data)
    return images, file_bytes


def plan_chat(
    body: ChatBody,
    *,
    catalog: Catalog,
    cache: PromptCache,
    fault: Fault,
    seed: int,
    index: int,
    user_text: str,
    draws: StratifiedDraws | None = None,
) -> Plan:
    """Plan the completion of request number `index` (0-based) of this gateway.

    `draws` holds the gateway's per-endpoint TTFT strata; without it each request's timing
    is an independent draw.

    Raises:
        RoutingError: the request cannot be routed (unknown model or provider, all failed).
    """
    request = body.request
    route = resolve(catalog, request, fault)
    answer = compose(
        request,
        user_text=user_text,
        model=route.model,
        provider=route.provider,
        seed=seed,
        length=fault.tokens,
    )

    # Reasoning first; then the content (stop sequences cut it) or the tool calls.
    exclude = request.reasoning is not None and request.reasoning.exclude
    if fault.has("echo"):  # the user's text comes back verbatim, nothing else
        answer = replace(answer, reasoning="", content=user_text, tool_calls=())
    reasoning = split_tokens(answer.reasoning)
    content_text = answer.content
    finish = "tool_calls" if answer.tool_calls else "stop"
    for stop in request.params.stop:
        if stop and stop in content_text:
            content_text = content_text[: content_text.index(stop)]
            finish = "stop"
    deltas: list[Delta] = [] if exclude else [Delta("reasoning", t) for t in reasoning]
    content_tokens = split_tokens(content_text)
    if fault.tokens is not None and not answer.tool_calls:
        content_tokens = content_tokens[: fault.tokens]
    deltas += [Delta("content", t) for t in content_tokens]
    for i, call in enumerate(answer.tool_calls):
        deltas.append(Delta("tool", tool=ToolPiece(i, call.id, call.name, "")))
        deltas += [
            Delta("tool", tool=ToolPiece(i, None, None, p)) for p in split_tokens(call.arguments)
        ]
    hidden = len(reasoning) if exclude else 0
    limit = request.params.max_tokens
    if limit is not None and hidden + len(deltas) > limit:
        deltas = deltas[: max(0, limit - hidden)]
        hidden = min(hidden, limit)
        finish = "length"

    texts = [m.text for m in request.messages]
    images, file_bytes = _user_attachments(body)
    schema_chars = sum(
        len(str(dict(t.parameters))) + len(t.name) + len(t.description) for t in request.tools
    )
    n_prompt = prompt_tokens(
        texts, images=images, file_bytes=file_bytes, tool_schema_chars=schema_chars
    )
    parts = canonical_prompt(request.messages, request.tools)
    endpoint = route.endpoint
    key = f"{endpoint.provider}:{route.model.id}"
    cached = written = 0
    if endpoint.implicit_caching:
        cached = cache.implicit(key, parts, n_prompt)
    elif body.cache_breakpoint is not None and "explicit-caching" in (route.model.tags or ()):
        offset = 1 if request.tools else 0
        cached, written = cache.explicit(key, parts, body.cache_breakpoint + offset)
        cached, written = min(cached, n_prompt), min(written, n_prompt)

    n_reasoning = hidden + sum(1 for d in deltas if d.kind == "reasoning")
    n_completion = hidden + len(deltas)
    prices = endpoint.prices
    cost = run_cost(
        prices,
        prompt_tokens=n_prompt,
        output_tokens=n_completion,
        cached_tokens=cached,
        cache_write_tokens=written,
    ) or Decimal(0)
    input_cost = run_cost(
        prices,
        prompt_tokens=n_prompt,
        output_tokens=0,
        cached_tokens=cached,
        cache_write_tokens=written,
    ) or Decimal(0)
    cost += endpoint.request_price
    input_cost += endpoint.request_price

    timing_rng = rng_for(seed, "timing", index)
    if draws is not None:  # the gateway's per-endpoint strata
        drawn = draws.draw(key, endpoint.timing, timing_rng)
    else:
        drawn = draw(endpoint.timing, timing_rng)
    if fault.ttft_s is not None or fault.rate is not None:
        drawn = Draw(
            ttft_s=drawn.ttft_s if fault.ttft_s is None else fault.ttft_s,
            tokens_per_s=drawn.tokens_per_s if fault.rate is None else fault.rate,
        )
    ttft = route.failed_s + drawn.ttft_s + hidden / drawn.tokens_per_s
    ids_rng = rng_for(seed, "ids", index)
    attempts = sum(len(m.attempts) for m in route.model_attempts)
    return Plan(
        body=body,
        route=route,
        answer=answer,
        deltas=deltas,
        finish_reason=finish,
        prompt_tokens=n_prompt,
        cached_tokens=cached,
        cache_write_tokens=written,
        completion_tokens=n_completion,
        reasoning_tokens=n_reasoning,
        cost=cost,
        input_cost=input_cost,
        output_cost=cost - input_cost,
        generation_id=f"gen_{ulid(ids_rng)}",
        created=int(time.time()),
        fingerprint=f"fp_{short_id(ids_rng, 10).lower()}",
        response_id=f"resp_{short_id(ids_rng, 48).lower()}",
        draw=drawn,
        ttft_s=ttft,
        request_ids=[f"req_{short_id(ids_rng, 32).lower()}" for _ in range(attempts)],
    )
