"""The session being worked on: its conversation, every run, and the journal that keeps them
safe until the user saves.

The UI holds one `SessionState` per window; screens ask it for the next request and hand it
every run that ends. A turn joins the conversation only when its answer has something in it
(text or tool calls), so a failed attempt never becomes context for the next message; the run
itself is always kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from playground.core.request import (
    ChatRequest,
    FilePart,
    ImagePart,
    Message,
    Params,
    Part,
    Reasoning,
    ResponseFormat,
    Routing,
    TextPart,
    Tool,
    ToolChoice,
)
from playground.core.run import Run
from playground.core.session import (
    LaneSettings,
    Session,
    SessionProfile,
    new_session,
    now_iso,
)
from playground.core.totals import SessionTotals, totals_of


def user_message(text: str, attachments: tuple[ImagePart | FilePart, ...] = ()) -> Message:
    """A user message: plain text, or parts when it carries attachments."""
    if not attachments:
        return Message("user", text)
    parts: tuple[Part, ...] = (TextPart(text), *attachments)
    return Message("user", parts)


class SessionState:
    """The live session. Mutable on purpose: it is the one object that accumulates."""

    def __init__(
        self, session: Session, *, on_change: Callable[[SessionState], None] | None = None
    ) -> None:
        self.session = session
        self.dirty = False
        """Runs or settings changed since the last save."""
        self._on_change = on_change

    @classmethod
    def new(cls, profile: SessionProfile) -> SessionState:
        return cls(new_session(profile))

    # -- requests ------------------------------------------------------------------------------

    def request(
        self,
        text: str,
        *,
        model: str,
        system: str = "",
        params: Params = Params(),  # noqa: B008 (frozen)
        provider: str | None = None,
        reasoning: Reasoning | None = None,
        response_format: ResponseFormat | None = None,
        tools: tuple[Tool, ...] = (),
        tool_choice: ToolChoice | None = None,
        attachments: tuple[ImagePart | FilePart, ...] = (),
        routing: Routing | None = None,
    ) -> ChatRequest:
        """The next request: the system prompt, the conversation so far, and `text`."""
        messages: list[Message] = []
        if system.strip():
            messages.append(Message("system", system))
        messages.extend(self.session.messages)
        messages.append(user_message(text, attachments))
        request = ChatRequest(
            model=model,
            messages=tuple(messages),
            params=params,
            routing=routing or Routing(),
            reasoning=reasoning,
            tools=tools,
            tool_choice=tool_choice,
            response_format=response_format,
        )
        return request.pinned_to(provider) if routing is None else request

    def continuation(self, request: ChatRequest, extra: tuple[Message, ...]) -> ChatRequest:
        """`request` with more messages after the conversation (tool results)."""
        return replace(request, messages=(*request.messages, *extra))

    # -- recording -----------------------------------------------------------------------------

    def record(self, run: Run, *, conversation: bool = True) -> None:
        """Keep `run`; with `conversation`, its turn joins the conversation if it has an
        answer (the user message it answered, then the assistant's text and tool calls)."""
        session = self.session.with_run(run)
        if conversation and (run.text or run.tool_calls):
            new_messages = _turn_messages(run.request, self.session.messages)
            assistant = Message("assistant", run.text, tool_calls=run.tool_calls)
            session = replace(session, messages=(*new_messages, assistant))
        self._set(session)

    def add_messages(self, *messages: Message) -> None:
        """Append messages to the conversation (tool results the user typed)."""
        self._set(replace(self.session, messages=(*self.session.messages, *messages)))

    def set_system(self, system: str) -> None:
        if system != self.session.system:
            self._set(replace(self.session, system=system))

    def set_draft(self, draft: str) -> None:
        if draft != self.session.draft:
            self.session = replace(self.session, draft=draft)

    def set_lanes(self, *lanes: LaneSettings) -> None:
        if lanes != self.session.lanes:
            self._set(replace(self.session, lanes=lanes))

    def lane(self, name: str = "") -> LaneSettings:
        """The settings of lane `name` (defaults when the session has none yet)."""
        return next((lane for lane in self.session.lanes if lane.name == name), LaneSettings(name))

    def set_tools(
        self, tools: tuple[Tool, ...], tool_choice: ToolChoice | None, *, lane: str = ""
    ) -> None:
        """Keep the tools (and the tool choice) in lane `lane`'s settings: they are part of
        the session, saved with it and sent with every request of that lane."""
        current = self.lane(lane)
        if (current.tools, current.tool_choice) == (tools, tool_choice):
            return
        updated = replace(current, tools=tools, tool_choice=tool_choice)
        others = tuple(x for x in self.session.lanes if x.name != lane)
        lanes = tuple(updated if x.name == lane else x for x in self.session.lanes)
        self.set_lanes(*(lanes if len(others) < len(self.session.lanes) else (*lanes, updated)))

    def new_conversation(self) -> None:
        """Start over: the conversation is cleared; the runs stay in the session."""
        self._set(replace(self.session, messages=()))

    def mark_saved(self, session: Session | None = None) -> None:
        self.session = session or replace(self.session, saved=now_iso())
        self.dirty = False

    def _set(self, session: Session) -> None:
        self.session = session
        self.dirty = True
        if self._on_change is not None:
            self._on_change(self)

    # -- reading -------------------------------------------------------------------------------

    @property
    def runs(self) -> tuple[Run, ...]:
        return self.session.runs

    @property
    def messages(self) -> tuple[Message, ...]:
        return self.session.messages

    def totals(self) -> SessionTotals:
        return totals_of(self.session.runs)

    def last_run(self, lane: str = "") -> Run | None:
        for run in reversed(self.session.runs):
            if run.lane == lane:
                return run
        return None


def _turn_messages(request: ChatRequest, history: tuple[Message, ...]) -> tuple[Message, ...]:
    """The conversation `request` was sent with (without its system prompt): the history it
    extended, plus its own last user message."""
    sent = tuple(m for m in request.messages if m.role != "system")
    if sent[: len(history)] == history:
        return sent
    # The request was built from another history (a retried old run): keep ours, add its
    # last user message.
    return (*history, sent[-1]) if sent else history
