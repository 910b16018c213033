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

Failures become `core.errors` types with one sanitized, redacted line, through the same
mapping as chat requests (`gateway.errors`): `Unreachable` (whose ``detail`` is the short
reason, e.g. ``connection refused``), `Timeout`, `StatusError` subclasses, `ProtocolError`.

Model names and descriptions stay raw in the result: they pass `safe_line` at display time.
"""

from __future__ import annotations

import asyncio
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
from playground.core.errors import GatewayError, NotFound, ProtocolError, Unreachable
from playground.core.profile import ProfileKind
from playground.core.sanitize import safe_line
from playground.gateway.errors import (
    connect_reason,
    error_for_exception,
    error_for_status,
    redirect_error,
)

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
        host = self._host
        try:
            response = await self.http.get(url, headers=headers)
        except httpx.ConnectError as exc:
            reason = connect_reason(exc)
            raise Unreachable(f"Can't reach {host}: {reason}", detail=reason) from exc
        except httpx.HTTPError as exc:
            raise error_for_exception(exc, host=host, headers_received=False) from exc
        status = response.status_code
        if not 200 <= status < 300:
            if 300 <= status < 400:
                raise redirect_error(status, response.headers.get("location"), host=host)
            raise error_for_status(status, response.headers, response.content, host=host)
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            content_type = response.headers.get("content-type", "no content type")
            snippet = safe_line(response.text, 120)
            raise ProtocolError(
                f"{host} sent {safe_line(content_type, 60)}, not JSON: {snippet}",
                status=status,
                detail=snippet,
            ) from exc
