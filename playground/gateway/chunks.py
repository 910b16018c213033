"""Chunk interpretation: the bytes of a streamed chat completion in, `core.events` out.

`StreamReader` runs the SSE decoder over the raw body, parses each ``data:`` payload with orjson
and interprets the chunk (PROTOCOL.md §2.6, §3, §5): ``delta.content``, ``delta.reasoning`` (or
``reasoning_content`` from local servers), ``tool_calls`` by index, ``usage`` in the final chunk
or in a separate one with ``choices: []``, ``provider_metadata.gateway`` routing, cost and
generation id (Vercel), the top-level ``provider`` (OpenRouter), in-band ``{"error": …}``
objects and ``event: error``, ``finish_reason`` (``"error"`` included) and ``[DONE]``.
`parse_completion` reads a non-streamed answer through the same code.

The reader is the per-event hot path, so it works on plain dicts with ``.get`` and type checks
rather than a schema library: a chunk with one token costs about 3 µs here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

from playground.core.catalog_fields import fast_constructor
from playground.core.errors import GatewayError, ProtocolError, StreamError
from playground.core.events import (
    KeepAlive,
    ReasoningDelta,
    Routed,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
)
from playground.core.request import ToolCall
from playground.core.secret import Secret
from playground.gateway.errors import stream_error
from playground.gateway.sse import Comment, SSEDecoder, SSEEvent
from playground.gateway.text import DETAIL_LIMIT, one_line, redact
from playground.gateway.wire import (
    decimal_of,
    routed_event,
    usage_event,
    value_dict,
    value_int,
    value_str,
)

_loads = orjson.loads
_JSONDecodeError = orjson.JSONDecodeError
_text_delta = fast_constructor(TextDelta)
_reasoning_delta = fast_constructor(ReasoningDelta)
# One of these per token: built through their slot descriptors, at about half the cost of a
# frozen dataclass's __init__ (the same objects; see `core.catalog_fields.fast_constructor`).
_log = logging.getLogger(__name__)
"""Malformed chunks go to the debug log only (redacted), never into a message (S7)."""


class StreamReader:
    """One streamed response, bytes in, `core.events` out; state for one attempt.

    Routing and usage that arrive before the first delta (OpenRouter names the provider in
    its first chunk) are held back and emitted just before that delta, so that an attempt
    which fails before any content (and is retried) leaves no stale routing behind.

    Args:
        secret: The key, so that it can be removed from error texts.
    """

    __slots__ = (
        "_decoder",
        "_gateway_cost",
        "_held",
        "_provider",
        "_secret",
        "_usage",
        "error",
        "finish_reason",
        "generation_id",
        "model",
        "saw_done",
        "tokens",
    )

    def __init__(self, *, secret: Secret | None = None) -> None:
        self._decoder = SSEDecoder()
        self._secret = secret
        self._held: list[StreamEvent] = []
        self._provider: str | None = None
        self._usage: Mapping[str, Any] | None = None
        self._gateway_cost: Decimal | None = None
        self.finish_reason: str | None = None
        self.saw_done = False
        self.generation_id: str | None = None
        self.model: str | None = None
        self.tokens = 0
        """Content, reasoning and tool-call deltas so far (≈ tokens)."""
        self.error: GatewayError | None = None
        """Set when the stream reported an error or broke the protocol; reading stops."""

    @property
    def has_content(self) -> bool:
        return self.tokens > 0

    @property
    def stopped(self) -> bool:
        """``[DONE]`` arrived, or an error: nothing more will be read from this stream."""
        return self.saw_done or self.error is not None

    def feed(self, raw: bytes, t_ns: int) -> list[StreamEvent]:
        """Interpret the next bytes of the body.

        Args:
            raw: Bytes as they came off the connection, sliced anyhow.
            t_ns: When they arrived (``perf_counter_ns``); every event they complete gets it.

        Returns:
            The events completed by these bytes, in order.
        """
        out: list[StreamEvent] = []
        if self.saw_done or self.error is not None:
            return out
        data = self._decoder.take_data(raw)  # one plain event per chunk: the usual case
        if data is not None:
            try:
                chunk = _loads(data)
            except _JSONDecodeError:
                self._data(data, t_ns, out)  # [DONE], invalid UTF-8, or malformed
                return out
            try:
                self._chunk(chunk, t_ns, out)
            except (TypeError, ValueError, AttributeError, KeyError, IndexError):
                self._unexpected(data)
            return out
        for item in self._decoder.feed(raw):
            if type(item) is Comment:
                out.append(KeepAlive(t_ns))
                continue
            assert type(item) is SSEEvent
            if item.event != "message":
                self._special_event(item, t_ns, out)
            else:
                self._data(item.data, t_ns, out)
            if self.saw_done or self.error is not None:
                break
        return out

    def _data(self, data: bytes | str, t_ns: int, out: list[StreamEvent]) -> None:
        """One ``data`` payload of a ``message`` event."""
        try:
            chunk = _loads(data)
        except _JSONDecodeError:
            if data == b"[DONE]" or data == "[DONE]":
                self.saw_done = True
                return
            if isinstance(data, bytes):  # invalid UTF-8 becomes U+FFFD, as the spec says
                self._data(data.decode("utf-8", "replace"), t_ns, out)
                return
            self.error = self._malformed("a chunk that is not JSON")
            _log.debug("malformed chunk: %s", redact(data[:DETAIL_LIMIT], self._secret))
            return
        try:
            self._chunk(chunk, t_ns, out)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError):
            self._unexpected(data)

    def _unexpected(self, data: bytes | str) -> None:
        """A chunk that is JSON but not the shape of one: stop, and log it (redacted)."""
        self.error = self._malformed("a chunk of an unexpected shape")
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        _log.debug("unexpected chunk: %s", redact(text[:DETAIL_LIMIT], self._secret))

    def finish(self) -> list[StreamEvent]:
        """Events still held back at the end of the stream (routing/usage with no content)."""
        held, self._held = self._held, []
        return held

    def _malformed(self, what: str) -> ProtocolError:
        after = f" after {self.tokens:,} tokens" if self.tokens else ""
        return ProtocolError(f"The gateway sent {what}{after}; the stream was stopped.")

    def _special_event(self, item: SSEEvent, t_ns: int, out: list[StreamEvent]) -> None:
        if item.event != "error":
            out.append(KeepAlive(t_ns))  # ``event: ping`` and friends: alive, nothing more
            return
        try:
            payload: object = _loads(item.data)
        except _JSONDecodeError:
            payload = item.data
        error = payload.get("error", payload) if isinstance(payload, dict) else payload
        self.error = self._stream_error(error, None)

    def _stream_error(self, error: object, provider: str | None) -> StreamError:
        return stream_error(
            error,
            tokens=self.tokens,
            provider=provider,
            generation_id=self.generation_id,
            secret=self._secret,
        )

    def _emit(self, event: StreamEvent, out: list[StreamEvent]) -> None:
        (out if self.tokens else self._held).append(event)

    def _chunk(self, chunk: object, t_ns: int, out: list[StreamEvent]) -> None:
        if type(chunk) is not dict:
            raise TypeError("chunk is not an object")
        error = chunk.get("error")
        if error:
            self.error = self._stream_error(error, value_str(chunk.get("provider")))
            return
        generation_id = chunk.get("generationId")  # Vercel: top level of the final chunk
        if generation_id and isinstance(generation_id, str):
            self.generation_id = generation_id
        elif self.generation_id is None:
            self.generation_id = value_str(chunk.get("id"))
        if self.model is None:
            self.model = value_str(chunk.get("model"))
        choices = chunk.get("choices")
        if choices:
            choice = choices[0]
            delta = choice.get("delta")
            if delta:
                content = delta.get("content")
                if len(delta) == 1 and type(content) is str and content and self.tokens:
                    # Nearly every chunk: text and nothing else, after the first token.
                    self.tokens += 1
                    out.append(_text_delta(t_ns, content))
                else:
                    self._delta(delta, t_ns, out)
            finish = choice.get("finish_reason")
            if finish:
                if finish == "error":
                    self.error = self._stream_error(
                        {"message": "the provider ended the stream with an error"},
                        value_str(chunk.get("provider")),
                    )
                    return
                self.finish_reason = str(finish)
        provider = chunk.get("provider")
        if provider and provider != self._provider and isinstance(provider, str):
            self._provider = provider  # OpenRouter names the provider in every chunk
            self._emit(Routed(t_ns, provider, model=value_str(chunk.get("model"))), out)
        usage = chunk.get("usage")
        if usage and isinstance(usage, dict):
            self._usage = usage
            self._emit(usage_event(usage, t_ns, self._gateway_cost), out)

    def _delta(self, delta: dict[str, Any], t_ns: int, out: list[StreamEvent]) -> None:
        content = delta.get("content")
        if content and type(content) is str:
            if not self.tokens and self._held:
                out.extend(self.finish())
            self.tokens += 1
            out.append(_text_delta(t_ns, content))
        reasoning = delta.get("reasoning") or delta.get("reasoning_content")
        if reasoning and type(reasoning) is str:
            if not self.tokens and self._held:
                out.extend(self.finish())
            self.tokens += 1
            out.append(_reasoning_delta(t_ns, reasoning))
        tool_calls = delta.get("tool_calls")
        if tool_calls:
            for position, call in enumerate(tool_calls):
                self._tool_call(call, position, t_ns, out)
        metadata = delta.get("provider_metadata")
        if metadata:
            self._metadata(metadata, t_ns, out)

    def _tool_call(self, call: object, position: int, t_ns: int, out: list[StreamEvent]) -> None:
        if not isinstance(call, dict):
            return
        function = value_dict(call.get("function"))
        arguments = function.get("arguments")
        if arguments is None:
            arguments = ""
        elif not isinstance(arguments, str):  # some local servers send an object
            arguments = orjson.dumps(arguments).decode()
        index = value_int(call.get("index"))
        if not self.tokens and self._held:
            out.extend(self.finish())
        self.tokens += 1
        out.append(
            ToolCallDelta(
                t_ns,
                position if index is None else index,
                value_str(call.get("id")),
                value_str(function.get("name")),
                arguments,
            )
        )

    def _metadata(self, metadata: object, t_ns: int, out: list[StreamEvent]) -> None:
        gateway = value_dict(value_dict(metadata).get("gateway"))
        if not gateway:
            return
        generation_id = value_str(gateway.get("generationId"))
        if generation_id:
            self.generation_id = generation_id
        routing = gateway.get("routing")
        if isinstance(routing, dict):
            self._emit(routed_event(routing, t_ns, self.model), out)
        cost = decimal_of(gateway.get("cost"))
        if cost is not None:
            self._gateway_cost = cost
            if self._usage is not None:  # usage came first (a separate chunk): correct it
                self._emit(usage_event(self._usage, t_ns, cost), out)


# -- non-streamed answers ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Completion:
    """A whole, non-streamed answer (used for a cheap key-test call)."""

    text: str
    """The answer (raw gateway text: `safe_text` it before display)."""
    reasoning: str
    """The reasoning, when the model sent it."""
    tool_calls: tuple[ToolCall, ...]
    finish_reason: str | None
    usage: Usage | None
    """Token counts and cost, when the gateway reported them."""
    routed: Routed | None
    """Who served the request (Vercel routing, or OpenRouter's ``provider``)."""
    generation_id: str | None
    model: str | None
    """The model that answered, as the gateway reports it."""


def parse_completion(payload: object, *, t_ns: int = 0, secret: Secret | None = None) -> Completion:
    """Read a ``chat.completion`` object (``stream: false``).

    Raises:
        StreamError: The body is an ``{"error": …}`` object despite the 200.
        ProtocolError: The body is not a chat completion.
    """
    if not isinstance(payload, dict):
        raise ProtocolError("The gateway's answer is not a JSON object.")
    if payload.get("error"):
        raise stream_error(payload["error"], tokens=0, secret=secret)
    choices = payload.get("choices")
    if not isinstance(choices, list):
        raise ProtocolError("The gateway's answer has no choices.")
    # The message of a whole answer has the shape of one big delta: reuse the stream path.
    chunk = dict(payload)
    chunk["choices"] = [
        {"delta": value_dict(c.get("message")), "finish_reason": c.get("finish_reason")}
        for c in choices[:1]
        if isinstance(c, dict)
    ]
    reader = StreamReader(secret=secret)
    events: list[StreamEvent] = []
    try:
        reader._chunk(chunk, t_ns, events)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        raise ProtocolError(
            one_line(f"The gateway's answer has an unexpected shape: {exc}")
        ) from exc
    if reader.error is not None:
        raise reader.error
    events.extend(reader.finish())
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    reasoning = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
    calls = tuple(
        ToolCall(e.id or f"call_{e.index}", e.name or "", e.arguments)
        for e in events
        if isinstance(e, ToolCallDelta)
    )
    usage = next((e for e in reversed(events) if isinstance(e, Usage)), None)
    routed = next((e for e in reversed(events) if isinstance(e, Routed)), None)
    return Completion(
        text,
        reasoning,
        calls,
        reader.finish_reason,
        usage,
        routed,
        reader.generation_id,
        reader.model,
    )
