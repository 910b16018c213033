"""The catalog on disk: one JSON file per gateway, and the snapshot bundled with the package.

A cache file holds the gateway's own payloads (``GET /models`` and each model's endpoints as
they came over the wire), with when each was fetched and from which origin. Keeping the wire
shape means one parser (`core.catalog_wire`) reads the network, the cache and the bundled
snapshot alike, and a parser fix applies to what was cached before it.

```json
{"format": "gateway-playground-catalog", "version": 1,
 "key": "https://ai-gateway.vercel.sh", "origin": "https://ai-gateway.vercel.sh",
 "kind": "vercel", "fetched_at": "2026-11-27T09:00:00+00:00", "snapshot_date": null,
 "models": {"object": "list", "data": [...]},
 "endpoints": {"openai/gpt-4.1-mini": {"fetched_at": "…", "payload": {"data": {...}}}}}
```

Files live under `Paths.catalog_cache`, are written atomically and are 0600. The cache is
disposable: a file that cannot be read is treated as missing (and replaced by the next save).
Nothing here touches the disk at import.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, cast

import orjson

from playground.core.catalog import Catalog, Endpoint
from playground.core.catalog_wire import CatalogShapeError, parse_endpoints, parse_models
from playground.core.profile import PROFILE_KINDS, ProfileKind
from playground.store.atomic import atomic_write_bytes

CACHE_FORMAT = "gateway-playground-catalog"
CACHE_VERSION = 1
DEFAULT_MAX_AGE = timedelta(hours=1)
"""How long a fetched catalog counts as fresh (chatjs uses 1 h; the AI SDK 5 min)."""

SNAPSHOT_PACKAGE = "playground.data"
SNAPSHOT_FILE = "catalog_snapshot.json"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class CacheFormatError(ValueError):
    """A cache (or snapshot) file that is not a catalog cache."""


@dataclass(frozen=True, slots=True)
class EndpointsEntry:
    """One model's endpoints payload and when it was fetched."""

    fetched_at: datetime
    payload: object


@dataclass(frozen=True, slots=True)
class CachedCatalog:
    """A gateway's catalog as cached: raw payloads plus their fetch times."""

    key: str
    """What the file is named after: the gateway's origin (``simulated`` for the built-in
    gateway, whose port changes every start)."""
    origin: str
    kind: ProfileKind
    fetched_at: datetime
    """When the model list was fetched (UTC)."""
    models_payload: object
    endpoints: Mapping[str, EndpointsEntry] = field(default_factory=dict)
    snapshot_date: date | None = None
    """Set on the bundled snapshot only: the day its figures were taken."""

    def age(self, now: datetime) -> timedelta:
        return now - self.fetched_at

    def is_fresh(self, now: datetime, max_age: timedelta = DEFAULT_MAX_AGE) -> bool:
        return timedelta(0) <= self.age(now) <= max_age

    def with_models(self, payload: object, fetched_at: datetime) -> CachedCatalog:
        """A new model list; endpoints payloads of models still listed are kept."""
        return replace(self, models_payload=payload, fetched_at=fetched_at, snapshot_date=None)

    def with_endpoints(self, entries: Mapping[str, EndpointsEntry]) -> CachedCatalog:
        return replace(self, endpoints={**self.endpoints, **entries})

    def endpoints_fresh(self, model_id: str, now: datetime, max_age: timedelta) -> bool:
        entry = self.endpoints.get(model_id)
        return entry is not None and timedelta(0) <= now - entry.fetched_at <= max_age

    def parse(self) -> tuple[Catalog, int]:
        """The catalog these payloads describe, and how many entries were skipped.

        Raises:
            CatalogShapeError: the model payload is not a model list.
        """
        parsed = parse_models(self.models_payload, self.kind)
        endpoints, skipped = self.parse_endpoints()
        return Catalog(parsed.models, endpoints), parsed.skipped + skipped

    def parse_endpoints(self) -> tuple[dict[str, tuple[Endpoint, ...]], int]:
        """The cached endpoints by model id, and how many entries were skipped (an unreadable
        payload counts as one and leaves that model's endpoints unknown)."""
        endpoints: dict[str, tuple[Endpoint, ...]] = {}
        skipped = 0
        for model_id, entry in self.endpoints.items():
            if entry.payload is None:  # a dialect without an endpoints route: known none
                endpoints[model_id] = ()
                continue
            try:
                found = parse_endpoints(entry.payload, self.kind)
            except CatalogShapeError:
                skipped += 1
                continue
            endpoints[model_id] = found.endpoints
            skipped += found.skipped
        return endpoints, skipped

    # -- JSON -------------------------------------------------------------------------------

    def to_json(self) -> bytes:
        document = {
            "format": CACHE_FORMAT,
            "version": CACHE_VERSION,
            "key": self.key,
            "origin": self.origin,
            "kind": self.kind,
            "fetched_at": self.fetched_at.isoformat(),
            "snapshot_date": self.snapshot_date.isoformat() if self.snapshot_date else None,
            "models": self.models_payload,
            "endpoints": {
                model_id: {"fetched_at": entry.fetched_at.isoformat(), "payload": entry.payload}
                for model_id, entry in self.endpoints.items()
            },
        }
        return orjson.dumps(document)

    @classmethod
    def from_json(cls, data: bytes) -> CachedCatalog:
        """Raises:
        CacheFormatError: not JSON, or not a catalog cache of a version this app reads.
        """
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise CacheFormatError(f"not JSON: {exc}") from exc
        if not isinstance(document, dict) or document.get("format") != CACHE_FORMAT:
            raise CacheFormatError("not a catalog cache")
        if document.get("version") != CACHE_VERSION:
            raise CacheFormatError(f"catalog cache version {document.get('version')!r}")
        kind = document.get("kind")
        key, origin = document.get("key"), document.get("origin")
        if kind not in PROFILE_KINDS or not isinstance(key, str) or not isinstance(origin, str):
            raise CacheFormatError("catalog cache without kind, key or origin")
        endpoints: dict[str, EndpointsEntry] = {}
        raw_endpoints = document.get("endpoints")
        for model_id, entry in (raw_endpoints if isinstance(raw_endpoints, dict) else {}).items():
            if isinstance(entry, dict) and (when := _datetime(entry.get("fetched_at"))):
                endpoints[model_id] = EndpointsEntry(when, entry.get("payload"))
        fetched_at = _datetime(document.get("fetched_at"))
        if fetched_at is None:
            raise CacheFormatError("catalog cache without a fetch time")
        snapshot = document.get("snapshot_date")
        return cls(
            key=key,
            origin=origin,
            kind=cast(ProfileKind, kind),
            fetched_at=fetched_at,
            models_payload=document.get("models"),
            endpoints=endpoints,
            snapshot_date=_date(snapshot),
        )


class CatalogCache:
    """The catalog cache folder: load and save one `CachedCatalog` per key.

    Args:
        folder: Where the files go (`Paths.catalog_cache`); created, 0700, on first save.
        max_age: How long a fetch counts as fresh.
        clock: The current UTC time (injected in tests).
    """

    def __init__(
        self, folder: Path, *, max_age: timedelta = DEFAULT_MAX_AGE, clock: Clock = utc_now
    ) -> None:
        self.folder = folder
        self.max_age = max_age
        self.clock = clock

    def path_for(self, key: str) -> Path:
        """``https_ai-gateway.vercel.sh-1a2b3c4d5e.json``: readable, and unique per key."""
        readable = re.sub(r"[^A-Za-z0-9.-]+", "_", key).strip("_")[:80] or "gateway"
        digest = hashlib.sha256(key.encode()).hexdigest()[:10]
        return self.folder / f"{readable}-{digest}.json"

    def load(self, key: str) -> CachedCatalog | None:
        """The cached catalog for `key`; None when there is none or it cannot be read."""
        try:
            data = self.path_for(key).read_bytes()
        except OSError:
            return None
        try:
            entry = CachedCatalog.from_json(data)
        except CacheFormatError:
            return None  # disposable: the next save replaces it
        return entry if entry.key == key else None

    def save(self, entry: CachedCatalog) -> Path:
        """Write `entry` atomically (0600).

        Raises:
            OSError: the folder cannot be written (the in-memory catalog is unaffected).
        """
        return atomic_write_bytes(self.path_for(entry.key), entry.to_json())

    def is_fresh(self, entry: CachedCatalog) -> bool:
        return entry.is_fresh(self.clock(), self.max_age)


def load_snapshot() -> CachedCatalog:
    """The catalog bundled with the package, for a first start without network.

    Raises:
        CacheFormatError: the packaged file is damaged (a broken install).
    """
    data = resources.files(SNAPSHOT_PACKAGE).joinpath(SNAPSHOT_FILE).read_bytes()
    return CachedCatalog.from_json(data)


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
