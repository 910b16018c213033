"""The stream engine against real sockets: the happy path and RELIABILITY.md §7's S and N cases
that apply to it (expected status, message and partial text)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from playground.core.errors import (
    AuthError,
    ConnectionLost,
    InsecureTransport,
    PaymentRequired,
    ProtocolError,
    ServerError,
    StreamError,
    Unreachable,
)
from playground.core.events import (
    Connected,
    Failed,
    Finished,
    KeepAlive,
    ResponseStarted,
    Routed,
    Started,
)
from playground.core.profile import Profile

from support.clienttools import KEY, Sleeps, client_for, collect, figures_of, last, names, text_of
from support.rawserver import (
    END,
    ROLE,
    SSE_HEADERS,
    RawServer,
    Send,
    chunk,
    gzip_script,
    head,
    http_chunk,
    response,
    sse_script,
)

FINAL = {
    **chunk(finish="stop"),
    "usage": {"prompt_tokens": 12, "completion_tokens": 2, "cost": 0.0000123},
    "generationId": "gen_01FINAL",
}
FINAL["choices"][0]["delta"] = {
    "provider_metadata": {
        "gateway": {
            "routing": {
                "resolvedProvider": "azure",
                "finalProvider": "azure",
                "fallbacksAvailable": [],
            },
            "cost": "0.0000104",
        }
    }
}


async def test_happy_path_events_figures_and_request() -> None:
    async with RawServer() as server:
        server.add(sse_script([ROLE, chunk("Blue light "), chunk("scatters."), FINAL]))
        async with client_for(server.profile()) as client:
            events = await collect(client)
    assert names(events) == [
        "Started",
        "Connected",
        "ResponseStarted",
        "TextDelta",
        "TextDelta",
        "Routed",
        "Usage",
        "Finished",
    ]
    assert isinstance(events[1], Connected) and not events[1].reused
    assert isinstance(events[2], ResponseStarted) and events[2].status == 200
    end = last(events)
    assert isinstance(end, Finished)
    assert (end.finish_reason, end.saw_done, end.status) == ("stop", True, "ok")
    assert end.generation_id == "gen_01FINAL"
    assert [e.t_ns for e in events] == sorted(e.t_ns for e in events)
    figures = figures_of(events)
    assert figures.status == "ok"
    assert figures.served_by == "azure"
    assert figures.cost == Decimal("0.0000104")  # the gateway's decimal string, not the float
    assert figures.tokens.output == 2
    assert text_of(events) == "Blue light scatters."

    sent = server.requests[0]
    assert (sent.method, sent.path) == ("POST", "/v1/chat/completions")
    assert sent.headers["authorization"] == f"Bearer {KEY.reveal()}"
    assert sent.headers["accept"] == "text/event-stream"
    assert sent.headers["cache-control"] == "no-cache"
    assert sent.headers["accept-encoding"] == "identity"
    assert sent.headers["content-type"] == "application/json"
    body = sent.json()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["providerOptions"] == {"gateway": {"only": ["azure"]}}
    assert KEY.reveal() not in sent.body.decode()


async def test_the_connection_is_kept_alive_and_reused() -> None:
    async with RawServer() as server:
        server.add(
            sse_script([chunk("one", finish="stop")]), sse_script([chunk("two", finish="stop")])
        )
        async with client_for(server.profile()) as client:
            first = await collect(client)
            second = await collect(client)
    assert text_of(first) == "one" and text_of(second) == "two"
    connected = [e for e in second if isinstance(e, Connected)]
    assert connected and connected[0].reused
    assert figures_of(second).connect_s == 0.0
    assert len(server.connections) == 1


async def test_openrouter_generation_id_header_and_provider() -> None:
    async with RawServer() as server:
        server.add(
            sse_script(
                [
                    {**chunk("Hi"), "provider": "DeepInfra"},
                    {**chunk(finish="stop"), "provider": "DeepInfra"},
                ],
                headers={"X-Generation-Id": "gen-or-123"},
            )
        )
        async with client_for(server.profile("openrouter")) as client:
            events = await collect(client)
    started = next(e for e in events if isinstance(e, ResponseStarted))
    assert started.generation_id == "gen-or-123"
    assert [e.served_by for e in events if isinstance(e, Routed)] == ["DeepInfra"]
    assert "provider" in server.requests[0].json()


async def test_s1_comments_crlf_and_cr_framings_give_identical_output() -> None:
    def framed(sep: bytes) -> list[bytes]:
        return [
            b": OPENROUTER PROCESSING" + sep + sep,
            b'data: {"choices":[{"delta":{"content":"Hel"}}]}' + sep + sep,
            b": OPENROUTER PROCESSING" + sep + sep,
            b'data: {"choices":[{"delta":{"content":"lo"},"finish_reason":"stop"}]}' + sep + sep,
            b"data: [DONE]" + sep + sep,
        ]

    outputs = []
    async with RawServer() as server:
        for sep in (b"\n", b"\r\n", b"\r"):
            server.add(
                [
                    Send(head(200, SSE_HEADERS)),
                    *(Send(http_chunk(p)) for p in framed(sep)),
                    Send(END),
                ]
            )
        async with client_for(server.profile()) as client:
            for _ in range(3):
                events = await collect(client)
                outputs.append((text_of(events), sum(isinstance(e, KeepAlive) for e in events)))
                assert isinstance(last(events), Finished) and last(events).status == "ok"  # type: ignore[union-attr]
    assert outputs == [("Hello", 2)] * 3


async def test_s2_bom_multiline_data_unicode_separators_and_split_utf8() -> None:
    content = "Ünïcode \u2028 line\u0085sep 🚀 done"
    payload = ('{"choices":[{"delta":\n{"content":"' + content + '"}}]}').encode()
    stream = b"\xef\xbb\xbfdata: " + payload.replace(b"\n", b"\ndata: ") + b"\n\ndata: [DONE]\n\n"
    rocket = stream.index("🚀".encode()) + 2  # cut inside the 4-byte character
    async with RawServer() as server:
        server.add(
            [
                Send(head(200, SSE_HEADERS)),
                Send(http_chunk(stream[:1])),  # the BOM split too
                Send(http_chunk(stream[1:rocket])),
                Send(http_chunk(stream[rocket:])),
                Send(END),
            ]
        )
        async with client_for(server.profile()) as client:
            events = await collect(client)
    assert text_of(events) == content
    assert isinstance(last(events), Finished)


async def test_s3_pings_unknown_events_and_fields_are_ignored() -> None:
    async with RawServer() as server:
        server.add(
            sse_script(
                [
                    b"event: ping\n\n",
                    b"event: ping\ndata: {}\n\n",
                    b"x-custom: 1\nid: 5\nretry: 3000\n"
                    + b'data: {"choices":[{"delta":{"content":"ok"}}]}\n\n',
                    chunk(finish="stop"),
                ]
            )
        )
        async with client_for(server.profile()) as client:
            events = await collect(client)
    assert text_of(events) == "ok"
    assert isinstance(last(events), Finished)


async def test_s4_error_object_after_tokens_keeps_the_text_and_is_not_retried() -> None:
    error = {
        "id": "cmpl-abc123",
        "provider": "openai",
        "error": {"code": "server_error", "message": "Provider disconnected unexpectedly"},
        "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}],
    }
    async with RawServer() as server:
        server.add(sse_script([ROLE, chunk("partial "), chunk("answer"), error], done=False))
        async with client_for(server.profile()) as client:
            events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, StreamError)
    assert failed.error.message == (
        "The stream broke off after 2 tokens: Provider disconnected unexpectedly (openai)"
    )
    assert text_of(events) == "partial answer"
    assert figures_of(events).status == "interrupted"
    assert len(server.requests) == 1


async def test_s4_event_error_after_tokens() -> None:
    async with RawServer() as server:
        server.add(
            sse_script([chunk("a"), b'event: error\ndata: {"error":{"message":"overloaded"}}\n\n'])
        )
        async with client_for(server.profile()) as client:
            events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and failed.error.message.endswith(
        "after 1 tokens: overloaded"
    )


async def test_s5_cut_connection_after_tokens() -> None:
    async with RawServer() as server:
        server.add(sse_script([ROLE, chunk("half an "), chunk("answ")], done=False, end=False))
        async with client_for(server.profile()) as client:
            events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, ConnectionLost)
    assert (
        failed.error.message == "Connection lost after 2 tokens (the server closed it mid-stream)"
    )
    assert text_of(events) == "half an answ"
    assert figures_of(events).status == "interrupted"
    assert len(server.requests) == 1


async def test_s6_clean_end_without_finish_reason_or_done_is_incomplete() -> None:
    async with RawServer() as server:
        server.add(sse_script([ROLE, chunk("truncated")], done=False))
        async with client_for(server.profile()) as client:
            events = await collect(client)
    finished = last(events)
    assert isinstance(finished, Finished)
    assert (finished.finish_reason, finished.saw_done, finished.status) == (
        None,
        False,
        "incomplete",
    )
    assert figures_of(events).status == "incomplete"
    assert text_of(events) == "truncated"


async def test_a_finish_reason_without_done_is_complete_even_if_the_end_is_cut() -> None:
    async with RawServer() as server:
        server.add(sse_script([chunk("all"), chunk(finish="stop")], done=False, end=False))
        async with client_for(server.profile()) as client:
            events = await collect(client)
    finished = last(events)
    assert isinstance(finished, Finished) and finished.status == "ok"


async def test_s7_malformed_chunk_after_tokens() -> None:
    async with RawServer() as server:
        server.add(
            sse_script(
                [chunk("fine "), b'data: {"choices": [{"delta": {"content": "bro\n\n', chunk("x")]
            )
        )
        async with client_for(server.profile()) as client:
            events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, ProtocolError)
    assert (
        failed.error.message
        == "The gateway sent a chunk that is not JSON after 1 tokens; the stream was stopped."
    )
    assert text_of(events) == "fine "
    assert figures_of(events).status == "interrupted"


async def test_n7_html_200_is_an_error_never_an_empty_success() -> None:
    page = b"<html><head><title>Hotel WiFi</title></head><body>Please log in</body></html>"
    async with RawServer() as server:
        server.add(response(200, page, content_type="text/html"))
        async with client_for(server.profile()) as client:
            events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, ProtocolError)
    assert failed.error.message == (
        "Expected an event stream but got text/html (HTTP 200) — a proxy or captive portal may be "
        "in the way: Hotel WiFi Please log in"
    )
    assert figures_of(events).status == "error"
    assert len(server.requests) == 1


async def test_n10_gzip_burst_is_decoded_correctly() -> None:
    async with RawServer() as server:
        server.add(
            gzip_script([ROLE, chunk("compressed "), chunk("but whole"), chunk(finish="stop")])
        )
        async with client_for(server.profile()) as client:
            events = await collect(client)
    assert text_of(events) == "compressed but whole"
    finished = last(events)
    assert isinstance(finished, Finished) and finished.status == "ok"


async def test_n8_redirect_to_another_origin_is_not_followed() -> None:
    async with RawServer() as server, RawServer() as other:
        target = f"{other.url}/chat/completions"
        server.add(response(307, b"", headers={"Location": target}))
        async with client_for(server.profile()) as client:
            events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, ProtocolError)
    assert failed.error.message.startswith("127.0.0.1:")
    assert (
        "redirected the request to 127.0.0.1 (307); redirects are not followed"
        in failed.error.message
    )
    assert other.requests == []
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("status", "cls", "start"),
    [
        (401, AuthError, "The gateway rejected the API key (401)"),
        (403, AuthError, "The gateway refused the request (403)"),
        (402, PaymentRequired, "Out of credits (402)"),
    ],
)
async def test_n2_n3_auth_and_credit_errors_are_not_retried(
    status: int, cls: type, start: str
) -> None:
    echo = {
        "error": {
            "message": f"Key {KEY.reveal()} [bold]rejected[/]",
            "type": "authentication_error",
        }
    }
    sleeps = Sleeps()
    async with RawServer() as server:
        server.add(response(status, echo))
        async with client_for(server.profile(), sleeps=sleeps) as client:
            events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and type(failed.error) is cls
    assert failed.error.message.startswith(start)
    assert KEY.reveal() not in failed.error.message + failed.error.detail
    assert "[bold]rejected[/]" in failed.error.message  # shown literally, never parsed as markup
    assert len(server.requests) == 1 and sleeps.calls == []


async def test_n6_html_5xx_is_retried_then_reported_with_a_snippet() -> None:
    nginx = (
        b"<html><head><title>502 Bad Gateway</title></head>"
        b"<body><h1>502 Bad Gateway</h1></body></html>"
    )
    sleeps = Sleeps()
    async with RawServer() as server:
        for _ in range(3):
            server.add(response(502, nginx, content_type="text/html"))
        async with client_for(server.profile(), sleeps=sleeps) as client:
            events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, ServerError)
    assert failed.error.message == (
        "Bad gateway: the provider or a proxy failed (502): 502 Bad Gateway 502 Bad Gateway"
    )
    assert len(server.requests) == 3
    assert sleeps.calls == [0.5, 1.0]
    assert names(events).count("Retrying") == 2
    assert [e.attempt for e in events if isinstance(e, Started)] == [0, 1, 2]


async def test_n1_connection_refused_is_retried_then_reported() -> None:
    async with RawServer() as server:
        url = server.url
    sleeps = Sleeps()  # the server is gone: its port now refuses connections
    async with client_for(Profile("gone", "vercel", url), sleeps=sleeps) as client:
        events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, Unreachable)
    host = url.split("//")[1].split("/")[0]
    assert failed.error.message == f"Can't reach {host}: connection refused"
    assert len(sleeps.calls) == 2
    assert names(events) == ["Started", "Retrying", "Started", "Retrying", "Started", "Failed"]


async def test_n1_dns_failure() -> None:
    profile = Profile("bad", "vercel", "https://no-such-gateway.invalid/v1")
    async with client_for(profile) as client:
        events = await collect(client)
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, Unreachable)
    assert failed.error.message == (
        "Can't reach no-such-gateway.invalid: the name could not be resolved (DNS lookup failed)"
    )


async def test_k8_no_key_over_plain_http_to_another_machine() -> None:
    profile = Profile("far", "openai", "http://gateway.example.com/v1")
    async with client_for(profile) as client:
        events = await collect(client)
        with pytest.raises(InsecureTransport):
            client.headers()
    assert names(events) == ["Started", "Failed"]
    failed = last(events)
    assert isinstance(failed, Failed) and isinstance(failed.error, InsecureTransport)
    assert "over plain http" in failed.error.message
    async with client_for(profile, allow_insecure=True) as client:
        assert client.headers()["authorization"] == f"Bearer {KEY.reveal()}"
