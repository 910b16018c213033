"""Sessions keep attachments (as base64 parts), tool calls, tool results and the tools
themselves, through the session codec and a real file."""

from __future__ import annotations

import base64
import os
import time
from dataclasses import replace
from pathlib import Path

from playground.core.request import (
    ChatRequest,
    FilePart,
    ImagePart,
    Message,
    TextPart,
    Tool,
    ToolCall,
)
from playground.core.run import Figures, Run
from playground.core.session import (
    LaneSettings,
    SessionProfile,
    new_session,
    session_from_dict,
    session_to_dict,
)
from playground.core.tool_examples import EXAMPLE_TOOLS
from playground.services.session_state import SessionState
from playground.store.paths import Paths
from playground.store.sessions import SessionStore, session_bytes

PROFILE = SessionProfile("simulated", "http://127.0.0.1:9/v1", "vercel")


def _conversation(image_bytes: bytes) -> tuple[Message, ...]:
    image = ImagePart("image/png", base64.b64encode(image_bytes).decode(), filename="cat.png")
    pdf = FilePart("application/pdf", base64.b64encode(b"%PDF-1.4").decode(), "r.pdf")
    call = ToolCall("call_1", "get_weather", '{"city":"Paris"}')
    return (
        Message("user", (TextPart("What's the weather here?"), image, pdf)),
        Message("assistant", "", tool_calls=(call,)),
        Message("tool", '{"temperature": 18}', tool_call_id="call_1"),
        Message("assistant", "It is 18 °C."),
    )


def _session(image_bytes: bytes = b"\x89PNG tiny") -> object:
    messages = _conversation(image_bytes)
    tools = tuple(e.tool for e in EXAMPLE_TOOLS)
    request = ChatRequest("openai/gpt-4.1-mini", messages[:3], tools=tools, tool_choice="auto")
    run = Run(
        "run_1",
        request,
        1_700_000_000.0,
        "It is 18 °C.",
        "",
        (),
        "stop",
        Figures(status="ok"),
    )
    lane = LaneSettings(model="openai/gpt-4.1-mini", tools=tools, tool_choice="get_weather")
    return replace(new_session(PROFILE), lanes=(lane,), messages=messages, runs=(run,))


def test_parts_tool_calls_results_and_tools_survive_the_codec() -> None:
    session = _session()
    doc = session_to_dict(session)  # type: ignore[arg-type]
    back = session_from_dict(doc)
    assert back == session
    assert doc["messages"][0]["content"][1] == {
        "type": "image",
        "media_type": "image/png",
        "data": base64.b64encode(b"\x89PNG tiny").decode(),
        "filename": "cat.png",
    }
    assert doc["lanes"][0]["tool_choice"] == "get_weather"
    assert [t["name"] for t in doc["lanes"][0]["tools"]] == [e.tool.name for e in EXAMPLE_TOOLS]


def test_a_session_with_a_large_image_round_trips_through_a_file(tmp_path: Path) -> None:
    session = _session(os.urandom(3 * 1024 * 1024))
    store = SessionStore(Paths.under(tmp_path / "home"))
    path = tmp_path / "big.session.json"
    start = time.perf_counter()
    saved = store.save(session, path)  # type: ignore[arg-type]
    loaded = store.load(path)
    elapsed = time.perf_counter() - start
    assert loaded.messages == saved.messages and loaded.runs == saved.runs
    # Two copies of a 3 MB image (the conversation and the run's request), base64.
    assert 8_000_000 < path.stat().st_size < 9_000_000
    assert elapsed < 20  # generous: a loaded 2-core box; it takes well under a second


def test_session_state_keeps_the_tools_in_the_lane_settings() -> None:
    state = SessionState.new(PROFILE)
    assert state.lane() == LaneSettings()
    weather = EXAMPLE_TOOLS[0].tool
    state.set_tools((weather,), "required")
    assert state.dirty
    assert state.lane().tools == (weather,) and state.lane().tool_choice == "required"
    assert len(state.session.lanes) == 1
    other = Tool("x", "y")
    state.set_lanes(LaneSettings("A", model="a"), state.lane())
    state.set_tools((other,), None)
    assert [lane.name for lane in state.session.lanes] == ["A", ""]
    assert state.lane().tools == (other,)
    assert state.lane("A").tools == ()
    doc = session_to_dict(state.session)
    assert session_from_dict(doc).lanes == state.session.lanes
    assert b'"get_weather"' not in session_bytes(state.session)
