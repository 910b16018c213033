"""The planned-time path of deterministic runs (screenshots, snapshot tests): the simulated
gateway sends the answer at once with each event's planned time, and `PlannedClock` makes
the client's figures the ones the plan says, without waiting for them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from playground.core.request import ChatRequest, Message
from playground.core.run import Run
from playground.services import Services, StartOptions
from playground.services.deterministic import PlannedClock, RechunkingTransport
from playground.sim.server import SimulatedGateway
from playground.store.paths import Paths

MODEL = "openai/gpt-4.1-mini"


async def _run(services: Services, text: str, provider: str) -> Run:
    request = ChatRequest(MODEL, (Message("user", text),)).pinned_to(provider)
    return await services.new_run(request).execute()


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    """Services on a real-time gateway (time scale 1), read through planned time."""
    clock = PlannedClock()
    async with SimulatedGateway(seed=5, time_scale=1.0) as gateway:
        started = await Services.start(
            StartOptions(simulator_url=gateway.url, use_keyring=False),
            paths=Paths.under(tmp_path / "pg"),
            transport=RechunkingTransport(clock),
            clock=clock,
        )
        async with started:
            yield started


async def test_figures_follow_the_plan_and_nothing_waits_for_it(services: Services) -> None:
    began = time.perf_counter()
    run = await _run(services, "/sim ok ttft=1.5 rate=40 tokens=200\nHello", "azure")
    wall = time.perf_counter() - began
    figures = run.figures
    assert run.status == "ok" and figures.tokens.output == 200
    assert wall < 2.0  # the plan takes 1.5 + 200 / 40 = 6.5 s; the test does not wait for it
    assert figures.ttft_s == pytest.approx(1.5, abs=0.01)
    assert figures.decode_rate == pytest.approx(40, rel=0.02)
    assert figures.total_s == pytest.approx(1.5 + 199 / 40, abs=0.02)


async def test_two_concurrent_runs_each_keep_their_own_timeline(services: Services) -> None:
    """Compare mode: both lanes stream at once on one clock, yet neither lane's figures
    include the other's time."""
    slow, fast = await asyncio.gather(
        _run(services, "/sim ok ttft=2.0 rate=20 tokens=100\nHi", "azure"),
        _run(services, "/sim ok ttft=0.3 rate=200 tokens=100\nHi", "openai"),
    )
    assert slow.figures.ttft_s == pytest.approx(2.0, abs=0.01)
    assert fast.figures.ttft_s == pytest.approx(0.3, abs=0.01)
    assert slow.figures.decode_rate == pytest.approx(20, rel=0.02)
    assert fast.figures.decode_rate == pytest.approx(200, rel=0.02)
