"""Benchmark: a 1,000-model catalog with 3 endpoints per model, from wire JSON bytes to `Catalog`;
and ``playground models --search mini`` from a warm cache.

    /work/venv/bin/python bench/catalog_parse.py [--runs 15] [--models 1000] [--cli-runs 9]

Part 1 (in process) times, per run, each step a real start-up does:

- ``models``: ``GET /models`` bytes → `orjson.loads` → `parse_models`;
- ``endpoints``: 1,000 ``/endpoints`` bodies → `orjson.loads` → `parse_endpoints`;
- ``catalog``: both, plus building the `Catalog` (the target: < 50 ms);
- ``cache file``: the same catalog read back from one cache file (`CachedCatalog.from_json` +
  `parse`), which is what a warm start does;
- ``search``: ranking all 1,000 models for ``mini`` (index built on first use, then reused).

Each is reported as the median and the minimum wall time over the runs, plus the median CPU
time of the process (``time.process_time``): other processes sharing the 2 cores inflate wall
time, not our CPU time, so the CPU figure is the "peer-free" one.

Part 2 times ``python -m playground models --search mini`` from a warm cache, as a subprocess
(wall, from spawn to exit): with no key (the simulated gateway's catalog, what a new user
sees), and with ``--gateway URL`` against a loopback server holding the generated catalog.
Each gets one cold run that fills the cache, then `--cli-runs` timed warm runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import orjson

from playground.core.catalog import Catalog
from playground.core.catalog_fields import clear_caches
from playground.core.catalog_wire import parse_endpoints, parse_models
from playground.store.catalog_cache import CachedCatalog, EndpointsEntry, utc_now

CREATORS = ("openai", "anthropic", "google", "meta", "mistral", "deepseek", "xai", "alibaba")
PROVIDERS = ("azure", "openai", "bedrock", "vertex", "groq", "cerebras", "deepinfra", "fireworks")
TAGS = ("file-input", "tool-use", "reasoning", "vision", "explicit-caching", "web-search")
WORDS = ("mini", "pro", "flash", "turbo", "nano", "large", "lite", "max")


def _price(cents_per_million: int) -> str:
    return f"{cents_per_million / 100_000_000:.10f}".rstrip("0")


def generate(count: int) -> tuple[bytes, dict[str, bytes]]:
    """A Vercel-shaped ``/models`` body and one ``/endpoints`` body per model, deterministic,
    with tiers on every tenth model and the odd cases sprinkled in."""
    models: list[dict[str, Any]] = []
    endpoints: dict[str, bytes] = {}
    for i in range(count):
        creator = CREATORS[i % len(CREATORS)]
        model_id = f"{creator}/model-{i}-{WORDS[i % len(WORDS)]}"
        pricing: dict[str, Any] = {
            "input": _price(10 + i % 400),
            "output": _price(40 + i % 1600),
            "input_cache_read": _price(1 + i % 40),
        }
        if i % 10 == 0:
            pricing["input_tiers"] = [
                {"cost": pricing["input"], "min": 0, "max": 200001},
                {"cost": _price(20 + i % 800), "min": 200001},
            ]
        if i % 50 == 7:
            pricing = {}  # the perplexity pitfall
        models.append(
            {
                "id": model_id,
                "object": "model",
                "created": 1755815280,
                "released": 1700000000 + i * 86400,
                "owned_by": creator,
                "name": f"Model {i} {WORDS[i % len(WORDS)].title()}",
                "description": "A generated model for the catalog benchmark. " * 3,
                "context_window": 8192 * (1 + i % 128),
                "max_tokens": 4096 * (1 + i % 16),
                "type": "language" if i % 20 else "embedding",
                "tags": [TAGS[(i + k) % len(TAGS)] for k in range(i % 4)],
                "supported_specifications": ["v2", "v3"],
                "modalities": {"input": ["text", "image"], "output": ["text"]},
                "supported_parameters": ["max_tokens", "temperature", "tools", "tool_choice"],
                "pricing": pricing,
            }
        )
        endpoints[model_id] = orjson.dumps(
            {
                "data": {
                    "id": model_id,
                    "name": f"Model {i}",
                    "architecture": {
                        "input_modalities": ["text", "image"],
                        "output_modalities": ["text"],
                    },
                    "endpoints": [
                        {
                            "name": f"{provider} | {model_id}",
                            "context_length": 8192 * (1 + i % 128),
                            "pricing": {
                                "prompt": _price(10 + (i + k) % 400),
                                "completion": _price(40 + (i + k) % 1600),
                                "input_cache_read": _price(1 + i % 40),
                                "web_search": "0.01",
                            },
                            "provider_name": provider,
                            "tag": provider,
                            "quantization": None,
                            "max_completion_tokens": 4096 * (1 + i % 16),
                            "supported_parameters": ["max_tokens", "temperature", "tools"],
                            "status": 0,
                            "uptime_last_1h": 99.5,
                            "uptime_last_1d": 99.9,
                            "latency_last_1h": {"p50": 300 + (i * 7 + k * 50) % 900, "p95": 2000},
                            "throughput_last_1h": {"p50": 40 + (i + k * 30) % 300, "p95": 400},
                            "supports_implicit_caching": k == 0,
                        }
                        for k, provider in enumerate(
                            PROVIDERS[(i + j) % len(PROVIDERS)] for j in range(3)
                        )
                    ],
                }
            }
        )
    return orjson.dumps({"object": "list", "data": models}), endpoints


def build_catalog(models_body: bytes, endpoint_bodies: dict[str, bytes]) -> Catalog:
    parsed = parse_models(orjson.loads(models_body), "vercel")
    endpoints = {
        model_id: parse_endpoints(orjson.loads(body), "vercel").endpoints
        for model_id, body in endpoint_bodies.items()
    }
    return Catalog(parsed.models, endpoints)


def reference_loop() -> int:
    """A fixed pure-Python workload (dict lookups and integer work, like the parser's), timed
    beside the benchmark: the machine is shared, so its momentary speed is part of every
    figure, and this line says what that speed was (17–25 ms here on 2026-11-28)."""
    total = 0
    table = {f"k{i}": i for i in range(1000)}
    for _ in range(300):
        for key, value in table.items():
            if table.get(key) == value:
                total += value
    return total


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(median wall ms, min wall ms, median CPU ms) of `runs` calls after one warm-up. The
    parser's memos are cleared before each call: every run is a cold start's parse."""
    fn()
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        clear_caches()
        gc.collect()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        fn()
        walls.append((time.perf_counter() - wall0) * 1000)
        cpus.append((time.process_time() - cpu0) * 1000)
    return statistics.median(walls), min(walls), statistics.median(cpus)


# -- part 2: the CLI from a warm cache ---------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: ClassVar[dict[str, bytes]] = {}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = self.routes.get(self.path)
        status = 200 if body is not None else 404
        body = body if body is not None else b'{"error":{"message":"not found"}}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _timed_runs(command: list[str], env: dict[str, str], runs: int) -> list[float]:
    """One cold run (fills the cache), then `runs` timed warm ones (spawn to exit, seconds)."""

    def once() -> float:
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, env=env, check=False)
        if result.returncode != 0:
            raise SystemExit(result.stderr.decode())
        return time.perf_counter() - start

    once()
    return [once() for _ in range(runs)]


def cli_warm(models_body: bytes, endpoint_bodies: dict[str, bytes], runs: int) -> list[float]:
    """``playground models --gateway URL --search mini`` against the generated catalog."""
    _Handler.routes = {"/v1/models": models_body} | {
        f"/v1/models/{k}/endpoints": v for k, v in endpoint_bodies.items()
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "PLAYGROUND_HOME": home}
            command = [sys.executable, "-m", "playground", "models", "--gateway", url]
            return _timed_runs([*command, "--search", "mini"], env, runs)
    finally:
        server.shutdown()


def cli_warm_simulated(runs: int) -> list[float]:
    """``playground models --search mini`` with no key: the simulated gateway's catalog (its
    child process starts only for the cold run)."""
    keys = ("AI_GATEWAY_API_KEY", "VERCEL_OIDC_TOKEN", "OPENROUTER_API_KEY")
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k not in keys}
        env["PLAYGROUND_HOME"] = home
        command = [sys.executable, "-m", "playground", "models", "--search", "mini"]
        return _timed_runs(command, env, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cli-runs", type=int, default=9)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    models_body, endpoint_bodies = generate(args.models)
    size = len(models_body) + sum(map(len, endpoint_bodies.values()))
    now = utc_now()
    cache_file = CachedCatalog(
        key="bench",
        origin="bench",
        kind="vercel",
        fetched_at=now,
        models_payload=orjson.loads(models_body),
        endpoints={k: EndpointsEntry(now, orjson.loads(v)) for k, v in endpoint_bodies.items()},
    ).to_json()
    catalog = build_catalog(models_body, endpoint_bodies)
    assert len(catalog) == args.models
    assert all(len(catalog.endpoints_of(m.id) or ()) == 3 for m in catalog)

    def search() -> object:
        return catalog.search("mini")

    steps: dict[str, Callable[[], object]] = {
        "models": lambda: parse_models(orjson.loads(models_body), "vercel"),
        "endpoints": lambda: [
            parse_endpoints(orjson.loads(b), "vercel") for b in endpoint_bodies.values()
        ],
        "catalog (target < 50 ms)": lambda: build_catalog(models_body, endpoint_bodies),
        "cache file → catalog": lambda: CachedCatalog.from_json(cache_file).parse(),
        "search 'mini'": search,
        "reference loop (machine speed)": reference_loop,
    }
    print(
        f"{args.models:,} models × 3 endpoints: {size / 1e6:.2f} MB of wire JSON; "
        f"cache file {len(cache_file) / 1e6:.2f} MB; {args.runs} runs each; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'step':<28}{'median ms':>11}{'min ms':>9}{'CPU ms':>9}")
    results: dict[str, Any] = {"models": args.models, "wire_bytes": size, "steps": {}}
    for name, fn in steps.items():
        median, best, cpu = timed(fn, args.runs)
        results["steps"][name] = {"median_ms": median, "min_ms": best, "cpu_ms": cpu}
        print(f"{name:<28}{median:>11.1f}{best:>9.1f}{cpu:>9.1f}")

    if args.cli_runs:
        scenarios: list[tuple[str, Callable[[], list[float]]]] = [
            ("simulated gateway", lambda: cli_warm_simulated(args.cli_runs)),
            (
                f"{args.models:,} generated models",
                lambda: cli_warm(models_body, endpoint_bodies, args.cli_runs),
            ),
        ]
        for label, measure in scenarios:
            times = measure()
            results[f"cli_warm_s ({label})"] = times
            print(
                f"playground models --search mini, warm cache, {label}: "
                f"median {statistics.median(times):.3f} s, min {min(times):.3f} s, "
                f"max {max(times):.3f} s over {len(times)} runs (target < 0.5 s)"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
