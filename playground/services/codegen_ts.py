"""View code in TypeScript: the request as AI SDK ``streamText`` (AI SDK 7).

On the Vercel AI Gateway (and the simulated one, which stands in for it) the model comes
from the ``gateway`` provider and routing goes in ``providerOptions.gateway``; on another
OpenAI-compatible gateway it comes from ``@ai-sdk/openai-compatible``, whose
``providerOptions[<name>]`` keys are merged into the body (that is how OpenRouter's
``provider`` object and ``models`` get there). Messages are converted to the SDK's
``ModelMessage`` shapes: a leading system prompt becomes ``instructions``, attachments
become ``image`` and ``file`` parts, tool calls ``tool-call`` parts with parsed input, tool
results ``tool-result`` parts.

The SDK writes its own request (the gateway provider speaks the AI SDK's protocol, not
``/chat/completions``), so unlike the Python and curl versions this one is checked by what
``streamText`` receives rather than by the bytes on the wire. The program is plain
JavaScript as well as TypeScript (no type annotations), so it runs as an ``.mjs`` file too.
"""

from __future__ import annotations

import json
from typing import Any

from playground.core.code_literal import Expr, call, render
from playground.core.request import (
    ChatRequest,
    FilePart,
    ImagePart,
    Message,
    TextPart,
    Tool,
)
from playground.services.codegen import CodeTarget


def typescript_code(request: ChatRequest, target: CodeTarget) -> str:
    """A TypeScript (and JavaScript) module that streams the request and prints the text."""
    vercel = target.kind == "vercel"
    ai_imports = ["streamText"]
    if request.tools:
        ai_imports[:0] = ["jsonSchema", "tool"]
    fmt = request.response_format
    if fmt is not None and fmt.type != "text":
        ai_imports.insert(0, "Output")
        if fmt.type == "json_schema" and "jsonSchema" not in ai_imports:
            ai_imports.insert(1, "jsonSchema")
    lines = [
        "// The request as TypeScript with the AI SDK 7 "
        + ("(npm i ai @ai-sdk/gateway)." if vercel else "(npm i ai @ai-sdk/openai-compatible)."),
        f"// The key is read from ${target.key_env}: it is not in this file.",
        f'import {{ {", ".join(ai_imports)} }} from "ai";',
    ]
    key = Expr(f"process.env.{target.key_env}")
    if vercel:
        lines += [
            'import { createGateway } from "@ai-sdk/gateway";',
            "",
            f"const gateway = createGateway({render({'apiKey': key}, 'js', step=2)});",
        ]
        provider = "gateway"
    else:
        settings = {"name": target.provider_name, "baseURL": target.base_url, "apiKey": key}
        lines += [
            'import { createOpenAICompatible } from "@ai-sdk/openai-compatible";',
            "",
            "const provider = createOpenAICompatible("
            + render(settings, "js", step=2, column=39)
            + ");",
        ]
        provider = "provider"
    options = _options(request, target, provider)
    lines += [
        "",
        "const result = streamText(" + render(options, "js", step=2, column=26) + ");",
        "",
        "for await (const text of result.textStream) {",
        "  process.stdout.write(text);",
        "}",
        'process.stdout.write("\\n");',
    ]
    if request.tools:
        lines += [
            "const toolCalls = await result.toolCalls;",
            "if (toolCalls.length > 0) console.log(JSON.stringify(toolCalls, null, 2));",
        ]
    return "\n".join(lines) + "\n"


def typescript_notes(request: ChatRequest, target: CodeTarget) -> tuple[str, ...]:
    """What to know about the TypeScript version of `request`."""
    notes = [
        "The AI SDK builds its own request, so the body on the wire is the SDK's, not the "
        "app's; model, messages, parameters and routing are the same."
    ]
    if target.simulated:
        notes.append(
            "The simulated gateway speaks only the OpenAI-compatible API: run this against "
            "the real AI Gateway with a key (Python and curl work against the simulated one)."
        )
    reasoning = request.reasoning
    if reasoning is not None and (reasoning.max_tokens is not None and reasoning.effort is None):
        notes.append("A reasoning token budget has no portable AI SDK setting; it is left out.")
    if reasoning is not None and reasoning.exclude:
        notes.append("'Exclude reasoning' has no portable AI SDK setting; it is left out.")
    return tuple(notes)


def _options(request: ChatRequest, target: CodeTarget, provider: str) -> dict[str, Any]:
    options: dict[str, Any] = {"model": call(provider, request.model)}
    messages = list(request.messages)
    system: list[str] = []
    while messages and messages[0].role == "system":
        system.append(messages.pop(0).text)
    if system:
        options["instructions"] = "\n\n".join(system)
    if any(m.role == "system" for m in messages):
        options["allowSystemInMessages"] = True  # a system turn mid-conversation, as sent
    options["messages"] = _messages(messages)
    p = request.params
    for name, value in (
        ("temperature", p.temperature),
        ("maxOutputTokens", p.max_tokens),
        ("topP", p.top_p),
        ("seed", p.seed),
        ("stopSequences", list(p.stop) if p.stop else None),
        ("frequencyPenalty", p.frequency_penalty),
        ("presencePenalty", p.presence_penalty),
    ):
        if value is not None:
            options[name] = value
    if request.reasoning is not None and request.reasoning.effort is not None:
        options["reasoning"] = request.reasoning.effort
    if request.tools:
        options["tools"] = {tool.name: _tool(tool) for tool in request.tools}
    if request.tool_choice is not None:
        choice = request.tool_choice
        options["toolChoice"] = (
            choice
            if choice in ("auto", "none", "required")
            else {"type": "tool", "toolName": choice}
        )
    fmt = request.response_format
    if fmt is not None and fmt.type == "json_object":
        options["output"] = call("Output.json")
    elif fmt is not None and fmt.type == "json_schema":
        schema = call("jsonSchema", dict(fmt.schema or {}))
        options["output"] = call("Output.object", {"schema": schema, "name": fmt.name})
    provider_options = _provider_options(request, target)
    if provider_options:
        options["providerOptions"] = provider_options
    return options


def _provider_options(request: ChatRequest, target: CodeTarget) -> dict[str, Any]:
    routing = request.routing
    if target.kind == "vercel":
        gateway: dict[str, Any] = {}
        if routing.order:
            gateway["order"] = list(routing.order)
        if routing.only:
            gateway["only"] = list(routing.only)
        if routing.models:
            gateway["models"] = list(routing.models)
        return {"gateway": gateway} if gateway else {}
    if target.kind == "openrouter":
        extra: dict[str, Any] = {}
        route = {k: list(v) for k, v in (("order", routing.order), ("only", routing.only)) if v}
        if route:
            extra["provider"] = route
        if routing.models:
            extra["models"] = list(routing.models)
        return {target.provider_name: extra} if extra else {}
    return {}


def _tool(tool: Tool) -> Any:
    spec = {
        "description": tool.description,
        "inputSchema": call("jsonSchema", dict(tool.parameters)),
    }
    return call("tool", spec)


def _messages(messages: list[Message]) -> list[dict[str, Any]]:
    names: dict[str, str] = {}  # tool call id → tool name, for the results that follow
    out: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "assistant" and message.tool_calls:
            parts: list[dict[str, Any]] = []
            if message.text:
                parts.append({"type": "text", "text": message.text})
            for tc in message.tool_calls:
                names[tc.id] = tc.name
                parts.append(
                    {
                        "type": "tool-call",
                        "toolCallId": tc.id,
                        "toolName": tc.name,
                        "input": _arguments(tc.arguments),
                    }
                )
            out.append({"role": "assistant", "content": parts})
        elif message.role == "tool":
            call_id = message.tool_call_id or ""
            result = {
                "type": "tool-result",
                "toolCallId": call_id,
                "toolName": names.get(call_id, "unknown"),
                "output": {"type": "text", "value": message.text},
            }
            out.append({"role": "tool", "content": [result]})
        elif isinstance(message.content, str):
            out.append({"role": message.role, "content": message.content})
        else:
            out.append({"role": message.role, "content": [_part(p) for p in message.content]})
    return out


def _part(part: TextPart | ImagePart | FilePart) -> dict[str, Any]:
    if isinstance(part, TextPart):
        return {"type": "text", "text": part.text}
    if isinstance(part, ImagePart):
        return {"type": "image", "image": part.data_url, "mediaType": part.media_type}
    out = {"type": "file", "data": part.data, "mediaType": part.media_type}
    if part.filename:
        out["filename"] = part.filename
    return out


def _arguments(text: str) -> Any:
    """A tool call's arguments as the object the model meant, or the text when it is not
    JSON (the model wrote something invalid; the SDK takes it as it is)."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except ValueError:
        return text


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


__all__ = ["typescript_code", "typescript_notes"]
