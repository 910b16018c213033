"""Tools on the main screen, against the simulated gateway: define a tool in the editor, get a
call, type its result, get the final answer; the tool choice, examples, skipping, and the
schema checks with their line and column."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea

from playground.core.tool_examples import EXAMPLE_TOOLS
from playground.sim.server import SimulatedGateway
from playground.ui.app import PlaygroundApp
from playground.ui.screens.tool_editor import ToolEditor, ToolList
from playground.ui.tool_flow import SKIPPED_RESULT
from playground.ui.widgets.answer_view import AnswerView
from playground.ui.widgets.conversation import Conversation
from playground.ui.widgets.prompt_editor import PromptEditor
from playground.ui.widgets.tool_results import ToolResultsForm

from support.apps import finished, make_app, ready, send, wait_for

SCHEMA = """{
  "type": "object",
  "properties": {
    "city": {"type": "string", "description": "Where"},
    "days": {"type": "integer", "minimum": 1, "maximum": 7}
  },
  "required": ["city"]
}"""


@pytest.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with SimulatedGateway(seed=7, time_scale=0.02) as gw:
        yield gw


async def _open_editor(pilot: Pilot[Any], app: PlaygroundApp) -> ToolEditor:
    await pilot.press("f8")
    await wait_for(pilot, lambda: isinstance(app.focused, ToolList))  # keys go there now
    assert isinstance(app.screen, ToolEditor)
    return app.screen


async def _form(pilot: Pilot[Any], app: PlaygroundApp, count: int = 1) -> ToolResultsForm:
    conversation = app.screen_main.query_one(Conversation)
    await wait_for(pilot, lambda: len(conversation.query(ToolResultsForm)) >= count)
    form = list(conversation.query(ToolResultsForm))[count - 1]
    await pilot.pause()
    return form


async def test_define_a_tool_get_a_call_answer_it_get_the_final_answer(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        editor = await _open_editor(pilot, app)
        await pilot.press("n")  # a new tool; the name field gets the focus
        name = editor.query_one("#tool-name", Input)
        await wait_for(pilot, lambda: app.focused is name)
        await pilot.press(*"lookup_weather")
        editor.query_one("#tool-description", Input).value = "Look up the weather forecast."
        editor.query_one("#tool-schema", TextArea).text = SCHEMA
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(editor.tools) == 1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert app.state is not None
        [tool] = app.state.lane().tools
        assert (tool.name, tool.parameters) == ("lookup_weather", json.loads(SCHEMA))
        assert "Tools (1)" in str(screen.query_one(PromptEditor).query_one("#tools").render())

        await send(pilot, "What's the weather in Springfield for 3 days?")
        form = await _form(pilot, app)
        await finished(pilot, 1)
        first = app.state.runs[0]
        [call] = first.tool_calls
        assert call.name == "lookup_weather"
        assert json.loads(call.arguments) == {"city": "Springfield", "days": 3}
        sent = gateway.records[-1].request
        assert sent is not None and sent.tools == (tool,)
        # The card shows the arguments as pretty JSON once they are complete.
        view = screen.query_one(Conversation).answers[0].query_one(AnswerView)
        shown = "\n".join(view.render_line(y).text for y in range(view.size.height))
        assert "⚙ lookup_weather" in shown
        assert '"city": "Springfield",' in shown and '"days": 3' in shown

        result = '{"forecast": "sunny", "high_c": 24}'
        field = form.query_one(Input)
        field.focus()
        await wait_for(pilot, lambda: app.focused is field)
        await pilot.press(*result)
        await pilot.press("enter")
        await finished(pilot, 2)
        final = app.state.runs[-1]
        assert final.status == "ok" and not final.tool_calls
        assert "forecast" in final.text and "sunny" in final.text
        sent = gateway.records[-1].request
        assert sent is not None
        assert [m.role for m in sent.messages] == ["user", "assistant", "tool"]
        assert sent.messages[1].tool_calls == (call,)
        assert (sent.messages[2].tool_call_id, sent.messages[2].content) == (call.id, result)
        roles = [m.role for m in app.state.messages]
        assert roles == ["user", "assistant", "tool", "assistant"]
        assert form.done
        assert "sunny" in "".join(str(s.render()) for s in form.query(Static))


async def test_schema_problems_are_shown_with_line_and_column_and_nothing_is_saved(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        editor = await _open_editor(pilot, app)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.focused is editor.query_one("#tool-name", Input))
        await pilot.press(*"bad tool")
        schema = editor.query_one("#tool-schema", TextArea)
        schema.text = '{\n  "type": "object",\n  "properties": {"x": {"type": "strng"}},\n}'
        problems = editor.query_one("#tool-problems", Static)
        await wait_for(pilot, lambda: "line 4, column 1" in str(problems.render()))
        assert "not valid JSON" in str(problems.render())
        schema.text = '{\n  "type": "object",\n  "properties": {"x": {"type": "strng"}}\n}'
        await wait_for(pilot, lambda: "line 3, column 24" in str(problems.render()))
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = str(problems.render())
        assert "name: A name is 1–64 letters" in shown
        assert '"strng" is not a JSON schema type' in shown
        assert editor.tools == []
        # Save moved the focus to the first problem: the name.
        assert app.focused is editor.query_one("#tool-name", Input)
        editor.query_one("#tool-name", Input).value = "good_tool"
        await pilot.press("ctrl+s")
        await pilot.pause()
        focused: object = app.focused  # (mypy narrowed app.focused to Input above)
        assert focused is schema and schema.cursor_location == (2, 23)
        schema.text = schema.text.replace("strng", "string")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(editor.tools) == 1)
        assert "Saved good_tool" in str(problems.render())
        # Escape closes the editor from the schema too (it is not an indenting text area).
        schema.focus()
        await wait_for(pilot, lambda: app.focused is schema)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ToolEditor))
        assert app.state is not None and [t.name for t in app.state.lane().tools] == ["good_tool"]


async def test_example_tool_required_choice_and_the_samples(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        editor = await _open_editor(pilot, app)
        assert app.focused is editor.query_one(ToolList)
        await pilot.press("s")  # one key adds search_docs
        await wait_for(pilot, lambda: [t.name for t in editor.tools] == ["search_docs"])
        editor.query_one("#tool-choice", Select).value = "required"
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ToolEditor))
        assert app.state is not None and app.state.lane().tool_choice == "required"

        await send(pilot, "Hello there")  # nothing about docs, but a call is required
        form = await _form(pilot, app)
        await finished(pilot, 1)
        first = gateway.records[-1].request
        assert first is not None and first.tool_choice == "required"
        await pilot.click("#tool-results-samples")
        await pilot.pause()
        example = next(e for e in EXAMPLE_TOOLS if e.tool.name == "search_docs")
        assert [f.value for f in form.query(Input)] == [example.sample_result]
        await pilot.click("#tool-results-send")
        await finished(pilot, 2)
        continued = gateway.records[-1].request
        # Forcing another call would never let the model answer: the choice is dropped.
        assert continued is not None and continued.tool_choice is None
        assert continued.tools == first.tools
        assert "Provider routing" in app.state.runs[-1].text


async def test_owed_results_block_a_new_message_until_answered_or_skipped(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        screen.tool_flow.add_example("get_weather")
        await pilot.pause()
        await send(pilot, "What's the weather in Paris?")
        form = await _form(pilot, app)
        await finished(pilot, 1)
        await send(pilot, "Never mind, tell me a joke.")
        await pilot.pause(0.2)
        assert app.state is not None and len(app.state.runs) == 1  # blocked
        assert screen.query_one(PromptEditor).message == "Never mind, tell me a joke."
        await pilot.press("ctrl+r")  # a retry would leave the calls unanswered too
        await pilot.pause(0.2)
        assert len(app.state.runs) == 1
        await pilot.click("#tool-results-skip")
        await wait_for(pilot, lambda: form.done)
        assert app.state.messages[-1].role == "tool"
        assert app.state.messages[-1].content == SKIPPED_RESULT
        await send(pilot, "Never mind, tell me a joke.")
        await finished(pilot, 2)
        sent = gateway.records[-1].request
        assert sent is not None
        assert [m.role for m in sent.messages] == ["user", "assistant", "tool", "user"]


async def test_palette_adds_an_example_and_new_conversation_forgets_owed_results(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Add example tool: get_time")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: [t.name for t in screen.tool_flow.settings.tools] == ["get_time"]
        )
        await send(pilot, "What time is it in Tokyo?")
        await _form(pilot, app)
        await finished(pilot, 1)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: not screen.query(ToolResultsForm))
        assert screen.tool_flow.pending is None
        await send(pilot, "Hello")
        await finished(pilot, 2)


async def test_calls_of_an_interrupted_answer_still_need_a_result_or_a_skip(
    gateway: SimulatedGateway, tmp_path: Path
) -> None:
    app = make_app(gateway.url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await ready(pilot)
        screen.tool_flow.add_example("get_weather")
        await send(pilot, "/sim 500-mid after=4\nWhat's the weather in Paris?")
        form = await _form(pilot, app)
        await finished(pilot, 1)
        assert app.state is not None
        [run] = app.state.runs
        assert run.status == "interrupted" and run.tool_calls
        assert app.state.messages[-1].tool_calls == run.tool_calls
        await pilot.click("#tool-results-skip")
        await wait_for(pilot, lambda: form.done)
        await send(pilot, "Thanks anyway.")
        await finished(pilot, 2)
        sent = gateway.records[-1].request
        assert sent is not None
        assert [m.role for m in sent.messages] == ["user", "assistant", "tool", "user"]
