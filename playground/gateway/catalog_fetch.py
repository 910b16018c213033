"""Fetch a gateway's catalog over HTTP: the model list, and each model's endpoints on demand.

The fetcher is handed an ``httpx.AsyncClient`` (the gateway client's pool,
``GatewayClient.http``), the base URL and the auth headers (``GatewayClient.headers()``); it
never builds a client or reads a key itself. Parsing is `playground.core.catalog_wire`
(re-exported here as `parse_models` / `parse_endpoints`), so the cache, the bundled snapshot
and the benchmark read payloads with the very same code.

Routes, relative to the base URL (which ends in ``/v1`` or ``/api/v1``):

- ``GET /models``: every dialect.
- ``GET /models/{creator}/{model}/endpoints``: Vercel and OpenRouter. Plain OpenAI-compatible
  servers have no such route: they serve their models themselves, so their endpoint list is
  empty (known: none), not fetched.

Failures become `core.errors` types with one sanitized line (`Unreachable`, `Timeout`,
`StatusError` subclasses, `ProtocolError`). Model names and descriptions stay raw in the
result: they pass `safe_line` at display time.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import httpx
import orjson

from playground.core.catalog import Endpoint, Model
from playground.core.catalog_wire import (
    CatalogShapeError,
    parse_endpoints,
    parse_models,
)
from playground.core.errors import (
    AuthError,
    BadRequest,
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
from playground.core.profile import ProfileKind
from playground.core.sanitize import safe_line

__all__ = [
    "DEFAULT_CONCURRENCY",
    "CatalogFetch",
    "CatalogFetcher",
    "EndpointsFetch",
    "parse_endpoints",
    "parse_models",
]

DEFAULT_CONCURRENCY = 6
"""Endpoint requests in flight at once: enough to fill a table quickly, few enough not to look
like a flood to the gateway."""

MESSAGE_LIMIT = 300


@dataclass(frozen=True, slots=True)
class CatalogFetch:
    """A fetched model list: the models, how many entries were skipped, and the raw payload
    (what the disk cache stores, so it is re-read by the same parser)."""

    models: tuple[Model, ...]
    skipped: int
    """Entries that were not usable models (counted, never fatal)."""
    payload: object
    dialect: ProfileKind = "vercel"
    """The dialect the list turned out to be in (see `CatalogFetcher`)."""


@dataclass(frozen=True, slots=True)
class EndpointsFetch:
    """One model's fetched endpoints, with the raw payload for the cache (None when the
    dialect has no endpoints route)."""

    model_id: str
    endpoints: tuple[Endpoint, ...]
    skipped: int
    payload: object


class CatalogFetcher:
    """Fetches catalog payloads from one gateway through a client the caller owns.

    Args:
        http: The connection pool (``GatewayClient.http``); not closed here.
        base_url: The API root, e.g. ``https://ai-gateway.vercel.sh/v1``.
        kind: The profile's dialect. A plain ``openai`` server whose model list turns out to
            be in the Vercel or OpenRouter shape (a proxy in front of a gateway) is treated as
            that dialect from then on, endpoints route included.
        headers: Auth headers (``GatewayClient.headers()``); Vercel's ``/models`` needs none.
        concurrency: Endpoint requests in flight at once in `endpoints_many`.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        kind: ProfileKind,
        headers: Mapping[str, str] | httpx.Headers | None = None,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.kind: ProfileKind = kind
        self.headers = headers
        self.concurrency = concurrency

    def use_dialect(self, kind: ProfileKind) -> None:
        """Read a plain server as `kind` when a cached model list showed it is a gateway
        (a real gateway is never downgraded)."""
        if self.kind == "openai":
            self.kind = kind

    @property
    def has_endpoints_route(self) -> bool:
        return self.kind in ("vercel", "openrouter")

    async def models(self) -> CatalogFetch:
        """``GET /models``, parsed.

        Raises:
            GatewayError: unreachable, an error status, or not a model list.
        """
        payload = await self._get_json("/models")
        try:
            parsed = parse_models(payload, self.kind)
        except CatalogShapeError as exc:
            raise ProtocolError(f"{self._host}/models is not a model list: {exc}") from exc
        self.kind = parsed.dialect
        return CatalogFetch(parsed.models, parsed.skipped, payload, parsed.dialect)

    async def endpoints(self, model_id: str) -> EndpointsFetch:
        """One model's endpoints: an empty list, without a request, for plain servers, and
        for a model the gateway answers 404 for.

        Raises:
            GatewayError: unreachable, an error status, or not an endpoints answer.
        """
        if not self.has_endpoints_route:
            return EndpointsFetch(model_id, (), 0, None)
        try:
            payload = await self._get_json(f"/models/{quote(model_id, safe='/:@')}/endpoints")
        except NotFound:
            # Listed, but the gateway has no endpoints page for it (or no such route, behind
            # a proxy): it lists no provider for it. Known none, not unknown.
            return EndpointsFetch(model_id, (), 0, None)
        try:
            parsed = parse_endpoints(payload, self.kind)
        except CatalogShapeError as exc:
            raise ProtocolError(
                f"{self._host}: the endpoints of {safe_line(model_id, 80)} are unreadable: {exc}"
            ) from exc
        return EndpointsFetch(model_id, parsed.endpoints, parsed.skipped, payload)

    async def endpoints_many(
        self, model_ids: Iterable[str]
    ) -> dict[str, EndpointsFetch | GatewayError]:
        """Several models' endpoints, at most `concurrency` requests at once. A failure is
        returned in place of that model's result, so one bad model does not sink the rest."""
        limit = asyncio.Semaphore(max(1, self.concurrency))

        async def one(model_id: str) -> EndpointsFetch | GatewayError:
            async with limit:
                try:
                    return await self.endpoints(model_id)
                except GatewayError as exc:
                    return exc

        ids = list(dict.fromkeys(model_ids))
        results = await asyncio.gather(*(one(i) for i in ids))
        return dict(zip(ids, results, strict=True))

    # -- HTTP -------------------------------------------------------------------------------

    @property
    def _host(self) -> str:
        parts = urlsplit(self.base_url)
        return parts.netloc.rsplit("@", 1)[-1] or self.base_url

    async def _get_json(self, path: str) -> object:
        url = self.base_url.rstrip("/") + path
        headers = httpx.Headers(self.headers or {})
        headers.setdefault("Accept", "application/json")
        try:
            response = await self.http.get(url, headers=headers)
        except httpx.TimeoutException as exc:
            raise Timeout(f"Can't reach {self._host}: no answer in time", phase="total") from exc
        except httpx.TransportError as exc:
            reason = transport_reason(exc)
            raise Unreachable(f"Can't reach {self._host}: {reason}", detail=reason) from exc
        if response.status_code >= 400:
            raise status_error(response, self._host)
        if not 200 <= response.status_code < 300:
            raise ProtocolError(
                f"{self._host} answered {response.status_code} instead of the catalog",
                status=response.status_code,
            )
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            content_type = response.headers.get("content-type", "no content type")
            snippet = safe_line(response.text, 120)
            raise ProtocolError(
                f"{self._host} sent {safe_line(content_type, 60)}, not JSON: {snippet}",
                status=response.status_code,
                detail=snippet,
            ) from exc


def transport_reason(exc: httpx.TransportError) -> str:
    """A short human reason for a connection failure: ``connection refused``, ``name not
    found``… (no URL, so nothing a URL carried can leak). httpx often says only "All
    connection attempts failed"; the operating system's error is further down the chain."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 8:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for error in chain:
        if isinstance(error, ConnectionRefusedError):
            return "connection refused"
        if isinstance(error, socket.gaierror):
            return "name not found"
        if isinstance(error, ssl.SSLCertVerificationError):
            return "TLS certificate rejected"
        if isinstance(error, ssl.SSLError):
            return "TLS failure"
        if isinstance(error, ConnectionResetError):
            return "connection reset"
    text = " ".join(str(e) for e in chain).lower()
    for needle, reason in (
        ("refused", "connection refused"),
        ("name or service not known", "name not found"),
        ("nodename nor servname", "name not found"),
        ("temporary failure in name resolution", "name not found"),
        ("certificate", "TLS certificate rejected"),
        ("network is unreachable", "network unreachable"),
        ("no route to host", "no route to host"),
    ):
        if needle in text:
            return reason
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server closed the connection"
    return safe_line(str(exc), 120) or type(exc).__name__


_STATUS_CLASSES: dict[int, type[StatusError]] = {
    400: BadRequest,
    401: AuthError,
    402: PaymentRequired,
    403: AuthError,
    404: NotFound,
    408: ServerError,
    409: ServerError,
    413: BadRequest,
    422: BadRequest,
    429: RateLimited,
}


def status_error(response: httpx.Response, host: str) -> StatusError:
    """The typed error for an error status, with the gateway's own message when it sent one
    (``{"error": {"message", "type"}}``, a flat ``{"error": "…"}``, or ``{"message": …}``)."""
    status = response.status_code
    cls = _STATUS_CLASSES.get(status, ServerError if status >= 500 else StatusError)
    message, code = _error_message(response)
    text = f"{host} answered {status}"
    if message:
        text += f": {message}"
    return cls(safe_line(text, MESSAGE_LIMIT), status=status, code=code, detail=message)


def _error_message(response: httpx.Response) -> tuple[str, str | None]:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return safe_line(response.text, 160), None
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, str):
            return safe_line(error, 200), None
        if isinstance(error, dict):
            message = error.get("message")
            code = error.get("type") or error.get("code")
            return (
                safe_line(message, 200) if isinstance(message, str) else "",
                str(code) if isinstance(code, str | int) and code != "" else None,
            )
    return "", None
