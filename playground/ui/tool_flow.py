"""Tools on the main screen: the tools sent with each message, and the tool-call loop.

The loop, as the chat-completions protocol has it: a run ends with tool calls; the user types
a result for each (`ToolResultsForm` under the answer); the conversation continues with the
assistant message that made the calls, one ``role: tool`` message per call (its
``tool_call_id`` set), and the next run streams the answer that uses them. Skipping answers
each call with a short note instead, so the conversation stays valid for the next message.

Not a widget: the screen owns one `ToolFlow` and passes it the events that concern tools.
The tools live in the session's lane settings (`SessionState.set_tools`), so they are saved
with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from playground.core.request import ChatRequest, Message
from playground.core.run import Run
from playground.core.sanitize import safe_line
from playground.core.tool_examples import EXAMPLE_TOOLS, sample_result
from playground.ui.screens.tool_editor import ToolEditor, ToolSettings, choice_label
from playground.ui.widgets.conversation import Conversation
from playground.ui.widgets.prompt_editor import PromptEditor
from playground.ui.widgets.tool_results import ToolResultsForm

if TYPE_CHECKING:
    from playground.ui.screens.main import MainScreen

SKIPPED_RESULT = "The user skipped this tool call: no result."
"""What a skipped call is answered with."""


def continuation(run: Run, results: tuple[tuple[str, str], ...]) -> ChatRequest:
    """The request that continues `run` with the tool `results` ((call id, text) pairs).

    A ``required`` or named tool choice is dropped for it: it would force yet another call
    instead of the answer the results were for.
    """
    assistant = Message("assistant", run.text, tool_calls=run.tool_calls)
    tool_messages = tuple(Message("tool", text, tool_call_id=call) for call, text in results)
    request = replace(run.request, messages=(*run.request.messages, assistant, *tool_messages))
    if request.tool_choice not in (None, "auto", "none"):
        request = replace(request, tool_choice=None)
    return request


class ToolFlow:
    """The main screen's tools and the results the user owes the model."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.settings = ToolSettings()
        self.pending: ToolResultsForm | None = None
        """The form waiting for results, if the last answer called tools."""
        self._pending_run: Run | None = None

    # -- the tools -------------------------------------------------------------------------

    def load(self) -> None:
        """Take the tools from the session (a restored session brings its own)."""
        state = self.screen.state
        if state is not None:
            lane = state.lane()
            self._show(ToolSettings(lane.tools, lane.tool_choice))

    def open_editor(self) -> None:
        """Show the tool editor; what it closes with becomes the tools."""

        def edited(settings: ToolSettings | None) -> None:
            if settings is not None:
                self.apply(settings)
            self.screen.query_one(PromptEditor).focus_message()

        self.screen.app.push_screen(ToolEditor(self.settings), edited)

    def apply(self, settings: ToolSettings) -> None:
        """Use `settings` from now on, and keep them in the session."""
        self._show(settings)
        state = self.screen.state
        if state is not None:
            state.set_tools(settings.tools, settings.tool_choice)

    def add_example(self, name: str) -> None:
        """Add one of the example tools (from the command palette)."""
        example = next((e for e in EXAMPLE_TOOLS if e.tool.name == name), None)
        if example is None:
            return
        if any(t.name == name for t in self.settings.tools):
            self.screen.notify(f"{name} is already defined.", timeout=3)
            return
        self.apply(replace(self.settings, tools=(*self.settings.tools, example.tool)))
        self.screen.notify(f"Added {name}. Try: {example.prompt}", markup=False, timeout=6)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Tools", "Define the tools the model may call (f8)", self.open_editor)
        for example in EXAMPLE_TOOLS:
            yield SystemCommand(
                f"Add example tool: {example.tool.name}",
                f"{example.tool.description} Try: {example.prompt}",
                partial(self.add_example, example.tool.name),
            )

    def _show(self, settings: ToolSettings) -> None:
        self.settings = settings
        if self.screen.is_mounted:
            self.screen.query_one(PromptEditor).set_tools_label(choice_label(settings))
            self.screen.attach_flow.refresh_notes()

    # -- the loop --------------------------------------------------------------------------

    async def offer(self, run: Run) -> None:
        """Under an answer that called tools, ask for their results. Also after a run that
        was stopped or cut: its calls are in the conversation now, and a model must get a
        result (or a skip) for each before anything else."""
        if not run.tool_calls:
            return
        samples = {c.name: sample_result(c.name) for c in run.tool_calls if sample_result(c.name)}
        form = ToolResultsForm(run.tool_calls, samples=samples, run_id=run.id)
        conversation = self.screen.query_one(Conversation)
        await conversation.mount(form)
        self.pending, self._pending_run = form, run
        conversation.scroll_end(animate=False)
        form.focus_first()

    def blocks_send(self) -> bool:
        """Whether tool results are owed (then say so, and show the form): a new message
        after an unanswered call is an invalid conversation."""
        form = self.pending
        if form is None or form.done or not form.is_attached:
            self.pending = None
            return False
        self.screen.notify(
            "The model is waiting for tool results: type them under the answer (enter sends), "
            "or press Skip.",
            severity="warning",
            markup=False,
        )
        form.scroll_visible()
        form.focus_first()
        return True

    async def submitted(self, event: ToolResultsForm.Submitted) -> None:
        """Continue the conversation with the results the user typed."""
        run = self._pending_run
        state = self.screen.state
        if event.form is not self.pending or run is None or state is None:
            return
        request = continuation(run, event.results)
        state.add_messages(*request.messages[len(run.request.messages) + 1 :])
        self.pending = self._pending_run = None
        await event.form.close(event.results)
        self.screen.query_one(PromptEditor).focus_message()
        await self.screen.start_run(request)

    async def skipped(self, event: ToolResultsForm.Skipped) -> None:
        """Answer every call as skipped, without a run: the next message can follow."""
        run = self._pending_run
        state = self.screen.state
        if event.form is not self.pending or run is None or state is None:
            return
        state.add_messages(
            *(Message("tool", SKIPPED_RESULT, tool_call_id=call.id) for call in run.tool_calls)
        )
        self.pending = self._pending_run = None
        await event.form.close(None)
        names = ", ".join(safe_line(c.name, 40) for c in run.tool_calls)
        self.screen.notify(f"Skipped {names}.", markup=False, timeout=3)
        self.screen.query_one(PromptEditor).focus_message()

    def forget(self) -> None:
        """The conversation was cleared: no results are owed any more."""
        self.pending = self._pending_run = None
