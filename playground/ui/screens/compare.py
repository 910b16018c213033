"""Compare mode: one prompt, two lanes side by side.

Each lane has its own model and provider (default: the main screen's model on its first two
providers), its own streaming answer and live figures. Send runs both lanes at once; Esc stops
both; each lane's ■ and ↻ stop or retry it alone. The comparison strip under the lanes marks
the better value of each figure. Repeat ×N runs the prompt N times per lane, interleaved
A B A B …, and fills a table of min / P50 / P95 / max per lane; the diff view shows where the
two answers differ. Every run goes into the session (never into the conversation).

The runs go through `services.compare.CompareRunner`; this screen only shows them: its
executor streams each run into the lane's answer view with a `Lane`. The runner's tasks live
inside this screen's workers, so leaving the screen cancels them (each run is then kept,
stopped).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Static

from playground.core.catalog import Catalog, Endpoint
from playground.core.compare import LaneTarget, RunSlot, group_runs, lane_stats
from playground.core.request import ChatRequest, Message, Reasoning, ResponseFormat
from playground.core.run import Figures, Run
from playground.core.sanitize import safe_line
from playground.services.compare import CompareRunner, RepeatProgress, new_group_id
from playground.services.session_state import user_message
from playground.ui.lane import Lane, published_for
from playground.ui.run_display import LiveFigures
from playground.ui.widgets.comparison_strip import ComparisonStrip
from playground.ui.widgets.lane_figures import LaneFigures
from playground.ui.widgets.lane_header import LaneHeader
from playground.ui.widgets.lane_turn import LaneTurn
from playground.ui.widgets.metrics_sidebar import Published
from playground.ui.widgets.prompt_editor import ParameterError, PromptEditor, PromptSettings
from playground.ui.widgets.repeat_panel import RepeatPanel
from playground.ui.widgets.top_bar import Badge, badge_content

if TYPE_CHECKING:
    from playground.services import Services
    from playground.services.runs import LiveRun
    from playground.services.session_state import SessionState

COMPARE = "compare"
"""Worker group of the sends, retries and repeats (not exclusive: lanes run side by side)."""
LANES = ("A", "B")
SHORT_HEIGHT = 40
"""Below this many rows the strip and the repeat results take turns (ctrl+o switches)."""


def default_providers(
    endpoints: Iterable[Endpoint] | None, preferred: str | None
) -> tuple[str | None, str | None]:
    """Lane A's and lane B's providers: the preferred (pinned) one and the first other, else
    the model's first two active providers; ``None`` (auto) where there are not enough."""
    providers = [e.provider for e in endpoints or () if e.active]
    if preferred:
        others = [p for p in providers if p != preferred]
        return preferred, others[0] if others else None
    first = providers[0] if providers else None
    second = providers[1] if len(providers) > 1 else None
    return first, second


def lane_title(target: LaneTarget) -> str:
    """``openai/gpt-4.1-mini › azure`` (sanitized)."""
    return f"{safe_line(target.model, 60)} › {safe_line(target.provider or 'auto', 30)}"


def lane_label(target: LaneTarget, other: LaneTarget) -> str:
    """``A azure``, or ``A gpt-4.1-mini`` when the lanes differ by model."""
    if target.model != other.model:
        return f"{target.lane} {safe_line(target.model.rsplit('/', 1)[-1], 20)}"
    return f"{target.lane} {safe_line(target.provider or 'auto', 20)}"


class CompareScreen(Screen[None]):
    """Two lanes, one prompt."""

    DEFAULT_CSS = """
    CompareScreen { layout: vertical; }
    CompareScreen #compare-title { height: 1; padding: 0 1; background: $panel; }
    CompareScreen #lanes { height: 1fr; }
    CompareScreen .lane { width: 1fr; height: 1fr; }
    CompareScreen #lane-b { border-left: vkey $foreground 10%; }
    CompareScreen .lane-answer { height: 1fr; padding: 0 1; }
    CompareScreen PromptEditor { border-top: hkey $foreground 10%; max-height: 14; }
    CompareScreen PromptEditor #message { max-height: 6; }
    /* Attachments and tools are the main screen's: compare sends one plain turn. */
    CompareScreen PromptEditor #attach, CompareScreen PromptEditor #tools { display: none; }
    CompareScreen.-short #compare-title { display: none; }
    CompareScreen.-short PromptEditor #message { max-height: 3; min-height: 3; }
    CompareScreen.-short PromptEditor #send-row { display: none; }
    CompareScreen.-short RepeatPanel #repeat-results { margin-top: 0; }
    CompareScreen.-short LaneFigures > RateChart { display: none; }
    CompareScreen.-short.-results ComparisonStrip { display: none; }
    CompareScreen.-short RepeatPanel #repeat-results { display: none; }
    CompareScreen.-short.-results RepeatPanel #repeat-results.-shown { display: block; }
    """

    BINDINGS = [
        Binding(
            "ctrl+j,ctrl+enter", "send", "Send", id="compare-send", tooltip="Send to both lanes."
        ),
        Binding(
            "escape",
            "stop",
            "Stop",
            id="compare-stop",
            tooltip="Stop both lanes (and a repeat); what arrived is kept.",
        ),
        Binding("escape", "close", "Close", id="compare-close", tooltip="Back to the main screen."),
        Binding(
            "ctrl+r",
            "repeat",
            "Repeat ×N",
            id="compare-repeat",
            tooltip="Run the prompt N times per lane, interleaved, for min/P50/P95/max.",
        ),
        Binding(  # not ctrl+d: the message box deletes with it
            "f4",
            "diff",
            "Diff",
            id="compare-diff",
            tooltip="Where the two answers differ, word by word.",
        ),
        Binding(
            "ctrl+o",
            "toggle_results",
            "Strip/table",
            id="compare-toggle-results",
            show=False,
            tooltip="Show the comparison strip or the repeat table (on short terminals).",
        ),
        Binding("f1", "help", "Help", id="compare-help", tooltip="Every binding."),
    ]

    streaming: var[bool] = var(False, bindings=True)
    """A lane streams or a repeat is under way."""

    def __init__(
        self,
        services: Services,
        state: SessionState,
        *,
        catalog: Catalog,
        model: str,
        provider: str | None = None,
        settings: PromptSettings | None = None,
        message: str = "",
    ) -> None:
        super().__init__()
        self.services = services
        self.state = state
        self.catalog = catalog
        self.targets: dict[str, LaneTarget] = {lane: LaneTarget(lane, model) for lane in LANES}
        """Where each lane sends."""
        self._preferred = provider
        self._settings = settings or PromptSettings()
        self._message = message
        self.runner = CompareRunner(services, execute=self._execute, on_run=self._recorded)
        self.lanes: dict[str, Lane] = {}
        self._figures: dict[str, Figures | None] = dict.fromkeys(LANES)
        self._last_requests: dict[str, ChatRequest] = {}
        self._streaming_lanes: set[str] = set()
        self._repeat_group: str | None = None
        self._repeating = False

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        badge = self.services.badge
        yield Static(
            Content.assemble(
                ("Compare", "bold"),
                ("  one prompt, two lanes  ", "$text-muted"),
                badge_content(
                    Badge(badge.profile, badge.host, badge.source, badge.simulated, badge.missing)
                ),
            ),
            id="compare-title",
        )
        with Horizontal(id="lanes"):
            for lane in LANES:
                key = lane.lower()
                with Vertical(id=f"lane-{key}", classes="lane"):
                    yield LaneHeader(lane, id=f"lane-header-{key}")
                    # The answer view scrolls itself (it paints only the lines in view), and
                    # is mounted now: its Markdown renderer warms up before the first send.
                    with Vertical(id=f"lane-answer-{key}", classes="lane-answer"):
                        yield LaneTurn(f"Lane {lane}'s answer streams here.")
                    yield LaneFigures(id=f"lane-figures-{key}")
        yield ComparisonStrip(id="comparison-strip")
        yield RepeatPanel(id="repeat-panel")
        yield PromptEditor(self._settings, id="prompt-editor")
        yield Footer()

    def on_mount(self) -> None:
        for lane in LANES:
            figures = self.query_one(f"#lane-figures-{lane.lower()}", LaneFigures)
            self.lanes[lane] = Lane(lane, figures, lambda: self.catalog, on_tick=self._ticked)
        editor = self.query_one(PromptEditor)
        if self._message:
            editor.message = self._message
        editor.focus_message()
        model = self.targets["A"].model
        self._set_defaults(self.catalog.endpoints_of(model))
        if self.catalog.endpoints_of(model) is None:
            self._load_endpoints(model, defaults=True)

    def on_resize(self) -> None:
        short = self.size.height < SHORT_HEIGHT
        self.set_class(short, "-short")
        self.query_one(RepeatPanel).compact = short

    # -- lanes: models and providers -------------------------------------------------------------

    def _set_defaults(self, endpoints: Iterable[Endpoint] | None) -> None:
        a, b = default_providers(endpoints, self._preferred)
        self.set_target("A", provider=a)
        self.set_target("B", provider=b)

    def set_target(
        self, lane: str, *, model: str | None = None, provider: str | None = None
    ) -> None:
        """Point `lane` at `model` (unchanged when None) and `provider` (None: auto)."""
        current = self.targets[lane]
        self.targets[lane] = LaneTarget(lane, model or current.model, provider)
        self._show_targets()

    def _show_targets(self) -> None:
        for lane, target in self.targets.items():
            header = self.query_one(f"#lane-header-{lane.lower()}", LaneHeader)
            header.show(target.model, self.catalog.endpoints_of(target.model), target.provider)
        self._show_strip()

    @work(group="endpoints", exit_on_error=False)
    async def _load_endpoints(self, model: str, *, defaults: bool = False) -> None:
        try:
            await self.services.catalog.load()
            await self.services.catalog.endpoints(model)
        except Exception as exc:
            self.notify(
                safe_line(f"Couldn't load {model}'s providers: {exc}", 300),
                severity="warning",
                markup=False,
            )
            return
        current = self.services.catalog.current
        if current is not None:
            self.catalog = current.catalog
        if defaults:
            self._set_defaults(self.catalog.endpoints_of(model))
        else:
            self._show_targets()

    @on(LaneHeader.ProviderPicked)
    def _provider_picked(self, event: LaneHeader.ProviderPicked) -> None:
        self.set_target(event.header.lane, provider=event.provider)

    @on(LaneHeader.ModelRequested)
    def _model_requested(self, event: LaneHeader.ModelRequested) -> None:
        self.action_pick_model(event.header.lane)

    def action_pick_model(self, lane: str) -> None:
        from playground.ui.screens.pick_model import PickModelScreen

        def picked(model_id: str | None) -> None:
            if not model_id:
                return
            target = self.targets[lane]
            endpoints = self.catalog.endpoints_of(model_id)
            keep = (
                target.provider
                if endpoints and target.provider in {e.provider for e in endpoints}
                else None
            )
            self.set_target(lane, model=model_id, provider=keep)
            if endpoints is None:
                self._load_endpoints(model_id)

        current = self.targets[lane].model
        self.app.push_screen(
            PickModelScreen(self.catalog, current, title=f"Lane {lane}: pick a model"), picked
        )

    # -- sending ---------------------------------------------------------------------------------

    def _base_request(self, text: str, settings: PromptSettings) -> ChatRequest:
        """The request both lanes share (one turn: the system prompt and the message)."""
        messages: list[Message] = []
        if settings.system.strip():
            messages.append(Message("system", settings.system))
        messages.append(user_message(text))
        return ChatRequest(
            model=self.targets["A"].model,
            messages=tuple(messages),
            params=settings.params,
            reasoning=Reasoning(effort=settings.reasoning_effort)
            if settings.reasoning_effort
            else None,
            response_format=ResponseFormat("json_object") if settings.json_mode else None,
        )

    def _requests(self, text: str, settings: PromptSettings) -> dict[str, ChatRequest]:
        base = self._base_request(text, settings)
        return {lane: target.request(base) for lane, target in self.targets.items()}

    def action_send(self) -> None:
        self.query_one(PromptEditor).submit()

    @on(PromptEditor.Submitted)
    def _submitted(self, event: PromptEditor.Submitted) -> None:
        event.stop()
        if self._repeating:
            self.notify("A repeat is running: Esc stops it.", severity="warning")
            return
        if self.services.needs_key:
            self.app.action_set_key()  # type: ignore[attr-defined]
            return
        requests = self._requests(event.text, event.settings)
        self._last_requests.update(requests)
        self._figures = dict.fromkeys(LANES)
        self._show_strip()
        self.run_worker(self.runner.send(requests), group=COMPARE, exit_on_error=False)

    def action_retry(self, lane: str) -> None:
        """Send `lane`'s last request again, to its current model and provider."""
        if self._repeating:
            self.notify("A repeat is running: Esc stops it.", severity="warning")
            return
        last = self._last_requests.get(lane)
        if last is None:
            editor = self.query_one(PromptEditor)
            try:
                settings = editor.settings()
            except ParameterError as exc:
                editor.show_problems([str(exc)])
                return
            if not editor.message.strip():
                self.notify("Write a message first.", severity="information")
                return
            last = self._base_request(editor.message, settings)
        request = self.targets[lane].request(last)
        self._last_requests[lane] = request
        self._figures[lane] = None
        self._show_strip()
        slot = RunSlot(lane, new_group_id())
        self.run_worker(self.runner.run_one(slot, request), group=COMPARE, exit_on_error=False)

    def action_stop_lane(self, lane: str) -> None:
        if self._repeating:
            self.runner.stop()  # a lane stopped alone would spoil the series: stop it all
        else:
            self.runner.stop(lane)

    @on(LaneHeader.StopPressed)
    def _stop_pressed(self, event: LaneHeader.StopPressed) -> None:
        self.action_stop_lane(event.header.lane)

    @on(LaneHeader.RetryPressed)
    def _retry_pressed(self, event: LaneHeader.RetryPressed) -> None:
        self.action_retry(event.header.lane)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return self.streaming
        if action == "close":
            return not self.streaming
        return True

    def action_stop(self) -> None:
        self.runner.stop()

    def action_close(self) -> None:
        self.dismiss(None)

    # -- running a lane (the runner's executor) ----------------------------------------------------

    async def _execute(self, live: LiveRun, slot: RunSlot) -> Run:
        lane = self.lanes[slot.lane]
        request = live.request
        header = f"{request.model} › {request.routing.pinned or 'auto'}"
        if slot.repeat_index is not None:
            header += " · warm-up" if slot.warmup else f" · run {slot.repeat_index + 1}"
        turn = self._new_turn(slot.lane, header)
        self._lane_streaming(slot.lane, True)
        try:
            return await lane.run(self.services, request, turn, on_done=self._lane_done, live=live)
        finally:
            self._lane_streaming(slot.lane, False)

    def _new_turn(self, lane: str, header: str) -> LaneTurn:
        """The lane's answer, cleared for a new run."""
        turn = self.query_one(f"#lane-answer-{lane.lower()}", Vertical).query_one(LaneTurn)
        turn.reset(header)
        return turn

    def _lane_streaming(self, lane: str, streaming: bool) -> None:
        if streaming:
            self._streaming_lanes.add(lane)
        else:
            self._streaming_lanes.discard(lane)
        if self.is_mounted:
            self.query_one(f"#lane-header-{lane.lower()}", LaneHeader).set_streaming(streaming)
        self.streaming = bool(self._streaming_lanes) or self._repeating

    def _ticked(self, lane: Lane, live: LiveFigures) -> None:
        self._figures[lane.name] = live.figures
        self._show_strip()

    def _lane_done(self, run: Run) -> None:
        self._figures[run.lane] = run.figures
        self._show_strip()

    def _recorded(self, run: Run) -> None:
        """Every run that ends joins the session (never the conversation)."""
        self.state.record(run, conversation=False)
        if self._repeat_group is not None and run.group == self._repeat_group:
            self._show_repeat_stats()

    def _show_strip(self) -> None:
        if not self.is_mounted:
            return
        a, b = self.targets["A"], self.targets["B"]
        self.query_one(ComparisonStrip).show(
            self._figures["A"],
            self._figures["B"],
            labels=(lane_label(a, b), lane_label(b, a)),
        )

    # -- repeat ×N -----------------------------------------------------------------------------

    def action_repeat(self) -> None:
        panel = self.query_one(RepeatPanel)
        if panel.running:
            self.runner.stop()
        else:
            panel.request()

    @on(RepeatPanel.Requested)
    def _repeat_requested(self, event: RepeatPanel.Requested) -> None:
        event.stop()
        if self.runner.busy:
            self.notify("Wait for the lanes to finish, or press Esc first.", severity="warning")
            return
        editor = self.query_one(PromptEditor)
        problems = editor.problems()
        if not editor.message.strip():
            problems.insert(0, "Write a message first.")
        editor.show_problems(problems)
        if problems:
            return
        requests = self._requests(editor.message, editor.settings())
        self._last_requests.update(requests)
        self.run_worker(
            self._repeat(requests, event.n, event.warmup), group=COMPARE, exit_on_error=False
        )

    @on(RepeatPanel.StopRequested)
    def _repeat_stop(self, event: RepeatPanel.StopRequested) -> None:
        event.stop()
        self.runner.stop()

    async def _repeat(self, requests: dict[str, ChatRequest], n: int, warmup: bool) -> None:
        panel = self.query_one(RepeatPanel)
        group = new_group_id()
        self._repeat_group = group
        self._repeating = True
        self.add_class("-results")
        panel.set_running(True)
        self._show_repeat_stats()
        self.streaming = True
        try:
            result = await self.runner.repeat(
                requests, n, warmup=warmup, on_progress=self._progress, group=group
            )
        finally:
            self._repeating = False
            self.streaming = bool(self._streaming_lanes)
            panel.set_running(False)
        done = len(result.runs)
        if result.cancelled:
            note = f"stopped after {done} of {result.planned} runs"
        else:
            failed = sum(1 for run in result.runs if run.status != "ok")
            note = f"done: {done} runs" + (f", {failed} not ok" if failed else "")
        panel.show_progress(done, result.planned, note)
        self._show_repeat_stats()

    def _progress(self, progress: RepeatProgress) -> None:
        panel = self.query_one(RepeatPanel)
        slot = progress.slot
        if slot is None:
            return
        what = f"run {progress.done + 1} of {progress.total}: lane {slot.lane}"
        what += " (warm-up)" if slot.warmup else ""
        panel.show_progress(progress.done, progress.total, what)

    def _show_repeat_stats(self) -> None:
        """The repeat table, from the runs the session holds (as a saved session gives)."""
        if self._repeat_group is None or not self.is_mounted:
            return
        runs = group_runs(self.state.runs, self._repeat_group)
        stats = [lane_stats(runs, lane) for lane in LANES]
        published: dict[str, Published | None] = {}
        for lane, lane_stat in zip(LANES, stats, strict=True):
            target = self.targets[lane]
            published[lane] = published_for(
                self.catalog, lane_stat.model or target.model, lane_stat.provider or target.provider
            )
        a, b = self.targets["A"], self.targets["B"]
        if self.has_class("-short"):  # one line for heading and summary: the short label
            titles = [lane_label(a, b), lane_label(b, a)]
        else:
            titles = [f"{lane} · {lane_title(self.targets[lane])}" for lane in LANES]
        self.query_one(RepeatPanel).show_stats(stats, titles=titles, published=published)

    def action_focus_repeat_count(self) -> None:
        self.query_one(RepeatPanel).focus_count()

    def action_toggle_results(self) -> None:
        self.toggle_class("-results")

    # -- diff, help, palette ---------------------------------------------------------------------

    def action_diff(self) -> None:
        a, b = self.lanes["A"].last_run, self.lanes["B"].last_run
        if a is None or b is None:
            self.notify("Run both lanes first (ctrl+j).", severity="information")
            return
        if self._streaming_lanes:
            self.notify("Wait for the lanes to finish.", severity="information")
            return
        from playground.ui.screens.diff import DiffScreen

        titles = (lane_title(self.targets["A"]), lane_title(self.targets["B"]))
        self.app.push_screen(DiffScreen(a, b, titles=titles))

    def action_help(self) -> None:
        from playground.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def palette_commands(self) -> Iterable[SystemCommand]:
        """Every action of this screen, for the command palette."""
        yield SystemCommand(
            "Send to both lanes", "Run the prompt in A and B (ctrl+j)", self.action_send
        )
        yield SystemCommand(
            "Stop both lanes", "Stop what streams, and a repeat (esc)", self.action_stop
        )
        for lane in LANES:
            yield SystemCommand(
                f"Stop lane {lane}",
                f"Stop lane {lane} alone",
                lambda lane=lane: self.action_stop_lane(lane),
            )
            yield SystemCommand(
                f"Retry lane {lane}",
                f"Send lane {lane}'s last request again",
                lambda lane=lane: self.action_retry(lane),
            )
            yield SystemCommand(
                f"Pick lane {lane}'s model",
                f"Search the models for lane {lane}",
                lambda lane=lane: self.action_pick_model(lane),
            )
        yield SystemCommand(
            "Repeat ×N",
            "N runs per lane, interleaved, for min/P50/P95/max (ctrl+r)",
            self.action_repeat,
        )
        yield SystemCommand(
            "Repeat count…",
            "How many runs per lane Repeat ×N makes (type it, then ctrl+r)",
            self.action_focus_repeat_count,
        )
        yield SystemCommand("Diff the answers", "Where lane A and B differ (f4)", self.action_diff)
        yield SystemCommand(
            "Toggle strip / repeat table",
            "On short terminals, which one shows (ctrl+o)",
            self.action_toggle_results,
        )
        yield SystemCommand("Close compare", "Back to the main screen (esc)", self.action_close)
        yield SystemCommand("Help", "Every key binding (f1)", self.action_help)


__all__ = ["COMPARE", "LANES", "CompareScreen", "default_providers"]
