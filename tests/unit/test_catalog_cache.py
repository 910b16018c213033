"""The catalog cache on disk (round trip, privacy, freshness with an injected clock) and the
bundled snapshot (the seed's figures, in the gateway's own wire shape)."""

from __future__ import annotations

import json
import stat
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from playground.core.catalog import IMPLICIT_CACHING
from playground.core.catalog_wire import parse_models
from playground.store.catalog_cache import (
    CACHE_FORMAT,
    CachedCatalog,
    CacheFormatError,
    CatalogCache,
    EndpointsEntry,
    load_snapshot,
)

from support import catalog_payloads as payloads

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _entry(key: str = "https://ai-gateway.vercel.sh") -> CachedCatalog:
    return CachedCatalog(
        key=key,
        origin=key,
        kind="vercel",
        fetched_at=T0,
        models_payload=payloads.vercel_models(),
        endpoints={"google/gemini-3-pro": EndpointsEntry(T0, payloads.vercel_endpoints())},
    )


def test_round_trip_keeps_payloads_and_times(tmp_path: Path) -> None:
    cache = CatalogCache(tmp_path / "catalog")
    path = cache.save(_entry())
    loaded = cache.load("https://ai-gateway.vercel.sh")
    assert loaded == _entry()
    assert path.parent == tmp_path / "catalog"
    catalog, skipped = loaded.parse()
    assert skipped == payloads.VERCEL_MODELS_SKIPPED + 2  # models, then two bad endpoints
    assert [e.provider for e in catalog.endpoints_of("google/gemini-3-pro") or ()] == [
        "google",
        "vertex",
    ]
    assert catalog.endpoints_of("alibaba/qwen-3-14b") is None


def test_files_are_private_and_atomic(tmp_path: Path) -> None:
    cache = CatalogCache(tmp_path / "cache" / "catalog")
    path = cache.save(_entry())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_one_file_per_origin(tmp_path: Path) -> None:
    cache = CatalogCache(tmp_path)
    a = cache.save(_entry("https://ai-gateway.vercel.sh"))
    b = cache.save(_entry("https://openrouter.ai"))
    c = cache.save(_entry("http://127.0.0.1:8000"))
    assert len({a, b, c}) == 3
    assert "vercel.sh" in a.name
    assert cache.load("http://127.0.0.1:8001") is None


@pytest.mark.parametrize(
    ("age", "fresh"),
    [
        (timedelta(0), True),
        (timedelta(minutes=59), True),
        (timedelta(hours=1), True),
        (timedelta(hours=1, seconds=1), False),
        (timedelta(days=3), False),
        (timedelta(minutes=-5), False),  # fetched "in the future": the clock moved, refresh
    ],
)
def test_freshness_follows_the_clock(tmp_path: Path, age: timedelta, fresh: bool) -> None:
    clock = Clock(T0 + age)
    cache = CatalogCache(tmp_path, clock=clock)
    assert cache.is_fresh(_entry()) is fresh


def test_max_age_is_configurable(tmp_path: Path) -> None:
    cache = CatalogCache(
        tmp_path, max_age=timedelta(minutes=5), clock=Clock(T0 + timedelta(minutes=6))
    )
    assert not cache.is_fresh(_entry())


def test_endpoint_freshness_is_per_model() -> None:
    entry = _entry()
    assert entry.endpoints_fresh(
        "google/gemini-3-pro", T0 + timedelta(minutes=30), timedelta(hours=1)
    )
    assert not entry.endpoints_fresh(
        "google/gemini-3-pro", T0 + timedelta(hours=2), timedelta(hours=1)
    )
    assert not entry.endpoints_fresh("alibaba/qwen-3-14b", T0, timedelta(hours=1))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"format": "something-else"}',
        json.dumps({"format": CACHE_FORMAT, "version": 99}).encode(),
        json.dumps({"format": CACHE_FORMAT, "version": 1, "kind": "vercel"}).encode(),
    ],
)
def test_an_unreadable_file_is_a_miss_not_a_crash(tmp_path: Path, content: bytes) -> None:
    cache = CatalogCache(tmp_path)
    cache.path_for("k").write_bytes(content)
    assert cache.load("k") is None
    with pytest.raises(CacheFormatError):
        CachedCatalog.from_json(content)


def test_a_file_for_another_key_is_ignored(tmp_path: Path) -> None:
    cache = CatalogCache(tmp_path)
    cache.path_for("https://a.example").write_bytes(_entry("https://b.example").to_json())
    assert cache.load("https://a.example") is None


def test_new_model_list_keeps_endpoints_and_clears_snapshot_date() -> None:
    later = T0 + timedelta(hours=2)
    entry = _entry().with_models({"data": []}, later)
    assert entry.fetched_at == later
    assert "google/gemini-3-pro" in entry.endpoints


# -- the bundled snapshot -------------------------------------------------------------------


def test_snapshot_is_dated_and_in_the_wire_shape() -> None:
    snapshot = load_snapshot()
    assert snapshot.snapshot_date == date(2026, 11, 27)
    assert snapshot.kind == "vercel"
    # the same parser that reads the network reads it
    parsed = parse_models(snapshot.models_payload, "vercel")
    assert parsed.skipped == 0
    assert len(parsed.models) >= 13


def test_snapshot_holds_the_seed_model_with_both_providers() -> None:
    catalog, skipped = load_snapshot().parse()
    assert skipped == 0
    model = catalog.get("openai/gpt-4.1-mini")
    assert model is not None
    assert model.context_window == 1_000_000
    assert model.max_output == 32_768
    assert model.released == date(2025, 5, 14)
    assert set(catalog.capabilities(model)) == {
        "file-input",
        "tool-use",
        "vision",
        IMPLICIT_CACHING,
    }
    azure, openai = catalog.endpoints_of(model.id) or ()
    assert (azure.provider, openai.provider) == ("azure", "openai")
    for endpoint in (azure, openai):
        assert endpoint.prices.input == Decimal("0.0000004")  # $0.40/M
        assert endpoint.prices.output == Decimal("0.0000016")  # $1.60/M
        assert endpoint.prices.cache_read == Decimal("0.0000001")  # $0.10/M
        assert endpoint.implicit_caching is True
    assert azure.prices.web_search == Decimal("0.014")  # $14 per 1,000 queries
    assert openai.prices.web_search == Decimal("0.01")  # $10 per 1,000 queries
    assert azure.ttft_p50_s == pytest.approx(0.7)
    assert openai.ttft_p50_s == pytest.approx(0.6)
    assert openai.throughput_p50 == pytest.approx(92.0)


def test_snapshot_keeps_the_odd_cases_the_gateway_has() -> None:
    catalog, _ = load_snapshot().parse()
    sonar = catalog.get("perplexity/sonar")
    assert sonar is not None and sonar.prices is None  # "pricing": {}
    image = [m for m in catalog if m.type == "image"]
    assert image and all(m.prices is None or m.prices.input is None for m in image)
    assert len({m.creator for m in catalog}) >= 8
