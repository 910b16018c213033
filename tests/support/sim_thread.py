"""The simulated gateway on its own event loop in a thread, for synchronous tests (snapshot
tests run the app in a loop of their own, so the gateway cannot share it)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playground.sim.server import SimulatedGateway


@contextmanager
def gateway_in_thread(**options: Any) -> Iterator[SimulatedGateway]:
    """A started `SimulatedGateway(**options)` serving from a daemon thread until the block
    ends. Its `records` may be read once the client is done with a request."""
    loop = asyncio.new_event_loop()
    gateway = SimulatedGateway(**options)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(gateway.start(), loop).result(10)
    try:
        yield gateway
    finally:
        asyncio.run_coroutine_threadsafe(gateway.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
