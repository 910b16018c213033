"""A session on the main screen and back: what an opened or restored session looks like,
and the settings a save records.

`show_session` rebuilds the screen from a `Session`: the model, provider and parameters of
its first lane, the system prompt and the unsent draft in the editor, and every run as a
turn of the conversation (its answer re-rendered from the stored text, its figures in the
summary line, its error card), then the last run's figures and the session's totals in the
sidebar. Nothing is re-sent. `lane_settings` reads the screen the other way for saving.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from playground.core.request import Reasoning, ResponseFormat
from playground.core.run import Run
from playground.core.session import LaneSettings, Session
from playground.core.totals import totals_of
from playground.ui.lane import retry_hint
from playground.ui.widgets.conversation import Conversation
from playground.ui.widgets.metrics_sidebar import MetricsSidebar
from playground.ui.widgets.prompt_editor import PromptEditor, PromptSettings

if TYPE_CHECKING:
    from playground.ui.screens.main import MainScreen


def run_header(run: Run) -> str:
    """The line above an answer: ``A · openai/gpt-4.1-mini › azure · repeat 3``."""
    parts = []
    if run.lane:
        parts.append(run.lane)
    parts.append(f"{run.request.model} › {run.request.routing.pinned or 'auto'}")
    if run.repeat_index is not None:
        parts.append("warm-up" if run.warmup else f"repeat {run.repeat_index + 1}")
    return " · ".join(parts)


def prompt_of(run: Run) -> tuple[str, tuple[object, ...]]:
    """The user message a run answered, and its attachments."""
    for message in reversed(run.request.messages):
        if message.role == "user":
            return message.text, message.attachments
    return "", ()


def editor_settings(lane: LaneSettings | None, system: str) -> PromptSettings:
    if lane is None:
        return PromptSettings(system=system)
    effort = lane.reasoning.effort if lane.reasoning is not None else None
    json_mode = lane.response_format is not None and lane.response_format.type == "json_object"
    return PromptSettings(
        system=system, params=lane.params, reasoning_effort=effort, json_mode=json_mode
    )


def main_lane(session: Session) -> LaneSettings | None:
    """The lane the main screen shows: the unnamed one, else the first."""
    for lane in session.lanes:
        if not lane.name:
            return lane
    return session.lanes[0] if session.lanes else None


async def show_session(screen: MainScreen, session: Session) -> None:
    """Rebuild `screen` from `session` (see the module docstring)."""
    lane = main_lane(session)
    editor = screen.query_one(PromptEditor)
    editor.apply(editor_settings(lane, session.system))
    editor.message = session.draft
    if lane is not None and lane.model:
        screen.model_id = lane.model
        screen.provider = lane.provider
    screen.tool_flow.load()  # the session's tools, from its lane settings
    conversation = screen.query_one(Conversation)
    await conversation.clear()
    shown_group: str | None = None
    for run in session.runs:
        if not run.group or run.group != shown_group:
            text, attachments = prompt_of(run)
            if text or attachments:
                await conversation.add_user(text, attachments)  # type: ignore[arg-type]
        shown_group = run.group or None
        turn = await conversation.add_answer(run_header(run), run_id=run.id)
        view = turn.answer
        if run.reasoning:
            view.append_reasoning(run.reasoning)
        for index, call in enumerate(run.tool_calls):
            view.add_tool_call(index, call.name, call.arguments)
        if run.text:
            view.append(run.text)
        turn.finish(run, hint=retry_hint(run) if run is session.runs[-1] else "")
    sidebar = screen.query_one(MetricsSidebar)
    sidebar.reset_rates()
    if session.runs:
        last = session.runs[-1]
        sidebar.show(last.figures, published=screen.lane.published(last))
    sidebar.show_totals(totals_of(session.runs))


def lane_settings(screen: MainScreen) -> LaneSettings | None:
    """The main screen's lane as a session records it; None when the editor does not parse
    (the previous settings are kept then)."""
    editor = screen.query_one(PromptEditor)
    try:
        settings = editor.settings()
    except ValueError:
        return None
    base = screen.state.lane("") if screen.state is not None else LaneSettings()
    return replace(  # the tools and the tool choice stay as the tool editor keeps them
        base,
        model=screen.model_id or "",
        routing=replace(base.routing, only=(screen.provider,) if screen.provider else ()),
        params=settings.params,
        reasoning=(
            Reasoning(effort=settings.reasoning_effort) if settings.reasoning_effort else None
        ),
        response_format=ResponseFormat("json_object") if settings.json_mode else None,
    )


__all__ = [
    "editor_settings",
    "lane_settings",
    "main_lane",
    "prompt_of",
    "run_header",
    "show_session",
]
