"""Read a ``POST /v1/chat/completions`` body (the wire JSON) into the `core` request types.

The simulated gateway reads the request the way the real one does: the OpenAI body plus the
gateway's extensions (``providerOptions.gateway``, top-level ``models``, ``reasoning``,
``reasoning_effort``/``thinking``, ``stream_options``). Anything it cannot use is ignored, as
a gateway would; anything malformed is a 400 with the gateway's error shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from playground.core.request import (
    REASONING_EFFORTS,
    ChatRequest,
    FilePart,
    ImagePart,
    Message,
    Params,
    Part,
    Reasoning,
    ResponseFormat,
    Routing,
    TextPart,
    Tool,
    ToolCall,
)


class InvalidRequest(Exception):
    """The body is not a valid chat request: answered with 400 ``invalid_request_error``."""

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code


@dataclass(frozen=True, slots=True)
class ChatBody:
    """A parsed chat request and the wire options that are not part of `ChatRequest`."""

    request: ChatRequest
    stream: bool
    include_usage: bool
    """``stream_options.include_usage``."""
    cache_breakpoint: int | None
    """Index of the last message carrying ``cache_control`` (explicit caching), if any."""


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidRequest(f"Invalid request: '{name}' must be an array of strings", param=name)
    return tuple(value)


def _part(raw: Any, where: str) -> Part:
    if not isinstance(raw, Mapping):
        raise InvalidRequest(f"Invalid request: {where} must be an object", param=where)
    kind = raw.get("type")
    if kind == "text":
        return TextPart(str(raw.get("text", "")))
    if kind == "image_url":
        image = raw.get("image_url")
        url = image.get("url", "") if isinstance(image, Mapping) else image
        if not isinstance(url, str) or not url:
            raise InvalidRequest(f"Invalid request: {where}.image_url.url is required", param=where)
        detail_raw = image.get("detail", "auto") if isinstance(image, Mapping) else "auto"
        detail: Literal["auto", "low", "high"] = "auto"
        if detail_raw == "low":
            detail = "low"
        elif detail_raw == "high":
            detail = "high"
        if url.startswith("data:") and ";base64," in url:
            media_type, data = url[5:].split(";base64,", 1)
            return ImagePart(media_type=media_type or "image/png", data=data, detail=detail)
        return ImagePart(media_type="image/*", url=url, detail=detail)
    if kind == "file":
        nested = raw.get("file")
        file: Mapping[str, Any] = nested if isinstance(nested, Mapping) else raw
        data = str(file.get("data") or file.get("file_data") or "")
        media_type = str(file.get("media_type") or file.get("mediaType") or "")
        if data.startswith("data:") and ";base64," in data:
            media_type, data = data[5:].split(";base64,", 1)
        return FilePart(
            media_type=media_type or "application/octet-stream",
            data=data,
            filename=str(file.get("filename") or "file"),
        )
    # input_audio and future part types: kept as text so nothing crashes.
    return TextPart("")


def _message(raw: Any, index: int) -> tuple[Message, bool]:
    where = f"messages[{index}]"
    if not isinstance(raw, Mapping):
        raise InvalidRequest(f"Invalid request: {where} must be an object", param="messages")
    role = raw.get("role")
    if role == "developer":
        role = "system"
    if role not in ("system", "user", "assistant", "tool"):
        raise InvalidRequest(
            f"Invalid request: {where}.role must be one of system, user, assistant, tool",
            param="messages",
        )
    content = raw.get("content")
    cached = "cache_control" in raw
    parts: str | tuple[Part, ...]
    if content is None or isinstance(content, str):
        parts = content or ""
    elif isinstance(content, list):
        parts = tuple(_part(p, f"{where}.content[{i}]") for i, p in enumerate(content))
        cached = cached or any(isinstance(p, Mapping) and "cache_control" in p for p in content)
    else:
        raise InvalidRequest(
            f"Invalid request: {where}.content must be a string or an array", param="messages"
        )
    calls = []
    for call in raw.get("tool_calls") or ():
        if isinstance(call, Mapping) and isinstance(call.get("function"), Mapping):
            function = call["function"]
            calls.append(
                ToolCall(
                    str(call.get("id", "")),
                    str(function.get("name", "")),
                    str(function.get("arguments", "")),
                )
            )
    tool_call_id = raw.get("tool_call_id")
    message = Message(
        role=role,
        content=parts,
        tool_calls=tuple(calls),
        tool_call_id=str(tool_call_id) if tool_call_id is not None else None,
    )
    return message, cached


def _tools(raw: Any) -> tuple[Tool, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InvalidRequest("Invalid request: 'tools' must be an array", param="tools")
    tools = []
    for i, entry in enumerate(raw):
        function = entry.get("function") if isinstance(entry, Mapping) else None
        if not isinstance(function, Mapping) or not isinstance(function.get("name"), str):
            raise InvalidRequest(
                f"Missing required parameter: 'tools[{i}].function'",
                param=f"tools[{i}].function",
                code="missing_parameter",
            )
        parameters = function.get("parameters")
        tools.append(
            Tool(
                name=function["name"],
                description=str(function.get("description", "")),
                parameters=parameters if isinstance(parameters, Mapping) else {"type": "object"},
            )
        )
    return tuple(tools)


def _reasoning(body: Mapping[str, Any]) -> Reasoning | None:
    raw = body.get("reasoning")
    effort = body.get("reasoning_effort")
    thinking = body.get("thinking")
    if isinstance(raw, Mapping):
        if raw.get("enabled") is False:
            return Reasoning(effort="none")
        effort = raw.get("effort", effort)
        budget = raw.get("max_tokens")
        return Reasoning(
            effort=effort if effort in REASONING_EFFORTS else None if budget else "medium",
            max_tokens=budget if isinstance(budget, int) and budget > 0 else None,
            exclude=bool(raw.get("exclude", False)),
        )
    if effort in REASONING_EFFORTS:
        return Reasoning(effort=effort)
    if isinstance(thinking, Mapping) and thinking.get("type") == "enabled":
        budget = thinking.get("budget_tokens")
        return Reasoning(effort="medium", max_tokens=budget if isinstance(budget, int) else None)
    return None


def _response_format(raw: Any) -> ResponseFormat | None:
    if not isinstance(raw, Mapping):
        return None
    kind = raw.get("type")
    if kind == "json_object":
        return ResponseFormat("json_object")
    if kind == "json_schema" and isinstance(raw.get("json_schema"), Mapping):
        spec = raw["json_schema"]
        schema = spec.get("schema")
        return ResponseFormat(
            "json_schema",
            name=str(spec.get("name", "response")),
            schema=schema if isinstance(schema, Mapping) else None,
            strict=spec.get("strict"),
        )
    if kind == "json":  # the gateway's legacy form
        schema = raw.get("schema")
        return ResponseFormat(
            "json_schema" if isinstance(schema, Mapping) else "json_object",
            name=str(raw.get("name", "response")),
            schema=schema if isinstance(schema, Mapping) else None,
        )
    return None


def _number(body: Mapping[str, Any], key: str, low: float, high: float) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise InvalidRequest(
            f"Invalid request: '{key}' must be a number between {low:g} and {high:g}", param=key
        )
    return float(value)


def parse_chat_body(body: Any) -> ChatBody:
    """Parse a chat completions body.

    Raises:
        InvalidRequest: a required field is missing or a value is out of range.
    """
    if not isinstance(body, Mapping):
        raise InvalidRequest("Invalid request: the body must be a JSON object")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise InvalidRequest(
            "Invalid request: missing required parameter 'model'",
            param="model",
            code="missing_parameter",
        )
    raw_messages = body.get("messages")
    if not isinstance(raw_messages, list) or not raw_messages:
        raise InvalidRequest(
            "Invalid request: missing required parameter 'messages'",
            param="messages",
            code="missing_parameter",
        )
    messages, breakpoint_ = [], None
    for i, raw in enumerate(raw_messages):
        message, cached = _message(raw, i)
        messages.append(message)
        if cached:
            breakpoint_ = i
    max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    if max_tokens is not None and (
        isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1
    ):
        raise InvalidRequest(
            "Invalid request: 'max_tokens' must be a positive integer", param="max_tokens"
        )
    stop = body.get("stop")
    stops = (stop,) if isinstance(stop, str) else _strings(stop, "stop")
    seed = body.get("seed")
    params = Params(
        temperature=_number(body, "temperature", 0, 2),
        max_tokens=max_tokens,
        top_p=_number(body, "top_p", 0, 1),
        seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        stop=stops[:4],
        frequency_penalty=_number(body, "frequency_penalty", -2, 2),
        presence_penalty=_number(body, "presence_penalty", -2, 2),
    )
    options = body.get("providerOptions")
    gateway = options.get("gateway") if isinstance(options, Mapping) else None
    gateway = gateway if isinstance(gateway, Mapping) else {}
    routing = Routing(
        order=_strings(gateway.get("order"), "providerOptions.gateway.order"),
        only=_strings(gateway.get("only"), "providerOptions.gateway.only"),
        models=_strings(gateway.get("models") or body.get("models"), "models"),
    )
    tool_choice = body.get("tool_choice")
    if isinstance(tool_choice, Mapping):
        function = tool_choice.get("function")
        tool_choice = function.get("name") if isinstance(function, Mapping) else "required"
    request = ChatRequest(
        model=model,
        messages=tuple(messages),
        params=params,
        routing=routing,
        reasoning=_reasoning(body),
        tools=_tools(body.get("tools")),
        tool_choice=tool_choice if isinstance(tool_choice, str) else None,
        response_format=_response_format(body.get("response_format")),
    )
    stream_options = body.get("stream_options")
    include_usage = isinstance(stream_options, Mapping) and bool(
        stream_options.get("include_usage")
    )
    return ChatBody(
        request=request,
        stream=bool(body.get("stream", False)),
        include_usage=include_usage,
        cache_breakpoint=breakpoint_,
    )
