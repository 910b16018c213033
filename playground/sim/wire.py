"""The bytes of chat responses: SSE chunks, the final chunk's usage and routing, errors.

Shapes are copied from the live recordings in PROTOCOL.md §2.5–2.7: every chunk carries the
same ``gen_…`` id, the first chunk has only ``delta.role``, the last carries
``finish_reason``, ``usage`` (with a numeric ``cost``), ``delta.provider_metadata.gateway``
(routing, and costs as decimal strings) and a top-level ``generationId``.

Money is never a float here: ``usage.cost`` is written as the exact decimal number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

from playground.sim.catalog_json import decimal_str
from playground.sim.chat import Plan
from playground.sim.routing import routing_json

_MARK = "\x00num:"
_MARKED = re.compile(rb'"\\u0000num:([0-9.]+)"')

OPENAI_LIKE = frozenset(("openai", "azure"))
"""Providers whose chunks carry ``service_tier`` and an ``openai`` metadata entry."""


def exact(value: Decimal) -> str:
    """Mark `value` to be written as a bare JSON number with every digit kept."""
    return _MARK + decimal_str(value)


def dumps(value: Any) -> bytes:
    """orjson, with `exact` numbers written as numbers."""
    data = orjson.dumps(value)
    if b"\\u0000num:" in data:
        data = _MARKED.sub(rb"\1", data)
    return data


def usage_json(plan: Plan) -> dict[str, Any]:
    """The ``usage`` object of the final chunk (or of a non-streamed completion)."""
    cost = exact(plan.cost)
    return {
        "prompt_tokens": plan.prompt_tokens,
        "completion_tokens": plan.completion_tokens,
        "total_tokens": plan.prompt_tokens + plan.completion_tokens,
        "cost": cost,
        "is_byok": False,
        "prompt_tokens_details": {
            "cached_tokens": plan.cached_tokens,
            "audio_tokens": 0,
            "video_tokens": 0,
        },
        "cost_details": {
            "upstream_inference_cost": None,
            "upstream_inference_prompt_cost": 0,
            "upstream_inference_completions_cost": 0,
        },
        "completion_tokens_details": {
            "reasoning_tokens": plan.reasoning_tokens,
            "image_tokens": 0,
        },
        "cache_creation_input_tokens": plan.cache_write_tokens,
        "market_cost": cost,
        "gateway_cost": cost,
    }


def provider_metadata(plan: Plan, times_ms: list[tuple[int, int]]) -> dict[str, Any]:
    """``provider_metadata`` with the gateway's routing and costs."""
    route = plan.route
    metadata: dict[str, Any] = {}
    if route.provider in OPENAI_LIKE:
        metadata["openai"] = {"responseId": plan.response_id, "serviceTier": "default"}
    elif route.provider == "anthropic" and plan.cache_write_tokens:
        metadata["anthropic"] = {"cacheCreationInputTokens": plan.cache_write_tokens}
    cost = decimal_str(plan.cost)
    metadata["gateway"] = {
        "routing": routing_json(
            route.original_model,
            route.model_attempts,
            final_provider=route.provider,
            times_ms=times_ms,
            request_ids=plan.request_ids,
        ),
        "cost": cost,
        "marketCost": cost,
        "surchargeCost": "0",
        "gatewayCost": cost,
        "inferenceCost": cost,
        "inputInferenceCost": decimal_str(plan.input_cost),
        "outputInferenceCost": decimal_str(plan.output_cost),
        "generationId": plan.generation_id,
    }
    return metadata


def error_body(
    status: int,
    error_type: str,
    message: str,
    *,
    param: Any = None,
    code: Any = None,
    generation_id: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The gateway's error envelope (PROTOCOL.md §2.7)."""
    error: dict[str, Any] = {"message": message, "type": error_type}
    if param is not None:
        error["param"] = param
    error["code"] = code
    body: dict[str, Any] = {"error": error}
    if generation_id:
        body["generationId"] = generation_id
    if metadata:
        body["providerMetadata"] = metadata
    return body


def completion_body(plan: Plan, times_ms: list[tuple[int, int]]) -> dict[str, Any]:
    """A non-streamed ``chat.completion`` (PROTOCOL.md §2.5)."""
    message: dict[str, Any] = {"role": "assistant", "content": plan.content}
    reasoning = plan.reasoning
    if reasoning:
        message["reasoning"] = reasoning
        message["reasoning_details"] = [
            {"type": "reasoning.text", "text": reasoning, "format": "unknown", "index": 0}
        ]
    calls: dict[int, dict[str, Any]] = {}
    for delta in plan.deltas:
        piece = delta.tool
        if piece is None:
            continue
        call = calls.setdefault(
            piece.index,
            {"id": piece.id, "type": "function", "function": {"name": piece.name, "arguments": ""}},
        )
        call["function"]["arguments"] += piece.arguments
    if calls:
        message["tool_calls"] = [calls[i] for i in sorted(calls)]
        if not message["content"]:
            message["content"] = None
    message["provider_metadata"] = provider_metadata(plan, times_ms)
    body: dict[str, Any] = {
        "id": plan.generation_id,
        "object": "chat.completion",
        "created": plan.created,
        "model": plan.route.model.id,
        "choices": [
            {"index": 0, "logprobs": None, "finish_reason": plan.finish_reason, "message": message}
        ],
        "usage": usage_json(plan),
        "system_fingerprint": plan.fingerprint,
    }
    if plan.route.provider in OPENAI_LIKE:
        body["service_tier"] = "default"
    body["generationId"] = plan.generation_id
    return body


@dataclass(frozen=True, slots=True)
class Framing:
    """How SSE events are written: line endings and multi-line ``data``."""

    line_end: bytes = b"\n"
    multiline: bool = False

    def event(self, data: bytes, name: str | None = None) -> bytes:
        """One SSE event carrying `data` (an event type line first when `name` is given)."""
        nl = self.line_end
        head = b"event: " + name.encode() + nl if name else b""
        if self.multiline and len(data) > 2 and data.startswith(b"{"):
            # Split after the opening brace: the client joins the lines with LF, which is
            # whitespace in JSON, so the payload still parses.
            return head + b"data: {" + nl + b"data: " + data[1:] + nl + nl
        return head + b"data: " + data + nl + nl

    def comment(self, text: str = "OPENROUTER PROCESSING") -> bytes:
        return b": " + text.encode() + self.line_end + self.line_end


class ChunkEncoder:
    """Builds the ``chat.completion.chunk`` events of one stream."""

    def __init__(self, plan: Plan, framing: Framing) -> None:
        self.plan = plan
        self.framing = framing
        model = plan.route.model.id
        self._head = (
            b'{"id":"' + plan.generation_id.encode() + b'","object":"chat.completion.chunk",'
            b'"created":'
            + str(plan.created).encode()
            + b',"model":'
            + orjson.dumps(model)
            + b',"choices":[{"index":0,"delta":'
        )
        self._tail = (
            b',"logprobs":null,"finish_reason":null}],"system_fingerprint":"'
            + plan.fingerprint.encode()
            + b'"}'
        )

    def chunk(self, delta: Mapping[str, Any]) -> bytes:
        """An event with this ``delta`` and no finish reason."""
        return self.framing.event(self._head + orjson.dumps(delta) + self._tail)

    def role(self) -> bytes:
        return self.chunk({"role": "assistant"})

    def content(self, text: str) -> bytes:
        return self.chunk({"content": text})

    def reasoning(self, text: str) -> bytes:
        detail = {"type": "reasoning.text", "text": text, "format": "unknown", "index": 0}
        return self.chunk({"reasoning": text, "reasoning_details": [detail]})

    def tool(self, index: int, call_id: str | None, name: str | None, arguments: str) -> bytes:
        entry: dict[str, Any] = {"index": index}
        if call_id is not None:
            entry.update(
                id=call_id, type="function", function={"name": name, "arguments": arguments}
            )
        else:
            entry["function"] = {"arguments": arguments}
        return self.chunk({"tool_calls": [entry]})

    def _envelope(self, choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        plan = self.plan
        body: dict[str, Any] = {
            "id": plan.generation_id,
            "object": "chat.completion.chunk",
            "created": plan.created,
            "model": plan.route.model.id,
            "choices": choices,
        }
        body.update(extra)
        return body

    def final(self, times_ms: list[tuple[int, int]], *, with_usage: bool) -> bytes:
        """The last chunk: finish reason, provider metadata, usage, generation id."""
        plan = self.plan
        choice = {
            "index": 0,
            "delta": {"provider_metadata": provider_metadata(plan, times_ms)},
            "logprobs": None,
            "finish_reason": plan.finish_reason,
        }
        extra: dict[str, Any] = {}
        if with_usage:
            extra["usage"] = usage_json(plan)
        extra["system_fingerprint"] = plan.fingerprint
        if plan.route.provider in OPENAI_LIKE:
            extra["service_tier"] = "default"
        extra["generationId"] = plan.generation_id
        return self.framing.event(dumps(self._envelope([choice], **extra)))

    def usage_only(self) -> bytes:
        """OpenAI's separate usage chunk: empty ``choices`` and the usage."""
        body = self._envelope(
            [], usage=usage_json(self.plan), system_fingerprint=self.plan.fingerprint
        )
        return self.framing.event(dumps(body))

    def error(self, code: int, message: str, *, style: str, error_type: str | None) -> bytes:
        """A mid-stream error chunk: Vercel's (no ``choices``) or OpenRouter's
        (``finish_reason: "error"`` and a ``provider`` field)."""
        if style == "openrouter":
            body = self._envelope(
                [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}],
                provider=self.plan.route.provider,
                error={"code": code, "message": message},
            )
            # OpenRouter puts the error before the choices; keep its key order.
            body = {
                k: body[k]
                for k in ("id", "object", "created", "model", "provider", "error", "choices")
            }
        else:
            body = self._envelope([])
            del body["choices"]
            body["error"] = {
                "code": error_type or "error",
                "message": message,
                "name": "AI_APICallError",
                "value": {"statusCode": code, "isRetryable": code >= 500},
            }
        return self.framing.event(dumps(body))

    def error_event(self, code: int, message: str, error_type: str | None) -> bytes:
        """``event: error`` with an error object."""
        body = {
            "error": {
                "message": message,
                "type": error_type or "internal_server_error",
                "code": code,
            }
        }
        return self.framing.event(dumps(body), name="error")

    def malformed(self) -> bytes:
        """A chunk cut short in the middle of its JSON, as a broken proxy would send it."""
        return self.framing.event(self._head + b'{"content":"the rest of this chunk is mis')

    def ping(self) -> bytes:
        """A data-less event and an unknown field: both must be ignored by the client."""
        nl = self.framing.line_end
        return b"event: ping" + nl + nl + b"x-sim-note: unknown field" + nl + nl

    def done(self) -> bytes:
        return self.framing.event(b"[DONE]")
