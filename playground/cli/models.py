"""``playground models``: the gateway's models as a table, or one model with all its providers.

::

    playground models [--search mini] [--capability vision] [--provider azure] [--sort price]
    playground models openai/gpt-4.1-mini
    playground models --json

The catalog comes from the disk cache when it is fresh (no network, no HTTP library loaded),
else from the gateway; offline, from the cache or the bundled snapshot, with one line on
stderr saying so. Without a key and without ``--gateway``/``--profile`` it lists the simulated
gateway's catalog. Unknown prices print as ``?``, never ``$0``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from decimal import Decimal, InvalidOperation

from playground.cli import EXIT_FAILED, EXIT_OK, UsageError, add_gateway_arguments
from playground.cli.common import guarded, open_services, report, start_options
from playground.core.catalog import SORT_KEYS, Catalog, SortKey
from playground.core.errors import GatewayError
from playground.core.sanitize import safe_line
from playground.services.catalog import CatalogLoad, CatalogService

PROGRESS_NOTE_AT = 40
"""Say so on stderr when this many models' providers must be fetched (a first listing of a
real gateway asks for a few hundred, six at a time)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", nargs="?", metavar="ID", help="show one model and its providers")
    parser.add_argument("--search", "-s", metavar="TEXT", default="", help="fuzzy id/name search")
    parser.add_argument(
        "--capability", "-c", metavar="TAG", help="e.g. vision, tool-use, reasoning, file-input"
    )
    parser.add_argument("--provider", metavar="SLUG", help="only models this provider serves")
    parser.add_argument("--sort", choices=SORT_KEYS, help="order (default: search rank)")
    parser.add_argument("--reverse", action="store_true", help="reverse the sort")
    parser.add_argument(
        "--type",
        default="language",
        metavar="TYPE",
        help="model type, or 'all' (default: language)",
    )
    parser.add_argument("--max-input", metavar="USD", help="max input price per million tokens")
    parser.add_argument("--max-output", metavar="USD", help="max output price per million tokens")
    parser.add_argument("--min-context", type=int, metavar="TOKENS", help="minimum context window")
    parser.add_argument("--limit", type=int, metavar="N", help="show at most N models")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--refresh", action="store_true", help="fetch from the gateway even if the cache is fresh"
    )
    add_gateway_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return guarded(lambda: asyncio.run(_main(args)))


async def _main(args: argparse.Namespace) -> int:
    from playground.cli import models_render as render

    max_input, max_output = _price(args.max_input), _price(args.max_output)
    async with catalog_service(args) as service:
        load = await service.load(refresh=args.refresh)
        if load.stale:  # a one-shot command has no "background": refresh now, or say why not
            load = await service.load(refresh=True)
        _report_source(load)
        if load.error is not None and len(load.catalog) == 0:
            return EXIT_FAILED
        if args.model:
            return await _show_model(service, load, args.model, as_json=args.json)
        catalog = load.catalog
        model_type = None if args.type == "all" else args.type
        candidates = [m.id for m in catalog.select(query=args.search, type=model_type)]
        missing = len(service.endpoints_to_fetch(candidates))
        if missing >= PROGRESS_NOTE_AT:
            host = safe_line(load.host, 80)
            print(f"Fetching the providers of {missing} models from {host}…", file=sys.stderr)
        errors = await service.fetch_endpoints(candidates)
        _report_endpoint_errors(errors)
        catalog = service.current.catalog if service.current else catalog
        models = catalog.select(
            query=args.search,
            capability=args.capability,
            provider=args.provider,
            max_input_per_m=max_input,
            max_output_per_m=max_output,
            min_context=args.min_context,
            type=model_type,
            sort=_sort_key(args.sort),
            reverse=args.reverse,
            limit=args.limit,
        )
        if args.json:
            render.print_json(render.models_json(catalog, models, load))
        else:
            render.print_models(catalog, models, show_type=model_type is None, sort=args.sort)
        return EXIT_OK


async def _show_model(
    service: CatalogService, load: CatalogLoad, model_id: str, *, as_json: bool
) -> int:
    from playground.cli import models_render as render

    catalog = load.catalog
    model = catalog.get(model_id)
    if model is None:
        _suggest(catalog, model_id)
        return EXIT_FAILED
    try:
        await service.endpoints(model_id)
    except GatewayError as exc:
        print(f"Couldn't fetch the providers of {safe_line(model_id, 80)}: {exc}", file=sys.stderr)
    catalog = service.current.catalog if service.current else catalog
    if as_json:
        render.print_json(render.model_json(catalog, model, load))
    else:
        render.print_model(catalog, model)
    return EXIT_OK


def _suggest(catalog: Catalog, model_id: str) -> None:
    import difflib

    near = [m.id for m in catalog.search(model_id, limit=5)]
    near += difflib.get_close_matches(model_id, [m.id for m in catalog], n=5, cutoff=0.6)
    near = list(dict.fromkeys(near))[:5]
    message = f"Unknown model {safe_line(model_id, 80)!r}."
    if near:
        message += " Did you mean: " + ", ".join(safe_line(i, 80) for i in near) + "?"
    print(message, file=sys.stderr)


def _report_source(load: CatalogLoad) -> None:
    """One stderr line when the catalog is not fresh from the gateway, and why."""
    reason = safe_line(load.error_reason or "", 200)
    host = safe_line(load.host, 80)
    if load.source == "snapshot":
        when = load.snapshot_date.isoformat() if load.snapshot_date else "an unknown date"
        print(
            f"Catalog offline: bundled snapshot from {when} (couldn't reach {host}: {reason})",
            file=sys.stderr,
        )
    elif load.offline and load.fetched_at is not None:
        when = load.fetched_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(
            f"Catalog offline: cached copy from {when} (couldn't reach {host}: {reason})",
            file=sys.stderr,
        )
    elif load.error is not None:
        print(f"Couldn't fetch the catalog: {load.error}", file=sys.stderr)
    if load.skipped:
        print(f"({load.skipped} malformed catalog entries skipped)", file=sys.stderr)


def _report_endpoint_errors(errors: dict[str, GatewayError]) -> None:
    if errors:
        first = next(iter(errors.values()))
        print(f"Couldn't fetch the providers of {len(errors)} model(s): {first}", file=sys.stderr)


def _price(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip().lstrip("$"))
    except InvalidOperation:
        raise UsageError(f"not a price: {text!r} (USD per million tokens, e.g. 0.5)") from None
    if not value.is_finite() or value < 0:
        raise UsageError(f"not a price: {text!r}")
    return value


def _sort_key(value: str | None) -> SortKey | None:
    for key in SORT_KEYS:
        if key == value:
            return key
    return None


# -- wiring -------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def catalog_service(args: argparse.Namespace) -> AsyncIterator[CatalogService]:
    """The catalog of the gateway the arguments name, through `Services` started lazily: while
    the disk cache is fresh nothing is connected (no HTTP library, no simulated gateway
    child). The simulated gateway, when it is the one, streams at full speed here: only its
    catalog is read."""
    from playground.services.simulated import SimulatorSettings

    options = start_options(args, simulator=SimulatorSettings(time_scale=0.0))
    services = await open_services(options, connect=False)
    async with services:
        for notice in services.notices:
            if not services.simulated:
                report(f"playground: {notice}")
        yield services.catalog
