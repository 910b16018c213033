"""Streaming as the live recordings show it (PROTOCOL.md §2.6), over real HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from playground.sim import SimulatedGateway

from support.simwire import dechunk, http_request, raw_exchange, split_response, stream_chat

BODY: dict[str, Any] = {
    "model": "openai/gpt-4.1-mini",
    "stream_options": {"include_usage": True},
    "messages": [{"role": "user", "content": "Why is the sky blue?"}],
}
WEATHER = {
    "type": "function",
    "function": {
        "name": "lookup_weather",
        "description": "Look up the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}


@pytest.fixture
async def gw() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=2, time_scale=0) as gateway:
        yield gateway


@pytest.fixture
async def client(gw: SimulatedGateway) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gw.url, timeout=30) as http:
        yield http


async def test_stream_has_the_recorded_shape(
    client: httpx.AsyncClient, gw: SimulatedGateway
) -> None:
    result = await stream_chat(client, BODY)
    assert result.status == 200
    assert result.headers["content-type"] == "text/event-stream"
    assert result.headers["transfer-encoding"] == "chunked"
    assert result.events[-1].data == "[DONE]"
    chunks = result.chunks
    ids = {c["id"] for c in chunks}
    assert len(ids) == 1 and ids.pop().startswith("gen_")
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert {c["model"] for c in chunks} == {"openai/gpt-4.1-mini"}
    first = chunks[0]["choices"][0]
    assert first["delta"] == {"role": "assistant"} and first["finish_reason"] is None
    middle = chunks[1:-1]
    assert all(list(c["choices"][0]["delta"]) == ["content"] for c in middle)
    assert all(c["choices"][0]["finish_reason"] is None for c in middle)
    final = chunks[-1]
    choice = final["choices"][0]
    assert choice["finish_reason"] == "stop"
    gateway = choice["delta"]["provider_metadata"]["gateway"]
    assert final["generationId"] == gateway["generationId"] == final["id"]
    routing = gateway["routing"]
    assert routing["originalModelId"] == "openai/gpt-4.1-mini"
    assert routing["resolvedProvider"] == routing["finalProvider"] == "openai"
    assert routing["fallbacksAvailable"] == ["azure"]
    assert routing["modelAttempts"][0]["providerAttempts"][0]["statusCode"] == 200
    usage = final["usage"]
    assert usage["completion_tokens"] == len(middle)
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert isinstance(usage["cost"], float) and Decimal(gateway["cost"]) > 0
    assert usage["prompt_tokens_details"]["cached_tokens"] == 0
    assert "## Why the sky is blue" in result.content
    record = gw.records[-1]
    assert record.content == result.content
    assert record.tokens_sent == usage["completion_tokens"]


async def test_one_http_chunk_per_sse_event(gw: SimulatedGateway) -> None:
    raw = await raw_exchange(
        "127.0.0.1", gw.port, http_request("POST", "/v1/chat/completions", {**BODY, "stream": True})
    )
    status, headers, body = split_response(raw)
    assert status == 200 and headers["transfer-encoding"] == "chunked"
    chunks, terminated = dechunk(body)
    assert terminated
    assert all(
        c.startswith(b"data: ") and c.endswith(b"\n\n") and c.count(b"\n\n") == 1 for c in chunks
    )
    assert chunks[-1] == b"data: [DONE]\n\n"


async def test_usage_follows_include_usage(client: httpx.AsyncClient) -> None:
    plain = await stream_chat(client, {**BODY, "stream_options": None})
    final = plain.chunks[-1]
    assert "usage" not in final
    assert final["choices"][0]["finish_reason"] == "stop"
    assert "cost" in final["choices"][0]["delta"]["provider_metadata"]["gateway"]


async def test_reasoning_comes_before_content(client: httpx.AsyncClient) -> None:
    result = await stream_chat(client, {**BODY, "model": "deepseek/deepseek-r1"})
    kinds = []
    for chunk in result.chunks[1:-1]:
        delta = chunk["choices"][0]["delta"]
        kinds.append("reasoning" if "reasoning" in delta else "content")
        if "reasoning" in delta:
            assert delta["reasoning_details"] == [
                {
                    "type": "reasoning.text",
                    "text": delta["reasoning"],
                    "format": "unknown",
                    "index": 0,
                }
            ]
    assert kinds[0] == "reasoning" and kinds[-1] == "content"
    assert kinds == sorted(kinds, key=lambda k: k != "reasoning")
    usage = result.chunks[-1]["usage"]
    assert usage["completion_tokens_details"]["reasoning_tokens"] == kinds.count("reasoning")
    assert usage["completion_tokens"] == len(kinds)


async def test_tool_call_deltas(client: httpx.AsyncClient) -> None:
    body = {
        **BODY,
        "messages": [{"role": "user", "content": "What's the weather in Springfield?"}],
        "tools": [WEATHER],
        "parallel_tool_calls": True,
    }
    result = await stream_chat(client, body)
    deltas = [c["choices"][0]["delta"] for c in result.chunks[1:-1]]
    assert all(list(d) == ["tool_calls"] for d in deltas)
    opening = deltas[0]["tool_calls"][0]
    assert opening["index"] == 0 and opening["id"].startswith("call_")
    assert opening["type"] == "function"
    assert opening["function"] == {"name": "lookup_weather", "arguments": ""}
    pieces = [d["tool_calls"][0]["function"]["arguments"] for d in deltas[1:]]
    assert len(pieces) > 1
    assert all(set(d["tool_calls"][0]) == {"index", "function"} for d in deltas[1:])
    assert json.loads("".join(pieces)) == {"city": "Springfield"}
    assert result.chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


async def test_a_conversation_with_tool_results_gets_an_answer_that_uses_them(
    client: httpx.AsyncClient,
) -> None:
    messages = [
        {"role": "user", "content": "What's the weather in Springfield?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_x",
                    "type": "function",
                    "function": {"name": "lookup_weather", "arguments": '{"city":"Springfield"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_x", "content": '{"temp_c": 18, "sky": "overcast"}'},
    ]
    result = await stream_chat(client, {**BODY, "messages": messages, "tools": [WEATHER]})
    assert "overcast" in result.content and "18" in result.content
    assert result.chunks[-1]["choices"][0]["finish_reason"] == "stop"


async def test_max_tokens_ends_with_length(client: httpx.AsyncClient) -> None:
    result = await stream_chat(client, {**BODY, "max_tokens": 7})
    assert len(result.chunks) == 1 + 7 + 1
    assert result.chunks[-1]["choices"][0]["finish_reason"] == "length"
    assert result.chunks[-1]["usage"]["completion_tokens"] == 7


async def test_json_mode_streams_valid_json(client: httpx.AsyncClient) -> None:
    result = await stream_chat(client, {**BODY, "response_format": {"type": "json_object"}})
    assert isinstance(json.loads(result.content), dict)


async def test_routing_options_and_model_fallbacks_over_http(
    client: httpx.AsyncClient, gw: SimulatedGateway
) -> None:
    pinned = await stream_chat(
        client, {**BODY, "providerOptions": {"gateway": {"only": ["azure"]}}}
    )
    routing = pinned.chunks[-1]["choices"][0]["delta"]["provider_metadata"]["gateway"]["routing"]
    assert routing["finalProvider"] == "azure"
    assert pinned.chunks[-1]["service_tier"] == "default"
    ordered = await stream_chat(
        client, {**BODY, "providerOptions": {"gateway": {"order": ["azure"]}}}
    )
    assert gw.records[-1].provider == "azure"
    assert ordered.status == 200
    unknown = await client.post(
        "/chat/completions", json={**BODY, "providerOptions": {"gateway": {"only": ["nowhere"]}}}
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"]["param"] == "providerOptions.gateway.only"
    fallback = await stream_chat(
        client,
        {**BODY, "models": ["anthropic/claude-haiku-4.5"]},
        headers={"x-sim-fault": "outage count=2"},
    )
    assert {c["model"] for c in fallback.chunks} == {"anthropic/claude-haiku-4.5"}
    routing = fallback.chunks[-1]["choices"][0]["delta"]["provider_metadata"]["gateway"]["routing"]
    assert routing["originalModelId"] == "openai/gpt-4.1-mini"
    assert routing["modelAttemptCount"] == 2
    assert [m["success"] for m in routing["modelAttempts"]] == [False, True]
    assert gw.records[-1].attempts == [("openai", 503), ("azure", 503), ("anthropic", 200)]


async def test_outage_fallback_is_reported_in_model_attempts(client: httpx.AsyncClient) -> None:
    result = await stream_chat(client, BODY, headers={"x-sim-fault": "outage"})
    routing = result.chunks[-1]["choices"][0]["delta"]["provider_metadata"]["gateway"]["routing"]
    assert routing["resolvedProvider"] == "openai" and routing["finalProvider"] == "azure"
    failed, served = routing["modelAttempts"][0]["providerAttempts"]
    assert (failed["provider"], failed["success"], failed["statusCode"]) == ("openai", False, 503)
    assert "error" in failed
    assert (served["provider"], served["success"]) == ("azure", True)
    assert failed["endTime"] <= served["startTime"] <= served["endTime"]


async def test_every_provider_down_is_an_error_with_the_routing(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/chat/completions",
        json={**BODY, "stream": True},
        headers={"x-sim-fault": "outage count=2"},
    )
    assert response.status_code == 503
    body = response.json()
    assert body["error"]["type"] == "AI_APICallError"
    attempts = body["providerMetadata"]["gateway"]["routing"]["modelAttempts"][0][
        "providerAttempts"
    ]
    assert [a["provider"] for a in attempts] == ["openai", "azure"]


async def test_implicit_caching_over_http(client: httpx.AsyncClient, gw: SimulatedGateway) -> None:
    system = {"role": "system", "content": "You review pull requests carefully. " * 150}
    for question in ("First question?", "Second question?"):
        result = await stream_chat(
            client, {**BODY, "messages": [system, {"role": "user", "content": question}]}
        )
    usage = result.chunks[-1]["usage"]
    assert usage["prompt_tokens_details"]["cached_tokens"] >= 1024
    assert gw.records[-1].cached_tokens == usage["prompt_tokens_details"]["cached_tokens"]


async def test_non_streaming_completion(client: httpx.AsyncClient, gw: SimulatedGateway) -> None:
    response = await client.post("/chat/completions", json=BODY)
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    body = response.json()
    assert body["object"] == "chat.completion"
    message = body["choices"][0]["message"]
    assert message["content"].startswith("## Why the sky is blue")
    assert body["usage"]["completion_tokens"] == gw.records[-1].completion_tokens
    assert (
        body["choices"][0]["message"]["provider_metadata"]["gateway"]["generationId"] == body["id"]
    )


async def test_same_seed_gives_the_same_answers_and_timings() -> None:
    async def session(seed: int) -> list[tuple[str, float | None, float | None]]:
        async with (
            SimulatedGateway(seed=seed, time_scale=0) as gateway,
            httpx.AsyncClient(base_url=gateway.url) as http,
        ):
            out = []
            for prompt in ("Tell me about tides", "Compare tea vs coffee", "Why is the sky blue?"):
                body = {
                    **BODY,
                    "model": "meta/llama-3.3-70b",
                    "messages": [{"role": "user", "content": prompt}],
                }
                content = (await stream_chat(http, body)).content
                record = gateway.records[-1]
                out.append((content, record.provider_ttft_s, record.tokens_per_s))
            return out

    assert await session(5) == await session(5)
    assert await session(5) != await session(6)
