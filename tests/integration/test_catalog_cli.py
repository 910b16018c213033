"""``playground models`` end to end: a real subprocess against a loopback gateway, the warm
cache, the offline path (the bundled snapshot and its stderr line), unknown prices as ``?``,
and untrusted names printed literally."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from playground.cli import main
from playground.core.profile import profile_for_url
from playground.store.catalog_cache import CatalogCache, load_snapshot
from playground.store.paths import Paths

from support import catalog_payloads as payloads
from support.catalog_server import (
    CatalogServerState,
    RunningCatalogServer,
    catalog_server,
    closed_port_url,
)

SNAPSHOT_LINE = "Catalog offline: bundled snapshot from 2026-11-27 (couldn't reach"


def _snapshot_state() -> CatalogServerState:
    """A gateway serving the bundled snapshot's payloads, plus a model with no prices and one
    whose name tries to inject markup and terminal escapes."""
    snapshot = load_snapshot()
    models: Any = json.loads(json.dumps(snapshot.models_payload))
    models["data"].append(
        {
            "id": "evil/[bold]x[/bold]",
            "name": "[link=https://x]click[/link] \x1b]52;c;SGk=\x07 evil",
            "type": "language",
            "pricing": {},
        }
    )
    return CatalogServerState(
        models=models,
        endpoints={k: v.payload for k, v in snapshot.endpoints.items()},
    )


@pytest.fixture
def gateway() -> Iterator[RunningCatalogServer]:
    with catalog_server(_snapshot_state()) as server:
        yield server


def playground(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "playground", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def _rows(stdout: str) -> dict[str, list[str]]:
    rows = {}
    for line in stdout.splitlines()[1:]:
        cells = line.split()
        if cells:
            rows[cells[0]] = cells
    return rows


def test_search_mini_prints_the_table(gateway: RunningCatalogServer) -> None:
    result = playground("models", "--gateway", gateway.url, "--search", "mini")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["Model", "Name", "Context"]
    assert lines[1].split()[0] == "openai/gpt-4.1-mini"
    mini = _rows(result.stdout)["openai/gpt-4.1-mini"]
    # id, name (2 words), context, in, out, capabilities…, providers
    assert mini[3:6] == ["1M", "$0.40", "$1.60"]
    assert mini[6:10] == ["files", "tools", "vision", "autocache"]
    assert mini[-1] == "2"
    assert "models" in result.stderr  # the count goes to stderr, the table to stdout


def test_unknown_prices_print_as_question_marks_never_zero(gateway: RunningCatalogServer) -> None:
    result = playground("models", "--gateway", gateway.url, "--search", "sonar")
    assert result.returncode == 0, result.stderr
    sonar = _rows(result.stdout)["perplexity/sonar"]
    assert sonar[2:5] == ["127K", "?", "?"]
    assert "$0" not in result.stdout


def test_one_model_shows_every_provider_with_the_seed_figures(
    gateway: RunningCatalogServer,
) -> None:
    result = playground("models", "--gateway", gateway.url, "openai/gpt-4.1-mini")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "released 2025-05-14" in out
    assert "capabilities: files tools vision autocache" in out
    rows = _rows(out.split("Provider", 1)[1])
    azure, openai = rows["azure"], rows["openai"]
    # provider, in, out, cache read, cache write, web search/1K, TTFT P50 (2), P95,
    # throughput, uptime, context, max output, implicit cache, ZDR, status
    assert azure[1:7] == ["$0.40", "$1.60", "$0.10", "?", "$14.00", "0.70"]
    assert openai[1:7] == ["$0.40", "$1.60", "$0.10", "?", "$10.00", "0.60"]
    assert openai[9:11] == ["92.0", "tok/s"]
    assert azure[-5:] == ["1M", "32,768", "yes", "?", "active"]
    assert azure[8:11] == ["?", "?", "?"]  # P95, throughput, uptime: not published


def test_json_output(gateway: RunningCatalogServer) -> None:
    result = playground("models", "--gateway", gateway.url, "--search", "mini", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["source"] == "network" and document["offline"] is False
    first = document["models"][0]
    assert first["id"] == "openai/gpt-4.1-mini"
    assert Decimal(first["prices"]["input"]) == Decimal("0.0000004")  # a string: exact
    assert first["providers"] == 2
    result = playground("models", "--gateway", gateway.url, "--search", "evil", "--json")
    (evil,) = json.loads(result.stdout)["models"]
    assert evil["prices"] is None  # unknown, not zero
    assert evil["name"].startswith("[link=https://x]click[/link] \x1b]52")  # raw, JSON-escaped


def test_filters_and_sorts(gateway: RunningCatalogServer) -> None:
    result = playground(
        "models", "--gateway", gateway.url, "--provider", "azure", "--sort", "price", "--json"
    )
    ids = [m["id"] for m in json.loads(result.stdout)["models"]]
    assert ids[0] == "openai/gpt-4o-mini"
    assert set(ids) == {
        "openai/gpt-4o-mini",
        "openai/gpt-5-mini",
        "openai/gpt-4.1-mini",
        "openai/gpt-5",
        "openai/gpt-4.1",
    }
    result = playground(
        "models", "--gateway", gateway.url, "--capability", "vision", "--max-input", "0.3",
        "--json",
    )  # fmt: skip
    ids = [m["id"] for m in json.loads(result.stdout)["models"]]
    assert ids == ["openai/gpt-4o-mini", "openai/gpt-5-mini", "google/gemini-2.5-flash"]


def test_a_warm_cache_answers_without_the_network(gateway: RunningCatalogServer) -> None:
    first = playground("models", "--gateway", gateway.url, "--search", "mini")
    asked = len(gateway.state.requests)
    second = playground("models", "--gateway", gateway.url, "--search", "mini")
    assert second.returncode == 0
    assert len(gateway.state.requests) == asked  # nothing fetched the second time
    assert second.stdout == first.stdout


def test_untrusted_names_print_literally(gateway: RunningCatalogServer) -> None:
    result = playground("models", "--gateway", gateway.url, "--search", "evil")
    assert result.returncode == 0, result.stderr
    assert "evil/[bold]x[/bold]" in result.stdout
    assert "[link=https://x]click[/link]" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "␛" in result.stdout


def test_unknown_model_suggests_near_ones(gateway: RunningCatalogServer) -> None:
    result = playground("models", "--gateway", gateway.url, "openai/gpt-4.1-mimi")
    assert result.returncode == 1
    assert "Unknown model 'openai/gpt-4.1-mimi'" in result.stderr
    assert "openai/gpt-4.1-mini" in result.stderr


def test_bad_price_is_a_usage_error(gateway: RunningCatalogServer) -> None:
    result = playground("models", "--gateway", gateway.url, "--max-input", "cheap")
    assert result.returncode == 2
    assert "not a price" in result.stderr


def test_offline_without_cache_uses_the_snapshot_and_says_so() -> None:
    # Any connection goes to a proxy on a closed loopback port: the subprocess cannot leave
    # this machine, and the gateway is unreachable.
    proxy = closed_port_url("")
    env = {"HTTPS_PROXY": proxy, "HTTP_PROXY": proxy, "ALL_PROXY": proxy, "NO_PROXY": ""}
    result = playground("models", "--profile", "vercel", "--search", "mini", env=env)
    assert result.returncode == 0, result.stderr
    assert (
        "Catalog offline: bundled snapshot from 2026-11-27 "
        "(couldn't reach ai-gateway.vercel.sh: connection refused)"
    ) in result.stderr
    assert result.stdout.splitlines()[1].split()[0] == "openai/gpt-4.1-mini"
    detail = playground("models", "--profile", "vercel", "openai/gpt-4.1-mini", env=env)
    assert "$14.00" in detail.stdout and "$10.00" in detail.stdout


def test_offline_in_process_the_network_guard_refuses_dns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["models", "--profile", "vercel", "--search", "gpt-4.1-mini"]) == 0
    captured = capsys.readouterr()
    assert SNAPSHOT_LINE in captured.err
    assert "ai-gateway.vercel.sh: the name could not be resolved" in captured.err
    assert "openai/gpt-4.1-mini" in captured.out


def test_a_plain_server_that_is_down_fails_clearly() -> None:
    result = playground("models", "--gateway", closed_port_url())
    assert result.returncode == 1
    assert "Couldn't fetch the catalog: Can't reach 127.0.0.1:" in result.stderr
    assert "connection refused" in result.stderr


def test_local_servers_show_unknown_prices() -> None:
    with catalog_server(CatalogServerState(models=payloads.vllm_models())) as server:
        result = playground("models", "--gateway", server.url)
    assert result.returncode == 0, result.stderr
    row = _rows(result.stdout)["meta-llama/Llama-3.1-8B-Instruct"]
    assert row[-3:] == ["?", "?", "–"]  # no prices: unknown; no endpoints: none listed


def test_the_key_is_sent_only_in_the_authorization_header(
    gateway: RunningCatalogServer, tmp_path: Path
) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("sk-test-0123456789abcdef\n")
    result = playground(
        "models", "--gateway", gateway.url, "--api-key-file", str(key_file), "--search", "mini"
    )
    assert result.returncode == 0, result.stderr
    assert set(gateway.state.authorization) == {"Bearer sk-test-0123456789abcdef"}
    assert "sk-test" not in result.stdout + result.stderr


def test_no_key_and_no_gateway_lists_the_simulated_gateway() -> None:
    result = playground("models", "--search", "mini")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split()[0] == "openai/gpt-4.1-mini"
    detail = playground("models", "openai/gpt-4.1-mini")
    rows = _rows(detail.stdout.split("Provider", 1)[1])
    assert set(rows) >= {"azure", "openai"}
    assert rows["azure"][5] == "$14.00" and rows["openai"][5] == "$10.00"
    assert rows["azure"][6] == "0.70" and rows["openai"][6] == "0.60"
    assert "92.0" in rows["openai"]


def test_offline_with_a_stale_cache_keeps_it_and_says_when_it_is_from() -> None:
    with catalog_server(_snapshot_state()) as server:
        url = server.url
        assert playground("models", "--gateway", url, "--search", "mini").returncode == 0
    # two hours later, and the gateway is gone
    cache = CatalogCache(Paths.default().catalog_cache)
    key = profile_for_url(url).origin
    entry = cache.load(key)
    assert entry is not None
    cache.save(replace(entry, fetched_at=entry.fetched_at - timedelta(hours=2)))
    result = playground("models", "--gateway", url, "--search", "mini")
    assert result.returncode == 0, result.stderr
    assert "Catalog offline: cached copy from " in result.stderr
    assert "connection refused)" in result.stderr
    assert result.stdout.splitlines()[1].split()[0] == "openai/gpt-4.1-mini"


def test_sorting_by_a_published_figure_shows_it(gateway: RunningCatalogServer) -> None:
    result = playground("models", "--gateway", gateway.url, "--sort", "ttft", "--search", "4.1")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split()[-3:] == ["Best", "TTFT", "P50"]
    # the seed model's providers publish 0.7 s (azure) and 0.6 s (openai): the best is shown,
    # and it sorts before the models whose figures are unknown
    assert lines[0].split()[0] == "openai/gpt-4.1-mini"
    assert lines[0].split()[-2:] == ["0.60", "s"]
    assert all(line.split()[-1] == "?" for line in lines[1:])


def test_a_long_first_listing_says_it_is_fetching_providers() -> None:
    models = {"data": [{"id": f"c/m{i}", "context_window": 1000, "pricing": {}} for i in range(45)]}
    with catalog_server(CatalogServerState(models=models)) as server:
        first = playground("models", "--gateway", server.url)
        second = playground("models", "--gateway", server.url)
    assert "Fetching the providers of 45 models from 127.0.0.1:" in first.stderr
    assert "Fetching" not in second.stderr  # all known now (none listed: 404s)
    assert len(server.state.requests) == 1 + 45
