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
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from playground.cli import EXIT_FAILED, EXIT_OK, UsageError, add_gateway_arguments
from playground.core.catalog import SORT_KEYS, Catalog, SortKey
from playground.core.errors import GatewayError
from playground.core.profile import Profile, profile_for_url
from playground.core.sanitize import safe_line
from playground.core.secret import Secret
from playground.services.catalog import (
    SIMULATED_CACHE_KEY,
    CatalogLoad,
    CatalogService,
    CatalogSource,
    cache_key_for,
    unreachable,
)
from playground.store.catalog_cache import CatalogCache
from playground.store.paths import Paths

if TYPE_CHECKING:
    from playground.store.key_source import KeyArgs

PROGRESS_NOTE_AT = 40
"""Say so on stderr when this many models' providers must be fetched (a first listing of a
real gateway asks for a few hundred, six at a time)."""

FETCH_TIMEOUT_S = 15.0
"""Per request; the catalog is not worth a longer wait (the cache or the snapshot is there)."""


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
    return asyncio.run(_main(args))


async def _main(args: argparse.Namespace) -> int:
    from playground.cli import models_render as render

    max_input, max_output = _price(args.max_input), _price(args.max_output)
    async with catalog_service_without_services(args) as service:
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


# -- wiring: to be replaced by the lead's `Services` -------------------------------------------


@contextlib.asynccontextmanager
async def catalog_service_without_services(
    args: argparse.Namespace,
) -> AsyncIterator[CatalogService]:
    """The catalog service for the command line, wired by hand until `Services` exists.

    Resolves the profile (``--simulated``; ``--gateway URL``; ``--profile NAME`` from the
    config; else the config's default profile when a key is found for it; else the simulated
    gateway) and its key (`store.key_source.aresolve_key`: ``--api-key-file``,
    ``--api-key-stdin``, the profile's environment variables, the keyring with a deadline).
    The HTTP client, and the simulated gateway's child process, are only started when the
    cache cannot answer.
    """
    paths = Paths.default()
    profile, get_key = await _resolve(args, paths)
    cache = CatalogCache(paths.catalog_cache)
    async with contextlib.AsyncExitStack() as stack:
        if profile is None:
            service = CatalogService(
                cache,
                source_factory=lambda: _simulated_source(stack),
                key=SIMULATED_CACHE_KEY,
                origin=SIMULATED_CACHE_KEY,
                kind="vercel",
                host="the simulated gateway",
            )
        else:
            chosen = profile
            service = CatalogService(
                cache,
                source_factory=lambda: _gateway_source(stack, chosen, get_key),
                key=cache_key_for(chosen),
                origin=chosen.origin,
                kind=chosen.kind,
                host=chosen.display_host,
            )
        stack.push_async_callback(service.aclose)
        yield service


KeyGetter = Callable[[], Awaitable["Secret | None"]]


async def _resolve(args: argparse.Namespace, paths: Paths) -> tuple[Profile | None, KeyGetter]:
    """The profile (None: the simulated gateway) and how to get its key.

    For a profile named on the command line the key is only looked up when the gateway is
    actually asked (the keyring costs ~0.2 s to load, and a fresh cache needs no key). For the
    default profile it is looked up at once: whether there is a key decides between the real
    gateway and the simulated one.
    """
    from playground.store.config import ConfigStore

    if getattr(args, "simulated", False):
        return None, _no_key
    loaded = ConfigStore(paths).load()
    for message in loaded.messages:
        print(f"playground: {message}", file=sys.stderr)
    config = loaded.config
    if args.gateway:
        profile: Profile | None = profile_for_url(args.gateway)
    elif args.profile:
        profile = config.all_profiles.get(args.profile)
        if profile is None:
            known = ", ".join(sorted(config.all_profiles))
            raise UsageError(f"no profile named {safe_line(args.profile, 60)!r} (known: {known})")
    else:
        profile = config.profile()
    if profile is None or profile.is_simulated:
        return None, _no_key
    chosen = profile
    found: list[Secret | None] = []

    async def get_key() -> Secret | None:
        if not found:
            found.append(await _lookup_key(args, paths, chosen))
        return found[0]

    if not args.gateway and not args.profile and await get_key() is None:
        return None, _no_key  # no key, no gateway asked for: the simulated gateway
    return chosen, get_key


async def _no_key() -> Secret | None:
    return None


async def _lookup_key(args: argparse.Namespace, paths: Paths, profile: Profile) -> Secret | None:
    from playground.store.key_source import KeySourceError, aresolve_key
    from playground.store.keys import AsyncKeyStore, FileKeyStore, KeyringKeyStore

    try:
        found = await aresolve_key(
            profile,
            args=_key_args(args),
            store=AsyncKeyStore(KeyringKeyStore()),
            file_store=FileKeyStore(paths.insecure_keys_file),
            stdin=sys.stdin,
        )
    except KeySourceError as exc:
        raise UsageError(str(exc)) from None
    for warning in found.warnings:
        print(f"playground: {warning}", file=sys.stderr)
    return found.secret


def _key_args(args: argparse.Namespace) -> KeyArgs:
    from playground.store.key_source import KeyArgs

    path = Path(os.path.expanduser(args.api_key_file)) if args.api_key_file else None
    return KeyArgs(key_file=path, stdin=bool(args.api_key_stdin))


async def _gateway_source(
    stack: contextlib.AsyncExitStack, profile: Profile, get_key: KeyGetter
) -> CatalogSource:
    import httpx

    from playground.gateway.catalog_fetch import CatalogFetcher

    key = await get_key()
    headers = httpx.Headers()
    if key and (profile.base_url.startswith("https://") or profile.is_loopback):
        headers["Authorization"] = f"Bearer {key.reveal()}"  # the key leaves only here
    elif key:
        print(
            f"Not sending the key to {safe_line(profile.display_host, 80)} over plain http.",
            file=sys.stderr,
        )
    http = await stack.enter_async_context(
        httpx.AsyncClient(timeout=httpx.Timeout(FETCH_TIMEOUT_S), follow_redirects=False)
    )
    return CatalogFetcher(http, profile.base_url, profile.kind, headers)


async def _simulated_source(stack: contextlib.AsyncExitStack) -> CatalogSource:
    import httpx

    from playground.gateway.catalog_fetch import CatalogFetcher
    from playground.services.simulated import (
        SimulatedGatewayProcess,
        SimulatorError,
        SimulatorSettings,
    )

    try:
        gateway = await SimulatedGatewayProcess.start(SimulatorSettings(time_scale=0.0))
    except SimulatorError as exc:
        raise unreachable("the simulated gateway", str(exc)) from exc
    stack.push_async_callback(gateway.aclose)
    http = await stack.enter_async_context(
        httpx.AsyncClient(timeout=httpx.Timeout(FETCH_TIMEOUT_S), follow_redirects=False)
    )
    return CatalogFetcher(http, gateway.url, "vercel")
