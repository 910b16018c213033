"""How ``playground models`` prints: Rich tables for people, JSON for scripts.

Every string from the gateway (ids, names, descriptions, provider names, tags) passes
`safe_line` and goes into a Rich `Text`, never into a markup string: a model named
``[bold]x`` prints as those characters. Unknown figures print as ``?`` (never ``$0``), figures
that do not apply as ``–``.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from playground.core import format as fmt
from playground.core.catalog import Catalog, Endpoint, Model, capability_label
from playground.core.pricing import THOUSAND, Prices, Tier
from playground.core.sanitize import safe_line, safe_text
from playground.services.catalog import CatalogLoad

PIPE_WIDTH = 200
"""Width when stdout is not a terminal: wide enough that a pipe or a file gets whole rows."""


def _console() -> Console:
    if sys.stdout.isatty():
        return Console(highlight=False)
    return Console(width=PIPE_WIDTH, highlight=False, no_color=True)


def _t(value: str, limit: int = 120, style: str = "") -> Text:
    """Untrusted text, made safe, as a Rich `Text` (never parsed as markup)."""
    return Text(safe_line(value, limit), style=style)


def _known(value: str) -> Text:
    return Text(value, style="dim" if value in (fmt.UNKNOWN, fmt.NONE) else "")


def _capabilities(catalog: Catalog, model: Model) -> str:
    return " ".join(safe_line(capability_label(t), 20) for t in catalog.capabilities(model))


# -- the list ---------------------------------------------------------------------------------


def print_models(
    catalog: Catalog, models: tuple[Model, ...], *, show_type: bool, sort: str | None = None
) -> None:
    """The models table: id, name, context, $/M in and out, capabilities, providers; sorted
    by a published figure, that figure too (the best among the model's providers)."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("Model", no_wrap=True)
    table.add_column("Name", no_wrap=True, max_width=32)
    if show_type:
        table.add_column("Type")
    table.add_column("Context", justify="right")
    table.add_column("In $/M", justify="right")
    table.add_column("Out $/M", justify="right")
    table.add_column("Capabilities")
    table.add_column("Providers", justify="right")
    if sort == "ttft":
        table.add_column("Best TTFT P50", justify="right")
    elif sort == "throughput":
        table.add_column("Best tok/s", justify="right")
    for model in models:
        prices = catalog.prices(model)
        count = catalog.provider_count(model)
        row: list[Text] = [_t(model.id, 80, "bold"), _t(model.display_name, 60)]
        if show_type:
            row.append(_t(model.type, 20))
        row += [
            _known(fmt.context(catalog.context(model))),
            _known(fmt.per_million(prices.input if prices else None)),
            _known(fmt.per_million(prices.output if prices else None)),
            Text(_capabilities(catalog, model)),
            _known(_provider_count(count)),
        ]
        if sort == "ttft":
            row.append(_known(_seconds(catalog.best_ttft(model))))
        elif sort == "throughput":
            best = catalog.best_throughput(model)
            row.append(_known(fmt.UNKNOWN if best is None else fmt.rate(best)))
        table.add_row(*row)
    console = _console()
    if models:
        console.print(table)
    print(f"{len(models)} model{'s' if len(models) != 1 else ''}", file=sys.stderr)


def _provider_count(count: int | None) -> str:
    """``?`` until fetched; ``–`` when the gateway lists none (a local server serves its
    models itself)."""
    if count is None:
        return fmt.UNKNOWN
    return fmt.NONE if count == 0 else str(count)


# -- one model --------------------------------------------------------------------------------


def print_model(catalog: Catalog, model: Model) -> None:
    """One model: its facts, then every provider with its prices and published figures."""
    console = _console()
    title = Text.assemble(_t(model.id, 100, "bold"), "  ", _t(model.display_name, 80))
    console.print(title)
    facts = [
        f"creator {safe_line(model.creator, 40) or fmt.UNKNOWN}",
        safe_line(model.type, 20),
        f"context {fmt.context(catalog.context(model))}",
        f"max output {fmt.tokens(model.max_output) if model.max_output else fmt.UNKNOWN}",
        f"released {model.released.isoformat() if model.released else fmt.UNKNOWN}",
    ]
    if model.deprecated:
        facts.append(f"deprecated {model.deprecated.isoformat()}")
    console.print(Text(" · ".join(facts)))
    capabilities = _capabilities(catalog, model)
    console.print(Text(f"capabilities: {capabilities or fmt.NONE}"))
    if model.input_modalities or model.output_modalities:
        inputs = ", ".join(safe_line(m, 20) for m in model.input_modalities) or fmt.UNKNOWN
        outputs = ", ".join(safe_line(m, 20) for m in model.output_modalities) or fmt.UNKNOWN
        console.print(Text(f"modalities: {inputs} → {outputs}"))
    listed = model.prices
    console.print(
        Text(
            "listed price: "
            + (
                _price_summary(listed)
                if listed is not None
                else f"{fmt.UNKNOWN} (the gateway lists none)"
            )
        )
    )
    if model.description:
        console.print(Text(safe_text(model.description)[:600], style="dim"))
    endpoints = catalog.endpoints_of(model.id)
    console.print()
    if endpoints is None:
        console.print(Text(f"providers: {fmt.UNKNOWN} (not fetched)"))
        return
    if not endpoints:
        console.print(Text("providers: none listed by the gateway"))
        return
    console.print(_endpoints_table(endpoints))
    for endpoint in endpoints:
        tiers = _tiers_text(endpoint.prices)
        if tiers:
            console.print(Text(f"{safe_line(endpoint.provider, 40)} tiers: {tiers}"))


def _endpoints_table(endpoints: tuple[Endpoint, ...]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name, justify in (
        ("Provider", "left"),
        ("In $/M", "right"),
        ("Out $/M", "right"),
        ("Cache read", "right"),
        ("Cache write", "right"),
        ("Web search/1K", "right"),
        ("TTFT P50", "right"),
        ("TTFT P95", "right"),
        ("Throughput", "right"),
        ("Uptime", "right"),
        ("Context", "right"),
        ("Max output", "right"),
        ("Implicit cache", "left"),
        ("ZDR", "left"),
        ("Status", "left"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for e in endpoints:
        p = e.prices
        provider = Text.assemble(_t(e.provider, 40, "bold"))
        if e.name:
            provider.append(" (" + safe_line(e.name, 40) + ")")
        table.add_row(
            provider,
            _known(fmt.per_million(p.input)),
            _known(fmt.per_million(p.output)),
            _known(fmt.per_million(p.cache_read)),
            _known(fmt.per_million(p.cache_write)),
            _known(fmt.usd(p.web_search * THOUSAND if p.web_search is not None else None)),
            _known(_seconds(e.ttft_p50_s)),
            _known(_seconds(e.ttft_p95_s)),
            _known(fmt.UNKNOWN if e.throughput_p50 is None else fmt.rate(e.throughput_p50)),
            _known(fmt.UNKNOWN if e.uptime_pct is None else fmt.percent(e.uptime_pct)),
            _known(fmt.context(e.context)),
            _known(fmt.tokens(e.max_output) if e.max_output else fmt.UNKNOWN),
            _known(_yes_no(e.implicit_caching)),
            _known(_yes_no(e.zdr)),
            Text("active" if e.active else f"status {e.status}"),
        )
    return table


def _seconds(value: float | None) -> str:
    return fmt.UNKNOWN if value is None else f"{value:.2f} s"


def _yes_no(value: bool | None) -> str:
    return fmt.UNKNOWN if value is None else ("yes" if value else "no")


def _price_summary(prices: Prices) -> str:
    text = f"{fmt.per_million(prices.input)}/M in · {fmt.per_million(prices.output)}/M out"
    if prices.cache_read is not None:
        text += f" · cache read {fmt.per_million(prices.cache_read)}/M"
    if prices.cache_write is not None:
        text += f" · cache write {fmt.per_million(prices.cache_write)}/M"
    tiers = _tiers_text(prices)
    return text + (f" · tiers: {tiers}" if tiers else "")


def _tiers_text(prices: Prices) -> str:
    """``≥200,001 tokens: $2.50/M in, $15.00/M out``: the tiers above the base price."""
    parts: list[str] = []
    for label, tiers in (("in", prices.input_tiers), ("out", prices.output_tiers)):
        for tier in tiers:
            if tier.min > 0:
                parts.append(f"{_tier_range(tier)}: {fmt.per_million(tier.cost)}/M {label}")
    return "; ".join(parts)


def _tier_range(tier: Tier) -> str:
    if tier.max is None:
        return f"≥{tier.min:,} tokens"
    return f"{tier.min:,}–{tier.max - 1:,} tokens"


# -- JSON -------------------------------------------------------------------------------------


def print_json(document: object) -> None:
    # ensure_ascii: untrusted text cannot put a raw control character on the terminal
    print(json.dumps(document, indent=2, ensure_ascii=True))


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _prices_json(prices: Prices | None) -> dict[str, Any] | None:
    if prices is None:
        return None
    return {
        "unit": "USD per token (web_search: per query)",
        "input": _decimal(prices.input),
        "output": _decimal(prices.output),
        "cache_read": _decimal(prices.cache_read),
        "cache_write": _decimal(prices.cache_write),
        "web_search": _decimal(prices.web_search),
        "input_tiers": [_tier_json(t) for t in prices.input_tiers],
        "output_tiers": [_tier_json(t) for t in prices.output_tiers],
    }


def _tier_json(tier: Tier) -> dict[str, Any]:
    return {"cost": _decimal(tier.cost), "min": tier.min, "max": tier.max}


def _source_json(load: CatalogLoad) -> dict[str, Any]:
    return {
        "source": load.source,
        "offline": load.offline,
        "fetched_at": load.fetched_at.isoformat() if load.fetched_at else None,
        "snapshot_date": load.snapshot_date.isoformat() if load.snapshot_date else None,
        "skipped": load.skipped,
        "error": load.error_message,
    }


def _model_json(catalog: Catalog, model: Model) -> dict[str, Any]:
    return {
        "id": model.id,
        "name": model.name,
        "creator": model.creator,
        "type": model.type,
        "context_window": catalog.context(model),
        "max_output": model.max_output,
        "capabilities": list(catalog.capabilities(model)),
        "released": model.released.isoformat() if model.released else None,
        "deprecated": model.deprecated.isoformat() if model.deprecated else None,
        "prices": _prices_json(catalog.prices(model)),
        "providers": catalog.provider_count(model),
    }


def models_json(catalog: Catalog, models: tuple[Model, ...], load: CatalogLoad) -> dict[str, Any]:
    return {**_source_json(load), "models": [_model_json(catalog, m) for m in models]}


def model_json(catalog: Catalog, model: Model, load: CatalogLoad) -> dict[str, Any]:
    endpoints = catalog.endpoints_of(model.id)
    document = _model_json(catalog, model)
    document.update(
        description=model.description,
        input_modalities=list(model.input_modalities),
        output_modalities=list(model.output_modalities),
        supported_parameters=list(model.supported_parameters),
        listed_prices=_prices_json(model.prices),
    )
    return {
        **_source_json(load),
        "model": document,
        "endpoints": None if endpoints is None else [_endpoint_json(e) for e in endpoints],
    }


def _endpoint_json(e: Endpoint) -> dict[str, Any]:
    return {
        "provider": e.provider,
        "name": e.name,
        "context": e.context,
        "max_output": e.max_output,
        "prices": _prices_json(e.prices),
        "ttft_p50_s": e.ttft_p50_s,
        "ttft_p95_s": e.ttft_p95_s,
        "throughput_p50": e.throughput_p50,
        "throughput_p95": e.throughput_p95,
        "uptime_pct": e.uptime_pct,
        "status": e.status,
        "implicit_caching": e.implicit_caching,
        "zdr": e.zdr,
        "quantization": e.quantization,
    }
