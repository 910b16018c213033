"""``playground run --session FILE``: send a saved session's requests again, in order.

::

    playground run --session saved.session.json
    playground run --session saved.session.json --provider azure     # pinned elsewhere
    playground run --session saved.session.json --gateway http://localhost:8000/v1

Each answer streams to stdout under a one-line header on stderr, with its figures table;
``--json FILE`` writes every new run. The gateway is the one chosen on the command line, or
the session's own only when the key in use is bound to that same origin; otherwise nothing
is sent and the message says how to choose (`services.replay`). Exit status: 0 when every
replayed run ended ``ok``, 1 when one did not, 2 when nothing could be replayed.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from playground.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from playground.cli.common import CommandFailed, open_services, report, start_options
from playground.core.run import Run
from playground.core.sanitize import safe_line

if TYPE_CHECKING:
    from playground.core.request import ChatRequest
    from playground.core.session import Session
    from playground.services.replay import ReplayPlan


def replay(args: argparse.Namespace) -> int:
    """Replay the session named by ``args.session`` (see the module docstring)."""
    from playground.services.replay import ReplayRefused, plan_replay, replay_requests
    from playground.store.config import ConfigStore
    from playground.store.paths import Paths
    from playground.store.sessions import SessionReadError, SessionStore

    if args.prompt is not None:
        raise UsageError("give either a prompt or --session FILE, not both")
    paths = Paths.default()
    try:
        session = SessionStore(paths).load(Path(args.session).expanduser())
    except SessionReadError as exc:
        raise CommandFailed(str(exc), EXIT_USAGE) from None
    requests = replay_requests(session, provider=args.provider, model=args.model)
    if not requests:
        report(f"{safe_line(Path(args.session).name, 120)} has no runs to replay.")
        return EXIT_OK
    try:
        plan = plan_replay(session, start_options(args), ConfigStore(paths).load().config)
    except ReplayRefused as exc:
        raise CommandFailed(str(exc), EXIT_USAGE) from None
    return asyncio.run(_send(args, session, plan, requests))


async def _send(
    args: argparse.Namespace, session: Session, plan: ReplayPlan, requests: list[ChatRequest]
) -> int:
    from playground.cli.run_output import StreamPrinter, print_figures, runs_json, write_json
    from playground.services.replay import ReplayRefused, check_started

    services = await open_services(plan.options)
    results: list[Run] = []
    async with services:
        for notice in services.notices:
            report(notice)
        try:
            check_started(session, plan, services)
        except ReplayRefused as exc:
            raise CommandFailed(str(exc), EXIT_USAGE) from None
        report(plan.note)
        for number, request in enumerate(requests, 1):
            route = request.routing.pinned or "auto"
            report(f"── {number}/{len(requests)} · {request.model} › {route} ──")
            printer = StreamPrinter()
            live = services.new_run(request)
            try:
                run = await live.execute(on_event=printer)
            finally:
                printer.finish()
            results.append(run)
            if not args.quiet:
                print_figures([(run, None)])
            elif run.error is not None:
                report(run.error.message)
    failed = [r for r in results if r.status != "ok"]
    if len(results) > 1:
        report(
            f"Replayed {len(results)} requests: {len(results) - len(failed)} ok"
            + (f", {len(failed)} not ok." if failed else ".")
        )
    if args.json:
        profile = services.profile
        payload = runs_json(results, profile=profile.name, base_url=profile.base_url)
        try:
            write_json(args.json, payload)
        except OSError as exc:
            raise CommandFailed(f"Couldn't write {args.json}: {exc.strerror or exc}") from None
    return EXIT_FAILED if failed else EXIT_OK


__all__ = ["replay"]
