"""``playground sim``: serve the simulated gateway on 127.0.0.1 until stopped.

Any OpenAI-compatible client can use it: the app (``playground --gateway URL --kind
vercel``), ``playground run``, curl, the openai SDK. With ``--announce`` it prints one JSON
line ``{"url": …}`` on stdout once it listens (everything else goes to stderr), and with
``--exit-with-parent`` it exits when its standard input reaches end of file, so a parent
process can run it as a child that never outlives it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shlex
import signal
import sys
import threading
from typing import TextIO

from playground.cli import EXIT_FAILED, EXIT_OK, UsageError
from playground.sim import FaultSpecError, SimulatedGateway

DEFAULT_PORT = 8765
MAX_RECORDS = 1000
"""Requests remembered (for ``/v1/generation``): a server left running must not grow."""

FAULT_HELP = (
    "fault spec applied in turn to every chat request, e.g. '429 retry-after=2, then ok' or "
    "'500-mid after=20' (repeatable). Faults: NNN, NNN-mid, mid-error, event-error, cut, drop, "
    "stall, malformed, html-200, no-done, redirect, outage; modifiers: crlf, cr, bom, multiline, "
    "u2028, comments, ping, gzip, burst, fragment, usage-separate; "
    "options: after=N seconds=S retry-after=S "
    "retry-after-ms=MS body=json|html|empty ttft=S rate=TOK/S tokens=N. A message line "
    "'/sim SPEC' or the header 'x-sim-fault: SPEC' applies one to a single request."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``playground sim``."""
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument("--seed", type=int, default=0, help="fixes answers and timings (default 0)")
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        metavar="X",
        help="multiply every simulated delay by X (default 1; 0 streams as fast as possible)",
    )
    parser.add_argument("--fault", action="append", default=[], metavar="SPEC", help=FAULT_HELP)
    parser.add_argument(
        "--key",
        metavar="KEY",
        help="require 'Authorization: Bearer KEY' (any other key gets 401); default: any key",
    )
    parser.add_argument(
        "--announce",
        action="store_true",
        help='print {"url": ...} as one JSON line on stdout once listening (for a parent process)',
    )
    parser.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="exit when standard input reaches end of file (the parent closed it or died)",
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="do not log one line per request"
    )


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; 0 on a clean stop, 1 if the port could not be bound."""
    if args.time_scale < 0:
        raise UsageError("--time-scale must be 0 or more")
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    human = sys.stderr if args.announce else sys.stdout
    try:
        gateway = SimulatedGateway(
            seed=args.seed,
            time_scale=args.time_scale,
            port=args.port,
            key=args.key,
            faults=args.fault,
            log=None if args.quiet else lambda line: print(line, file=sys.stderr, flush=True),
            max_records=MAX_RECORDS,
        )
    except FaultSpecError as exc:
        raise UsageError(f"--fault: {exc}") from None
    return asyncio.run(_serve(gateway, args, human))


async def _serve(gateway: SimulatedGateway, args: argparse.Namespace, human: TextIO) -> int:
    try:
        await gateway.start()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(
            f"playground sim: can't listen on 127.0.0.1:{args.port}: {reason}. "
            "Pick another port with --port, or --port 0 for any free one.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    if args.exit_with_parent:
        _watch_stdin(loop, stop)
    if args.announce:
        print(json.dumps({"url": gateway.url}), flush=True)
    _hint(gateway.url, args, human)
    try:
        await stop.wait()
    finally:
        await gateway.stop()
    print("playground sim: stopped", file=human, flush=True)
    return EXIT_OK


def _watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Set `stop` when standard input reaches end of file (read in a daemon thread: a blocking
    read is the one portable way to notice a parent that died without saying so)."""

    def watch() -> None:
        # os.read on the descriptor, not sys.stdin.buffer: a daemon thread blocked inside the
        # buffered reader holds its lock, and the interpreter aborts at exit waiting for it.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            fd = sys.stdin.fileno()
            while os.read(fd, 4096):
                pass
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _hint(url: str, args: argparse.Namespace, out: TextIO) -> None:
    body = json.dumps(
        {
            "model": "openai/gpt-4.1-mini",
            "stream": True,
            "messages": [{"role": "user", "content": "Why is the sky blue?"}],
        }
    )
    auth = ' -H "Authorization: Bearer $KEY"' if args.key else ""
    scale = f"{args.time_scale:g}"
    lines = [
        f"Simulated gateway on {url}  (seed {args.seed}, time scale {scale}"
        + (f", faults: {'; '.join(args.fault)}" if args.fault else "")
        + (", key required" if args.key else "")
        + ")",
        f"  try:  curl -N {url}/chat/completions -H 'content-type: application/json'"
        f"{auth} -d {shlex.quote(body)}",
        f"  or:   playground --gateway {url} --kind vercel",
        "  faults: put a line like '/sim 429 retry-after=2, then ok' in a message"
        " (playground sim --help lists them). Ctrl-C stops.",
    ]
    print("\n".join(lines), file=out, flush=True)
