"""The catalog policy: start from the cache, refresh from the gateway, fall back to the snapshot.

What the app and ``playground models`` call to get a gateway's models and a model's providers:

1. ``load()`` answers from memory or the disk cache at once when there is one (``stale`` says
   whether it is older than `CatalogCache.max_age`; the caller then refreshes in the
   background). With no cache it fetches.
2. A fetch that fails falls back to the cache (marked ``offline``), then, with no cache, to the
   snapshot bundled with the package (``source == "snapshot"``, ``offline``, its date), so a
   first start without network still has a catalog. Plain OpenAI-compatible servers get no
   snapshot (its models are not theirs): an empty catalog and the error.
3. ``endpoints(model_id)`` fetches one model's providers on demand, keeps them in memory and
   writes them through to the disk cache; ``fetch_endpoints(ids)`` does many at once, bounded.
4. ``refresh_in_background()`` starts (or joins) one refresh task; the UI awaits it in a worker.

No Textual here: the UI drives the refresh, this module only does it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, Protocol

from playground.core.catalog import Catalog, Endpoint
from playground.core.catalog_wire import CatalogShapeError
from playground.core.errors import GatewayError, Unreachable
from playground.core.profile import Profile, ProfileKind
from playground.store.catalog_cache import (
    CachedCatalog,
    CacheFormatError,
    CatalogCache,
    EndpointsEntry,
    load_snapshot,
)
from playground.store.paths import Paths

if TYPE_CHECKING:  # httpx costs ~0.2 s to import: a warm ``playground models`` never needs it
    import httpx

    from playground.gateway.catalog_fetch import CatalogFetch, EndpointsFetch

CatalogOrigin = Literal["cache", "network", "snapshot"]

SIMULATED_CACHE_KEY = "simulated"
"""The built-in gateway listens on a new port each start; its cache is keyed by name."""


@dataclass(frozen=True, slots=True)
class CatalogLoad:
    """A catalog and where it came from."""

    catalog: Catalog
    source: CatalogOrigin
    fetched_at: datetime | None
    """When the model list was fetched (the snapshot's date for the snapshot)."""
    offline: bool = False
    """The gateway could not be reached (or failed) on the last attempt."""
    skipped: int = 0
    """Malformed entries left out (models and endpoints)."""
    error: GatewayError | None = None
    """Why the last fetch failed, when it did."""
    stale: bool = False
    """From a cache older than its max age: refresh it."""
    snapshot_date: date | None = None
    host: str = ""
    """The gateway's host (and port), for messages."""

    @property
    def error_message(self) -> str | None:
        return None if self.error is None else str(self.error)

    @property
    def error_reason(self) -> str | None:
        """Why the gateway could not be reached (``connection refused``), or the whole
        message for other failures (an error status, an unreadable answer)."""
        if self.error is None:
            return None
        if isinstance(self.error, Unreachable) and self.error.detail:
            return self.error.detail
        return self.error.message


class CatalogSource(Protocol):
    """Where catalogs come from: `CatalogFetcher`, or a test double."""

    async def models(self) -> CatalogFetch: ...

    async def endpoints(self, model_id: str) -> EndpointsFetch: ...

    async def endpoints_many(
        self, model_ids: Iterable[str]
    ) -> dict[str, EndpointsFetch | GatewayError]: ...

    def use_dialect(self, kind: ProfileKind) -> None:
        """Read the gateway as `kind` (learnt from the cache before any model list is
        fetched in this process)."""


SourceFactory = Callable[[], Awaitable[CatalogSource]]
"""Builds the source on first use (e.g. starts the simulated gateway only when the cache is
stale). It raises `GatewayError` when it cannot."""


class CatalogService:
    """One gateway's catalog: cached, refreshed, with providers fetched on demand.

    Args:
        cache: The disk cache.
        source: The fetcher (`CatalogFetcher`).
        source_factory: Instead of `source`: builds it on first use, so that nothing is
            started or connected while the cache is fresh.
        key: The cache key (the origin; `SIMULATED_CACHE_KEY` for the built-in gateway).
        origin: The gateway's origin, recorded in the cache file.
        kind: The gateway's dialect.
        host: For messages.
        snapshot: The bundled snapshot loader; None to never fall back to it.
    """

    def __init__(
        self,
        cache: CatalogCache,
        source: CatalogSource | None = None,
        *,
        source_factory: SourceFactory | None = None,
        key: str,
        origin: str,
        kind: ProfileKind,
        host: str = "",
        snapshot: Callable[[], CachedCatalog] | None = load_snapshot,
    ) -> None:
        self.cache = cache
        if (source is None) == (source_factory is None):
            raise TypeError("give either a source or a source_factory")
        self._source = source
        self._factory = source_factory
        self.key = key
        self.origin = origin
        self.kind = kind
        self.host = host
        self._snapshot = snapshot
        self._entry: CachedCatalog | None = None
        self._current: CatalogLoad | None = None
        self._refresh: asyncio.Task[CatalogLoad] | None = None
        self._source_lock = asyncio.Lock()

    @property
    def current(self) -> CatalogLoad | None:
        """The last catalog loaded, with any endpoints fetched since."""
        return self._current

    @property
    def needs_refresh(self) -> bool:
        """Whether the catalog should be fetched again: never loaded, the snapshot, offline,
        or older than the cache's max age by now (an app stays open for hours)."""
        current = self._current
        if current is None or current.source == "snapshot" or current.offline:
            return True
        return self._entry is None or not self.cache.is_fresh(self._entry)

    # -- the model list ---------------------------------------------------------------------

    async def load(self, *, refresh: bool = False) -> CatalogLoad:
        """The catalog: from memory or the disk cache when there is one (unless `refresh`),
        else from the gateway, else (offline) the cache or the bundled snapshot. Never raises
        for a gateway failure: the result says ``offline`` and carries the error."""
        if not refresh:
            if self._current is not None:
                return self._current
            cached = self._load_cache()
            if cached is not None:
                return cached
        return await self._fetch_models()

    def refresh_in_background(self) -> asyncio.Task[CatalogLoad]:
        """Start a refresh from the gateway, or return the one already running. Await the task
        (e.g. in a Textual worker) for the new `CatalogLoad`; `current` is updated too."""
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.ensure_future(self.load(refresh=True))
        return self._refresh

    async def aclose(self) -> None:
        """Cancel a refresh still running."""
        task, self._refresh = self._refresh, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _load_cache(self) -> CatalogLoad | None:
        entry = self.cache.load(self.key)
        if entry is None:
            return None
        try:
            catalog, skipped = entry.parse()
        except CatalogShapeError:
            return None
        self._entry = entry
        self.kind = entry.kind
        self._current = CatalogLoad(
            catalog,
            "cache",
            entry.fetched_at,
            skipped=skipped,
            stale=not self.cache.is_fresh(entry),
            host=self.host,
        )
        return self._current

    async def _fetch_models(self) -> CatalogLoad:
        try:
            source = await self._get_source()
            fetched = await source.models()
        except GatewayError as exc:
            return self._offline(exc)
        now = self.cache.clock()
        listed = {m.id for m in fetched.models}
        previous = self._entry or self.cache.load(self.key)
        kept = {k: v for k, v in (previous.endpoints if previous else {}).items() if k in listed}
        self.kind = fetched.dialect
        entry = CachedCatalog(
            key=self.key,
            origin=self.origin,
            kind=self.kind,
            fetched_at=now,
            models_payload=fetched.payload,
            endpoints=kept,
        )
        endpoints, skipped = entry.parse_endpoints()
        self._entry = entry
        self._save(entry)
        self._current = CatalogLoad(
            Catalog(fetched.models, endpoints),
            "network",
            now,
            skipped=fetched.skipped + skipped,
            host=self.host,
        )
        return self._current

    def _offline(self, error: GatewayError) -> CatalogLoad:
        """The best catalog without the gateway: what we have, else the snapshot."""
        have = self._current if self._current and self._current.source != "snapshot" else None
        if have is None:
            have = self._load_cache()
        if have is not None:
            self._current = replace(have, offline=True, error=error)
            return self._current
        snapshot = self._load_snapshot()
        if snapshot is not None:
            catalog, skipped = snapshot.parse()
            self._current = CatalogLoad(
                catalog,
                "snapshot",
                snapshot.fetched_at,
                offline=True,
                skipped=skipped,
                error=error,
                snapshot_date=snapshot.snapshot_date,
                host=self.host,
            )
        else:
            self._current = CatalogLoad(
                Catalog(), "network", None, offline=True, error=error, host=self.host
            )
        return self._current

    def _load_snapshot(self) -> CachedCatalog | None:
        if self._snapshot is None or self.kind == "openai":
            return None
        try:
            return self._snapshot()
        except (OSError, CacheFormatError, CatalogShapeError):
            return None

    # -- endpoints --------------------------------------------------------------------------

    async def endpoints(self, model_id: str) -> tuple[Endpoint, ...]:
        """The providers of `model_id`: from memory when fresh, else fetched (and written
        through to the disk cache).

        Raises:
            GatewayError: the fetch failed and nothing is known about them.
        """
        errors = await self.fetch_endpoints([model_id])
        current = self._current
        known = current.catalog.endpoints_of(model_id) if current else None
        if known is not None:
            return known
        if model_id in errors:
            raise errors[model_id]
        if current is not None and current.error is not None:
            raise current.error  # offline on the snapshot: nothing known, nothing fetched
        return ()

    def endpoints_to_fetch(self, model_ids: Iterable[str]) -> list[str]:
        """Which of `model_ids` have endpoints unknown or stale (what `fetch_endpoints` would
        ask the gateway for), so a caller can say "fetching the providers of 250 models"."""
        current = self._current
        if current is None:
            return list(dict.fromkeys(model_ids))
        now = self.cache.clock()
        return [i for i in dict.fromkeys(model_ids) if self._endpoints_stale(current, i, now)]

    async def fetch_endpoints(self, model_ids: Iterable[str]) -> dict[str, GatewayError]:
        """Make sure the endpoints of `model_ids` are known and fresh, fetching those that are
        not (a bounded number at once); one disk write for the lot. Returns the failures;
        `current` holds the result."""
        if self._current is None:
            await self.load()
        wanted = self.endpoints_to_fetch(model_ids)
        if not wanted:
            return {}
        try:
            source = await self._get_source()
            source.use_dialect(self.kind)
            results = await source.endpoints_many(wanted)
        except GatewayError as exc:
            return dict.fromkeys(wanted, exc)
        fetched = {k: v for k, v in results.items() if not isinstance(v, GatewayError)}
        errors = {k: v for k, v in results.items() if isinstance(v, GatewayError)}
        if fetched:
            self._merge_endpoints(fetched, self.cache.clock())
        return errors

    def _endpoints_stale(self, current: CatalogLoad, model_id: str, now: datetime) -> bool:
        if model_id not in current.catalog:
            return False
        known = current.catalog.endpoints_of(model_id)
        if known is None:
            return current.source != "snapshot" or not current.offline
        if current.source == "snapshot":
            return False  # the snapshot's figures stand until a refresh succeeds
        entry = self._entry
        return entry is None or not entry.endpoints_fresh(model_id, now, self.cache.max_age)

    def _merge_endpoints(self, fetched: dict[str, EndpointsFetch], now: datetime) -> None:
        current = self._current
        assert current is not None
        catalog = current.catalog.with_many_endpoints({k: v.endpoints for k, v in fetched.items()})
        skipped = current.skipped + sum(v.skipped for v in fetched.values())
        self._current = replace(current, catalog=catalog, skipped=skipped)
        if current.source == "snapshot" or self._entry is None:
            return  # the snapshot is never written to the cache
        entries = {k: EndpointsEntry(now, v.payload) for k, v in fetched.items()}
        self._entry = self._entry.with_endpoints(entries)
        self._save(self._entry)

    # -- plumbing ---------------------------------------------------------------------------

    async def _get_source(self) -> CatalogSource:
        if self._source is not None:
            return self._source
        async with self._source_lock:
            if self._source is None:
                assert self._factory is not None
                self._source = await self._factory()
        return self._source

    def _save(self, entry: CachedCatalog) -> None:
        # The cache only saves time: a read-only or full disk must not cost the catalog.
        with contextlib.suppress(OSError):
            self.cache.save(entry)


def cache_key_for(profile: Profile) -> str:
    """The cache key of a profile: its origin, or a fixed name for the simulated gateway."""
    return SIMULATED_CACHE_KEY if profile.is_simulated else profile.origin


def catalog_service_for(
    profile: Profile,
    http: httpx.AsyncClient,
    headers: httpx.Headers | dict[str, str] | None,
    paths: Paths,
    *,
    cache: CatalogCache | None = None,
) -> CatalogService:
    """The catalog service of `profile`, fetching through `http` (the gateway client's pool,
    ``GatewayClient.http``) with `headers` (``GatewayClient.headers()``)."""
    from playground.gateway.catalog_fetch import CatalogFetcher

    fetcher = CatalogFetcher(http, profile.base_url, profile.kind, headers)
    return CatalogService(
        cache or CatalogCache(paths.catalog_cache),
        fetcher,
        key=cache_key_for(profile),
        origin=profile.origin,
        kind=profile.kind,
        host=profile.display_host,
    )


def unreachable(host: str, reason: str) -> Unreachable:
    """An `Unreachable` error in the catalog's words, for source factories that fail."""
    return Unreachable(f"Can't reach {host}: {reason}", detail=reason)
