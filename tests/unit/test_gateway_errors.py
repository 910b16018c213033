"""Error bodies and exceptions → typed errors with one clear, sanitized, key-free line
(PROTOCOL.md §2.7, RELIABILITY.md §5 and §7 N1–N8)."""

from __future__ import annotations

import json
import re
import socket
import ssl
import time

import httpx
import pytest

from playground.core.errors import (
    AuthError,
    BadRequest,
    ConnectionLost,
    GatewayError,
    NotFound,
    PaymentRequired,
    ProtocolError,
    RateLimited,
    ServerError,
    StatusError,
    Timeout,
    Unreachable,
)
from playground.core.secret import Secret
from playground.gateway.errors import (
    error_for_exception,
    error_for_status,
    not_an_event_stream,
    redirect_error,
    retry_after_text,
    stream_error,
)
from playground.gateway.text import best_error_message, body_snippet, redact

HOST = "ai-gateway.vercel.sh"
NOW = time.mktime((2026, 11, 27, 13, 48, 0, 0, 0, -1))  # 13:48 local time
JSON = {"content-type": "application/json"}
HTML = {"content-type": "text/html; charset=utf-8"}
NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


def err(status: int, body: object, headers: dict[str, str] = JSON, **kw: object) -> GatewayError:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return error_for_status(status, headers, raw, host=HOST, now=NOW, **kw)  # type: ignore[arg-type]


def body(message: str, type_: str | None = None, code: object = None) -> dict[str, object]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


@pytest.mark.parametrize(
    ("status", "payload", "cls", "message"),
    [
        (
            400,
            body(
                "Invalid request: missing required parameter 'model'",
                "invalid_request_error",
                "missing_parameter",
            ),
            BadRequest,
            "The gateway rejected the request (400): "
            "Invalid request: missing required parameter 'model'",
        ),
        (
            401,
            body("Invalid API key", "authentication_error"),
            AuthError,
            "The gateway rejected the API key (401): Invalid API key. "
            "Check the key, or set a new one.",
        ),
        (
            401,
            body(
                "Invalid API key. Check the key or create a new one in the AI Gateway dashboard.",
                "authentication_error",
            ),
            AuthError,
            "The gateway rejected the API key (401): Invalid API key. Check the key or create a "
            "new one in the AI Gateway dashboard.",  # its advice, not ours as well
        ),
        (
            402,
            {
                "error": {
                    "message": "Insufficient credits",
                    "code": 402,
                    "metadata": {"limit_source": "openrouter_credits"},
                }
            },
            PaymentRequired,
            "Out of credits (402): Insufficient credits",
        ),
        (
            403,
            body("Add a credit card to use this model", "customer_verification_required"),
            AuthError,
            "The gateway refused the request (403): Add a credit card to use this model",
        ),
        (
            404,
            body("Model 'yolk-conformance/model-does-not-exist' not found", "model_not_found"),
            NotFound,
            "Not found (404): Model 'yolk-conformance/model-does-not-exist' not found",
        ),
        (
            422,
            body("messages must not be empty"),
            BadRequest,
            "The gateway could not process the request (422): messages must not be empty",
        ),
        (
            424,
            body("BYOK credentials missing for bedrock", "failed_dependency"),
            StatusError,
            f"Unexpected response (424) from {HOST}: BYOK credentials missing for bedrock",
        ),
        (
            429,
            body("Free tier limit reached", "rate_limit_exceeded"),
            RateLimited,
            "Rate limited (429): Free tier limit reached",
        ),
        (
            500,
            body("Internal error", "internal_server_error"),
            ServerError,
            "The gateway had an internal error (500): Internal error",
        ),
        (
            503,
            {"error": {"message": "No provider meets the routing requirements", "code": 503}},
            ServerError,
            "The gateway is unavailable (503): No provider meets the routing requirements",
        ),
    ],
)
def test_json_error_bodies(
    status: int, payload: object, cls: type[GatewayError], message: str
) -> None:
    error = err(status, payload)
    assert type(error) is cls
    assert error.message == message
    assert error.status == status


def test_codes_and_generation_ids_are_kept() -> None:
    error = err(404, {**body("nope", "model_not_found"), "generationId": "gen_1"})
    assert (error.code, error.generation_id) == ("model_not_found", "gen_1")
    assert err(402, {"error": {"message": "x", "code": 402}}).code == "402"  # OpenRouter: a number
    assert err(500, b"oops", {"x-generation-id": "gen-or-9"}).generation_id == "gen-or-9"


def test_flat_string_errors() -> None:
    error = err(400, {"error": "Invalid generation ID format. Expected format: gen_<ulid>"})
    assert error.message == (
        "The gateway rejected the request (400): "
        "Invalid generation ID format. Expected format: gen_<ulid>"
    )
    assert err(400, {"message": "vLLM style", "object": "error"}).message.endswith(": vLLM style")


def test_relayed_upstream_error_prefers_the_nested_message() -> None:
    payload = {
        "error": {
            "message": "Provider returned error",
            "code": 429,
            "metadata": {
                "raw": '{"error":{"message":"Rate limit exceeded: 10 req/min"}}',
                "provider_name": "x",
            },
        }
    }
    assert err(429, payload).message == "Rate limited (429): Rate limit exceeded: 10 req/min"


def test_html_5xx_shows_a_snippet_not_the_page() -> None:
    error = err(502, NGINX_502, HTML)
    assert error.message == (
        "Bad gateway: the provider or a proxy failed (502): 502 Bad Gateway 502 Bad Gateway nginx"
    )
    assert "<" not in error.message and "<" not in error.detail


def test_html_404_points_at_the_url() -> None:
    error = err(
        404, b"<!DOCTYPE html><html><title>404: This page could not be found</title></html>", HTML
    )
    assert isinstance(error, NotFound)
    assert (
        error.message
        == f"Not found (404) at {HOST}: check the gateway URL: 404: This page could not be found"
    )


def test_empty_bodies() -> None:
    assert err(405, b"", {}).message == f"Method not allowed (405) at {HOST}: check the gateway URL"
    assert (
        err(500, b"", {}).message
        == "The gateway had an internal error (500): the response had no body"
    )


def test_retry_after_in_the_message() -> None:
    error = err(429, body("slow down"), retry_after_s=14 * 60)
    assert error.message == "Rate limited (429); retry after 14:02: slow down"
    assert error.retry_after_s == 14 * 60
    assert "retry after 14:02" in err(503, b"", {}, retry_after_s=14 * 60).message
    assert retry_after_text(30, NOW) == "retry after 13:48:30"
    assert retry_after_text(2 * 86400, NOW).startswith("retry after 2026-11-29 13:48")


def test_messages_are_one_sanitized_line_of_bounded_length() -> None:
    nasty = "[bold red]x[/] \x1b]52;c;cGF5bG9hZA==\x07 line\nbreak \u202eevil" + "y" * 2000
    error = err(400, body(nasty))
    assert (
        "\x1b" not in error.message and "\n" not in error.message and "\u202e" not in error.message
    )
    assert len(error.message) <= 300
    assert error.message.startswith("The gateway rejected the request (400): [bold red]x[/] ␛")


def test_the_key_never_appears_in_messages_or_details() -> None:
    key = Secret("sk-or-v1-0123456789abcdef0123")
    echoed = body(
        f"Incorrect API key provided: {key.reveal()} (Authorization: Bearer {key.reveal()})"
    )
    error = err(401, echoed, secret=key)
    assert key.reveal() not in error.message + error.detail
    assert "0123456789abcdef" not in error.message + error.detail
    # Even without the secret at hand, sk- keys and bearer tokens are masked.
    error = err(401, echoed)
    assert "0123456789abcdef" not in error.message + error.detail


def test_redact_masks_like_the_log_filter() -> None:
    key = Secret("k3y-value-xyz")
    text = (
        "GET https://user:pa55@gw.example.com/v1/models?key=abc&x=1 failed; "
        "Authorization: Bearer tok_123 sk-abcdefghijkl k3y-value-xyz"
    )
    assert redact(text, key) == (
        "GET https://[redacted]@gw.example.com/v1/models?key=[redacted]&x=1 failed; "
        "Authorization: Bearer [redacted] sk-[redacted] [redacted]"
    )


def test_best_error_message() -> None:
    assert best_error_message("plain") == "plain"
    assert best_error_message({"message": "Stream error occurred"}) == "Stream error occurred"
    assert best_error_message({"message": "top", "detail": {"msg": "deeper"}}) == "deeper"
    assert best_error_message({"code": 5}) is None
    assert best_error_message(None) is None
    assert best_error_message(
        {"message": "Provider returned error", "metadata": {"raw": "not json"}}
    ) == ("Provider returned error")


def test_body_snippet() -> None:
    page = (
        b"<html><head><style>p{}</style><script>x()</script><title>Hotel WiFi</title></head>"
        b"<body><p>Accept &amp; go</p></body></html>"
    )
    assert body_snippet(page, "text/html") == "Hotel WiFi Accept & go"
    assert body_snippet(b"x" * 500, "text/plain", 10) == "xxxxxxxxx…"


def test_not_an_event_stream_n7() -> None:
    page = b"<html><title>Hotel WiFi Login</title><body>Please accept the terms</body></html>"
    error = not_an_event_stream(200, "text/html; charset=utf-8", page)
    assert isinstance(error, ProtocolError)
    assert error.message == (
        "Expected an event stream but got text/html (HTTP 200) — a proxy or captive portal may be "
        "in the way: Hotel WiFi Login Please accept the terms"
    )
    json_error = not_an_event_stream(
        200, "application/json", b'{"error": {"message": "stream unsupported"}}'
    )
    assert json_error.message.endswith("in the way: stream unsupported")
    assert not_an_event_stream(204, "", b"").message.startswith(
        "Expected an event stream but got no content type (HTTP 204)"
    )


def test_redirect_error_n8() -> None:
    error = redirect_error(307, "https://evil.example/v1/chat?token=abc", host=HOST)
    assert isinstance(error, ProtocolError)
    assert error.message == (
        f"{HOST} redirected the request to evil.example (307); redirects are not followed so that "
        "the key is never sent elsewhere. Check the gateway URL."
    )
    assert "another path on the same host" in redirect_error(301, "/v2/chat", host=HOST).message


def _connect_error(cause: BaseException) -> httpx.ConnectError:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise httpx.ConnectError("connect failed") from inner
    except httpx.ConnectError as outer:
        return outer


@pytest.mark.parametrize(
    ("cause", "reason"),
    [
        (
            socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
            "the name could not be resolved (DNS lookup failed)",
        ),
        (ConnectionRefusedError(111, "Connection refused"), "connection refused"),
        (
            ssl.SSLCertVerificationError(
                1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"
            ),
            "TLS certificate check failed",
        ),
        (OSError(101, "Network is unreachable"), "network is unreachable"),
    ],
)
def test_unreachable_n1(cause: BaseException, reason: str) -> None:
    error = error_for_exception(_connect_error(cause), host=HOST, headers_received=False)
    assert isinstance(error, Unreachable)
    assert error.message.startswith(f"Can't reach {HOST}: {reason}")


def test_timeouts_by_phase() -> None:
    limits = {"connect": 10.0, "idle": 60.0}
    connect = error_for_exception(
        httpx.ConnectTimeout("t"), host=HOST, headers_received=False, timeouts=limits
    )
    assert isinstance(connect, Timeout) and connect.phase == "connect"
    assert connect.message == f"Can't reach {HOST}: no connection within 10 s"
    waiting = error_for_exception(
        httpx.ReadTimeout("t"), host=HOST, headers_received=False, timeouts=limits
    )
    assert isinstance(waiting, Timeout) and waiting.phase == "idle"
    assert waiting.message == f"{HOST} did not answer within 60 s (no response headers)"
    stalled = error_for_exception(
        httpx.ReadTimeout("t"), host=HOST, headers_received=True, tokens=812, timeouts=limits
    )
    assert stalled.message == f"The stream stalled after 812 tokens: no data from {HOST} for 60 s"


def test_connection_lost_s5() -> None:
    cut = httpx.RemoteProtocolError(
        "peer closed connection without sending complete message body (incomplete chunked read)"
    )
    error = error_for_exception(cut, host=HOST, headers_received=True, tokens=812)
    assert isinstance(error, ConnectionLost)
    assert error.message == "Connection lost after 812 tokens (the server closed it mid-stream)"
    early = error_for_exception(
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        host=HOST,
        headers_received=False,
    )
    assert early.message == f"{HOST} closed the connection before answering (the server closed it)"


def test_exception_text_is_redacted_x6() -> None:
    exc = httpx.UnsupportedProtocol(
        "Request URL https://me:secret@gw.example/v1?api_key=k123 has an unsupported protocol 'htps://'"
    )
    error = error_for_exception(exc, host=HOST, headers_received=False)
    assert "secret" not in error.message and "k123" not in error.message


def test_stream_error_message_and_detail() -> None:
    error = stream_error({"message": "overloaded", "type": "server_error"}, tokens=0)
    assert error.message == "The gateway reported an error before the answer started: overloaded"
    assert error.code == "server_error"
    assert json.loads(error.detail) == {"message": "overloaded", "type": "server_error"}
    assert re.fullmatch(
        r"The stream broke off after 3 tokens: no details given", stream_error({}, tokens=3).message
    )


def test_a_message_that_ends_a_sentence_is_not_doubled() -> None:
    body = json.dumps({"error": {"message": "Invalid API key.", "type": "authentication_error"}})
    error = error_for_status(401, {}, body.encode(), host="gw")
    assert "Invalid API key. Check the key" in error.message and ".." not in error.message
