"""The ``playground`` command: the app, and the headless subcommands beside it.

``playground [FILE] [--gateway URL] [--model ID] [--profile NAME]`` opens the app;
``playground run|models|key|sim|screenshots …`` are headless. Each subcommand lives in its own
module here with ``add_arguments(parser)`` and ``run(args) -> int``, imported only when it is
used so that ``playground run`` does not pay for Textual.

Exit status: 0 success, 1 the thing itself failed (a run that did not end ``ok``), 2 bad usage.
Errors are one clear line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from playground import __version__

SUBCOMMANDS: dict[str, str] = {
    "run": "Send a prompt and stream the answer; the figures go to stderr.",
    "models": "List the gateway's models, or show one model's providers and figures.",
    "key": "Set, show or delete the API key of a gateway profile.",
    "sim": "Serve the simulated gateway on 127.0.0.1.",
    "screenshots": "Write SVG screenshots of the app, driven against the simulated gateway.",
}
"""Subcommand name → one-line help. The module ``playground.cli.<name>`` implements each."""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad command-line usage: reported in one line, exit status 2."""


def add_gateway_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every command that talks to a gateway shares."""
    group = parser.add_argument_group("gateway")
    group.add_argument(
        "--profile", "-p", metavar="NAME", help="gateway profile from the config (default: vercel)"
    )
    group.add_argument(
        "--gateway",
        "-g",
        metavar="URL",
        help="base URL of an OpenAI-compatible gateway, e.g. http://localhost:11434/v1",
    )
    group.add_argument(
        "--kind",
        choices=("vercel", "openrouter", "openai"),
        help="the dialect of --gateway when its host does not tell (e.g. vercel for a "
        "`playground sim` on localhost)",
    )
    group.add_argument(
        "--api-key-file", metavar="PATH", help="read the API key from this file (first line)"
    )
    group.add_argument(
        "--api-key-stdin", action="store_true", help="read the API key from standard input"
    )
    group.add_argument(
        "--api-key",
        metavar="KEY",
        help="the API key itself (visible in `ps` and shell history: prefer the options above)",
    )
    group.add_argument(
        "--allow-insecure-http",
        dest="allow_insecure",
        action="store_true",
        help="allow sending the key over plain http to a host that is not this machine",
    )
    group.add_argument(
        "--simulated",
        action="store_true",
        help="use the built-in simulated gateway even when a key is configured",
    )


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="playground",
        description="A terminal playground for LLM gateways. Without a key it runs against a "
        "built-in simulated gateway.",
        epilog="subcommands (playground NAME --help for each):\n"
        + "\n".join(f"  {name:<12} {text}" for name, text in SUBCOMMANDS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="a saved session to open")
    parser.add_argument("--model", "-m", metavar="ID", help="model to start with")
    parser.add_argument("--provider", metavar="SLUG", help="provider to pin the model to")
    parser.add_argument(
        "--debug-log",
        action="store_true",
        help="write a debug log (keys masked, mode 0600) to the state folder's logs/",
    )
    add_gateway_arguments(parser)
    parser.add_argument("--version", action="version", version=f"playground {__version__}")
    return parser


def _subcommand_parser(name: str) -> argparse.ArgumentParser:
    module = importlib.import_module(f"playground.cli.{name}")
    parser = argparse.ArgumentParser(prog=f"playground {name}", description=SUBCOMMANDS[name])
    module.add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` and run the app or a subcommand; return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and args_list[0] in SUBCOMMANDS:
            name = args_list[0]
            parser = _subcommand_parser(name)
            args = parser.parse_args(args_list[1:])
            module = importlib.import_module(f"playground.cli.{name}")
            return int(module.run(args))
        parser = _app_parser()
        args = parser.parse_args(args_list)
        module = importlib.import_module("playground.cli.app")
        return int(module.run(args))
    except UsageError as exc:
        print(f"playground: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("playground: interrupted", file=sys.stderr)
        return 130
