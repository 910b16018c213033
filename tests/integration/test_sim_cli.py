"""``playground sim`` as a child process: announce, serve, exit with the parent or a signal."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

START_TIMEOUT_S = 20.0
EXIT_TIMEOUT_S = 10.0


async def spawn(*args: str) -> asyncio.subprocess.Process:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "playground",
        "sim",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )


async def announced(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT_S)
    return str(json.loads(line)["url"])


@pytest.fixture
async def child() -> AsyncIterator[asyncio.subprocess.Process]:
    process = await spawn(
        "--port", "0", "--announce", "--exit-with-parent", "--time-scale", "0", "--seed", "3"
    )
    yield process
    if process.returncode is None:
        process.kill()
        await process.wait()


async def test_announce_serve_and_exit_when_stdin_closes(child: asyncio.subprocess.Process) -> None:
    url = await announced(child)
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
    async with httpx.AsyncClient(base_url=url) as http:
        models = await http.get("/models")
        chat = await http.post(
            "/chat/completions",
            json={
                "model": "openai/gpt-4.1-mini",
                "messages": [{"role": "user", "content": "Why is the sky blue?"}],
            },
        )
    assert models.status_code == 200 and len(models.json()["data"]) >= 20
    assert "Rayleigh" in chat.json()["choices"][0]["message"]["content"]
    assert child.stdin is not None
    child.stdin.close()
    code = await asyncio.wait_for(child.wait(), EXIT_TIMEOUT_S)
    assert code == 0
    assert child.stdout is not None and child.stderr is not None
    assert await child.stdout.read() == b""  # only the announcement goes to stdout
    log = (await child.stderr.read()).decode()
    assert "Simulated gateway on" in log and "GET /v1/models 200" in log
    assert "POST /v1/chat/completions 200 openai/gpt-4.1-mini via openai" in log


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_a_signal_stops_it_cleanly(
    child: asyncio.subprocess.Process, sig: signal.Signals
) -> None:
    await announced(child)
    child.send_signal(sig)
    assert await asyncio.wait_for(child.wait(), EXIT_TIMEOUT_S) == 0


async def test_without_announce_it_prints_the_url_and_how_to_use_it() -> None:
    process = await spawn("--port", "0", "--exit-with-parent")
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT_S)).decode()
        hints = [(await process.stdout.readline()).decode() for _ in range(3)]
        assert first.startswith("Simulated gateway on http://127.0.0.1:")
        assert "curl -N http://127.0.0.1:" in hints[0]
        assert "playground --gateway http://127.0.0.1:" in hints[1]
        assert "/sim" in hints[2]
    finally:
        assert process.stdin is not None
        process.stdin.close()
        assert await asyncio.wait_for(process.wait(), EXIT_TIMEOUT_S) == 0


async def test_key_and_fault_options() -> None:
    process = await spawn(
        "--port",
        "0",
        "--announce",
        "--exit-with-parent",
        "--time-scale",
        "0",
        "--key",
        "sk-sim-1234",
        "--fault",
        "429 retry-after=1, then ok",
    )
    try:
        url = await announced(process)
        body = {"model": "openai/gpt-4.1-mini", "messages": [{"role": "user", "content": "hi"}]}
        async with httpx.AsyncClient(base_url=url) as http:
            wrong = await http.post(
                "/chat/completions", json=body, headers={"Authorization": "Bearer nope"}
            )
            good = {"Authorization": "Bearer sk-sim-1234"}
            limited = await http.post("/chat/completions", json=body, headers=good)
            served = await http.post("/chat/completions", json=body, headers=good)
        assert wrong.status_code == 401
        assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
        assert served.status_code == 200
    finally:
        assert process.stdin is not None
        process.stdin.close()
        await asyncio.wait_for(process.wait(), EXIT_TIMEOUT_S)


async def test_a_bad_fault_is_a_usage_error() -> None:
    process = await spawn("--port", "0", "--fault", "teapot")
    _, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT_S)
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert lines == ["playground: --fault: unknown fault or modifier 'teapot' in 'teapot'"]


async def test_a_busy_port_fails_with_one_clear_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await spawn("--port", str(port))
        _, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT_S)
    assert process.returncode == 1
    message = err.decode().strip()
    assert message.startswith(f"playground sim: can't listen on 127.0.0.1:{port}")
    assert "--port" in message and "Traceback" not in message
