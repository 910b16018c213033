"""What the user asks for: a chat request, independent of any gateway's wire format.

`gateway.wire` turns a `ChatRequest` into the JSON body of one gateway (Vercel puts routing
under ``providerOptions.gateway``, OpenRouter under ``provider``); sessions store it with
`core.session`; view-code renders it as TypeScript, Python and curl.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]
ReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh"]
REASONING_EFFORTS: tuple[ReasoningEffort, ...] = (
    "none",
    "minimal",
    "low",
    "medium",
    "high",
    "xhigh",
)


@dataclass(frozen=True, slots=True)
class TextPart:
    """Plain text inside a multi-part message."""

    text: str


@dataclass(frozen=True, slots=True)
class ImagePart:
    """An image for a vision model, inline as base64 (or by URL when `url` is set)."""

    media_type: str
    """MIME type, e.g. ``image/png``."""
    data: str = ""
    """Base64 of the image bytes; empty when `url` is used."""
    url: str = ""
    """A remote image URL, sent as is instead of `data`."""
    filename: str = ""
    """Where it came from, for display only; never sent."""
    detail: Literal["auto", "low", "high"] = "auto"

    @property
    def data_url(self) -> str:
        """The ``image_url.url`` value: the remote URL or a ``data:`` URL."""
        return self.url or f"data:{self.media_type};base64,{self.data}"


@dataclass(frozen=True, slots=True)
class FilePart:
    """A document (PDF, text) attached to a message, inline as base64."""

    media_type: str
    data: str
    """Base64 of the file bytes."""
    filename: str


Part = TextPart | ImagePart | FilePart


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A function call the model made: complete once its stream has finished."""

    id: str
    name: str
    arguments: str
    """The arguments as the model wrote them: JSON text, possibly invalid."""


@dataclass(frozen=True, slots=True)
class Message:
    """One turn of the conversation."""

    role: Role
    content: str | tuple[Part, ...] = ""
    """A string, or parts when the message carries images or files."""
    tool_calls: tuple[ToolCall, ...] = ()
    """Assistant messages only: the calls the model made."""
    tool_call_id: str | None = None
    """Tool messages only: which call this is the result of."""

    @property
    def text(self) -> str:
        """The message's text, without attachments."""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text for p in self.content if isinstance(p, TextPart))

    @property
    def attachments(self) -> tuple[ImagePart | FilePart, ...]:
        if isinstance(self.content, str):
            return ()
        return tuple(p for p in self.content if not isinstance(p, TextPart))


@dataclass(frozen=True, slots=True)
class Tool:
    """A function the model may call."""

    name: str
    description: str
    parameters: Mapping[str, Any] = field(default_factory=lambda: {"type": "object"})
    """A JSON schema for the arguments."""


ToolChoice = Literal["auto", "none", "required"] | str
"""``auto``, ``none``, ``required``, or the name of one tool to force."""


@dataclass(frozen=True, slots=True)
class Reasoning:
    """How much the model should think before answering (gateway ``reasoning`` object)."""

    effort: ReasoningEffort | None = None
    max_tokens: int | None = None
    """Mutually exclusive with `effort` on the wire; `effort` wins if both are set."""
    exclude: bool = False
    """Think, but do not send the reasoning back."""


@dataclass(frozen=True, slots=True)
class ResponseFormat:
    """Constrain the answer: JSON mode, or JSON that follows a schema."""

    type: Literal["text", "json_object", "json_schema"] = "json_object"
    name: str = "response"
    schema: Mapping[str, Any] | None = None
    strict: bool | None = None


@dataclass(frozen=True, slots=True)
class Params:
    """Sampling parameters. `None` means "leave it to the provider"."""

    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()
    frequency_penalty: float | None = None
    presence_penalty: float | None = None


@dataclass(frozen=True, slots=True)
class Routing:
    """Which providers may serve the request, in which order, and which models to fall back to."""

    order: tuple[str, ...] = ()
    """Provider slugs to try first; the others remain as later fallbacks."""
    only: tuple[str, ...] = ()
    """Restrict to these providers (a pin when there is one)."""
    models: tuple[str, ...] = ()
    """Fallback model ids, tried in order if the model fails."""

    @property
    def pinned(self) -> str | None:
        """The one provider the request is pinned to, if any."""
        return self.only[0] if len(self.only) == 1 else None


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """Everything needed to ask one model one thing."""

    model: str
    messages: tuple[Message, ...]
    params: Params = Params()
    routing: Routing = Routing()
    reasoning: Reasoning | None = None
    tools: tuple[Tool, ...] = ()
    tool_choice: ToolChoice | None = None
    response_format: ResponseFormat | None = None

    def pinned_to(self, provider: str | None) -> ChatRequest:
        """This request pinned to one provider (``None``: let the gateway route)."""
        only = (provider,) if provider else ()
        return replace(self, routing=replace(self.routing, only=only))

    def with_model(self, model: str) -> ChatRequest:
        return replace(self, model=model)

    @property
    def prompt_text(self) -> str:
        """All message text, for token estimates."""
        return "\n".join(m.text for m in self.messages)


def validate_params(
    params: Params, *, max_output: int | None = None, context: int | None = None
) -> list[str]:
    """Problems with `params`, as sentences a user can act on (empty when all is well).

    `max_output` and `context` are the model's limits from the catalog, when known.
    """
    problems: list[str] = []
    if params.temperature is not None and not 0.0 <= params.temperature <= 2.0:
        problems.append("Temperature must be between 0 and 2.")
    if params.top_p is not None and not 0.0 < params.top_p <= 1.0:
        problems.append("Top p must be greater than 0 and at most 1.")
    if params.max_tokens is not None:
        if params.max_tokens < 1:
            problems.append("Max tokens must be at least 1.")
        elif max_output is not None and params.max_tokens > max_output:
            problems.append(f"Max tokens is above this model's output limit ({max_output:,}).")
        elif context is not None and params.max_tokens > context:
            problems.append(f"Max tokens is above this model's context window ({context:,}).")
    if params.seed is not None and not 0 <= params.seed < 2**63:
        problems.append("Seed must be a non-negative integer.")
    if len(params.stop) > 4:
        problems.append("At most 4 stop sequences.")
    for name, value in (
        ("Frequency penalty", params.frequency_penalty),
        ("Presence penalty", params.presence_penalty),
    ):
        if value is not None and not -2.0 <= value <= 2.0:
            problems.append(f"{name} must be between -2 and 2.")
    return problems
