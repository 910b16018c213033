"""What the simulated models say: deterministic, Markdown-rich, and doing what was asked."""

from __future__ import annotations

import base64
import json
import re
import struct
import zlib
from typing import Any

import pytest

from playground.core.request import Tool
from playground.sim.catalog import Catalog, Model
from playground.sim.parse import parse_chat_body
from playground.sim.text import Answer, compose
from playground.sim.tokens import count_tokens

CATALOG = Catalog.default()


def model(model_id: str = "openai/gpt-4.1-mini") -> Model:
    found = CATALOG.get(model_id)
    assert found is not None
    return found


def answer(
    prompt: str | list[dict[str, Any]],
    *,
    model_id: str = "openai/gpt-4.1-mini",
    provider: str = "openai",
    seed: int = 0,
    length: int | None = None,
    **body: Any,
) -> Answer:
    messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
    messages = body.pop("messages_before", []) + messages
    parsed = parse_chat_body({"model": model_id, "messages": messages, **body})
    last_user = next(m for m in reversed(parsed.request.messages) if m.role == "user")
    return compose(
        parsed.request,
        user_text=last_user.text,
        model=model(model_id),
        provider=provider,
        seed=seed,
        length=length,
    )


def test_same_seed_and_prompt_give_the_same_answer() -> None:
    assert answer("Tell me about volcanoes") == answer("Tell me about volcanoes")


def test_another_seed_or_provider_may_differ_but_temperature_zero_ignores_the_provider() -> None:
    prompts = [f"Tell me about topic number {i} in geology" for i in range(6)]
    assert any(answer(p, seed=1) != answer(p, seed=2) for p in prompts)
    assert any(answer(p, provider="azure") != answer(p) for p in prompts)
    assert all(
        answer(p, provider="azure", temperature=0) == answer(p, temperature=0) for p in prompts
    )


def test_the_sky_is_blue_answer_exercises_the_renderer() -> None:
    text = answer("Why is the sky blue?").content
    assert text.startswith("## ")
    assert "Rayleigh" in text
    assert re.search(r"^\d+\. ", text, re.M)  # a numbered list
    assert re.search(r"^- ", text, re.M)  # a bullet list
    assert re.search(r"^\|.*\|$", text, re.M)  # a table
    assert "> " in text  # a quote


def test_a_brevity_system_prompt_gets_one_sentence() -> None:
    system = [{"role": "system", "content": "Be brief."}]
    text = answer("Why is the sky blue?", messages_before=system).content
    assert "\n" not in text and text.endswith(".")
    assert count_tokens(text) < 60


@pytest.mark.parametrize(
    ("prompt", "fence"),
    [
        ("Write a Python function that checks if a number is prime", "python"),
        ("Show me fizzbuzz in Rust", "rust"),
        ("Write a Go program that fetches JSON from a URL", "go"),
        ("Write a TypeScript function to reverse a string", "typescript"),
        ("Write a bash script to count words in a file", "bash"),
        ("Write a SQL query for the top customers by revenue", "sql"),
    ],
)
def test_code_requests_get_fenced_code_in_the_asked_language(prompt: str, fence: str) -> None:
    text = answer(prompt).content
    assert f"```{fence}\n" in text
    assert text.count("```") % 2 == 0


def test_code_without_a_language_comes_in_two_languages() -> None:
    text = answer("Write a function to compute fibonacci numbers").content
    fences = re.findall(r"^```(\w+)$", text, re.M)
    assert fences[0] == "python"
    assert len({f for f in fences if f != "text"}) >= 2


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("What is 12 * 7?", "84"),
        ("count to 5", "1, 2, 3, 4, 5."),
        ("What is the capital of France?", "Paris"),
        ("hello", "Hello"),
        ("Write a Python function to reverse a linked list", "node.next = previous"),
        ("Write a SQL query to find duplicate emails", "HAVING COUNT(*) > 1"),
        ("What's the weather in Paris?", "I don't have access to live data"),
        ("Translate 'good morning' into French", "**Bonjour**"),
        ("translate thank you to Spanish", "**Gracias**"),
    ],
)
def test_common_prompts_get_correct_answers(prompt: str, expected: str) -> None:
    assert expected in answer(prompt).content


@pytest.mark.parametrize(
    "prompt",
    [
        "Compare PostgreSQL vs MySQL for analytics",
        "How do I set up a Python virtual environment?",
        "Give me 4 ideas for a team offsite",
        "Explain how vaccines train the immune system",
        "Write a short story about a lighthouse keeper",
        "Write a haiku about winter",
    ],
)
def test_other_prompts_get_relevant_structured_answers(prompt: str) -> None:
    text = answer(prompt).content
    keywords = [
        w.lower()
        for w in re.findall(r"[A-Za-z]{5,}", prompt)
        if w.lower()
        not in {"compare", "write", "about", "explain", "ideas", "short", "story", "haiku"}
    ]
    assert any(k in text.lower() for k in keywords), text[:200]
    assert count_tokens(text) >= 10


def test_ideas_are_numbered_to_the_count_asked() -> None:
    text = answer("Give me 4 ideas for a team offsite").content
    assert re.findall(r"^(\d+)\. ", text, re.M) == ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("prompt", "opening", "items"),
    [
        (
            "Give me three tips for writing clear commit messages",
            "Here are three tips for writing clear commit messages:",
            3,
        ),
        ("List 10 ways to reduce Python startup time", "Here are ten ways to reduce", 10),
        ("One tip for naming variables", "Here is one tip for naming variables:", 1),
    ],
)
def test_lists_say_what_was_asked_for(prompt: str, opening: str, items: int) -> None:
    text = answer(prompt).content
    assert text.startswith(opening), text[:120]
    assert len(re.findall(r"^\d+\. ", text, re.M)) == items


def test_a_question_about_weather_is_not_a_lookup() -> None:
    assert "live data" not in answer("Explain how weather forecasts are made").content


def test_json_mode_is_valid_json() -> None:
    text = answer(
        "Summarise the benefits of exercise", response_format={"type": "json_object"}
    ).content
    value = json.loads(text)
    assert isinstance(value, dict) and value["answer"]


def test_json_schema_is_followed() -> None:
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "population": {"type": "integer", "minimum": 0},
            "landmarks": {"type": "array", "items": {"type": "string"}},
            "coastal": {"type": "boolean"},
            "climate": {"type": "string", "enum": ["arid", "temperate", "tropical"]},
        },
        "required": ["city", "population", "landmarks", "coastal", "climate"],
    }
    fmt = {"type": "json_schema", "json_schema": {"name": "city", "schema": schema}}
    value = json.loads(answer("Describe Lisbon, a temperate city", response_format=fmt).content)
    assert value["city"] == "Lisbon"
    assert isinstance(value["population"], int) and value["population"] >= 0
    assert isinstance(value["landmarks"], list) and all(
        isinstance(x, str) for x in value["landmarks"]
    )
    assert isinstance(value["coastal"], bool)
    assert value["climate"] == "temperate"


WEATHER = {
    "type": "function",
    "function": {
        "name": "lookup_weather",
        "description": "Look up the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}
SEARCH = {
    "type": "function",
    "function": {
        "name": "search_docs",
        "description": "Search the product documentation.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        },
    },
}


def test_a_matching_tool_is_called_with_arguments_from_the_prompt() -> None:
    result = answer("What is the weather in Springfield? Use the tool.", tools=[SEARCH, WEATHER])
    (call,) = result.tool_calls
    assert call.name == "lookup_weather"
    assert call.id.startswith("call_")
    args = json.loads(call.arguments)
    assert args["city"] == "Springfield"
    assert set(args) <= {"city", "unit"}


def test_tool_choice_none_answers_in_text_and_a_named_choice_is_obeyed() -> None:
    assert answer("Weather in Paris?", tools=[WEATHER], tool_choice="none").tool_calls == ()
    forced = answer(
        "hello",
        tools=[WEATHER, SEARCH],
        tool_choice={"type": "function", "function": {"name": "search_docs"}},
    )
    assert [c.name for c in forced.tool_calls] == ["search_docs"]


def test_unrelated_prompt_with_auto_tools_answers_in_text() -> None:
    assert answer("Tell me a joke", tools=[WEATHER]).tool_calls == ()


def test_anthropic_models_say_what_they_are_doing_before_a_call() -> None:
    result = answer(
        "Weather in Rome please",
        model_id="anthropic/claude-haiku-4.5",
        provider="anthropic",
        tools=[WEATHER],
    )
    assert result.tool_calls and "lookup_weather" in result.content


def test_tool_results_are_used_in_the_answer() -> None:
    messages = [
        {"role": "user", "content": "What's the weather in Springfield?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "lookup_weather", "arguments": '{"city":"Springfield"}'},
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "call_1",
            "content": json.dumps({"city": "Springfield", "temperature_c": 21, "sky": "sunny"}),
        },
    ]
    result = answer(messages, tools=[WEATHER])  # type: ignore[arg-type]
    assert result.tool_calls == ()
    assert "lookup_weather" in result.content
    assert "21" in result.content and "sunny" in result.content


def _png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    ihdr = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + ihdr
        + struct.pack(">I", zlib.crc32(ihdr))
        + b"\x00" * 64
    )


def test_images_and_files_are_acknowledged() -> None:
    image = base64.b64encode(_png(800, 600)).decode()
    notes = base64.b64encode(b"# Meeting notes\n\nShip it on Friday.\n").decode()
    content = [
        {"type": "text", "text": "What is in this image and this file?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{image}"}},
        {
            "type": "file",
            "file": {"data": notes, "media_type": "text/markdown", "filename": "notes.md"},
        },
    ]
    text = answer([{"role": "user", "content": content}]).content
    assert "image/png" in text and "800×600" in text
    assert "notes.md" in text and "text/markdown" in text and "# Meeting notes" in text


def test_reasoning_models_think_first_and_effort_sets_how_much() -> None:
    assert answer("Why do leaves change colour?").reasoning == ""
    always = answer(
        "Why do leaves change colour?", model_id="deepseek/deepseek-r1", provider="deepseek"
    )
    assert always.reasoning
    low = answer(
        "Why do leaves change colour?", model_id="openai/gpt-5", reasoning={"effort": "low"}
    )
    high = answer(
        "Why do leaves change colour?", model_id="openai/gpt-5", reasoning={"effort": "high"}
    )
    assert 0 < count_tokens(low.reasoning) < count_tokens(high.reasoning)
    assert answer("hi", model_id="openai/gpt-5").reasoning == ""  # optional, not asked
    capped = answer(
        "Why do leaves change colour?", model_id="openai/gpt-5", reasoning={"max_tokens": 25}
    )
    assert count_tokens(capped.reasoning) <= 25


@pytest.mark.parametrize("length", [1, 37, 2000])
def test_a_requested_length_gives_at_least_that_many_tokens(length: int) -> None:
    # The plan streams exactly `length` of them (tests/unit/test_sim_chat.py).
    assert (
        length <= count_tokens(answer("Why is the sky blue?", length=length).content) <= length + 1
    )


def test_an_identity_question_names_the_model_and_provider() -> None:
    text = answer("Who are you?", provider="azure").content
    assert "GPT-4.1 mini" in text and "azure" in text and "simulated" in text


def test_tool_from_core_types_round_trips() -> None:
    # The tools module works on core `Tool` objects: a schema-less tool still gets arguments.
    import random

    from playground.sim.tools import arguments_for

    args = json.loads(
        arguments_for(Tool("ping", "Ping a host."), "ping example.org", random.Random(0))
    )
    assert args == {"input": "ping example.org"}


def test_follow_ups_build_on_the_previous_answer() -> None:
    first = answer("Why is the sky blue?").content
    history = [
        {"role": "user", "content": "Why is the sky blue?"},
        {"role": "assistant", "content": first},
    ]
    shorter = answer([*history, {"role": "user", "content": "Make it shorter"}]).content
    assert shorter.startswith("In short:")
    assert "Rayleigh scattering" in shorter
    assert len(shorter) < len(first) / 3
    more = answer([*history, {"role": "user", "content": "Tell me more"}]).content
    assert "sky" in more.lower() and more.count("### ") == 2
    # As people actually type them: a lead-in word, and "in one line" means one sentence.
    one = answer([*history, {"role": "user", "content": "Now summarise that in one line"}])
    assert "\n" not in one.content and "Rayleigh scattering" in one.content
    assert answer([*history, {"role": "user", "content": "OK, shorter"}]).content.startswith(
        "In short:"
    )


@pytest.mark.parametrize(
    ("prompt", "phrase"),
    [
        ("How does a hash map handle collisions?", "hash map handle collisions"),
        ("Why does ice float?", "ice float"),
        ("Can you explain the history of the printing press?", "history of the printing press"),
        ("What is a monad", "monad"),
    ],
)
def test_the_topic_drops_the_question_words(prompt: str, phrase: str) -> None:
    from playground.sim.prose import topic_of

    assert topic_of(prompt).phrase == phrase
