"""The simulated gateway: a real HTTP server on 127.0.0.1 that speaks the Vercel AI Gateway's
OpenAI-compatible protocol, with providers that have realistic latency, speed and prices, and
faults on demand.

It depends on `core` at most and writes its JSON and SSE itself: it never imports the client,
so a wire-format bug in the client cannot hide behind the same bug in the server.
"""

from playground.sim.faults import Fault, FaultSpecError, parse_spec
from playground.sim.records import RequestRecord
from playground.sim.server import SimulatedGateway
from playground.sim.thread import GatewayThread

__all__ = [
    "Fault",
    "FaultSpecError",
    "GatewayThread",
    "RequestRecord",
    "SimulatedGateway",
    "parse_spec",
]
