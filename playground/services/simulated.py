"""Start the built-in simulated gateway as a child process, for the app and the CLI.

A child process rather than a thread: the simulated providers pace their tokens on the other
core, so a busy UI cannot slow the "gateway" it is measuring, and the figures the app shows
are those of a real HTTP server on loopback. The child exits when our end of its stdin
closes, so it never outlives the app, even after ``kill -9``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from dataclasses import dataclass

START_TIMEOUT_S = 15.0


class SimulatorError(RuntimeError):
    """The simulated gateway could not be started."""


@dataclass(frozen=True, slots=True)
class SimulatorSettings:
    """How to run the simulated gateway."""

    seed: int = 0
    """Fixes every answer and timing (0 is the default demo seed)."""
    time_scale: float = 1.0
    """Multiplies every simulated delay; 0 streams as fast as possible."""
    fault: str = ""
    """A fault spec applied to every request (see ``playground sim --help``)."""


class SimulatedGatewayProcess:
    """A running ``playground sim`` child process and its base URL."""

    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self._process = process
        self.url = url
        """Base URL, ending in ``/v1``."""

    @classmethod
    async def start(
        cls, settings: SimulatorSettings = SimulatorSettings()
    ) -> SimulatedGatewayProcess:
        """Start the child and wait until it listens.

        Raises:
            SimulatorError: it did not start within `START_TIMEOUT_S`.
        """
        args = [
            sys.executable,
            "-m",
            "playground",
            "sim",
            "--port",
            "0",
            "--announce",
            "--exit-with-parent",
            "--seed",
            str(settings.seed),
            "--time-scale",
            repr(settings.time_scale),
        ]
        if settings.fault:
            args += ["--fault", settings.fault]
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        try:
            process = await asyncio.create_subprocess_exec(
                *args,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                env=env,
            )
        except OSError as exc:
            raise SimulatorError(f"Couldn't start the simulated gateway: {exc}") from exc
        assert process.stdout is not None
        try:
            line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT_S)
            url = str(json.loads(line)["url"])
        except (TimeoutError, ValueError, KeyError, TypeError) as exc:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise SimulatorError("The simulated gateway did not start.") from exc
        return cls(process, url)

    async def aclose(self) -> None:
        """Stop the child (closing its stdin is enough; kill it if it lingers)."""
        process = self._process
        if process.returncode is not None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 2.0)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
