"""A lane: one stream of runs painted in one place, with its figures in one sidebar.

The main screen has one lane; compare mode has two. A `Lane` drives a run from start to end:
it creates the `LiveRun` through `Services`, feeds its events to the answer view, shows live
figures on a timer, and when the run ends (finished, failed, or cancelled by Esc) it renders
the final answer, its summary or error card, and hands the run to `on_done`. It is not a
widget: the screen's worker calls `Lane.run`, so cancelling the worker stops the run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from textual.timer import Timer

from playground.core.catalog import Catalog
from playground.core.request import ChatRequest
from playground.core.run import Figures, Run
from playground.ui.run_display import LiveFigures, RunDisplay
from playground.ui.widgets.conversation import AnswerTurn, Conversation
from playground.ui.widgets.metrics_sidebar import Published

if TYPE_CHECKING:
    from playground.services import Services
    from playground.services.runs import LiveRun

FIGURES_HZ = 5
"""How often a lane shows live figures while streaming."""


class FiguresPane(Protocol):
    """Where a lane shows its figures: the main screen's `MetricsSidebar`, or a compare
    lane's compact figures."""

    def show(
        self,
        figures: Figures | None,
        *,
        published: Published | None = None,
        retry_note: str = "",
        waiting_note: str = "",
    ) -> None: ...

    def reset_rates(self) -> None: ...

    def push_rate(self, tokens_per_s: float) -> None: ...

    def show_rates(self, rates: Sequence[float]) -> None: ...

    def set_interval(self, interval: float, callback: Callable[[], Any]) -> Timer: ...


def published_for(catalog: Catalog, model_id: str, provider: str | None) -> Published | None:
    """What the catalog publishes for `provider` serving `model_id` (None when unknown)."""
    if not provider:
        return None
    for endpoint in catalog.endpoints_of(model_id) or ():
        if endpoint.provider == provider:
            return Published(provider, endpoint.ttft_p50_s, endpoint.throughput_p50)
    return None


def retry_hint(run: Run) -> str:
    """What to do after a run that did not end well."""
    if run.error is not None and run.error.kind == "auth":
        return "Set a key (click the badge, or palette › Set API key), then press ctrl+r."
    if run.status in ("error", "interrupted", "incomplete"):
        return "Press ctrl+r to retry as a new run."
    return ""


class Lane:
    """Runs requests into answer turns and shows their figures in `sidebar`.

    Args:
        name: ``""`` on the main screen, ``A`` or ``B`` in compare mode (stored in runs).
        sidebar: Where the figures go.
        catalog: The current catalog (for published figures and prices).
        on_tick: Also told about every tick's figures (e.g. a comparison strip).
    """

    def __init__(
        self,
        name: str,
        sidebar: FiguresPane,
        catalog: Callable[[], Catalog],
        *,
        on_tick: Callable[[Lane, LiveFigures], None] | None = None,
    ) -> None:
        self.name = name
        self.sidebar = sidebar
        self._catalog = catalog
        self._on_tick = on_tick
        self.display: RunDisplay | None = None
        self.turn: AnswerTurn | None = None
        self._ticker: Timer | None = None
        self.last_run: Run | None = None

    @property
    def streaming(self) -> bool:
        return self.display is not None

    async def run(
        self,
        services: Services,
        request: ChatRequest,
        turn: AnswerTurn,
        *,
        on_done: Callable[[Run], None],
        group: str = "",
        repeat_index: int | None = None,
        warmup: bool = False,
        reset_rates: bool = True,
        live: LiveRun | None = None,
    ) -> Run:
        """Stream `request` into `turn` until it ends; call `on_done(run)` in every case
        (also when the worker is cancelled, before `CancelledError` propagates).

        `live` is a run already made (compare mode's runner makes them); otherwise the run
        is made here with `group`, `repeat_index` and `warmup`.
        """
        if live is None:
            live = services.new_run(
                request, lane=self.name, group=group, repeat_index=repeat_index, warmup=warmup
            )
        display = RunDisplay(live, turn.answer)
        self.display, self.turn = display, turn
        if reset_rates:
            self.sidebar.reset_rates()
        self.tick()
        self._ticker = self.sidebar.set_interval(1 / FIGURES_HZ, self.tick)
        run: Run | None = None
        try:
            run = await live.execute(display.on_event)
            return run
        finally:
            run = run or display.final()
            self._end(run, turn)
            if reset_rates:
                # The sampled rates give way to the run's own, measured from its deltas (the
                # same in every replay of the run, and complete however busy the UI was).
                profile = live.builder.rate_profile(run.figures.tokens.output)
                if profile:
                    self.sidebar.show_rates(profile)
            on_done(run)

    def _end(self, run: Run, turn: AnswerTurn) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.display = None
        self.last_run = run
        turn.finish(run, hint=retry_hint(run))
        conversation = turn.parent
        if isinstance(conversation, Conversation):
            conversation.settle()
        self.sidebar.show(run.figures, published=self.published(run))

    def tick(self) -> None:
        """Show the streaming run's figures now (the timer calls this 5 times a second)."""
        display = self.display
        if display is None:
            return
        live = display.tick()
        request = display.live.request
        provider = live.figures.served_by or request.routing.pinned
        self.sidebar.show(
            live.figures,
            published=published_for(self._catalog(), request.model, provider),
            retry_note=live.retry_note,
            waiting_note=live.waiting_note,
        )
        if live.rate_sample is not None:
            self.sidebar.push_rate(live.rate_sample)
        if self.turn is not None:
            self.turn.show_status(live.retry_note or live.waiting_note or "")
        if self._on_tick is not None:
            self._on_tick(self, live)

    def published(self, run: Run) -> Published | None:
        provider = run.figures.served_by or run.request.routing.pinned
        return published_for(self._catalog(), run.request.model, provider)
