"""The chat-completions wire format of each gateway dialect: request bodies, and chunk values.

Out: `chat_body` turns a `core.request.ChatRequest` into the JSON body that one dialect
expects (PROTOCOL.md §2.4, §3, §4). The dialects differ only in a few places:

- ``vercel`` puts routing under ``providerOptions.gateway.{order,only,models}`` (and the
  fallback ``models`` also at the top level), and takes a file part as
  ``{"type": "file", "file": {"data", "media_type", "filename"}}`` as its docs' SDK examples do;
- ``openrouter`` puts routing under ``provider.{order,only}`` with a top-level ``models``, and
  takes OpenAI's file part (``file.file_data`` as a data URL);
- ``openai`` (Ollama, vLLM, llama.cpp, LM Studio, LiteLLM) gets no routing keys at all,
  ``reasoning_effort`` instead of the ``reasoning`` object, and text files inline as text
  parts (those servers take no ``file`` parts; a PDF keeps OpenAI's form).

The chunk interpretation lives beside it in `gateway.chunks`; the pieces of a chunk that
are plain values (costs, usage, routing) are read by the functions at the end of this module.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from playground.core.events import ProviderAttempt, Routed, Usage
from playground.core.profile import ProfileKind
from playground.core.request import ChatRequest, FilePart, ImagePart, Message, Part, TextPart
from playground.gateway.text import best_error_message

_loads = orjson.loads

# -- request bodies ---------------------------------------------------------------------------


def chat_body(kind: ProfileKind, request: ChatRequest, *, stream: bool = True) -> dict[str, Any]:
    """The JSON body of ``POST /chat/completions`` for one dialect.

    Args:
        kind: The gateway dialect (`core.profile.ProfileKind`).
        request: What to ask.
        stream: Ask for an event stream with usage in it (``stream_options.include_usage``).
    """
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [message_json(kind, m) for m in request.messages],
        "stream": stream,
    }
    if stream:
        body["stream_options"] = {"include_usage": True}
    params = request.params
    for name, value in (
        ("temperature", params.temperature),
        ("max_tokens", params.max_tokens),
        ("top_p", params.top_p),
        ("seed", params.seed),
        ("frequency_penalty", params.frequency_penalty),
        ("presence_penalty", params.presence_penalty),
    ):
        if value is not None:
            body[name] = value
    if params.stop:
        body["stop"] = list(params.stop)
    reasoning = request.reasoning
    if reasoning is not None:
        if kind == "openai":
            if reasoning.effort is not None:
                body["reasoning_effort"] = reasoning.effort
        else:
            wire: dict[str, Any] = {}
            if reasoning.effort is not None:  # effort and max_tokens are exclusive on the wire
                wire["effort"] = reasoning.effort
            elif reasoning.max_tokens is not None:
                wire["max_tokens"] = reasoning.max_tokens
            if reasoning.exclude:
                wire["exclude"] = True
            if not wire:
                wire["enabled"] = True
            body["reasoning"] = wire
    if request.tools:
        body["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": tool.name,
                    "description": tool.description,
                    "parameters": dict(tool.parameters),
                },
            }
            for tool in request.tools
        ]
    if request.tool_choice is not None:
        choice = request.tool_choice
        body["tool_choice"] = (
            choice
            if choice in ("auto", "none", "required")
            else {"type": "function", "function": {"name": choice}}
        )
    fmt = request.response_format
    if fmt is not None:
        if fmt.type == "json_schema":
            schema: dict[str, Any] = {"name": fmt.name, "schema": dict(fmt.schema or {})}
            if fmt.strict is not None:
                schema["strict"] = fmt.strict
            body["response_format"] = {"type": "json_schema", "json_schema": schema}
        else:
            body["response_format"] = {"type": fmt.type}
    _add_routing(kind, request, body)
    return body


def _add_routing(kind: ProfileKind, request: ChatRequest, body: dict[str, Any]) -> None:
    routing = request.routing
    if kind == "openai":
        return  # plain OpenAI-compatible servers have one provider: themselves
    options: dict[str, Any] = {}
    if routing.order:
        options["order"] = list(routing.order)
    if routing.only:
        options["only"] = list(routing.only)
    if kind == "vercel":
        if routing.models:
            options["models"] = list(routing.models)
        if options:
            body["providerOptions"] = {"gateway": options}
    elif options:
        body["provider"] = options
    if routing.models:
        body["models"] = list(routing.models)


def message_json(kind: ProfileKind, message: Message) -> dict[str, Any]:
    """One message in the OpenAI shape, with the dialect's file part."""
    out: dict[str, Any] = {"role": message.role}
    content = message.content
    if isinstance(content, str):
        out["content"] = content
    else:
        out["content"] = [part_json(kind, part) for part in content]
    if message.tool_calls:
        if out["content"] == "":
            out["content"] = None  # OpenAI: an assistant turn that only calls tools
        out["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in message.tool_calls
        ]
    if message.tool_call_id is not None:
        out["tool_call_id"] = message.tool_call_id
    return out


def part_json(kind: ProfileKind, part: Part) -> dict[str, Any]:
    """One content part: text, ``image_url`` or ``file``."""
    if isinstance(part, TextPart):
        return {"type": "text", "text": part.text}
    if isinstance(part, ImagePart):
        return {"type": "image_url", "image_url": {"url": part.data_url, "detail": part.detail}}
    if isinstance(part, FilePart):
        if kind == "openai" and part.media_type.startswith("text/"):
            # Local servers (Ollama, vLLM, llama.cpp) take text and image parts only: a text
            # file goes in as text, wrapped so the model sees where it starts and ends.
            return {"type": "text", "text": inline_text_file(part)}
        if kind == "vercel":
            file = {"data": part.data, "media_type": part.media_type, "filename": part.filename}
        else:
            file = {
                "filename": part.filename,
                "file_data": f"data:{part.media_type};base64,{part.data}",
            }
        return {"type": "file", "file": file}
    raise TypeError(f"unknown message part {type(part).__name__}")


def inline_text_file(part: FilePart) -> str:
    """A text file part as plain text: ``<file name="notes.md">`` … ``</file>``."""
    try:
        text = base64.b64decode(part.data).decode("utf-8-sig", "replace")
    except ValueError:
        text = ""
    name = part.filename.replace('"', "'")
    return f'<file name="{name}">\n{text.rstrip()}\n</file>'


def encode(body: Mapping[str, Any]) -> bytes:
    """The body as compact JSON bytes."""
    return orjson.dumps(body)


def parse_json(body: bytes) -> object:
    """A JSON response body, parsed.

    Raises:
        ValueError: It is not JSON (`orjson.JSONDecodeError` is a `ValueError`).
    """
    return _loads(body)


# -- values -----------------------------------------------------------------------------------


def decimal_of(value: object) -> Decimal | None:
    """A cost as a Decimal: decimal strings exactly, JSON numbers through their shortest repr
    (never float arithmetic), anything else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, str):
            result = Decimal(value.strip())
        elif isinstance(value, int):
            result = Decimal(value)
        elif isinstance(value, float):
            result = Decimal(repr(value))
        else:
            return None
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def value_int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def value_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def value_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def usage_event(usage: Mapping[str, Any], t_ns: int, gateway_cost: Decimal | None) -> Usage:
    """A `Usage` event from a ``usage`` object; `gateway_cost` (from
    ``provider_metadata.gateway.cost``, a decimal string) wins over ``usage.cost``."""
    prompt_details = value_dict(usage.get("prompt_tokens_details"))
    output_details = value_dict(usage.get("completion_tokens_details"))
    cache_write = value_int(prompt_details.get("cache_write_tokens"))
    if cache_write is None:
        cache_write = value_int(usage.get("cache_creation_input_tokens"))
    cost = gateway_cost if gateway_cost is not None else decimal_of(usage.get("cost"))
    return Usage(
        t_ns,
        prompt_tokens=value_int(usage.get("prompt_tokens")),
        completion_tokens=value_int(usage.get("completion_tokens")),
        cached_tokens=value_int(prompt_details.get("cached_tokens")),
        cache_write_tokens=cache_write,
        reasoning_tokens=value_int(output_details.get("reasoning_tokens")),
        cost=cost,
    )


def routed_event(routing: Mapping[str, Any], t_ns: int, model: str | None) -> Routed:
    """A `Routed` event from ``provider_metadata.gateway.routing`` (Vercel)."""
    attempts: list[ProviderAttempt] = []
    for model_attempt in routing.get("modelAttempts") or ():
        for attempt in value_dict(model_attempt).get("providerAttempts") or ():
            if isinstance(attempt, dict) and value_str(attempt.get("provider")):
                attempts.append(_provider_attempt(attempt))
    final = value_str(routing.get("finalProvider"))
    if final is None:
        final = next((a.provider for a in reversed(attempts) if a.success), None)
    fallbacks = routing.get("fallbacksAvailable")
    return Routed(
        t_ns,
        served_by=final,
        resolved=value_str(routing.get("resolvedProvider")),
        model=model,
        fallbacks_available=tuple(
            f for f in (fallbacks if isinstance(fallbacks, list) else ()) if isinstance(f, str)
        ),
        attempts=tuple(attempts),
    )


def _provider_attempt(attempt: Mapping[str, Any]) -> ProviderAttempt:
    status = value_int(attempt.get("statusCode"))
    error = attempt.get("error")
    error_text = None
    if error:
        error_text = (error if isinstance(error, str) else best_error_message(error) or "")[:300]
    success = attempt.get("success")
    if not isinstance(success, bool):
        if error_text:
            success = False
        elif status is not None:
            success = 200 <= status < 300
        else:
            success = None
    return ProviderAttempt(str(attempt["provider"]), success, status, error_text or None)
