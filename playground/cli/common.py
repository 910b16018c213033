"""What the commands share: turning gateway options into `StartOptions`, starting the services
with one-line errors, and a stderr console that never parses markup."""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playground.cli import EXIT_FAILED, EXIT_USAGE, UsageError
from playground.core.profile import PROFILE_KINDS, ProfileKind
from playground.core.sanitize import safe_line
from playground.core.secret import Secret

if TYPE_CHECKING:
    from rich.console import Console

    from playground.services import Services, StartOptions
    from playground.services.simulated import SimulatorSettings

DEFAULT_MODEL = "openai/gpt-4.1-mini"
"""The model a new user starts with (the seed page's)."""


def start_options(args: argparse.Namespace, **overrides: Any) -> StartOptions:
    """`StartOptions` from the gateway arguments of `add_gateway_arguments`."""
    from playground.services import StartOptions
    from playground.store.key_source import ARGV_WARNING, KeyArgs

    kind: ProfileKind | None = None
    if getattr(args, "kind", None):
        kind = next(k for k in PROFILE_KINDS if k == args.kind)
    argv_key = getattr(args, "api_key", None)
    if argv_key:
        print(f"Warning: {ARGV_WARNING}", file=sys.stderr)
    key_file = getattr(args, "api_key_file", None)
    options = StartOptions(
        simulator=simulator_settings(),
        profile=getattr(args, "profile", None),
        gateway=getattr(args, "gateway", None),
        kind=kind,
        key_args=KeyArgs(
            key_file=Path(key_file).expanduser() if key_file else None,
            stdin=bool(getattr(args, "api_key_stdin", False)),
            argv_key=Secret(argv_key) if argv_key else None,
        ),
        simulated=bool(getattr(args, "simulated", False)),
        allow_insecure=bool(getattr(args, "allow_insecure", False)),
    )
    if overrides:
        from dataclasses import replace

        options = replace(options, **overrides)
    args.api_key = None  # drop the raw value as soon as it is wrapped
    return options


def simulator_settings() -> SimulatorSettings:
    """The simulated gateway's settings: a random seed and real time, or ``PLAYGROUND_SIM_SEED``
    and ``PLAYGROUND_SIM_TIME_SCALE`` from the environment (to reproduce a session, or for
    demos and tests: 0.1 streams ten times faster)."""
    from playground.services.simulated import SimulatorSettings

    def number(name: str, kind: type[float] | type[int], default: float) -> float:
        text = os.environ.get(name, "").strip()
        if not text:
            return default
        try:
            value = kind(text)
        except ValueError:
            raise UsageError(f"{name} must be a number, got {safe_line(text, 40)!r}") from None
        if value < 0:
            raise UsageError(f"{name} must not be negative")
        return value

    # A fresh seed per start unless one is asked for: each run is a new draw around the
    # providers' figures, as on a real gateway (with a fixed default the first answer a new
    # user saw would always have the same, unlucky, TTFT).
    return SimulatorSettings(
        seed=int(number("PLAYGROUND_SIM_SEED", int, random.randrange(1, 2**31))),
        time_scale=float(number("PLAYGROUND_SIM_TIME_SCALE", float, 1.0)),
    )


async def open_services(options: StartOptions, *, connect: bool = True) -> Services:
    """Start the services, turning every start-up failure into one line and an exit status.

    Raises:
        CommandFailed: with the exit status to return.
    """
    from playground.services import Services
    from playground.services.profiles import ProfileError
    from playground.services.simulated import SimulatorError
    from playground.store.key_source import KeySourceError

    try:
        return await Services.start(options, connect=connect)
    except (ProfileError, KeySourceError) as exc:
        raise CommandFailed(str(exc), EXIT_USAGE) from None
    except SimulatorError as exc:
        raise CommandFailed(str(exc), EXIT_FAILED) from None


class CommandFailed(Exception):
    """A command cannot go on: print `message` on one line and exit with `status`."""

    def __init__(self, message: str, status: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.status = status


def report(message: str) -> None:
    """One line on stderr, sanitized."""
    print(safe_line(message, 2000), file=sys.stderr)


def stderr_console() -> Console:
    """A Rich console on stderr with markup, emoji codes and highlighting off: every string we
    print may come from a gateway."""
    from rich.console import Console

    return Console(stderr=True, markup=False, emoji=False, highlight=False)


def guarded(main: Callable[[], int]) -> int:
    """Run a command body, turning `CommandFailed` and `UsageError` into their exit statuses."""
    try:
        return main()
    except CommandFailed as exc:
        report(f"playground: {exc}")
        return exc.status
    except UsageError as exc:
        report(f"playground: {exc}")
        return EXIT_USAGE
