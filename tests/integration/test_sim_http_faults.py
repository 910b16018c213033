"""Every fault of RELIABILITY.md §7 (N1–N10, S1–S7) produced on demand, over real HTTP.

Each test checks the bytes on the wire (raw sockets where framing matters) and, where a client
would see it, what httpx makes of it.
"""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from playground.sim import FaultSpecError, SimulatedGateway

from support.simwire import (
    dechunk,
    http_request,
    parse_sse,
    raw_exchange,
    split_response,
    stream_chat,
)

BODY: dict[str, Any] = {
    "model": "openai/gpt-4.1-mini",
    "stream": True,
    "stream_options": {"include_usage": True},
    "messages": [{"role": "user", "content": "Why is the sky blue?"}],
}


@pytest.fixture
async def gw() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=3, time_scale=0) as gateway:
        yield gateway


@pytest.fixture
async def client(gw: SimulatedGateway) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gw.url, timeout=30) as http:
        yield http


async def raw_stream(gw: SimulatedGateway, fault: str, body: dict[str, Any] | None = None) -> bytes:
    request = http_request("POST", "/v1/chat/completions", body or BODY, {"x-sim-fault": fault})
    return await raw_exchange("127.0.0.1", gw.port, request)


def sse_body(raw: bytes) -> tuple[list[bytes], bool]:
    status, headers, body = split_response(raw)
    assert status == 200 and headers["transfer-encoding"] == "chunked"
    return dechunk(body)


# -- errors before streaming (N2-N6, N8) ---------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (402, "payment_required"),
        (403, "forbidden"),
        (404, "model_not_found"),
        (408, "timeout_error"),
        (429, "rate_limit_exceeded"),
        (500, "internal_server_error"),
        (503, "internal_server_error"),
    ],
)
async def test_any_status_with_the_gateways_json_error(
    client: httpx.AsyncClient, status: int, error_type: str
) -> None:
    response = await client.post(
        "/chat/completions", json=BODY, headers={"x-sim-fault": str(status)}
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["type"] == error_type and error["message"]


async def test_status_with_html_empty_or_text_body(client: httpx.AsyncClient) -> None:
    html = await client.post(
        "/chat/completions", json=BODY, headers={"x-sim-fault": "502 body=html"}
    )
    assert html.status_code == 502
    assert html.headers["content-type"].startswith("text/html")
    assert b"<center><h1>502 Bad Gateway</h1></center>" in html.content
    empty = await client.post(
        "/chat/completions", json=BODY, headers={"x-sim-fault": "503 body=empty"}
    )
    assert empty.status_code == 503 and empty.content == b""
    assert "content-type" not in empty.headers
    text = await client.post(
        "/chat/completions", json=BODY, headers={"x-sim-fault": "500 body=text"}
    )
    assert text.text == "500 Internal Server Error\n"


async def test_retry_after_headers(client: httpx.AsyncClient) -> None:
    seconds = await client.post(
        "/chat/completions", json=BODY, headers={"x-sim-fault": "429 retry-after=2"}
    )
    assert seconds.headers["retry-after"] == "2"
    millis = await client.post(
        "/chat/completions", json=BODY, headers={"x-sim-fault": "429 retry-after-ms=1500"}
    )
    assert millis.headers["retry-after-ms"] == "1500"
    dated = await client.post(
        "/chat/completions", json=BODY, headers={"x-sim-fault": "503 retry-after-date=120"}
    )
    when = email.utils.parsedate_to_datetime(dated.headers["retry-after"]).timestamp()
    assert 100 < when - time.time() < 140
    far = await client.post(
        "/chat/completions", json=BODY, headers={"x-sim-fault": "429 retry-after=3600"}
    )
    assert far.headers["retry-after"] == "3600"


async def test_a_redirect_to_another_origin(
    client: httpx.AsyncClient, gw: SimulatedGateway
) -> None:
    response = await client.post("/chat/completions", json=BODY, headers={"x-sim-fault": "307"})
    assert response.status_code == 307
    location = response.headers["location"]
    assert location == f"http://localhost:{gw.port}/v1/chat/completions"
    elsewhere = await client.post(
        "/chat/completions",
        json=BODY,
        headers={"x-sim-fault": "redirect to=https://evil.example/v1"},
    )
    assert elsewhere.headers["location"] == "https://evil.example/v1"
    # A client that follows (dropping credentials, as httpx does) reaches this server again.
    async with httpx.AsyncClient(follow_redirects=True) as follower:
        gw.inject("307")
        followed = await follower.post(
            f"{gw.url}/chat/completions",
            json={**BODY, "stream": False},
            headers={"Authorization": "Bearer sk-secret"},
        )
    assert followed.status_code == 200
    assert gw.records[-2].authorization is True
    assert gw.records[-1].authorization is False


# -- sequences across retries (N4, S9) -------------------------------------------------------


async def test_injected_sequence_429_then_200(
    client: httpx.AsyncClient, gw: SimulatedGateway
) -> None:
    gw.inject("429 retry-after=1, then ok")
    first = await client.post("/chat/completions", json=BODY)
    second = await stream_chat(client, BODY)
    third = await stream_chat(client, BODY)
    assert first.status_code == 429 and first.headers["retry-after"] == "1"
    assert second.status == third.status == 200
    assert [r.fault for r in gw.records] == ["429 retry-after=1", "ok", "ok"]


async def test_header_sequence_429_then_500_mid_stream(client: httpx.AsyncClient) -> None:
    spec = {"x-sim-fault": "429, then 500-mid after=4"}
    first = await client.post("/chat/completions", json=BODY, headers=spec)
    second = await stream_chat(client, BODY, headers=spec)
    assert first.status_code == 429
    assert second.status == 200
    assert len([c for c in second.chunks if c.get("choices")]) == 1 + 4
    assert second.chunks[-1]["error"]["value"]["statusCode"] == 500


async def test_the_prompt_directive_applies_a_fault(
    client: httpx.AsyncClient, gw: SimulatedGateway
) -> None:
    body = {
        **BODY,
        "messages": [
            {"role": "user", "content": "Why is the sky blue?\n/sim 503 retry-after=2, then ok"}
        ],
    }
    first = await client.post("/chat/completions", json=body)
    second = await stream_chat(client, body)
    assert first.status_code == 503 and first.headers["retry-after"] == "2"
    assert second.status == 200
    assert "## Why the sky is blue" in second.content  # the directive is not part of the prompt


async def test_a_bad_spec_is_a_400_that_says_why(client: httpx.AsyncClient) -> None:
    header = await client.post("/chat/completions", json=BODY, headers={"x-sim-fault": "teapot"})
    assert header.status_code == 400
    assert "x-sim-fault" in header.json()["error"]["message"]
    body = {**BODY, "messages": [{"role": "user", "content": "hi\n/sim cut after=x"}]}
    directive = await client.post("/chat/completions", json=body)
    assert directive.status_code == 400
    assert "/sim directive" in directive.json()["error"]["message"]
    with pytest.raises(FaultSpecError):
        SimulatedGateway(faults="teapot")


# -- broken streams (N7, N9, N10, S4-S7) ---------------------------------------------------


async def test_mid_stream_error_vercel_shape(gw: SimulatedGateway) -> None:
    chunks, terminated = sse_body(await raw_stream(gw, "500-mid after=3"))
    assert terminated  # the body ends cleanly...
    events, _ = parse_sse(b"".join(chunks).decode())
    assert "[DONE]" not in [e.data for e in events]  # ...without [DONE]
    error_chunk = events[-1].json
    assert "choices" not in error_chunk
    assert error_chunk["id"] == events[0].json["id"]
    assert error_chunk["error"]["message"]
    assert len(events) == 1 + 3 + 1


async def test_mid_stream_error_openrouter_shape(gw: SimulatedGateway) -> None:
    chunks, _ = sse_body(await raw_stream(gw, "502-mid after=2 style=openrouter"))
    events, _ = parse_sse(b"".join(chunks).decode())
    last = events[-1].json
    assert last["error"] == {"code": 502, "message": "The provider returned an invalid response"}
    assert last["choices"][0]["finish_reason"] == "error"
    assert last["provider"] == "openai"


async def test_event_error(gw: SimulatedGateway) -> None:
    chunks, _ = sse_body(await raw_stream(gw, "event-error after=2"))
    events, _ = parse_sse(b"".join(chunks).decode())
    assert events[-1].event == "error"
    assert events[-1].json["error"]["message"]


async def test_cut_connection_leaves_an_incomplete_chunked_body(
    gw: SimulatedGateway, client: httpx.AsyncClient
) -> None:
    chunks, terminated = sse_body(await raw_stream(gw, "cut after=6"))
    assert not terminated
    assert len(chunks) == 1 + 6
    result = await stream_chat(client, BODY, headers={"x-sim-fault": "cut after=6"})
    assert isinstance(result.error, httpx.RemoteProtocolError)
    assert len(result.content) > 0


async def test_drop_closes_before_any_byte(gw: SimulatedGateway, client: httpx.AsyncClient) -> None:
    assert await raw_stream(gw, "drop") == b""
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/chat/completions", json=BODY, headers={"x-sim-fault": "drop"})


async def test_stall_before_the_first_byte(gw: SimulatedGateway) -> None:
    start = time.perf_counter()
    raw = await raw_stream(gw, "stall seconds=0.4")
    assert time.perf_counter() - start >= 0.4
    assert gw.records[-1].t_headers_ns is not None
    assert (gw.records[-1].t_headers_ns - gw.records[-1].t_received_ns) / 1e9 >= 0.4
    assert sse_body(raw)[1]


async def test_stall_mid_stream_with_keep_alive_comments(gw: SimulatedGateway) -> None:
    raw = await raw_stream(gw, "stall after=3 seconds=1.2 comments every=1000")
    chunks, terminated = sse_body(raw)
    assert terminated
    record = gw.records[-1]
    gap = (record.token_times_ns[3] - record.token_times_ns[2]) / 1e9
    assert gap >= 1.2
    comments_in_stall = [
        t
        for t, kind in record.events
        if kind == "comment" and record.token_times_ns[2] < t < record.token_times_ns[3]
    ]
    assert len(comments_in_stall) >= 2
    assert b": OPENROUTER PROCESSING\n\n" in chunks


async def test_a_stall_is_cut_short_when_the_client_leaves(gw: SimulatedGateway) -> None:
    async with httpx.AsyncClient(base_url=gw.url, timeout=httpx.Timeout(5, read=0.3)) as http:
        result = await stream_chat(http, BODY, headers={"x-sim-fault": "stall after=2 seconds=20"})
    assert isinstance(result.error, httpx.ReadTimeout)
    for _ in range(40):
        if gw.records[-1].disconnected:
            break
        await asyncio.sleep(0.05)
    assert gw.records[-1].disconnected


async def test_malformed_chunk_then_the_stream_goes_on(gw: SimulatedGateway) -> None:
    chunks, terminated = sse_body(await raw_stream(gw, "malformed after=2"))
    assert terminated
    bad = [
        c
        for c in chunks
        if c.startswith(b"data: ")
        and not c.startswith(b"data: [DONE]")
        and not _is_json(c[6:].strip())
    ]
    assert len(bad) == 1
    assert chunks.index(bad[0]) == 1 + 2
    assert chunks[-1] == b"data: [DONE]\n\n"


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


async def test_html_200(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/chat/completions", json=BODY, headers={"x-sim-fault": "html-200"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert b"<html" in response.content


async def test_no_done_and_no_finish_reason(gw: SimulatedGateway) -> None:
    chunks, terminated = sse_body(await raw_stream(gw, "no-done"))
    assert terminated
    events, _ = parse_sse(b"".join(chunks).decode())
    assert events[-1].data != "[DONE]"
    assert all(e.json["choices"][0]["finish_reason"] is None for e in events)
    assert len(events) == 1 + (gw.records[-1].completion_tokens or 0)  # all tokens, no final
    partial, _ = sse_body(await raw_stream(gw, "no-done after=4"))
    assert len(partial) == 1 + 4


async def test_gzip_arrives_in_one_burst(client: httpx.AsyncClient, gw: SimulatedGateway) -> None:
    async with (
        SimulatedGateway(seed=3, time_scale=0.02) as slow,
        httpx.AsyncClient(base_url=slow.url) as http,
    ):
        result = await stream_chat(http, BODY, headers={"x-sim-fault": "gzip"})
        record = slow.records[-1]
    assert result.headers["content-encoding"] == "gzip"
    assert "content-length" in result.headers
    assert result.events[-1].data == "[DONE]"
    assert "## Why the sky is blue" in result.content
    assert len(set(record.token_times_ns)) == 1  # every token left at once
    raw = await raw_stream(gw, "gzip")
    _, _, body = split_response(raw)
    assert gzip.decompress(body).startswith(b"data: ")


@pytest.mark.parametrize(("fault", "ending"), [("crlf", b"\r\n\r\n"), ("cr", b"\r\r")])
async def test_line_endings(
    gw: SimulatedGateway, client: httpx.AsyncClient, fault: str, ending: bytes
) -> None:
    chunks, _ = sse_body(await raw_stream(gw, fault))
    assert all(c.endswith(ending) for c in chunks)
    assert not any(b"\n" in c for c in chunks) if fault == "cr" else True
    plain = await stream_chat(client, BODY)
    framed = await stream_chat(client, BODY, headers={"x-sim-fault": fault})
    assert framed.content == plain.content


async def test_bom_comes_first(gw: SimulatedGateway) -> None:
    chunks, _ = sse_body(await raw_stream(gw, "bom"))
    assert chunks[0].startswith(b"\xef\xbb\xbfdata: {")
    assert not any(c.startswith(b"\xef\xbb\xbf") for c in chunks[1:])


async def test_multi_line_data(gw: SimulatedGateway, client: httpx.AsyncClient) -> None:
    chunks, _ = sse_body(await raw_stream(gw, "multiline"))
    assert chunks[1].startswith(b"data: {\ndata: ")
    plain = await stream_chat(client, BODY)
    split = await stream_chat(client, BODY, headers={"x-sim-fault": "multiline"})
    assert split.content == plain.content


async def test_u2028_inside_content(gw: SimulatedGateway, client: httpx.AsyncClient) -> None:
    raw = await raw_stream(gw, "u2028")
    assert "\u2028".encode() in raw and "\u0085".encode() in raw
    result = await stream_chat(client, BODY, headers={"x-sim-fault": "u2028"})
    assert "\u2028" in result.content and "\u0085" in result.content
    assert gw.records[-1].content == result.content


async def test_comments_and_pings_are_interleaved(gw: SimulatedGateway) -> None:
    chunks, _ = sse_body(await raw_stream(gw, "comments every=5 ping"))
    text = b"".join(chunks).decode()
    events, comments = parse_sse(text)
    tokens = gw.records[-1].completion_tokens or 0
    assert comments.count("OPENROUTER PROCESSING") >= 1 + tokens // 5
    assert "event: ping\n\n" in text
    assert "x-sim-note: unknown field" in text
    assert events[-1].data == "[DONE]"


async def test_usage_in_a_separate_chunk(client: httpx.AsyncClient) -> None:
    result = await stream_chat(client, BODY, headers={"x-sim-fault": "usage-separate"})
    final, usage = result.chunks[-2:]
    assert final["choices"][0]["finish_reason"] == "stop" and "usage" not in final
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] > 0


async def test_standing_faults_cycle_over_requests() -> None:
    async with (
        SimulatedGateway(time_scale=0, faults=["503", "ok"]) as gw,
        httpx.AsyncClient(base_url=gw.url) as http,
    ):
        statuses = [(await http.post("/chat/completions", json=BODY)).status_code for _ in range(4)]
    assert statuses == [503, 200, 503, 200]


async def test_catalog_routes_take_faults_too(
    client: httpx.AsyncClient, gw: SimulatedGateway
) -> None:
    gw.inject("503 body=html", route="models")
    assert (
        await client.post("/chat/completions", json={**BODY, "stream": False})
    ).status_code == 200
    failed = await client.get("/models")
    assert failed.status_code == 503 and failed.headers["content-type"].startswith("text/html")
    assert (await client.get("/models")).status_code == 200
    zipped = await client.get("/models", headers={"x-sim-fault": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.json()["data"]


async def test_non_streaming_faults(client: httpx.AsyncClient, gw: SimulatedGateway) -> None:
    body = {**BODY, "stream": False}
    broken = await client.post("/chat/completions", json=body, headers={"x-sim-fault": "malformed"})
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.content)
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/chat/completions", json=body, headers={"x-sim-fault": "cut"})
    failed = await client.post("/chat/completions", json=body, headers={"x-sim-fault": "502-mid"})
    assert failed.status_code == 502


async def test_burst_is_a_buffered_stream_without_compression(client: httpx.AsyncClient) -> None:
    result = await stream_chat(client, BODY, headers={"x-sim-fault": "burst"})
    assert "content-encoding" not in result.headers
    assert int(result.headers["content-length"]) == len(result.raw)
    assert result.events[-1].data == "[DONE]"


async def test_fragment_splits_events_inside_characters_and_line_ends(
    gw: SimulatedGateway, client: httpx.AsyncClient
) -> None:
    chunks, terminated = sse_body(await raw_stream(gw, "fragment crlf"))
    assert terminated
    assert all(len(c) <= 7 for c in chunks)
    assert any(c.endswith(b"\r") for c in chunks)  # CR and LF in different chunks
    with pytest.raises(UnicodeDecodeError):
        for c in chunks:
            c.decode("utf-8")  # some chunk ends inside a multi-byte character
    plain = await stream_chat(client, BODY)
    split = await stream_chat(client, BODY, headers={"x-sim-fault": "fragment"})
    assert split.content == plain.content and "≈" in split.content
