"""A compare lane's header: its name, its model (a button that opens the model search) and
its provider (a compact select: "auto" and the model's providers with their published P50
TTFT), with stop and retry buttons. One row.

The screen pushes the model and the providers in (`show`) and gets intent back as messages;
nothing here fetches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Select, Static

from playground.core import format as fmt
from playground.core.catalog import Endpoint
from playground.core.sanitize import safe_line

AUTO = "auto"
"""The select's value for "let the gateway route" (no provider slug is ``auto``)."""


def provider_options(
    endpoints: Sequence[Endpoint] | None, pinned: str | None
) -> list[tuple[Content, str]]:
    """The select's rows: ``auto``, then each provider with its published P50 TTFT, and the
    pinned provider even when the catalog does not list it."""
    options: list[tuple[Content, str]] = [(Content("auto (gateway routes)"), AUTO)]
    listed = set()
    for endpoint in endpoints or ():
        listed.add(endpoint.provider)
        label = safe_line(endpoint.provider, 24)
        if endpoint.ttft_p50_s is not None:
            label += f" · {fmt.seconds(endpoint.ttft_p50_s)}"
        if not endpoint.active:
            label += " (inactive)"
        options.append((Content(label), endpoint.provider))
    if pinned and pinned not in listed:
        options.append((Content(f"{safe_line(pinned, 24)} (unlisted)"), pinned))
    return options


class LaneHeader(Horizontal):
    """``A  [openai/gpt-4.1-mini]  [azure · 0.700 s ▾]  ■ ↻``"""

    DEFAULT_CSS = """
    LaneHeader { height: 1; padding: 0 1 0 0; }
    LaneHeader > .lane-name { width: 3; text-style: bold; color: $accent; padding: 0 1; }
    LaneHeader > #lane-model { width: 1fr; min-width: 8; max-width: 40; }
    LaneHeader > Select { width: 1fr; min-width: 12; max-width: 30; margin: 0 0 0 1; }
    LaneHeader > .lane-button { min-width: 3; width: 3; margin: 0 0 0 1; }
    """

    @dataclass
    class ModelRequested(Message):
        """The user wants to pick this lane's model."""

        header: LaneHeader

        @property
        def control(self) -> LaneHeader:
            return self.header

    @dataclass
    class ProviderPicked(Message):
        """The user picked a provider for this lane (None: auto)."""

        header: LaneHeader
        provider: str | None

        @property
        def control(self) -> LaneHeader:
            return self.header

    @dataclass
    class StopPressed(Message):
        """Stop this lane's run."""

        header: LaneHeader

        @property
        def control(self) -> LaneHeader:
            return self.header

    @dataclass
    class RetryPressed(Message):
        """Send this lane's last request again."""

        header: LaneHeader

        @property
        def control(self) -> LaneHeader:
            return self.header

    def __init__(self, lane: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lane = lane
        self.model: str = ""
        self.provider: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.lane, classes="lane-name")
        yield Button(
            Content("model…"),
            id="lane-model",
            compact=True,
            tooltip=f"Pick lane {self.lane}'s model",
        )
        yield Select[str](
            provider_options(None, None),
            value=AUTO,
            allow_blank=False,
            compact=True,
            id="lane-provider",
            tooltip=f"Lane {self.lane}'s provider (auto lets the gateway route)",
        )
        yield Button(
            "■",
            id="lane-stop",
            classes="lane-button",
            compact=True,
            disabled=True,
            tooltip=f"Stop lane {self.lane}; what arrived is kept",
        )
        yield Button(
            "↻",
            id="lane-retry",
            classes="lane-button",
            compact=True,
            tooltip=f"Send lane {self.lane}'s last request again",
        )

    def show(self, model: str, endpoints: Sequence[Endpoint] | None, provider: str | None) -> None:
        """Show `model` and its providers, `provider` selected (None: auto)."""
        self.model, self.provider = model, provider
        self.query_one("#lane-model", Button).label = Content(safe_line(model, 80) or "model…")
        select: Select[str] = self.query_one("#lane-provider", Select)
        with self.prevent(Select.Changed):
            select.set_options(provider_options(endpoints, provider))
            select.value = provider or AUTO

    def set_streaming(self, streaming: bool) -> None:
        """Enable the stop button while the lane streams."""
        self.query_one("#lane-stop", Button).disabled = not streaming

    @property
    def provider_select(self) -> Select[str]:
        return self.query_one("#lane-provider", Select)

    @on(Button.Pressed, "#lane-model")
    def _model_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.ModelRequested(self))

    @on(Button.Pressed, "#lane-stop")
    def _stop_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.StopPressed(self))

    @on(Button.Pressed, "#lane-retry")
    def _retry_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.RetryPressed(self))

    @on(Select.Changed, "#lane-provider")
    def _provider_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        provider = None if value == AUTO or not isinstance(value, str) else value
        if provider != self.provider:
            self.provider = provider
            self.post_message(self.ProviderPicked(self, provider))
