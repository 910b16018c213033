"""services.compare: two lanes streaming together and repeat series, against the simulated
gateway over loopback HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from playground.core.compare import RunSlot, compare_figures, last_series, repeat_stats
from playground.core.events import StreamEvent, TextDelta
from playground.core.request import ChatRequest, Message
from playground.core.run import Run
from playground.core.session import SessionProfile, session_from_dict, session_to_dict
from playground.services import Services, StartOptions
from playground.services.compare import CompareRunner, RepeatProgress
from playground.services.runs import LiveRun
from playground.services.session_state import SessionState
from playground.sim.server import SimulatedGateway
from playground.store.paths import Paths

MODEL = "openai/gpt-4.1-mini"


def request(text: str, provider: str | None, model: str = MODEL) -> ChatRequest:
    return ChatRequest(model, (Message("user", text),)).pinned_to(provider)


@pytest.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=11, time_scale=0.05) as gw:
        yield gw


@pytest.fixture
async def services(gateway: SimulatedGateway, tmp_path: Path) -> AsyncIterator[Services]:
    async with await start_services(gateway, tmp_path) as started:
        yield started


@pytest.fixture
async def realtime(tmp_path: Path) -> AsyncIterator[tuple[SimulatedGateway, Services]]:
    """A gateway on the real clock, for tests about time: `/sim` options set the pace."""
    async with (
        SimulatedGateway(seed=11, time_scale=1.0) as gw,
        await start_services(gw, tmp_path) as started,
    ):
        await started.warm()
        yield gw, started


async def start_services(gateway: SimulatedGateway, tmp_path: Path) -> Services:
    options = StartOptions(simulator_url=gateway.url, use_keyring=False)
    return await Services.start(options, paths=Paths.under(tmp_path / "pg"))


def chat_records(gateway: SimulatedGateway) -> list[str | None]:
    return [r.provider for r in gateway.records if r.path.endswith("/chat/completions")]


async def test_two_lanes_at_different_speeds_the_faster_is_marked(
    realtime: tuple[SimulatedGateway, Services],
) -> None:
    _, services = realtime
    runner = CompareRunner(services)
    runs = await runner.send(
        {
            "A": request("Why is the sky blue?\n/sim ok ttft=0.4 rate=60 tokens=40", "azure"),
            "B": request("Why is the sky blue?\n/sim ok ttft=0.1 rate=240 tokens=40", "openai"),
        }
    )
    a, b = runs["A"], runs["B"]
    assert a.status == b.status == "ok"
    assert (a.lane, b.lane) == ("A", "B")
    assert a.group == b.group and a.group.startswith("grp_")
    assert a.figures.served_by == "azure" and b.figures.served_by == "openai"
    comparison = compare_figures(a.figures, b.figures)
    assert comparison.get("ttft").better == "b"
    assert comparison.get("decode").better == "b"
    assert comparison.get("total").better == "b"
    decode_ratio = comparison.get("decode").ratio
    assert decode_ratio is not None and 3.0 < decode_ratio < 5.0  # 240 / 60, measured


async def test_both_lanes_receive_tokens_before_either_finishes(services: Services) -> None:
    seen: dict[str, list[int]] = {"A": [], "B": []}

    def on_event(lane: str, event: StreamEvent) -> None:
        if isinstance(event, TextDelta):
            seen[lane].append(event.t_ns)

    runner = CompareRunner(services, on_event=on_event)
    text = "Write about the sea.\n/sim ok ttft=0.05 rate=400 tokens=200"
    runs = await runner.send({"A": request(text, "azure"), "B": request(text, "openai")})
    assert all(run.status == "ok" for run in runs.values())
    first_a, last_a = seen["A"][0], seen["A"][-1]
    first_b, last_b = seen["B"][0], seen["B"][-1]
    assert len(seen["A"]) == len(seen["B"]) == 200
    # Each lane's first token came before the other lane's last one: they streamed together.
    assert first_a < last_b and first_b < last_a


async def test_one_lane_failing_leaves_the_other_to_finish(services: Services) -> None:
    recorded: list[Run] = []
    runner = CompareRunner(services, on_run=recorded.append)
    runs = await runner.send(
        {
            "A": request("Why is the sky blue?\n/sim 500-mid after=3", "azure"),
            "B": request("Why is the sky blue?", "openai"),
        }
    )
    assert runs["A"].status == "interrupted" and runs["A"].error is not None
    assert runs["B"].status == "ok" and "Rayleigh" in runs["B"].text
    assert sorted(r.lane for r in recorded) == ["A", "B"]


async def test_a_bug_in_one_lanes_display_does_not_stop_the_other(services: Services) -> None:
    async def execute(live: LiveRun, slot: RunSlot) -> Run:
        if slot.lane == "A":

            def explode(event: StreamEvent) -> None:
                if isinstance(event, TextDelta):
                    raise RuntimeError("paint failed")

            return await live.execute(explode)
        return await live.execute()

    runner = CompareRunner(services, execute=execute)
    text = "Why is the sky blue?"
    runs = await runner.send({"A": request(text, "azure"), "B": request(text, "openai")})
    assert runs["A"].status in ("error", "interrupted")
    assert runs["A"].error is not None and "paint failed" in runs["A"].error.message
    assert runs["B"].status == "ok"


async def test_stopping_one_lane_keeps_its_partial_answer_and_the_other_streams_on(
    realtime: tuple[SimulatedGateway, Services],
) -> None:
    gateway, services = realtime
    text = "Write about the sea.\n/sim ok ttft=0.05 rate=100 tokens=60"
    started = asyncio.Event()

    def on_event(lane: str, event: StreamEvent) -> None:
        if lane == "A" and isinstance(event, TextDelta):
            started.set()

    runner = CompareRunner(services, on_event=on_event)
    task = asyncio.create_task(
        runner.send({"A": request(text, "azure"), "B": request(text, "openai")})
    )
    await asyncio.wait_for(started.wait(), 10)
    runner.stop("A")
    runs = await asyncio.wait_for(task, 30)
    assert runs["A"].status == "stopped" and runs["A"].text
    assert runs["B"].status == "ok" and runs["B"].figures.tokens.output == 60
    await asyncio.sleep(0.2)
    assert gateway.records[-2].disconnected or gateway.records[-1].disconnected
    assert not runner.busy


async def test_cancelling_the_caller_records_both_lanes_stopped(
    realtime: tuple[SimulatedGateway, Services],
) -> None:
    _, services = realtime
    recorded: list[Run] = []
    streaming: set[str] = set()
    both = asyncio.Event()

    def on_event(lane: str, event: StreamEvent) -> None:
        if isinstance(event, TextDelta):
            streaming.add(lane)
            if len(streaming) == 2:
                both.set()

    text = "Write about the sea.\n/sim ok ttft=0.05 rate=50 tokens=100"
    runner = CompareRunner(services, on_run=recorded.append, on_event=on_event)
    task = asyncio.create_task(
        runner.send({"A": request(text, "azure"), "B": request(text, "openai")})
    )
    await asyncio.wait_for(both.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted((r.lane, r.status) for r in recorded) == [("A", "stopped"), ("B", "stopped")]


async def test_repeat_interleaves_the_lanes_at_the_gateway(
    services: Services, gateway: SimulatedGateway
) -> None:
    progress: list[RepeatProgress] = []
    runner = CompareRunner(services)
    result = await runner.repeat(
        {"A": request("Hi", "azure"), "B": request("Hi", "openai")},
        3,
        warmup=True,
        on_progress=progress.append,
    )
    assert not result.cancelled and result.all_ok
    assert chat_records(gateway) == ["azure", "openai"] * 4
    assert [(r.lane, r.repeat_index, r.warmup) for r in result.runs] == [
        ("A", 0, True),
        ("B", 0, True),
        ("A", 1, False),
        ("B", 1, False),
        ("A", 2, False),
        ("B", 2, False),
        ("A", 3, False),
        ("B", 3, False),
    ]
    assert {r.group for r in result.runs} == {result.group}
    assert [p.done for p in progress] == list(range(9))
    assert progress[-1].slot is None and progress[-1].total == 8
    a, b = result.stats
    assert (a.lane, a.runs, a.warmups, a.ok, a.errors) == ("A", 3, 1, 3, 0)
    assert b.provider == "openai" and b.ttft is not None and b.ttft.n == 3


async def test_repeat_statistics_equal_those_computed_from_the_saved_session(
    services: Services, tmp_path: Path
) -> None:
    state = SessionState.new(SessionProfile("simulated", services.profile.base_url))
    runner = CompareRunner(services, on_run=lambda run: state.record(run, conversation=False))
    result = await runner.repeat(
        {
            "A": request("Why is the sky blue?", "azure"),
            "B": request("Why is the sky blue?\n/sim 503, then ok, then ok", "openai"),
        },
        3,
    )
    assert state.messages == ()  # compare runs never join the conversation
    assert state.runs == result.runs
    text = json.dumps(session_to_dict(state.session))
    reloaded = session_from_dict(json.loads(text))
    assert repeat_stats(last_series(reloaded.runs)) == result.stats
    a, b = result.stats
    assert a.errors == 0 and b.errors + b.ok == 3


async def test_stopping_a_repeat_keeps_what_ran_and_starts_nothing_more(
    realtime: tuple[SimulatedGateway, Services],
) -> None:
    gateway, services = realtime
    before = len(chat_records(gateway))
    text = "Write about the sea.\n/sim ok ttft=0.05 rate=200 tokens=60"
    third = asyncio.Event()

    def on_progress(progress: RepeatProgress) -> None:
        if progress.done == 2:
            third.set()

    def on_event(lane: str, event: StreamEvent) -> None:
        if third.is_set() and isinstance(event, TextDelta):
            runner.stop()  # Esc, once the third run streams

    runner = CompareRunner(services, on_event=on_event)

    result = await asyncio.wait_for(
        runner.repeat(
            {"A": request(text, "azure"), "B": request(text, "openai")},
            5,
            on_progress=on_progress,
        ),
        30,
    )
    assert result.cancelled
    assert [r.status for r in result.runs] == ["ok", "ok", "stopped"]
    assert result.runs[-1].text  # the partial answer is kept
    assert len(chat_records(gateway)) == before + 3
    await asyncio.sleep(0.3)
    assert len(chat_records(gateway)) == before + 3  # nothing started after the stop
    assert gateway.records[-1].disconnected
    a, _ = result.stats
    assert a.stopped == 1 and a.ok == 1 and a.runs == 2
    assert not runner.busy


async def test_repeat_refuses_a_zero_count(services: Services) -> None:
    runner = CompareRunner(services)
    with pytest.raises(ValueError, match="between 1 and"):
        await runner.repeat({"A": request("Hi", "azure")}, 0)
