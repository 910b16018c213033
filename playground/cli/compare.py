"""``playground run --compare A,B`` / ``--models A,B`` / ``--repeat N``: the compare screen
without the screen.

::

    playground run --compare azure,openai "Why is the sky blue?"
    playground run --models openai/gpt-4.1-mini,anthropic/claude-haiku-4.5 "…"
    playground run --compare azure,openai --repeat 10 --warmup --json out.json "…"
    playground run --repeat 10 --provider openai "…"      # one lane, ten runs

Lanes stream at the same time (a repeat runs them one at a time, interleaved A B A B …).
stderr gets one line per run as it ends, then the comparison table (the repeat statistics and
their P50s with ``--repeat``); stdout gets each lane's answer under a ``## A · model ›
provider`` header, or ``--out DIR`` writes them to ``DIR/A.md`` and ``DIR/B.md``. ``--json``
writes every run (warm-ups too) with its figures, encoded as for a single run, plus the
statistics. Exit status 0 when every run ended ``ok``, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playground.cli import EXIT_FAILED, EXIT_OK, UsageError
from playground.cli.common import CommandFailed, open_services, report, start_options
from playground.core.catalog import Endpoint
from playground.core.compare import MAX_REPEAT, LaneStats, LaneTarget, RunSlot, repeat_stats
from playground.core.request import ChatRequest
from playground.core.run import Run

if TYPE_CHECKING:
    from playground.services import Services

LANES = ("A", "B")
PUBLISHED_TIMEOUT_S = 3.0
"""How long to wait for the catalog's published figures (they are optional)."""


def wanted(args: argparse.Namespace) -> bool:
    """Whether the arguments ask for a comparison or a repeat (rather than one run)."""
    return bool(args.compare or args.models or args.repeat is not None or args.warmup)


def _pair(text: str, option: str) -> list[str]:
    items = [item.strip() for item in text.split(",")]
    if len(items) != 2 or not all(items):
        raise UsageError(f"{option} takes two values separated by a comma, e.g. {option} a,b")
    return items


def lane_targets(args: argparse.Namespace, default_model: str) -> list[LaneTarget]:
    """The lanes the arguments describe (``auto`` lets the gateway route a lane).

    Raises:
        UsageError: the options contradict each other or are malformed.
    """
    model = args.model or default_model
    providers = _pair(args.compare, "--compare") if args.compare else None
    models = _pair(args.models, "--models") if args.models else None
    if providers is not None and args.provider:
        raise UsageError("--provider pins every lane; --compare names a provider per lane")
    if models is not None and args.model:
        raise UsageError("--model names one model; --models names one per lane")
    if providers is None and models is None:
        return [LaneTarget("", model, args.provider)]

    def route(provider: str | None) -> str | None:
        return None if provider is None or provider.lower() == "auto" else provider

    targets = []
    for index, lane in enumerate(LANES):
        lane_model = models[index] if models is not None else model
        lane_provider = providers[index] if providers is not None else args.provider
        targets.append(LaneTarget(lane, lane_model, route(lane_provider)))
    return targets


def check_arguments(args: argparse.Namespace) -> None:
    """Reject bad combinations before anything starts.

    Raises:
        UsageError: with what is wrong.
    """
    if args.repeat is not None and not 1 <= args.repeat <= MAX_REPEAT:
        raise UsageError(f"--repeat takes a count between 1 and {MAX_REPEAT}")
    if args.warmup and args.repeat is None:
        raise UsageError("--warmup goes with --repeat N (it adds an unmeasured first round)")
    if args.json == "-" and not args.out:
        raise UsageError("--json - writes to stdout: put the answers in files with --out DIR")
    lane_targets(args, "m")  # shape errors now, not after the gateway started


async def compare_main(args: argparse.Namespace, base: ChatRequest) -> int:
    """Run the lanes (or the repeat series) and report; the exit status."""
    from playground.cli.compare_output import answer_files, print_answers, run_line
    from playground.services.compare import CompareRunner

    services = await open_services(start_options(args))
    async with services:
        for notice in services.notices:
            report(notice)
        if services.needs_key:
            raise CommandFailed(services.missing_key_message)
        targets = lane_targets(args, services.config.defaults.model or base.model)
        requests = {t.lane: t.request(base) for t in targets}
        by_lane = {t.lane: t for t in targets}
        every: list[Run] = []
        total = len(targets) * ((args.repeat or 1) + (1 if args.warmup else 0))

        def ended(run: Run) -> None:
            every.append(run)
            if not args.quiet:
                report(run_line(run, by_lane[run.lane], len(every), total, targets))

        await services.warm()  # the first run must not pay for the connection
        runner = CompareRunner(services, on_run=ended)
        try:
            if args.repeat is not None:
                result = await runner.repeat(requests, args.repeat, warmup=args.warmup)
                runs = list(result.runs)
            elif len(targets) == 1:
                target = targets[0]
                runs = [await runner.run_one(RunSlot(target.lane), requests[target.lane])]
            else:
                runs = list((await runner.send(requests)).values())
        except asyncio.CancelledError:
            if every and not args.quiet:  # Ctrl-C: show what ran
                await _report(services, args, targets, every)
            raise
        latest = _latest(runs, targets)
        await _report(services, args, targets, runs)
        if args.out:
            for path, text in answer_files(latest, targets, Path(args.out)):
                report(f"Wrote {_write(path, text)}")
        else:
            print_answers(latest, targets)
        if args.json:
            stats = repeat_stats(runs) if args.repeat is not None else ()
            published = await _published_all(services, targets)
            _write_json(args.json, services, runs, stats, published)
        return EXIT_OK if runs and all(run.status == "ok" for run in runs) else EXIT_FAILED


def _latest(runs: Sequence[Run], targets: Sequence[LaneTarget]) -> dict[str, Run]:
    """Each lane's last measured run (the answer shown)."""
    latest: dict[str, Run] = {}
    for run in runs:
        if not run.warmup or run.lane not in latest:
            latest[run.lane] = run
    return {t.lane: latest[t.lane] for t in targets if t.lane in latest}


async def _report(
    services: Services, args: argparse.Namespace, targets: Sequence[LaneTarget], runs: list[Run]
) -> None:
    """The tables on stderr (nothing with ``--quiet``)."""
    if args.quiet:
        return
    from playground.cli.common import stderr_console
    from playground.cli.compare_output import (
        comparison_table,
        lanes_line,
        p50_table,
        stats_heading,
        stats_table,
    )

    console = stderr_console()
    latest = _latest(runs, targets)
    console.print()
    console.print(lanes_line(targets), style="bold", markup=False, highlight=False)
    if args.repeat is not None:
        published = await _published_all(services, targets)
        stats = {s.lane: s for s in repeat_stats(runs)}
        plan = ", interleaved " + " ".join(t.lane for t in targets) if len(targets) > 1 else ""
        plan += ", warm-up round dropped" if args.warmup else ""
        console.print(f"Repeat ×{args.repeat} per lane{plan}", markup=False, highlight=False)
        for target in targets:
            lane = stats.get(target.lane)
            if lane is None:
                continue
            console.print()
            console.print(stats_heading(lane, target), markup=False, highlight=False)
            console.print(stats_table(lane, target, published.get(target.lane)))
        if len(targets) == 2 and all(t.lane in stats for t in targets):
            console.print()
            console.print(p50_table([stats[t.lane] for t in targets], targets))
    elif len(targets) == 2 and all(t.lane in latest for t in targets):
        table, _ = comparison_table(latest, targets)
        console.print(table)
    for target in targets:
        run = latest.get(target.lane)
        if run is not None and run.error is not None:
            report(f"{target.lane or 'Run'}: {run.error.message}")


async def _published_all(
    services: Services, targets: Sequence[LaneTarget]
) -> dict[str, Endpoint | None]:
    found: dict[str, Endpoint | None] = {}
    for target in targets:
        found[target.lane] = await _published(services, target.model, target.provider)
    return found


async def _published(services: Services, model: str, provider: str | None) -> Endpoint | None:
    """The catalog entry of `provider` serving `model`, for its published figures."""
    if not provider:
        return None
    with contextlib.suppress(Exception):
        async with asyncio.timeout(PUBLISHED_TIMEOUT_S):
            await services.catalog.load()
            endpoints = await services.catalog.endpoints(model)
            return next((e for e in endpoints if e.provider == provider), None)
    return None


def _write(path: Path, text: str) -> Path:
    from playground.services.exports import write_user_file

    try:
        return write_user_file(path, text)
    except OSError as exc:
        raise CommandFailed(f"Couldn't write {path}: {exc.strerror or exc}") from None


def _write_json(
    target: str,
    services: Services,
    runs: Sequence[Run],
    stats: Sequence[LaneStats],
    published: dict[str, Endpoint | None],
) -> None:
    from playground.cli.compare_output import stats_json
    from playground.cli.run_output import runs_json, write_json

    payload: dict[str, Any] = runs_json(
        runs, profile=services.profile.name, base_url=services.profile.base_url
    )
    if stats:
        payload["statistics"] = [stats_json(s, published.get(s.lane)) for s in stats]
    try:
        write_json(target, payload)
    except OSError as exc:
        raise CommandFailed(f"Couldn't write {target}: {exc.strerror or exc}") from None
