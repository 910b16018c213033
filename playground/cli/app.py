"""``playground [FILE] [--model ID] [--provider SLUG] [--gateway URL | --profile NAME]``:
open the app."""

from __future__ import annotations

import argparse

from playground.cli import EXIT_OK
from playground.cli.common import guarded, start_options


def run(args: argparse.Namespace) -> int:
    return guarded(lambda: _main(args))


def _main(args: argparse.Namespace) -> int:
    from playground.ui.app import LaunchOptions, PlaygroundApp

    launch = LaunchOptions(
        start=start_options(args),
        model=args.model,
        provider=args.provider,
        session_file=args.file,
        debug_log=bool(args.debug_log),
    )
    PlaygroundApp(launch).run()
    return EXIT_OK
