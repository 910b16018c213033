"""Requests for the view-code tests: one that uses every feature, with hostile text in every
place a user or a model can put text."""

from __future__ import annotations

import base64

from playground.core.request import (
    ChatRequest,
    FilePart,
    ImagePart,
    Message,
    Params,
    Reasoning,
    ResponseFormat,
    Routing,
    TextPart,
    Tool,
    ToolCall,
)

HOSTILE = (
    "Quote \"double\" and 'single', $(touch /tmp/pwned) `id` ${HOME} \\ back\\slash\n"
    "second line\u2028after U+2028\u2029after U+2029 \u202eRLO\u202c \x1b]52;c;QUJD\x07 "
    "\x1b[2J \x9b31m C1 \x00 nul \x7f del, é ✓ 🎉 '\"'\"' EOF\n'--data-raw @/etc/passwd"
)
"""Quotes of both kinds, shell expansions, backslashes, newlines, U+2028/2029, bidi
overrides, terminal escapes (OSC 52, CSI), C0/C1 controls, DEL, non-ASCII, astral emoji and
things that look like curl options."""

PNG_1PX = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()

WEATHER = Tool(
    "get_weather",
    f"Weather for a city. {HOSTILE}",
    {
        "type": "object",
        "properties": {"city": {"type": "string", "description": HOSTILE}},
        "required": ["city"],
    },
)


def full_request(model: str = "openai/gpt-4.1-mini") -> ChatRequest:
    """Every feature of a request: system prompt, a conversation with a tool call and its
    result, an image and a file, parameters, routing, reasoning, tools and JSON mode."""
    return ChatRequest(
        model=model,
        messages=(
            Message("system", f"Be brief. {HOSTILE}"),
            Message("user", "What's the weather in Paris?"),
            Message(
                "assistant",
                "",
                tool_calls=(ToolCall("call_1", "get_weather", '{"city": "Paris \\"FR\\""}'),),
            ),
            Message("tool", f"18 °C, light rain {HOSTILE}", tool_call_id="call_1"),
            Message("assistant", f"It is 18 °C in Paris. {HOSTILE}"),
            Message(
                "user",
                (
                    TextPart(HOSTILE),
                    ImagePart("image/png", data=PNG_1PX, filename="dot.png"),
                    FilePart("text/plain", base64.b64encode(b"hello\n").decode(), "notes.txt"),
                ),
            ),
        ),
        params=Params(
            temperature=0.7,
            max_tokens=300,
            top_p=0.9,
            seed=42,
            stop=("###", "\n\nEND"),
            frequency_penalty=0.1,
            presence_penalty=-0.2,
        ),
        routing=Routing(order=("azure", "openai"), models=("openai/gpt-4.1-nano",)),
        reasoning=Reasoning(effort="low"),
        tools=(WEATHER,),
        tool_choice="auto",
        response_format=ResponseFormat("json_object"),
    )


def plain_request(text: str, *, model: str = "openai/gpt-4.1-mini") -> ChatRequest:
    """A system prompt and one user message of `text`, pinned to azure."""
    return ChatRequest(
        model=model,
        messages=(Message("system", f"Answer in English. {HOSTILE}"), Message("user", text)),
        routing=Routing(only=("azure",)),
    )
