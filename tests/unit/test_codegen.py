"""View code, checked in-process: the Python program calls the SDK with exactly the app's
body, the curl command's body parses back to it, the key is never in the code, and every
hostile string survives its quoting (hypothesis tries the rest)."""

from __future__ import annotations

import json
import shlex
import sys
import types
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from playground.core.code_literal import call, compact, render, string_literal
from playground.core.profile import BUILTIN_PROFILES, Profile, ProfileKind
from playground.core.request import ChatRequest
from playground.gateway.wire import chat_body
from playground.services import simulated_profile
from playground.services.codegen import (
    LANGUAGES,
    CodeTarget,
    curl_code,
    generate_all,
    python_code,
)
from playground.services.codegen_ts import typescript_code

from support.codegen_requests import HOSTILE, full_request, plain_request

PROFILES: dict[str, Profile] = {
    "vercel": BUILTIN_PROFILES["vercel"],
    "openrouter": BUILTIN_PROFILES["openrouter"],
    "ollama": BUILTIN_PROFILES["ollama"],
    "simulated": simulated_profile("http://127.0.0.1:8765/v1"),
}


class _FakeCompletions:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def create(self, **kwargs: Any) -> list[Any]:
        self.calls.append(kwargs)
        return []


def _run_python(
    code: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the generated program against a stand-in ``openai`` module; returns the client's
    arguments and the body the SDK would send (keyword arguments merged with extra_body)."""
    completions = _FakeCompletions()
    client_args: dict[str, Any] = {}

    class OpenAI:
        def __init__(self, **kwargs: Any) -> None:
            client_args.update(kwargs)
            self.chat = types.SimpleNamespace(completions=completions)

    module = types.ModuleType("openai")
    module.OpenAI = OpenAI  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "openai", module)
    exec(compile(code, "<view code>", "exec"), {"__name__": "view_code"})
    [kwargs] = completions.calls
    extra = kwargs.pop("extra_body", {})
    assert not set(extra) & set(kwargs), "a key both as an argument and in extra_body"
    return client_args, {**kwargs, **extra}


def _curl_parts(code: str) -> list[str]:
    words = shlex.split(code, comments=True)
    assert words[0] == "curl"
    return words


def _curl_body(code: str) -> Any:
    words = _curl_parts(code)
    return json.loads(words[words.index("--data-raw") + 1])


@pytest.mark.parametrize("profile", PROFILES.values(), ids=PROFILES.keys())
def test_python_calls_the_sdk_with_exactly_the_apps_body(
    profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CodeTarget.for_profile(profile).key_env, "sk-test-not-real")
    request = full_request()
    code = python_code(request, CodeTarget.for_profile(profile))
    client, body = _run_python(code, monkeypatch)
    assert body == chat_body(profile.kind, request)
    assert client == {"base_url": profile.base_url, "api_key": "sk-test-not-real"}


@pytest.mark.parametrize("profile", PROFILES.values(), ids=PROFILES.keys())
def test_curl_sends_exactly_the_apps_body_to_the_profile(profile: Profile) -> None:
    request = full_request()
    target = CodeTarget.for_profile(profile)
    code = curl_code(request, target)
    words = _curl_parts(code)
    assert f"{profile.base_url}/chat/completions" in words
    # shlex keeps "$VAR" literal: the shell expands it, nothing else does.
    assert f"Authorization: Bearer ${target.key_env}" in words
    assert _curl_body(code) == chat_body(profile.kind, request)


def test_the_key_comes_from_the_profiles_variable_and_is_never_written() -> None:
    openrouter = CodeTarget.for_profile(BUILTIN_PROFILES["openrouter"])
    assert openrouter.key_env == "OPENROUTER_API_KEY"
    assert CodeTarget.for_profile(BUILTIN_PROFILES["vercel"]).key_env == "AI_GATEWAY_API_KEY"
    assert CodeTarget.for_profile(BUILTIN_PROFILES["ollama"]).key_env == "AI_GATEWAY_API_KEY"
    odd = Profile("odd", "openai", "http://localhost:1/v1", ("BAD NAME; rm -rf ~", "GOOD_KEY"))
    assert CodeTarget.for_profile(odd).key_env == "GOOD_KEY"
    with pytest.raises(ValueError):
        CodeTarget("http://x/v1", "openai", key_env="$(id)")
    for code in generate_all(full_request(), openrouter).values():
        assert "OPENROUTER_API_KEY" in code.code
        assert "sk-" not in code.code


def test_generated_code_is_printable_and_all_three_languages_exist() -> None:
    codes = generate_all(full_request(), CodeTarget.for_profile(PROFILES["vercel"]))
    assert tuple(codes) == LANGUAGES
    for generated in codes.values():
        assert all(ch.isprintable() or ch == "\n" for ch in generated.code), generated.language
        assert "\x1b" not in generated.code and "\u202e" not in generated.code
        assert generated.notes


def test_typescript_keeps_every_value_as_a_json_literal() -> None:
    request = full_request()
    code = typescript_code(request, CodeTarget.for_profile(PROFILES["vercel"]))
    assert 'model: gateway("openai/gpt-4.1-mini")' in code
    assert f"instructions: {string_literal(f'Be brief. {HOSTILE}')}" in code
    assert "providerOptions: {" in code and "gateway: {" in code
    assert 'reasoning: "low"' in code and "output: Output.json()" in code
    assert "get_weather: tool({" in code and "inputSchema: jsonSchema({" in code
    assert 'toolCallId: "call_1"' in code and 'input: { city: "Paris \\"FR\\"" }' in code
    assert "process.env.AI_GATEWAY_API_KEY" in code


texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=60
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prompt=texts, model=texts.filter(bool))
def test_any_text_survives_python_and_curl_quoting(
    prompt: str, model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = plain_request(prompt, model=model)
    target = CodeTarget.for_profile(PROFILES["vercel"])
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "k")
    _, body = _run_python(python_code(request, target), monkeypatch)
    expected = chat_body("vercel", request)
    assert body == expected
    assert _curl_body(curl_code(request, target)) == expected


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
))  # fmt: skip
@example({"k" * 100: []})  # an empty list at the end of a long line stays "[]"
def test_literals_read_back_as_the_same_value(value: Any) -> None:
    """JSON and Python literals parse back to the value (JavaScript's are checked by
    running them in node: tests/integration/test_codegen_run.py)."""
    assert json.loads(render(value, "json", step=2)) == value
    assert eval(render(value, "python"), {}) == value


def test_calls_and_expressions_render_as_code() -> None:
    value = {"a": call("tool", {"description": "x"}), "b": call("Output.json")}
    assert compact(value, "js") == '{ a: tool({ description: "x" }), b: Output.json() }'
    with pytest.raises(ValueError):
        call("tool(1); alert", {})


KINDS: tuple[ProfileKind, ...] = ("vercel", "openrouter", "openai")


@pytest.mark.parametrize("kind", KINDS)
def test_reasoning_goes_where_each_dialect_reads_it(
    kind: ProfileKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = CodeTarget("http://127.0.0.1:1/v1", kind)
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "k")
    request: ChatRequest = full_request()
    _, body = _run_python(python_code(request, target), monkeypatch)
    if kind == "openai":
        assert body["reasoning_effort"] == "low" and "reasoning" not in body
    else:
        assert body["reasoning"] == {"effort": "low"}
