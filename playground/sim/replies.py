"""Whole responses that are not a completion: errors, pages from proxies and portals,
redirects, and the usage routes. Pure functions from a request's facts to a `Reply`."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from playground.sim.faults import Fault
from playground.sim.http import REASONS
from playground.sim.records import RequestRecord
from playground.sim.routing import RoutingError, routing_json
from playground.sim.wire import dumps, error_body

JSON = "application/json"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Reply:
    """A response with a ``Content-Length`` body."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, status: int, value: Any, headers: list[tuple[str, str]] | None = None) -> Reply:
        return cls(status, dumps(value), JSON, headers or [])

    @classmethod
    def error(cls, status: int, error_type: str, message: str, **options: Any) -> Reply:
        """The gateway's JSON error envelope."""
        return cls.json(status, error_body(status, error_type, message, **options))


CAPTIVE_PORTAL = b"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in to CoffeeNet Wi-Fi</title></head>
<body>
<h1>Welcome to CoffeeNet</h1>
<p>To use the internet, please accept the terms of service.</p>
<form method="post" action="/login"><button type="submit">Accept and connect</button></form>
</body>
</html>
"""
"""What a hotel or caf\xe9 network answers instead of the gateway: HTTP 200, ``text/html``."""


def status_html(status: int) -> bytes:
    """The page nginx serves for an error status (a proxy in front of the gateway)."""
    title = f"{status} {REASONS.get(status, 'Error')}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


def not_found_html(path: str) -> bytes:
    """The HTML 404 the gateway serves for a path outside ``/v1``."""
    return (
        "<!DOCTYPE html><html><head><title>404: NOT_FOUND</title></head><body>"
        f"<h1>404: NOT_FOUND</h1><p>Code: <code>NOT_FOUND</code></p><p>Path: "
        f"<code>{html.escape(path[:200])}</code></p></body></html>"
    ).encode()


def status_error(status: int, model: str | None) -> tuple[str, str]:
    """(``error.type``, ``error.message``) the gateway sends with `status`."""
    if status == 400:
        return "invalid_request_error", "Invalid request: the request could not be processed"
    if status == 401:
        return "authentication_error", "Invalid API key. Check the key or create a new one."
    if status == 402:
        return (
            "payment_required",
            "Insufficient credits: your AI Gateway balance is too low. Add credits to continue.",
        )
    if status == 403:
        return "forbidden", "Forbidden: the request was rejected by a gateway rule"
    if status == 404:
        return "model_not_found", f"Model '{model or 'unknown'}' not found"
    if status == 408:
        return "timeout_error", "The request timed out before the provider answered"
    if status == 409:
        return "conflict", "Conflict: a concurrent request is still being processed"
    if status in (413, 422):
        return "invalid_request_error", "Invalid request: the input is too large or malformed"
    if status == 424:
        return "failed_dependency", "The provider is not available with your credentials"
    if status == 429:
        return "rate_limit_exceeded", "Rate limit exceeded. Slow down and retry later."
    if status == 502:
        return "internal_server_error", "Bad gateway: the provider returned an invalid response"
    if status == 503:
        return "internal_server_error", "Service unavailable: the provider is overloaded"
    if status == 504:
        return "internal_server_error", "Gateway timeout: the provider did not answer in time"
    if status >= 500:
        return "internal_server_error", "Internal server error"
    return "invalid_request_error", f"Request failed with status {status}"


def unauthorized(has_header: bool) -> Reply:
    """401 for a missing or wrong key (only when the gateway was started with a key)."""
    if has_header:
        message = "Invalid API key. Check the key or create a new one in the AI Gateway dashboard."
    else:
        message = "Missing API key. Send it as 'Authorization: Bearer <key>'."
    return Reply.error(401, "authentication_error", message)


def fault_reply(fault: Fault, *, path: str, port: int, model: str | None) -> Reply | None:
    """The response that replaces the normal one for `fault`, or None if it does not."""
    if fault.kind == "html-200":
        return Reply(200, CAPTIVE_PORTAL, HTML)
    if fault.kind == "redirect":
        assert fault.status is not None
        location = fault.location or f"http://localhost:{port}{path}"
        return Reply(fault.status, b"", None, [("location", location)])
    if fault.kind != "status":
        return None
    status = fault.status or 500
    headers: list[tuple[str, str]] = []
    if fault.retry_after is not None:
        headers.append(("retry-after", fault.retry_after))
    if fault.retry_after_date_s is not None:
        when = time.gmtime(time.time() + fault.retry_after_date_s)
        headers.append(("retry-after", time.strftime("%a, %d %b %Y %H:%M:%S GMT", when)))
    if fault.retry_after_ms is not None:
        headers.append(("retry-after-ms", fault.retry_after_ms))
    if fault.body == "html":
        return Reply(status, status_html(status), HTML, headers)
    if fault.body == "empty":
        return Reply(status, b"", None, headers)
    if fault.body == "text":
        text = f"{status} {REASONS.get(status, 'Error')}\n".encode()
        return Reply(status, text, "text/plain; charset=utf-8", headers)
    error_type, message = status_error(status, model)
    param = {"modelId": model} if status == 404 and model else None
    body = error_body(status, fault.error_type or error_type, message, param=param)
    return Reply.json(status, body, headers)


_GENERATION_ID = re.compile(r"gen_[0-9A-HJKMNP-TV-Z]{26}")


def generation(records: Sequence[RequestRecord], ids: list[str] | None) -> Reply:
    """``GET /v1/generation?id=``: what a completed generation cost and how it went."""
    if not ids:
        return Reply.json(400, {"error": "id is required"})
    gen_id = ids[0]
    if not _GENERATION_ID.fullmatch(gen_id):
        return Reply.json(
            400, {"error": "Invalid generation ID format. Expected format: gen_<ulid>"}
        )
    found = next((r for r in records if r.generation_id == gen_id and r.completed), None)
    if found is None:
        message = "The generation may still be processing; retry in a few seconds."
        return Reply.json(404, {"error": "Usage event not found", "id": gen_id, "message": message})
    cost = float(found.cost or 0)
    total_ns = (found.t_last_token_ns or found.t_received_ns) - found.t_received_ns
    data = {
        "id": gen_id,
        "total_cost": cost,
        "upstream_inference_cost": 0,
        "usage": cost,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "model": found.model,
        "is_byok": False,
        "provider_name": found.provider,
        "streamed": found.stream,
        "finish_reason": found.finish_reason,
        "latency": round((found.measured_ttft_s or 0) * 1000),
        "generation_time": round(total_ns / 1e6),
        "tokens_prompt": found.prompt_tokens,
        "tokens_completion": found.completion_tokens,
        "native_tokens_prompt": found.prompt_tokens,
        "native_tokens_completion": found.completion_tokens,
        "native_tokens_reasoning": found.reasoning_tokens,
        "native_tokens_cached": found.cached_tokens,
        "native_tokens_cache_creation": found.cache_write_tokens,
        "billable_web_search_calls": 0,
    }
    return Reply.json(200, {"data": data})


def routing_error(exc: RoutingError) -> Reply:
    """The error for a request the gateway could not route; when every provider failed, with
    the routing that shows what was tried (``providerMetadata.gateway.routing``)."""
    metadata = None
    if exc.attempts:
        now = int(time.time() * 1000)
        count = sum(len(m.attempts) for m in exc.attempts)
        original = exc.attempts[0].model.id
        routing = routing_json(
            original,
            exc.attempts,
            final_provider=None,
            times_ms=[(now, now)] * count,
            request_ids=[f"req_sim{i:04d}" for i in range(count)],
        )
        metadata = {"gateway": {"routing": routing}}
    return Reply.error(exc.status, exc.error_type, exc.message, param=exc.param, metadata=metadata)
