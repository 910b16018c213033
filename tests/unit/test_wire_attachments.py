"""Message parts and tools on the wire, per dialect (gateway.wire), read back by the simulated
gateway's parser (which never shares code with the client)."""

from __future__ import annotations

import base64
from dataclasses import replace

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.core.profile import ProfileKind
from playground.core.request import (
    ChatRequest,
    FilePart,
    ImagePart,
    Message,
    TextPart,
    Tool,
    ToolCall,
)
from playground.gateway.wire import chat_body, inline_text_file
from playground.sim.parse import parse_chat_body

IMAGE = ImagePart("image/png", data=base64.b64encode(b"\x89PNG fake").decode(), filename="c.png")
PDF = FilePart("application/pdf", base64.b64encode(b"%PDF-1.4 x").decode(), "report.pdf")
NOTES = FilePart("text/plain", base64.b64encode("# Notes\nçà va\n".encode()).decode(), "notes.md")
MESSAGE = Message("user", (TextPart("Look at these"), IMAGE, PDF, NOTES))


def _content(kind: ProfileKind) -> list[dict[str, object]]:
    body = chat_body(kind, ChatRequest("m", (MESSAGE,)))
    content = body["messages"][0]["content"]
    assert isinstance(content, list)
    return content


def test_vercel_parts() -> None:
    assert _content("vercel") == [
        {"type": "text", "text": "Look at these"},
        {"type": "image_url", "image_url": {"url": IMAGE.data_url, "detail": "auto"}},
        {"type": "file", "file": {"data": PDF.data, "media_type": "application/pdf",
                                  "filename": "report.pdf"}},
        {"type": "file", "file": {"data": NOTES.data, "media_type": "text/plain",
                                  "filename": "notes.md"}},
    ]  # fmt: skip


def test_openrouter_parts_use_openais_file_data_url() -> None:
    content = _content("openrouter")
    assert content[2] == {
        "type": "file",
        "file": {"filename": "report.pdf", "file_data": f"data:application/pdf;base64,{PDF.data}"},
    }
    assert content[3]["file"] == {
        "filename": "notes.md",
        "file_data": f"data:text/plain;base64,{NOTES.data}",
    }


def test_local_servers_get_text_files_inline_and_images_as_is() -> None:
    content = _content("openai")
    assert content[1] == {
        "type": "image_url",
        "image_url": {"url": IMAGE.data_url, "detail": "auto"},
    }
    assert content[2]["type"] == "file"  # a PDF keeps OpenAI's form
    assert content[3] == {
        "type": "text",
        "text": '<file name="notes.md">\n# Notes\nçà va\n</file>',
    }


def test_inline_text_survives_bad_base64_and_quotes_in_names() -> None:
    odd = FilePart("text/plain", "!!not base64!!", 'say "hi".txt')
    assert inline_text_file(odd).startswith("<file name=\"say 'hi'.txt\">")


@pytest.mark.parametrize("kind", ["vercel", "openrouter"])
def test_the_simulated_gateway_reads_back_every_part(kind: ProfileKind) -> None:
    body = orjson.loads(orjson.dumps(chat_body(kind, ChatRequest("m", (MESSAGE,)))))
    [message] = parse_chat_body(body).request.messages
    # The image's file name is for display only and never sent.
    assert message.content == (TextPart("Look at these"), replace(IMAGE, filename=""), PDF, NOTES)


def test_tools_tool_choice_and_the_whole_tool_loop_read_back() -> None:
    tool = Tool(
        "get_weather",
        "Weather for a city.",
        {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    )
    call = ToolCall("call_1", "get_weather", '{"city":"Paris"}')
    request = ChatRequest(
        "m",
        (
            Message("user", "Weather in Paris?"),
            Message("assistant", "", tool_calls=(call,)),
            Message("tool", '{"temperature": 18}', tool_call_id="call_1"),
        ),
        tools=(tool,),
        tool_choice="get_weather",
    )
    body = chat_body("vercel", request)
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert body["tools"][0]["function"]["parameters"] == dict(tool.parameters)
    parsed = parse_chat_body(orjson.loads(orjson.dumps(body))).request
    assert parsed.tools == (tool,)
    assert parsed.tool_choice == "get_weather"
    assert parsed.messages == request.messages


@given(
    st.binary(min_size=1, max_size=512),
    st.text(min_size=1, max_size=30).filter(lambda s: s.strip()),
    st.sampled_from(["application/pdf", "text/plain"]),
    st.sampled_from(["vercel", "openrouter"]),
)
def test_any_file_round_trips(
    data: bytes, filename: str, media_type: str, kind: ProfileKind
) -> None:
    part = FilePart(media_type, base64.b64encode(data).decode(), filename)
    request = ChatRequest("m", (Message("user", (TextPart("x"), part)),))
    body = orjson.loads(orjson.dumps(chat_body(kind, request)))
    [message] = parse_chat_body(body).request.messages
    assert message.attachments == (part,)
