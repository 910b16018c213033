"""``playground screenshots [--out DIR]``: write SVG screenshots of the app.

The app is driven against an in-process simulated gateway with a fixed seed, clock and
terminal size (`playground.ui.screenshots`), so running it again gives the same pictures.
The README shows the ones in ``screenshots/``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from playground.cli import EXIT_FAILED, EXIT_OK

DEFAULT_OUT = "screenshots"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``playground screenshots``."""
    parser.add_argument(
        "--out",
        "-o",
        metavar="DIR",
        default=DEFAULT_OUT,
        help=f"folder to write the .svg files into (default: {DEFAULT_OUT}/)",
    )


def run(args: argparse.Namespace) -> int:
    """Take the screenshots; 0 when every one was written, 1 otherwise (the reason on
    stderr, one line)."""
    from playground.core.sanitize import safe_line
    from playground.ui.screenshots import take_screenshots

    out = Path(args.out)
    try:
        shots = asyncio.run(take_screenshots(out, log=print))
    except (OSError, TimeoutError) as exc:
        print(f"playground: screenshots failed: {safe_line(str(exc), 300)}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{len(shots)} screenshots in {out}/", file=sys.stderr)
    return EXIT_OK
