"""A large, deterministic catalog for the picker and browser tests: many creators, families
and sizes, a third of the models with endpoints, some prices unknown."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from playground.core.catalog import Catalog, Endpoint, Model
from playground.core.pricing import Prices

CREATORS = ("openai", "anthropic", "google", "meta", "mistral", "deepseek", "xai", "alibaba")
FAMILIES = ("gpt", "claude", "gemini", "llama", "mistral", "deepseek", "grok", "qwen", "phi")
SIZES = ("mini", "nano", "pro", "flash", "large", "small", "turbo", "instruct", "70b", "8b")
PROVIDERS = ("azure", "openai", "bedrock", "vertex", "groq", "cerebras", "deepinfra")
TAGS = ("vision", "file-input", "tool-use", "reasoning", "web-search", "explicit-caching")


def synthetic_models(count: int = 1000, *, seed: int = 7) -> list[Model]:
    rng = random.Random(seed)
    models: list[Model] = []
    seen: set[str] = set()
    while len(models) < count:
        creator = rng.choice(CREATORS)
        family = rng.choice(FAMILIES)
        version = f"{rng.randint(1, 5)}.{rng.randint(0, 9)}"
        size = rng.choice(SIZES)
        model_id = f"{creator}/{family}-{version}-{size}-{len(models)}"
        if model_id in seen:
            continue
        seen.add(model_id)
        priced = rng.random() > 0.05
        prices = (
            Prices(
                input=Decimal(rng.randint(5, 3000)) / Decimal(10**9),
                output=Decimal(rng.randint(20, 12000)) / Decimal(10**9),
            )
            if priced
            else None
        )
        models.append(
            Model(
                id=model_id,
                name=f"{family.title()} {version} {size}",
                creator=creator,
                type="language" if rng.random() > 0.08 else "embedding",
                context_window=rng.choice((8192, 32768, 128_000, 200_000, 1_000_000, None)),
                tags=tuple(t for t in TAGS if rng.random() > 0.55),
                released=date(2024, 1, 1) + timedelta(days=rng.randint(0, 700)),
                prices=prices,
            )
        )
    return models


def synthetic_catalog(count: int = 1000, *, seed: int = 7) -> Catalog:
    """`count` models; every third has two or three endpoints with published figures."""
    rng = random.Random(seed + 1)
    models = synthetic_models(count, seed=seed)
    endpoints: dict[str, tuple[Endpoint, ...]] = {}
    for model in models[::3]:
        providers = rng.sample(PROVIDERS, rng.randint(2, 3))
        endpoints[model.id] = tuple(
            Endpoint(
                provider=provider,
                prices=model.prices or Prices(),
                ttft_p50_s=round(rng.uniform(0.2, 2.5), 2),
                throughput_p50=round(rng.uniform(20, 400), 1),
                uptime_pct=round(rng.uniform(97, 100), 2),
                status=0 if rng.random() > 0.1 else 1,
            )
            for provider in providers
        )
    return Catalog(models, endpoints)
