"""The ``echo`` modifier: the simulated gateway answers with the user's text, verbatim."""

from __future__ import annotations

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
        assert "app.quit" in streamed.text and streamed.text.rstrip().endswith("[DONE]")
