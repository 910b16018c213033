"""The simulated gateway's routes over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from playground.sim import SimulatedGateway

from support.simwire import http_request, raw_exchange, split_response

CHAT = {"model": "openai/gpt-4.1-mini", "messages": [{"role": "user", "content": "hello"}]}


@pytest.fixture
async def gw() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=1, time_scale=0) as gateway:
        yield gateway


@pytest.fixture
async def client(gw: SimulatedGateway) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gw.url) as http:
        yield http


async def test_url_is_loopback_with_an_ephemeral_port(gw: SimulatedGateway) -> None:
    assert gw.url == f"http://127.0.0.1:{gw.port}/v1"
    assert gw.port > 0


async def test_models_list(client: httpx.AsyncClient) -> None:
    response = await client.get("/models")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    body = response.json()
    assert body["object"] == "list"
    assert len(body["data"]) >= 20


async def test_one_model_and_its_endpoints(client: httpx.AsyncClient) -> None:
    one = (await client.get("/models/openai/gpt-4.1-mini")).json()
    assert one["id"] == "openai/gpt-4.1-mini" and one["context_window"] == 1_047_576
    endpoints = (await client.get("/models/openai/gpt-4.1-mini/endpoints")).json()
    assert isinstance(endpoints["data"], dict)
    assert {e["provider_name"] for e in endpoints["data"]["endpoints"]} == {"azure", "openai"}


@pytest.mark.parametrize("path", ["/models/nobody/nothing", "/models/nobody/nothing/endpoints"])
async def test_unknown_model_is_404_model_not_found(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "model_not_found"


async def test_unknown_model_in_a_chat_is_404_even_when_streaming(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/chat/completions", json={**CHAT, "model": "nobody/nothing", "stream": True}
    )
    assert response.status_code == 404
    error = response.json()["error"]
    assert error == {
        "message": "Model 'nobody/nothing' not found",
        "type": "model_not_found",
        "param": {"modelId": "nobody/nothing"},
        "code": None,
    }


async def test_wrong_method_is_405_with_an_empty_body(client: httpx.AsyncClient) -> None:
    for method, path in (("GET", "/chat/completions"), ("POST", "/models"), ("DELETE", "/credits")):
        response = await client.request(method, path)
        assert response.status_code == 405, path
        assert response.content == b""


async def test_path_outside_v1_is_an_html_404(gw: SimulatedGateway) -> None:
    async with httpx.AsyncClient(base_url=gw.origin) as http:
        response = await http.post("/chat/completions", json=CHAT)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


async def test_unknown_v1_route_is_a_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/embeddingz")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"


async def test_credits_go_down_as_requests_are_billed(
    client: httpx.AsyncClient, gw: SimulatedGateway
) -> None:
    before = (await client.get("/credits")).json()
    assert before == {"balance": "100", "total_used": "0"}
    await client.post("/chat/completions", json=CHAT)
    after = (await client.get("/credits")).json()
    cost = gw.records[-2].cost
    assert cost is not None and cost > 0
    assert after["total_used"] == f"{cost:f}".rstrip("0")
    assert float(after["balance"]) == pytest.approx(100 - float(cost))


async def test_generation_lookup(client: httpx.AsyncClient, gw: SimulatedGateway) -> None:
    await client.post("/chat/completions", json=CHAT)
    record = gw.records[-1]
    response = await client.get("/generation", params={"id": record.generation_id})
    data = response.json()["data"]
    assert data["id"] == record.generation_id
    assert data["provider_name"] == "openai"
    assert data["tokens_completion"] == record.completion_tokens
    assert (await client.get("/generation")).json() == {"error": "id is required"}
    assert (await client.get("/generation", params={"id": "nope"})).status_code == 400
    missing = await client.get("/generation", params={"id": "gen_" + "0" * 26})
    assert missing.status_code == 404 and missing.json()["error"] == "Usage event not found"


async def test_a_keyless_gateway_accepts_any_key_or_none(client: httpx.AsyncClient) -> None:
    assert (await client.post("/chat/completions", json=CHAT)).status_code == 200
    response = await client.post(
        "/chat/completions", json=CHAT, headers={"Authorization": "Bearer anything"}
    )
    assert response.status_code == 200


async def test_a_gateway_with_a_key_rejects_every_other_key() -> None:
    async with (
        SimulatedGateway(time_scale=0, key="sk-sim-right") as gw,
        httpx.AsyncClient(base_url=gw.url) as http,
    ):
        right = await http.post(
            "/chat/completions", json=CHAT, headers={"Authorization": "Bearer sk-sim-right"}
        )
        wrong = await http.post(
            "/chat/completions", json=CHAT, headers={"Authorization": "Bearer sk-sim-wrong"}
        )
        missing = await http.post("/chat/completions", json=CHAT)
        credits = await http.get("/credits")
        models = await http.get("/models")  # the catalog needs no key, as on the real gateway
    assert right.status_code == 200
    for response in (wrong, missing, credits):
        assert response.status_code == 401
        assert response.json()["error"]["type"] == "authentication_error"
        assert "sk-sim" not in response.text
    assert models.status_code == 200


async def test_bad_json_and_missing_fields_are_400(client: httpx.AsyncClient) -> None:
    bad = await client.post(
        "/chat/completions", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "invalid_request_error"
    missing = await client.post("/chat/completions", json={"messages": CHAT["messages"]})
    assert missing.json()["error"] == {
        "message": "Invalid request: missing required parameter 'model'",
        "type": "invalid_request_error",
        "param": "model",
        "code": "missing_parameter",
    }
    hot = await client.post("/chat/completions", json={**CHAT, "temperature": 3})
    assert hot.status_code == 400 and hot.json()["error"]["param"] == "temperature"


async def test_keep_alive_serves_several_requests_on_one_connection(gw: SimulatedGateway) -> None:
    seen: list[str] = []

    def track(event_name: str, info: dict[str, object]) -> None:
        if event_name == "connection.connect_tcp.complete":
            seen.append(event_name)

    async with httpx.AsyncClient(base_url=gw.url) as http:
        for _ in range(3):
            await http.get("/models", extensions={"trace": _trace(track)})
            await http.post(
                "/chat/completions",
                json={**CHAT, "stream": True},
                extensions={"trace": _trace(track)},
            )
    assert len(seen) == 1


def _trace(
    callback: Callable[[str, dict[str, object]], None],
) -> Callable[[str, dict[str, object]], Awaitable[None]]:
    async def trace(event_name: str, info: dict[str, object]) -> None:
        callback(event_name, info)

    return trace


async def test_connection_close_is_honoured(gw: SimulatedGateway) -> None:
    raw = await raw_exchange("127.0.0.1", gw.port, http_request("GET", "/v1/models"))
    status, headers, body = split_response(raw)
    assert status == 200 and headers["connection"] == "close"
    assert len(body) == int(headers["content-length"])


async def test_garbage_is_a_400_and_the_connection_closes(gw: SimulatedGateway) -> None:
    raw = await raw_exchange("127.0.0.1", gw.port, b"HELLO\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 400 ")


async def test_chunked_request_bodies_are_read(gw: SimulatedGateway) -> None:
    import json

    payload = json.dumps(CHAT).encode()
    request = (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + f"{len(payload):x}\r\n".encode()
        + payload
        + b"\r\n0\r\n\r\n"
    )
    status, _, body = split_response(await raw_exchange("127.0.0.1", gw.port, request))
    assert status == 200 and b"chat.completion" in body


def test_start_in_thread_serves_synchronous_callers() -> None:
    with SimulatedGateway.start_in_thread(seed=1, time_scale=0) as running:
        url = running.url
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=running.url) as http:
            assert http.get("/models").status_code == 200
            running.gateway.inject("429")
            assert http.post("/chat/completions", json=CHAT).status_code == 429
            assert http.post("/chat/completions", json=CHAT).status_code == 200
        assert len(running.gateway.records) == 3
    with pytest.raises(httpx.ConnectError), httpx.Client() as http:
        http.get(f"{url}/models")  # stopped: nothing listens any more


def test_start_in_thread_reports_a_busy_port() -> None:
    with SimulatedGateway.start_in_thread(time_scale=0) as first:
        port = first.gateway.port
        with pytest.raises(OSError):
            SimulatedGateway.start_in_thread(port=port)


async def test_records_can_be_bounded() -> None:
    async with (
        SimulatedGateway(time_scale=0, max_records=3) as gateway,
        httpx.AsyncClient(base_url=gateway.url) as http,
    ):
        for _ in range(5):
            await http.get("/models")
    assert [r.index for r in gateway.records] == [2, 3, 4]
