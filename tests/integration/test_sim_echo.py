"""The ``echo`` modifier: the simulated gateway answers with the user's text, verbatim."""

from __future__ import annotations

import json

import httpx

from playground.sim.server import SimulatedGateway

HOSTILE = "Hello [@click=app.quit]x[/] \x1b]52;c;QQ==\x07 \u202eend"


async def test_echo_returns_the_message_verbatim_streamed_and_not() -> None:
    async with SimulatedGateway(seed=1, time_scale=0) as gw, httpx.AsyncClient() as http:
        body = {
            "model": "openai/gpt-4.1-mini",
            "messages": [{"role": "user", "content": f"/sim echo\n{HOSTILE}"}],
        }
        answer = await http.post(f"{gw.url}/chat/completions", json=body)
        assert answer.json()["choices"][0]["message"]["content"] == HOSTILE
        streamed = await http.post(f"{gw.url}/chat/completions", json={**body, "stream": True})
        chunks = [
            json.loads(line[6:])
            for line in streamed.text.splitlines()
            if line.startswith("data: {")
        ]
        text = "".join(
            c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"]
        )
        assert text == HOSTILE
