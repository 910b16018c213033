"""View code, run for real: the generated Python (the installed ``openai`` SDK) and curl
command against the simulated gateway on loopback, and the TypeScript in node with stand-ins
for the AI SDK packages.

The Python and curl requests are compared with what the app's own client sends for the same
request: all three bodies, as the simulated gateway received them, must parse to the same
JSON (and to `gateway.wire.chat_body`). Nothing differs: the app asks for
``stream_options.include_usage``, so the generated code passes it explicitly rather than
leaving the SDK to decide, and the SDK adds nothing of its own to the body. The answers are
the same too, since the simulated gateway's answer depends only on its seed and the body.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from playground.core.profile import Profile
from playground.core.request import ChatRequest
from playground.core.secret import Secret
from playground.gateway.client import GatewayClient
from playground.gateway.wire import chat_body
from playground.services import simulated_profile
from playground.services.codegen import CodeTarget, curl_code, python_code
from playground.services.codegen_ts import typescript_code
from playground.sim.server import SimulatedGateway

from support.codegen_requests import HOSTILE, PNG_1PX, full_request, plain_request

FAKE_KEY = "sk-fake-view-code-0000"


@pytest.fixture
async def gateway() -> Any:
    async with SimulatedGateway(seed=11, time_scale=0) as gw:
        yield gw


async def _run(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(extra)
    return env


async def _app_sends(profile: Profile, request: ChatRequest) -> None:
    client = GatewayClient(profile, api_key=Secret(FAKE_KEY))
    try:
        async for _ in client.stream(request):
            pass
    finally:
        await client.aclose()


def _body(gw: SimulatedGateway) -> Any:
    record = gw.records[-1]
    assert record.path == "/v1/chat/completions" and record.status == 200
    return json.loads(record.body)


@pytest.mark.parametrize("which", ["full", "plain"])
async def test_python_and_curl_send_what_the_app_sends(
    gateway: SimulatedGateway, tmp_path: Path, which: str
) -> None:
    request = (
        full_request() if which == "full" else plain_request(f"Why is the sky blue? {HOSTILE}")
    )
    profile = simulated_profile(gateway.url)
    target = CodeTarget.for_profile(profile)
    expected = chat_body(profile.kind, request)

    await _app_sends(profile, request)
    app_body, app_answer = _body(gateway), gateway.records[-1].content
    assert app_body == expected

    script = tmp_path / "view_code.py"
    script.write_text(python_code(request, target))
    code, out, err = await _run(
        [sys.executable, str(script)], tmp_path, _env(AI_GATEWAY_API_KEY=FAKE_KEY)
    )
    assert code == 0, err
    assert _body(gateway) == app_body
    assert gateway.records[-1].content == app_answer
    assert gateway.records[-1].authorization
    if which == "plain":
        assert out.strip() == app_answer.strip()

    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    command = tmp_path / "view_code.sh"
    command.write_text(curl_code(request, target))
    code, out, err = await _run(["sh", str(command)], tmp_path, _env(AI_GATEWAY_API_KEY=FAKE_KEY))
    assert code == 0, err
    assert _body(gateway) == app_body
    assert gateway.records[-1].content == app_answer
    assert "data: [DONE]" in out
    assert not (Path("/tmp") / "pwned").exists()  # $(touch /tmp/pwned) stayed text


async def test_a_missing_key_variable_stops_the_python_before_sending(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    target = CodeTarget(gateway.url, "vercel", key_required=True)  # as for the real gateway
    script = tmp_path / "view_code.py"
    script.write_text(python_code(plain_request("hi"), target))
    code, _, err = await _run([sys.executable, str(script)], tmp_path, _env())
    assert code != 0 and "AI_GATEWAY_API_KEY" in err
    assert gateway.records == []


async def test_for_the_simulated_gateway_no_key_is_needed(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    target = CodeTarget.for_profile(simulated_profile(gateway.url))
    assert not target.key_required
    script = tmp_path / "view_code.py"
    script.write_text(python_code(plain_request("Why is the sky blue?"), target))
    code, out, err = await _run([sys.executable, str(script)], tmp_path, _env())
    assert code == 0, err
    assert "Rayleigh scattering" in out


# -- TypeScript in node ------------------------------------------------------------------------

_STUB_AI = """
import { writeFileSync } from "node:fs";
export function streamText(options) {
  writeFileSync(process.env.CAPTURE, JSON.stringify(options));
  async function* text() { yield "ok"; }
  return { textStream: text(), toolCalls: Promise.resolve([]) };
}
export const tool = (spec) => ({ __tool: spec });
export const jsonSchema = (schema) => ({ __jsonSchema: schema });
export const Output = {
  json: () => ({ __output: "json" }),
  object: (spec) => ({ __output: spec }),
};
"""
_STUB_GATEWAY = """
export function createGateway(settings) {
  return (id) => ({ __model: id, provider: "gateway", settings });
}
"""
_STUB_COMPATIBLE = """
export function createOpenAICompatible(settings) {
  return (id) => ({ __model: id, provider: "openai-compatible", settings });
}
"""


def _node_project(root: Path) -> None:
    for package, source in (
        ("ai", _STUB_AI),
        ("@ai-sdk/gateway", _STUB_GATEWAY),
        ("@ai-sdk/openai-compatible", _STUB_COMPATIBLE),
    ):
        folder = root / "node_modules" / package
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(
            json.dumps({"name": package, "type": "module", "main": "index.js"})
        )
        (folder / "index.js").write_text(source)


async def _run_typescript(tmp_path: Path, code: str, key_env: str) -> Any:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    _node_project(tmp_path)
    (tmp_path / "view_code.mjs").write_text(code)
    capture = tmp_path / "options.json"
    env = _env(CAPTURE=str(capture), **{key_env: FAKE_KEY})
    status, out, err = await _run(["node", "view_code.mjs"], tmp_path, env)
    assert status == 0, err
    assert out.startswith("ok")
    return json.loads(capture.read_text())


async def test_typescript_hands_streamtext_the_request(tmp_path: Path) -> None:
    request = full_request()
    target = CodeTarget.for_profile(simulated_profile("http://127.0.0.1:9/v1"))
    options = await _run_typescript(tmp_path, typescript_code(request, target), target.key_env)

    assert options["model"] == {
        "__model": "openai/gpt-4.1-mini",
        "provider": "gateway",
        "settings": {"apiKey": FAKE_KEY},
    }
    assert options["instructions"] == f"Be brief. {HOSTILE}"
    messages = options["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "tool", "assistant", "user"]
    assert messages[1]["content"] == [
        {
            "type": "tool-call",
            "toolCallId": "call_1",
            "toolName": "get_weather",
            "input": {"city": 'Paris "FR"'},
        }
    ]
    assert messages[2]["content"][0]["output"] == {
        "type": "text",
        "value": f"18 °C, light rain {HOSTILE}",
    }
    assert messages[2]["content"][0]["toolName"] == "get_weather"
    text, image, file = messages[4]["content"]
    assert text == {"type": "text", "text": HOSTILE}
    assert image == {
        "type": "image",
        "image": f"data:image/png;base64,{PNG_1PX}",
        "mediaType": "image/png",
    }
    assert file["type"] == "file" and file["filename"] == "notes.txt"
    assert options["providerOptions"] == {
        "gateway": {"order": ["azure", "openai"], "models": ["openai/gpt-4.1-nano"]}
    }
    weather = request.tools[0]
    assert options["tools"] == {
        "get_weather": {
            "__tool": {
                "description": weather.description,
                "inputSchema": {"__jsonSchema": dict(weather.parameters)},
            }
        }
    }
    p = request.params
    assert (options["temperature"], options["maxOutputTokens"], options["topP"]) == (
        p.temperature,
        p.max_tokens,
        p.top_p,
    )
    assert options["stopSequences"] == list(p.stop)
    assert (options["seed"], options["frequencyPenalty"], options["presencePenalty"]) == (
        p.seed,
        p.frequency_penalty,
        p.presence_penalty,
    )
    assert options["reasoning"] == "low"
    assert options["toolChoice"] == "auto"
    assert options["output"] == {"__output": "json"}


async def test_typescript_for_openrouter_routes_through_provider_options(tmp_path: Path) -> None:
    profile = Profile(
        "openrouter", "openrouter", "https://openrouter.ai/api/v1", ("OPENROUTER_API_KEY",)
    )
    request = plain_request("hi")
    target = CodeTarget.for_profile(profile)
    options = await _run_typescript(tmp_path, typescript_code(request, target), target.key_env)
    assert options["model"]["provider"] == "openai-compatible"
    assert options["model"]["settings"] == {
        "name": "openrouter",
        "baseURL": "https://openrouter.ai/api/v1",
        "apiKey": FAKE_KEY,
    }
    assert options["providerOptions"] == {"openrouter": {"provider": {"only": ["azure"]}}}
    assert options["messages"] == [{"role": "user", "content": "hi"}]
