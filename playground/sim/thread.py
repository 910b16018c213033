"""Run a `SimulatedGateway` from synchronous code: its own event loop in a daemon thread."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playground.sim.server import SimulatedGateway


class GatewayThread:
    """A `SimulatedGateway` serving from a daemon thread. Use it as a context manager, or call
    `stop`. The constructor returns once the gateway listens (or raises why it could not)."""

    def __init__(self, gateway: SimulatedGateway) -> None:
        self.gateway = gateway
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="simulated-gateway", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stopped = asyncio.Event()
            try:
                await self.gateway.start()
            except BaseException as exc:  # reported to the constructor's caller
                self._error = exc
                self._ready.set()
                return
            self._ready.set()
            await self._stopped.wait()
            await self.gateway.stop()

        asyncio.run(main())

    @property
    def url(self) -> str:
        """The gateway's base URL (``http://127.0.0.1:PORT/v1``)."""
        return self.gateway.url

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the gateway and wait for its thread."""
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None and self._thread.is_alive():
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(stopped.set)
        self._thread.join(timeout)

    def __enter__(self) -> GatewayThread:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
