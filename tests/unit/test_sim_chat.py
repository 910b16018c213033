"""Planning a completion: tokens, usage and cost in Decimal, limits, caching, the wire shapes."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from playground.sim.caching import MIN_PREFIX_TOKENS, STEP_TOKENS, PromptCache
from playground.sim.catalog import Catalog
from playground.sim.chat import Plan, plan_chat
from playground.sim.faults import OK, parse_step
from playground.sim.parse import parse_chat_body
from playground.sim.tokens import split_tokens
from playground.sim.wire import ChunkEncoder, Framing, completion_body, dumps, usage_json

CATALOG = Catalog.default()
M = Decimal(1_000_000)


def plan(
    prompt: str = "Why is the sky blue?",
    *,
    model: str = "openai/gpt-4.1-mini",
    cache: PromptCache | None = None,
    fault: str | None = None,
    messages: list[dict[str, Any]] | None = None,
    **body: Any,
) -> Plan:
    msgs = messages or [{"role": "user", "content": prompt}]
    parsed = parse_chat_body({"model": model, "messages": msgs, **body})
    return plan_chat(
        parsed,
        catalog=CATALOG,
        cache=cache or PromptCache(),
        fault=parse_step(fault) if fault else OK,
        seed=0,
        index=0,
        user_text=prompt,
    )


def test_completion_tokens_are_the_tokens_streamed() -> None:
    p = plan()
    assert p.completion_tokens == len(p.deltas) == len(split_tokens(p.content))
    assert p.finish_reason == "stop"


def test_cost_is_computed_from_the_catalog_prices_in_decimal() -> None:
    p = plan()
    expected = p.prompt_tokens * Decimal("0.40") / M + p.completion_tokens * Decimal("1.60") / M
    assert p.cost == expected
    assert p.input_cost == p.prompt_tokens * Decimal("0.40") / M
    assert p.output_cost == p.completion_tokens * Decimal("1.60") / M


def test_tiered_prices_apply_above_the_tier_boundary() -> None:
    long_prompt = "word " * 170_000  # about 212,500 tokens at 4 characters a token
    p = plan(long_prompt + "Why is the sky blue?", model="google/gemini-2.5-pro")
    assert p.prompt_tokens > 200_001
    # Reasoning is billed as output: completion tokens include it.
    assert p.reasoning_tokens > 0
    expected = p.prompt_tokens * Decimal("2.50") / M + p.completion_tokens * Decimal("15.00") / M
    assert p.cost == expected


def test_a_hidden_per_request_fee_is_billed_although_the_catalog_shows_no_price() -> None:
    p = plan(model="perplexity/sonar")
    tokens = (p.prompt_tokens + p.completion_tokens) * Decimal("1.00") / M
    assert p.cost == tokens + Decimal("0.005")


def test_max_tokens_cuts_the_answer_with_finish_reason_length() -> None:
    p = plan(max_tokens=12)
    assert p.completion_tokens == 12
    assert p.finish_reason == "length"


def test_max_tokens_counts_reasoning_first() -> None:
    p = plan(model="deepseek/deepseek-r1", max_tokens=10)
    assert [d.kind for d in p.deltas] == ["reasoning"] * 10
    assert p.reasoning_tokens == 10 and p.finish_reason == "length"


def test_stop_sequences_cut_the_content() -> None:
    p = plan(stop=["Rayleigh"])
    assert "Rayleigh" not in p.content
    assert p.content.endswith("**")
    assert p.finish_reason == "stop"


def test_tokens_directive_streams_exactly_that_many() -> None:
    for count in (1, 37, 500, 5000):
        assert plan(fault=f"ok tokens={count}").completion_tokens == count


def test_implicit_caching_returns_a_repeated_long_prefix() -> None:
    cache = PromptCache()
    system = {"role": "system", "content": "You are a careful assistant. " * 200}  # ~1,450 tokens
    first = plan(messages=[system, {"role": "user", "content": "Question one?"}], cache=cache)
    second = plan(messages=[system, {"role": "user", "content": "Question two?"}], cache=cache)
    assert first.cached_tokens == 0
    assert second.cached_tokens >= MIN_PREFIX_TOKENS
    assert second.cached_tokens % STEP_TOKENS == 0
    assert second.cached_tokens < second.prompt_tokens
    uncached = second.prompt_tokens - second.cached_tokens
    expected = (
        uncached * Decimal("0.40")
        + second.cached_tokens * Decimal("0.10")
        + second.completion_tokens * Decimal("1.60")
    ) / M
    assert second.cost == expected


def test_short_prefixes_and_other_providers_are_not_cached() -> None:
    cache = PromptCache()
    short = {"role": "system", "content": "Be helpful. " * 50}
    plan(messages=[short, {"role": "user", "content": "a"}], cache=cache)
    assert plan(messages=[short, {"role": "user", "content": "b"}], cache=cache).cached_tokens == 0
    long = {"role": "system", "content": "You are a careful assistant. " * 200}
    plan(messages=[long, {"role": "user", "content": "a"}], cache=cache)
    other = plan(
        messages=[long, {"role": "user", "content": "b"}],
        cache=cache,
        providerOptions={"gateway": {"only": ["azure"]}},
    )
    assert other.cached_tokens == 0  # each provider has its own cache


def test_explicit_cache_control_writes_then_reads() -> None:
    cache = PromptCache()
    system = {
        "role": "system",
        "content": [
            {"type": "text", "text": "Context. " * 700, "cache_control": {"type": "ephemeral"}}
        ],
    }
    first = plan(
        messages=[system, {"role": "user", "content": "one"}],
        cache=cache,
        model="anthropic/claude-haiku-4.5",
    )
    second = plan(
        messages=[system, {"role": "user", "content": "two"}],
        cache=cache,
        model="anthropic/claude-haiku-4.5",
    )
    assert first.cache_write_tokens >= MIN_PREFIX_TOKENS and first.cached_tokens == 0
    assert second.cached_tokens == first.cache_write_tokens and second.cache_write_tokens == 0
    expected_first = (
        (first.prompt_tokens - first.cache_write_tokens) * Decimal("1.00")
        + first.cache_write_tokens * Decimal("1.25")
        + first.completion_tokens * Decimal("5.00")
    ) / M
    assert first.cost == expected_first


def test_usage_json_writes_the_cost_as_an_exact_number() -> None:
    p = plan()
    data = dumps({"usage": usage_json(p)})
    usage = json.loads(data, parse_float=Decimal)["usage"]
    assert usage["cost"] == p.cost
    assert usage["market_cost"] == p.cost
    assert b"e-" not in data.split(b'"cost":')[1][:20]
    assert usage["total_tokens"] == p.prompt_tokens + p.completion_tokens
    assert usage["prompt_tokens_details"]["cached_tokens"] == 0
    assert usage["completion_tokens_details"]["reasoning_tokens"] == 0


def test_the_final_chunk_has_everything_in_one_place() -> None:
    p = plan()
    encoder = ChunkEncoder(p, Framing())
    raw = encoder.final([(1, 2)], with_usage=True)
    assert raw.startswith(b"data: ") and raw.endswith(b"\n\n")
    chunk = json.loads(raw[6:])
    assert chunk["id"] == p.generation_id == chunk["generationId"]
    choice = chunk["choices"][0]
    assert choice["finish_reason"] == "stop"
    gateway = choice["delta"]["provider_metadata"]["gateway"]
    assert gateway["routing"]["finalProvider"] == "openai"
    assert gateway["generationId"] == p.generation_id
    assert Decimal(gateway["cost"]) == p.cost
    assert (
        Decimal(gateway["inputInferenceCost"]) + Decimal(gateway["outputInferenceCost"]) == p.cost
    )
    assert chunk["usage"]["completion_tokens"] == p.completion_tokens
    without = json.loads(encoder.final([(1, 2)], with_usage=False)[6:])
    assert "usage" not in without


def test_framing_options() -> None:
    p = plan()
    crlf = ChunkEncoder(p, Framing(b"\r\n")).content("x")
    assert crlf.endswith(b"}\r\n\r\n") and b"\n\n" not in crlf
    multi = ChunkEncoder(p, Framing(multiline=True)).content("x")
    lines = multi.split(b"\n")
    assert lines[0] == b"data: {" and lines[1].startswith(b'data: "id"')
    joined = b"\n".join(line[6:] for line in lines if line.startswith(b"data: "))
    assert json.loads(joined)["choices"][0]["delta"] == {"content": "x"}


def test_non_streamed_completion_shape() -> None:
    p = plan(model="deepseek/deepseek-r1")
    body = completion_body(p, [(1, 2)])
    assert body["object"] == "chat.completion"
    message = body["choices"][0]["message"]
    assert message["role"] == "assistant"
    assert message["content"] == p.content and message["reasoning"] == p.reasoning
    assert message["reasoning_details"][0]["type"] == "reasoning.text"
    assert message["provider_metadata"]["gateway"]["routing"]["finalProvider"] == "deepseek"
    assert body["usage"]["completion_tokens_details"]["reasoning_tokens"] == p.reasoning_tokens
    assert body["generationId"] == body["id"] == p.generation_id


def test_tool_calls_in_a_non_streamed_completion() -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "lookup_weather",
            "description": "Look up the weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
    p = plan("What's the weather in Oslo?", tools=[tool])
    assert p.finish_reason == "tool_calls"
    message = completion_body(p, [(1, 2)])["choices"][0]["message"]
    assert message["content"] is None
    (call,) = message["tool_calls"]
    assert call["function"]["name"] == "lookup_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "Oslo"}
