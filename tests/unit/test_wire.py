"""Request bodies per dialect, and chunk interpretation on payloads shaped like PROTOCOL.md's
recordings (Vercel final chunk, reasoning, tool calls, OpenRouter and Vercel in-band errors,
a separate usage chunk)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from playground.core.errors import ProtocolError, StreamError
from playground.core.events import (
    KeepAlive,
    ProviderAttempt,
    ReasoningDelta,
    Routed,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
)
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
from playground.core.secret import Secret
from playground.gateway.chunks import StreamReader, parse_completion
from playground.gateway.wire import chat_body, decimal_of, encode

REQUEST = ChatRequest(
    "openai/gpt-4.1-mini",
    (Message("system", "Be brief."), Message("user", "Hi")),
    routing=Routing(
        order=("azure", "openai"), only=("azure",), models=("anthropic/claude-haiku-4.5",)
    ),
)


# -- request bodies -----------------------------------------------------------------------------


def test_vercel_routing_goes_under_provider_options_and_models_also_top_level() -> None:
    body = chat_body("vercel", REQUEST)
    assert body["providerOptions"] == {
        "gateway": {
            "order": ["azure", "openai"],
            "only": ["azure"],
            "models": ["anthropic/claude-haiku-4.5"],
        }
    }
    assert body["models"] == ["anthropic/claude-haiku-4.5"]
    assert "provider" not in body
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ]


def test_openrouter_routing_goes_under_provider() -> None:
    body = chat_body("openrouter", REQUEST)
    assert body["provider"] == {"order": ["azure", "openai"], "only": ["azure"]}
    assert body["models"] == ["anthropic/claude-haiku-4.5"]
    assert "providerOptions" not in body


def test_plain_openai_servers_get_no_routing_keys() -> None:
    body = chat_body("openai", REQUEST)
    assert not {"provider", "providerOptions", "models"} & body.keys()


def test_no_routing_means_no_routing_keys() -> None:
    body = chat_body("vercel", ChatRequest("m", (Message("user", "x"),)))
    assert not {"provider", "providerOptions", "models"} & body.keys()


def test_non_streaming_body() -> None:
    body = chat_body("vercel", REQUEST, stream=False)
    assert body["stream"] is False
    assert "stream_options" not in body


def test_parameters_only_when_set() -> None:
    params = Params(temperature=0.7, max_tokens=512, top_p=0.9, seed=7, stop=("END",))
    body = chat_body("vercel", ChatRequest("m", (Message("user", "x"),), params=params))
    assert {k: body[k] for k in ("temperature", "max_tokens", "top_p", "seed", "stop")} == {
        "temperature": 0.7,
        "max_tokens": 512,
        "top_p": 0.9,
        "seed": 7,
        "stop": ["END"],
    }
    assert "frequency_penalty" not in body and "presence_penalty" not in body


def test_reasoning_object_and_reasoning_effort() -> None:
    def body(kind: Any, reasoning: Reasoning) -> dict[str, Any]:
        request = ChatRequest("m", (Message("user", "x"),), reasoning=reasoning)
        return chat_body(kind, request)

    assert body("vercel", Reasoning(effort="high"))["reasoning"] == {"effort": "high"}
    # effort and max_tokens are mutually exclusive on the wire; effort wins.
    assert body("openrouter", Reasoning(effort="low", max_tokens=100, exclude=True))[
        "reasoning"
    ] == {"effort": "low", "exclude": True}
    assert body("vercel", Reasoning(max_tokens=2048))["reasoning"] == {"max_tokens": 2048}
    assert body("vercel", Reasoning())["reasoning"] == {"enabled": True}
    local = body("openai", Reasoning(effort="medium"))
    assert local["reasoning_effort"] == "medium" and "reasoning" not in local


def test_tools_tool_choice_and_response_format() -> None:
    tool = Tool("lookup_weather", "Weather by city", {"type": "object", "properties": {}})
    request = ChatRequest(
        "m",
        (Message("user", "x"),),
        tools=(tool,),
        tool_choice="lookup_weather",
        response_format=ResponseFormat("json_schema", "answer", {"type": "object"}, strict=True),
    )
    body = chat_body("vercel", request)
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "lookup_weather",
                "description": "Weather by city",
                "parameters": {"type": "object", "properties": {}},
            },
        }
    ]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "lookup_weather"}}
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": True},
    }
    auto = chat_body(
        "vercel", ChatRequest("m", (), tool_choice="auto", response_format=ResponseFormat())
    )
    assert auto["tool_choice"] == "auto"
    assert auto["response_format"] == {"type": "json_object"}


def test_message_parts_and_the_file_part_of_each_dialect() -> None:
    message = Message(
        "user",
        (
            TextPart("What is in these?"),
            ImagePart("image/png", data="iVBOR", detail="low"),
            ImagePart("image/jpeg", url="https://example.com/cat.jpg"),
            FilePart("application/pdf", "JVBERi0", "report.pdf"),
        ),
    )
    request = ChatRequest("m", (message,))
    vercel = chat_body("vercel", request)["messages"][0]["content"]
    assert vercel[:3] == [
        {"type": "text", "text": "What is in these?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR", "detail": "low"}},
        {
            "type": "image_url",
            "image_url": {"url": "https://example.com/cat.jpg", "detail": "auto"},
        },
    ]
    assert vercel[3] == {
        "type": "file",
        "file": {"data": "JVBERi0", "media_type": "application/pdf", "filename": "report.pdf"},
    }
    openrouter = chat_body("openrouter", request)["messages"][0]["content"][3]
    assert openrouter == {
        "type": "file",
        "file": {"filename": "report.pdf", "file_data": "data:application/pdf;base64,JVBERi0"},
    }


def test_assistant_tool_calls_and_tool_results() -> None:
    call = ToolCall("call_1", "lookup_weather", '{"city":"Springfield"}')
    request = ChatRequest(
        "m",
        (
            Message("user", "Weather?"),
            Message("assistant", "", tool_calls=(call,)),
            Message("tool", '{"temp": 21}', tool_call_id="call_1"),
        ),
    )
    messages = chat_body("vercel", request)["messages"]
    assert messages[1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "lookup_weather", "arguments": '{"city":"Springfield"}'},
            }
        ],
    }
    assert messages[2] == {"role": "tool", "content": '{"temp": 21}', "tool_call_id": "call_1"}


def test_encode_is_compact_utf8_json() -> None:
    assert json.loads(encode(chat_body("vercel", REQUEST))) == chat_body("vercel", REQUEST)


# -- chunk interpretation -----------------------------------------------------------------------

GEN = "gen_01M3RJQ2GXYP8F188NH5K17ED5"
BASE = {
    "id": GEN,
    "object": "chat.completion.chunk",
    "created": 1790752558,
    "model": "openai/gpt-4.1-nano",
    "system_fingerprint": "fp_w2ojz1490e",
}


def data(payload: dict[str, Any] | str) -> bytes:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return f"data: {text}\n\n".encode()


def choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        **BASE,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


VERCEL_FINAL = {
    **BASE,
    "choices": [
        {
            "index": 0,
            "delta": {
                "provider_metadata": {
                    "openai": {"responseId": "resp_1", "serviceTier": "default"},
                    "gateway": {
                        "routing": {
                            "originalModelId": "openai/gpt-4.1-nano",
                            "resolvedProvider": "openai",
                            "fallbacksAvailable": ["azure"],
                            "finalProvider": "openai",
                            "modelAttempts": [
                                {
                                    "success": True,
                                    "providerAttempts": [
                                        {
                                            "provider": "openai",
                                            "credentialType": "system",
                                            "statusCode": 200,
                                        }
                                    ],
                                }
                            ],
                        },
                        "cost": "0.0000032",
                        "marketCost": "0.0000032",
                        "surchargeCost": "0",
                        "gatewayCost": "0.0000032",
                        "generationId": GEN,
                    },
                }
            },
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {
        "prompt_tokens": 20,
        "completion_tokens": 3,
        "total_tokens": 23,
        "cost": 0.0000032,
        "is_byok": False,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0, "video_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "image_tokens": 0},
        "cache_creation_input_tokens": 0,
        "market_cost": 0.0000032,
        "gateway_cost": 0.0000032,
    },
    "service_tier": "default",
    "generationId": GEN,
}


def read(*payloads: bytes, secret: Secret | None = None) -> tuple[list[StreamEvent], StreamReader]:
    reader = StreamReader(secret=secret)
    events: list[StreamEvent] = []
    for t, payload in enumerate(payloads):
        events.extend(reader.feed(payload, t))
    events.extend(reader.finish())
    return events, reader


def test_vercel_plain_text_stream_with_final_chunk() -> None:
    events, reader = read(
        data(choice({"role": "assistant"})),
        data(choice({"content": "Hello"})),
        data(choice({"content": " there"})),
        data(VERCEL_FINAL),
        b"data: [DONE]\n\n",
    )
    assert events == [
        TextDelta(1, "Hello"),
        TextDelta(2, " there"),
        Routed(
            3,
            served_by="openai",
            resolved="openai",
            model="openai/gpt-4.1-nano",
            fallbacks_available=("azure",),
            attempts=(ProviderAttempt("openai", True, 200, None),),
        ),
        Usage(
            3,
            prompt_tokens=20,
            completion_tokens=3,
            cached_tokens=0,
            cache_write_tokens=0,
            reasoning_tokens=0,
            cost=Decimal("0.0000032"),
        ),
    ]
    assert reader.finish_reason == "stop"
    assert reader.saw_done and reader.stopped
    assert reader.generation_id == GEN
    assert reader.tokens == 2


def test_gateway_cost_string_wins_over_usage_cost_number() -> None:
    final = json.loads(json.dumps(VERCEL_FINAL))
    final["choices"][0]["delta"]["provider_metadata"]["gateway"]["cost"] = "0.000004123456"
    final["usage"]["cost"] = 0.1
    events, _ = read(data(choice({"content": "x"})), data(final))
    usage = [e for e in events if isinstance(e, Usage)]
    assert usage[-1].cost == Decimal("0.000004123456")


def test_usage_cost_number_becomes_an_exact_decimal_of_its_repr() -> None:
    events, _ = read(
        data(choice({"content": "x"}, "stop")),
        data(
            {
                **BASE,
                "choices": [],
                "usage": {"prompt_tokens": 5, "completion_tokens": 1, "cost": 0.1},
            }
        ),
    )
    assert next(e for e in events if isinstance(e, Usage)).cost == Decimal("0.1")


def test_separate_usage_chunk_with_empty_choices() -> None:
    events, reader = read(
        data(choice({"content": "Hi"})),
        data(choice({}, "length")),
        data(
            {
                **BASE,
                "choices": [],
                "usage": {
                    "prompt_tokens": 11,
                    "completion_tokens": 9,
                    "prompt_tokens_details": {"cached_tokens": 4, "cache_write_tokens": 2},
                    "completion_tokens_details": {"reasoning_tokens": 5},
                },
            }
        ),
        b"data: [DONE]\n\n",
    )
    assert events[-1] == Usage(
        2,
        prompt_tokens=11,
        completion_tokens=9,
        cached_tokens=4,
        cache_write_tokens=2,
        reasoning_tokens=5,
    )
    assert reader.finish_reason == "length"


def test_gateway_cost_arriving_after_usage_corrects_it() -> None:
    metadata = {"provider_metadata": {"gateway": {"cost": "0.25"}}}
    events, _ = read(
        data(choice({"content": "x"})),
        data({**BASE, "choices": [], "usage": {"completion_tokens": 1, "cost": 0.3}}),
        data(choice(metadata, "stop")),
    )
    assert [e.cost for e in events if isinstance(e, Usage)] == [Decimal("0.3"), Decimal("0.25")]


def test_reasoning_before_content_and_reasoning_content_fallback() -> None:
    events, _ = read(
        data(
            choice(
                {
                    "reasoning": "We",
                    "reasoning_details": [
                        {"type": "reasoning.text", "text": "We", "format": "unknown", "index": 0}
                    ],
                }
            )
        ),
        data(choice({"reasoning_content": " think"})),
        data(choice({"content": "Answer"})),
    )
    assert events == [ReasoningDelta(0, "We"), ReasoningDelta(1, " think"), TextDelta(2, "Answer")]


def test_tool_call_deltas_by_index() -> None:
    events, reader = read(
        data(
            choice(
                {
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_PPgI",
                            "type": "function",
                            "function": {"name": "lookup_weather", "arguments": ""},
                        }
                    ]
                }
            )
        ),
        data(
            choice(
                {"tool_calls": [{"index": 0, "function": {"arguments": '{"city":"Springfield"}'}}]}
            )
        ),
        data(
            choice(
                {
                    "tool_calls": [
                        {
                            "index": 1,
                            "id": "call_2",
                            "function": {"name": "f", "arguments": {"a": 1}},
                        }
                    ]
                }
            )
        ),
        data(choice({}, "tool_calls")),
    )
    assert events == [
        ToolCallDelta(0, 0, "call_PPgI", "lookup_weather", ""),
        ToolCallDelta(1, 0, None, None, '{"city":"Springfield"}'),
        ToolCallDelta(2, 1, "call_2", "f", '{"a":1}'),
    ]
    assert reader.finish_reason == "tool_calls"


def test_openrouter_provider_and_comments() -> None:
    events, _ = read(
        b": OPENROUTER PROCESSING\n\n",
        data({**choice({"role": "assistant", "content": ""}), "provider": "Together"}),
        data({**choice({"content": "Hi"}), "provider": "Together"}),
    )
    assert events == [
        KeepAlive(0),
        Routed(1, "Together", model="openai/gpt-4.1-nano"),  # held until the first delta
        TextDelta(2, "Hi"),
    ]


def test_openrouter_mid_stream_error_after_tokens() -> None:
    events, reader = read(
        data(choice({"content": "partial "})),
        data(choice({"content": "answer"})),
        data(
            {
                "id": "cmpl-abc123",
                "object": "chat.completion.chunk",
                "created": 1234567890,
                "model": "gpt-3.5-turbo",
                "provider": "openai",
                "error": {"code": "server_error", "message": "Provider disconnected unexpectedly"},
                "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}],
            }
        ),
        data(choice({"content": "ignored after the error"})),
    )
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["partial ", "answer"]
    error = reader.error
    assert isinstance(error, StreamError)
    assert (
        error.message
        == "The stream broke off after 2 tokens: Provider disconnected unexpectedly (openai)"
    )
    assert error.code == "server_error"
    assert reader.stopped


def test_vercel_in_band_error_without_choices_finds_the_nested_message() -> None:
    payload = (
        '{"id":"gen_01KYX5CJTDD0MQY1RDMBR08C18","object":"chat.completion.chunk","created":1785537645,'
        '"model":"alibaba/qwen-3-14b","error":{"code":"error","message":"Stream error occurred",'
        '"name":"AI_TypeValidationError","cause":{},"value":{"error_type":"validation_error",'
        '"error_message":"{\\"error\\":{\\"message\\":\\"This model\'s maximum context length is '
        '40960 tokens.\\"}}"}}}'
    )
    events, reader = read(data(choice({"role": "assistant"})), data(payload))
    assert events == []
    assert isinstance(reader.error, StreamError)
    assert reader.error.message == (
        "The gateway reported an error before the answer started: "
        "This model's maximum context length is 40960 tokens."
    )
    assert reader.error.generation_id == GEN  # from the first chunk's id


def test_event_error_is_a_stream_error() -> None:
    _, reader = read(b'event: error\ndata: {"error": {"message": "overloaded"}}\n\n')
    assert isinstance(reader.error, StreamError)
    assert reader.error.message.endswith(": overloaded")
    _, reader = read(b"event: error\ndata: plain words\n\n")
    assert isinstance(reader.error, StreamError) and reader.error.message.endswith(": plain words")


def test_finish_reason_error_without_an_error_object() -> None:
    _, reader = read(data(choice({"content": "a"})), data(choice({}, "error")))
    assert isinstance(reader.error, StreamError)
    assert "after 1 tokens" in reader.error.message


def test_unknown_events_and_pings_are_liveness_only() -> None:
    events, reader = read(
        b"event: ping\n\n", b"event: ping\ndata: {}\n\n", data(choice({"content": "a"}))
    )
    assert events == [KeepAlive(1), TextDelta(2, "a")]
    assert reader.error is None


def test_malformed_json_stops_the_stream_with_a_protocol_error() -> None:
    events, reader = read(
        data(choice({"content": "a"})), b'data: {"choices": [\n\n', data(choice({"content": "b"}))
    )
    assert events == [TextDelta(0, "a")]
    assert isinstance(reader.error, ProtocolError)
    assert (
        reader.error.message
        == "The gateway sent a chunk that is not JSON after 1 tokens; the stream was stopped."
    )


@pytest.mark.parametrize(
    "payload", ["[1, 2]", '{"choices": "nope"}', '{"choices": [{"delta": 5}]}', "3"]
)
def test_unexpected_shapes_are_protocol_errors_not_crashes(payload: str) -> None:
    _, reader = read(data(payload))
    assert isinstance(reader.error, ProtocolError)


def test_done_stops_reading() -> None:
    events, reader = read(b"data: [DONE]\n\n" + data(choice({"content": "late"})))
    assert events == [] and reader.saw_done


def test_routing_without_content_is_released_at_the_end() -> None:
    events, _ = read(data(VERCEL_FINAL))
    assert [type(e) for e in events] == [Routed, Usage]


def test_failed_provider_attempts_are_kept() -> None:
    final = json.loads(json.dumps(VERCEL_FINAL))
    routing = final["choices"][0]["delta"]["provider_metadata"]["gateway"]["routing"]
    routing["finalProvider"] = "azure"
    routing["modelAttempts"][0]["providerAttempts"] = [
        {"provider": "openai", "statusCode": 503, "error": {"message": "overloaded"}},
        {"provider": "azure", "statusCode": 200},
    ]
    events, _ = read(data(final))
    routed = next(e for e in events if isinstance(e, Routed))
    assert routed.served_by == "azure"
    assert routed.attempts == (
        ProviderAttempt("openai", False, 503, "overloaded"),
        ProviderAttempt("azure", True, 200, None),
    )


def test_key_is_removed_from_stream_errors() -> None:
    key = Secret("sk-live-abcdefghijklmnop")
    _, reader = read(data({"error": {"message": "bad key sk-live-abcdefghijklmnop"}}), secret=key)
    assert reader.error is not None
    assert "abcdefghijklmnop" not in reader.error.message + reader.error.detail


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.0000032", Decimal("0.0000032")),
        (0.0000032, Decimal("0.0000032")),
        (3, Decimal(3)),
        ("1e-7", Decimal("1E-7")),
        ("nope", None),
        ("NaN", None),
        (True, None),
        (None, None),
        ([], None),
    ],
)
def test_decimal_of(value: object, expected: Decimal | None) -> None:
    assert decimal_of(value) == expected


def test_parse_completion_of_the_documented_answer() -> None:
    payload = {
        "id": "gen_01KZ7DP24DBPWN0TR4VAG1P9X6",
        "object": "chat.completion",
        "model": "inclusionai/ling-3.0-flash-free",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {
                    "role": "assistant",
                    "content": "Hello there, how are you?",
                    "reasoning": "The user is asking ...",
                    "provider_metadata": {
                        "gateway": {
                            "routing": {
                                "resolvedProvider": "novita",
                                "finalProvider": "novita",
                                "fallbacksAvailable": [],
                            },
                            "cost": "0",
                            "generationId": "gen_01KZ7DP24DBPWN0TR4VAG1P9X6",
                        }
                    },
                },
            }
        ],
        "usage": {"prompt_tokens": 26, "completion_tokens": 36, "cost": 0},
        "generationId": "gen_01KZ7DP24DBPWN0TR4VAG1P9X6",
    }
    completion = parse_completion(payload, t_ns=5)
    assert completion.text == "Hello there, how are you?"
    assert completion.reasoning == "The user is asking ..."
    assert completion.finish_reason == "stop"
    assert completion.routed is not None and completion.routed.served_by == "novita"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.cost) == (26, Decimal(0))
    assert completion.generation_id == "gen_01KZ7DP24DBPWN0TR4VAG1P9X6"
    assert completion.model == "inclusionai/ling-3.0-flash-free"


def test_parse_completion_with_tool_calls_and_errors() -> None:
    payload = {
        "choices": [
            {
                "finish_reason": "tool_calls",
                "message": {
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "f", "arguments": "{}"},
                        },
                        {
                            "id": "call_2",
                            "type": "function",
                            "function": {"name": "g", "arguments": "[]"},
                        },
                    ],
                },
            }
        ]
    }
    completion = parse_completion(payload)
    assert completion.tool_calls == (ToolCall("call_1", "f", "{}"), ToolCall("call_2", "g", "[]"))
    with pytest.raises(StreamError, match="quota"):
        parse_completion({"error": {"message": "quota exceeded"}})
    with pytest.raises(ProtocolError):
        parse_completion({"object": "list"})
    with pytest.raises(ProtocolError):
        parse_completion([1])


def test_invalid_utf8_in_a_chunk_becomes_replacement_characters() -> None:
    events, reader = read(b'data: {"choices":[{"delta":{"content":"a\xffb"}}]}\n\n')
    assert events == [TextDelta(0, "a\ufffdb")] and reader.error is None


def test_a_malformed_chunk_goes_to_the_debug_log_redacted(caplog: pytest.LogCaptureFixture) -> None:
    key = Secret("sk-live-abcdefghijklmnop")
    with caplog.at_level("DEBUG", logger="playground.gateway.chunks"):
        _, reader = read(b'data: {"oops": "sk-live-abcdefghijklmnop\n\n', secret=key)
    assert isinstance(reader.error, ProtocolError)
    assert "malformed chunk" in caplog.text and '{"oops"' in caplog.text
    assert "abcdefghijklmnop" not in caplog.text + reader.error.message


def test_a_bad_part_after_the_text_stops_the_stream_without_repeating_the_text() -> None:
    events, reader = read(data(choice({"content": "a", "tool_calls": 5})))
    assert events == [TextDelta(0, "a")]
    assert isinstance(reader.error, ProtocolError)
    assert reader.error.message.startswith("The gateway sent a chunk of an unexpected shape")
