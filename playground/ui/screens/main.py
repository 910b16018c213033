"""The main screen: pick a model and a provider, write a prompt, watch the answer stream in
with live figures, keep the conversation going.

Layout: the model picker and provider list on the left, the conversation with the prompt
editor under it in the centre, the metrics sidebar on the right. Runs go through `Services`
as exclusive workers in the `GENERATION` group; Esc cancels the worker, which closes the HTTP
stream and keeps the partial answer, marked stopped.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer

from playground.core import format as fmt
from playground.core.catalog import Catalog, Model
from playground.core.pricing import estimate_cost, estimate_prompt_tokens
from playground.core.request import ChatRequest, FilePart, ImagePart, Reasoning, ResponseFormat
from playground.core.run import Run
from playground.core.sanitize import safe_line
from playground.ui.attach_flow import AttachFlow
from playground.ui.lane import Lane
from playground.ui.tool_flow import ToolFlow
from playground.ui.widgets.answer_view import AnswerView
from playground.ui.widgets.conversation import AnswerTurn, Conversation
from playground.ui.widgets.message_area import MessageArea
from playground.ui.widgets.metrics_sidebar import MetricsSidebar
from playground.ui.widgets.model_picker import ModelPicker
from playground.ui.widgets.prompt_editor import PromptEditor, PromptSettings
from playground.ui.widgets.provider_list import ProviderList
from playground.ui.widgets.tool_results import ToolResultsForm
from playground.ui.widgets.top_bar import Badge, TopBar

if TYPE_CHECKING:
    from playground.services import Services
    from playground.services.catalog import CatalogLoad
    from playground.services.session_state import SessionState

GENERATION = "generation"
"""Worker group of the running request (exclusive: a new send cancels the old one)."""

NARROW_WIDTH = 130
"""Below this many columns the model pane folds away (ctrl+b shows it)."""


class MainScreen(Screen[None]):
    """The single-lane playground."""

    BINDINGS = [
        Binding("ctrl+j,ctrl+enter", "send", "Send", id="send", tooltip="Send the prompt."),
        Binding(
            "escape",
            "stop",
            "Stop",
            id="stop",
            priority=True,
            tooltip="Stop the answer that is streaming; what arrived is kept.",
        ),
        Binding(
            "ctrl+r",
            "retry",
            "Retry",
            id="retry",
            tooltip="Send the last request again as a new run.",
        ),
        Binding("ctrl+l", "focus_models", "Models", id="focus-models", tooltip="Search models."),
        Binding("ctrl+t", "compare", "Compare", id="compare", tooltip="Compare side by side."),
        Binding(
            "ctrl+n",
            "new_conversation",
            "New",
            id="new-conversation",
            show=False,
            tooltip="Start a new conversation (runs stay in the session).",
        ),
        Binding(
            "ctrl+b",
            "toggle_models",
            "Models pane",
            id="toggle-models",
            show=False,
            tooltip="Show or hide the model and provider pane.",
        ),
        Binding(
            "ctrl+g",
            "toggle_metrics",
            "Metrics pane",
            id="toggle-metrics",
            show=False,
            tooltip="Show or hide the metrics sidebar.",
        ),
        Binding("f2", "copy_answer", "Copy answer", id="copy-answer", show=False),
        Binding("f3", "copy_code", "Copy code", id="copy-code", show=False),
        Binding(
            "f4",
            "view_code",
            "View code",
            id="view-code",
            show=False,
            tooltip="The request as TypeScript (AI SDK), Python (openai) and curl.",
        ),
        Binding("f1", "help", "Help", id="help", tooltip="Every binding."),
        Binding(
            "f5",
            "attach",
            "Attach",
            id="attach",
            tooltip="Attach an image or a file to the next message.",
        ),
        Binding("f8", "tools", "Tools", id="tools", tooltip="Define the tools the model may call."),
    ]

    model_id: var[str | None] = var(None)
    """The model a send goes to."""
    provider: var[str | None] = var(None)
    """The provider it is pinned to; None lets the gateway route."""
    streaming: var[bool] = var(False)

    def __init__(
        self,
        *,
        model: str | None = None,
        provider: str | None = None,
        settings: PromptSettings | None = None,
    ) -> None:
        super().__init__()
        self._initial_settings = settings or PromptSettings()
        self.set_reactive(MainScreen.model_id, model)
        self.set_reactive(MainScreen.provider, provider)
        self.services: Services | None = None
        self.state: SessionState | None = None
        self.catalog: Catalog = Catalog()
        self.lane: Lane = Lane("", MetricsSidebar(), lambda: self.catalog)
        """Replaced on mount by the lane painting into this screen's sidebar."""
        self._models_hidden: bool | None = None
        self.ready = asyncio.Event()
        """Set once the screen's widgets are mounted (services may arrive before that)."""
        self.attach_flow = AttachFlow(self)
        """The next message's attachments."""
        self.tool_flow = ToolFlow(self)
        """The tools sent with each message, and the results owed for tool calls."""

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Horizontal(id="body"):
            with Vertical(id="left-pane"):
                yield ModelPicker(id="model-picker")
                yield ProviderList(id="provider-list")
            with Vertical(id="center"):
                yield Conversation(id="conversation")
                yield PromptEditor(self._initial_settings, id="prompt-editor")
            yield MetricsSidebar(id="metrics")
        yield Footer()

    def on_mount(self) -> None:
        self.lane = Lane("", self.query_one(MetricsSidebar), lambda: self.catalog)
        self._show_target()
        self.query_one(PromptEditor).focus_message()
        self.call_after_refresh(self.ready.set)

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW_WIDTH
        self.set_class(narrow, "-narrow")
        if self._models_hidden is None:
            self.query_one("#left-pane").set_class(narrow, "-hidden")

    # -- services --------------------------------------------------------------------------------

    def attach(self, services: Services, state: SessionState) -> None:
        """The services are ready (the app starts them after the first paint)."""
        self.services = services
        self.state = state
        self.show_badge(services)
        self.query_one(MetricsSidebar).show_totals(state.totals())
        self.tool_flow.load()
        if self.model_id is None:
            self.model_id = services.config.defaults.model or "openai/gpt-4.1-mini"
        if self.provider is None and services.config.defaults.provider:
            self.provider = services.config.defaults.provider
        self._show_target()
        self._load_catalog()

    def show_badge(self, services: Services) -> None:
        """The gateway, where its key came from (last four only), and a warning when Textual
        itself may be logging elsewhere (RELIABILITY.md X3)."""
        from playground.services.diagnostics import logging_warning

        badge = services.badge
        self.query_one(TopBar).show_badge(
            Badge(
                badge.profile,
                badge.host,
                badge.source,
                badge.simulated,
                badge.missing,
                warning=logging_warning(os.environ),
            )
        )

    @work(group="catalog", exclusive=True, exit_on_error=False)
    async def _load_catalog(self) -> None:
        assert self.services is not None
        picker = self.query_one(ModelPicker)
        picker.status = "loading models…"
        service = self.services.catalog
        load = await service.load()
        self._show_catalog(load)
        if load.stale:
            self._show_catalog(await service.refresh_in_background())

    def _show_catalog(self, load: CatalogLoad) -> None:
        self.catalog = load.catalog
        picker = self.query_one(ModelPicker)
        picker.catalog = load.catalog
        picker.current = self.model_id
        picker.status = catalog_status(load)
        self._show_target()
        if load.error is not None and len(load.catalog) == 0:
            self.notify(
                safe_line(str(load.error), 300), title="Models", severity="warning", markup=False
            )
        if self.model_id:
            self._load_endpoints(self.model_id)
        self._update_estimate()
        self.attach_flow.refresh_notes()

    @work(group="endpoints", exclusive=True, exit_on_error=False)
    async def _load_endpoints(self, model_id: str) -> None:
        assert self.services is not None
        providers = self.query_one(ProviderList)
        model = self.catalog.get(model_id)
        providers.show(model_id, self.catalog.endpoints_of(model_id), self.provider)
        if model is None or self.catalog.endpoints_of(model_id) is not None:
            return
        try:
            await self.services.catalog.endpoints(model_id)
        except Exception as exc:
            providers.show(model_id, (), self.provider, error=safe_line(str(exc), 200))
            return
        current = self.services.catalog.current
        if current is not None:
            self.catalog = current.catalog
        if model_id == self.model_id:
            providers.show(model_id, self.catalog.endpoints_of(model_id), self.provider)
            self._update_estimate()

    # -- picking -------------------------------------------------------------------------------

    @on(ModelPicker.Selected)
    def _model_selected(self, event: ModelPicker.Selected) -> None:
        self.model_id = event.model.id
        if self.provider is not None:
            endpoints = self.catalog.endpoints_of(event.model.id)
            if endpoints is not None and self.provider not in {e.provider for e in endpoints}:
                self.provider = None
        self.query_one(PromptEditor).focus_message()

    @on(ModelPicker.Highlighted)
    def _model_highlighted(self, event: ModelPicker.Highlighted) -> None:
        if self.services is not None and self.catalog.endpoints_of(event.model.id) is None:
            self.run_worker(
                self.services.catalog.endpoints(event.model.id),
                group="prefetch",
                exclusive=True,
                exit_on_error=False,
            )

    @on(ProviderList.Picked)
    def _provider_picked(self, event: ProviderList.Picked) -> None:
        self.provider = event.provider

    def watch_model_id(self, model_id: str | None) -> None:
        self._show_target()
        if model_id is None or not self.is_mounted:
            return
        self.query_one(ModelPicker).current = model_id
        model = self.catalog.get(model_id)
        editor = self.query_one(PromptEditor)
        editor.max_output = model.max_output if model else None
        editor.context = self.catalog.context(model) if model else None
        if self.services is not None:
            self._load_endpoints(model_id)
        self._update_estimate()
        self.attach_flow.refresh_notes()

    def watch_provider(self, provider: str | None) -> None:
        self._show_target()
        if self.is_mounted and self.model_id:
            self.query_one(ProviderList).show(
                self.model_id, self.catalog.endpoints_of(self.model_id), provider
            )
            self._update_estimate()

    def _show_target(self) -> None:
        if self.is_mounted:
            note = (
                ""
                if self.model_id is None or self.model_id in self.catalog or not len(self.catalog)
                else "not in the catalog"
            )
            self.query_one(TopBar).show_target(self.model_id, self.provider, note=note)

    # -- the pre-send estimate --------------------------------------------------------------------

    @on(PromptEditor.SettingsChanged)
    def _settings_changed(self) -> None:
        self._update_estimate()
        self.attach_flow.refresh_notes()

    def _update_estimate(self) -> None:
        if not self.is_mounted or self.model_id is None:
            return
        editor = self.query_one(PromptEditor)
        try:
            settings = editor.settings()
        except ValueError:
            return
        history = [m.text for m in self.state.messages] if self.state else []
        prompt_tokens = estimate_prompt_tokens([settings.system, *history, editor.message])
        prices = self.catalog.prices_for(self.model_id, self.provider)
        model = self.catalog.get(self.model_id)
        max_out = settings.params.max_tokens or (model.max_output if model else None)
        if prices is None or not prices.known:
            editor.show_estimate(f"≈{prompt_tokens:,} tokens in · cost unknown (no prices)")
            return
        estimate = estimate_cost(prices, prompt_tokens=prompt_tokens, max_output_tokens=max_out)
        text = f"≈{prompt_tokens:,} tokens in · prompt ≈{fmt.usd(estimate.prompt_cost)}"
        if estimate.max_cost is not None and max_out is not None:
            text += f" · at most {fmt.usd(estimate.max_cost)} with {max_out:,} out"
        editor.show_estimate(text)

    # -- sending -------------------------------------------------------------------------------

    def action_send(self) -> None:
        self.query_one(PromptEditor).submit()

    @on(PromptEditor.Submitted)
    async def _submitted(self, event: PromptEditor.Submitted) -> None:
        event.stop()
        if self.services is None or self.state is None:
            self.notify("Still starting: the gateway is not ready yet.", severity="warning")
            return
        if self.services.needs_key:
            self.app.action_set_key()  # type: ignore[attr-defined]
            return
        if self.model_id is None:
            self.notify("Pick a model first (ctrl+l).", severity="warning")
            return
        if self.tool_flow.blocks_send():
            return
        settings = event.settings
        request = self.build_request(event.text, settings, event.attachments)
        self.state.set_system(settings.system)
        editor = self.query_one(PromptEditor)
        editor.message = ""
        await editor.set_attachments(())
        await self._start(request, event.text)

    def build_request(
        self,
        text: str,
        settings: PromptSettings,
        attachments: tuple[ImagePart | FilePart, ...] = (),
    ) -> ChatRequest:
        """The request a send of `text` with `settings` makes: the system prompt, the
        conversation so far, the message and its attachments, the tools, the model and
        provider on show."""
        assert self.state is not None and self.model_id is not None
        tools = self.tool_flow.settings
        return self.state.request(
            text,
            model=self.model_id,
            system=settings.system,
            params=settings.params,
            provider=self.provider,
            reasoning=Reasoning(effort=settings.reasoning_effort)
            if settings.reasoning_effort
            else None,
            response_format=ResponseFormat("json_object") if settings.json_mode else None,
            tools=tools.tools,
            tool_choice=tools.tool_choice if tools.tools else None,
            attachments=attachments,
        )

    def current_request(self) -> ChatRequest | None:
        """What view code shows: the request the message being written would make, else
        the last request sent; None before there is either."""
        if self.state is None or self.model_id is None:
            return None
        editor = self.query_one(PromptEditor)
        if editor.message.strip():
            try:
                return self.build_request(editor.message, editor.settings(), editor.attachments)
            except ValueError:
                pass  # a parameter does not parse: show the last request sent instead
        run = self.state.last_run()
        return run.request if run is not None else None

    async def start_run(self, request: ChatRequest) -> None:
        """Stream `request` as the next answer (a continuation: no new user turn)."""
        await self._start(request, None)

    async def _start(self, request: ChatRequest, user_text: str | None) -> None:
        conversation = self.query_one(Conversation)
        if user_text is not None:
            await conversation.add_user(user_text, request.messages[-1].attachments)
        header = f"{request.model} › {request.routing.pinned or 'auto'}"
        turn = await conversation.add_answer(header)
        self._generate(request, turn)

    @work(exclusive=True, group=GENERATION, exit_on_error=False)
    async def _generate(self, request: ChatRequest, turn: AnswerTurn) -> None:
        assert self.services is not None
        self.streaming = True
        try:
            await self.lane.run(self.services, request, turn, on_done=self._recorded)
        finally:
            self.streaming = False

    def _recorded(self, run: Run) -> None:
        assert self.state is not None
        self.state.record(run)
        self.query_one(MetricsSidebar).show_totals(self.state.totals())
        self._update_estimate()
        self.attach_flow.after_record()
        if run.tool_calls:
            self.run_worker(self.tool_flow.offer(run), group="tools", exit_on_error=False)
        if run.error is not None and run.error.kind == "auth":
            self.app.offer_key(run.error.message)  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return self.streaming  # otherwise Esc goes on to the focused widget
        return True

    def action_stop(self) -> None:
        self.workers.cancel_group(self, GENERATION)

    def action_retry(self) -> None:
        if self.streaming or self.state is None or self.tool_flow.blocks_send():
            return
        run = self.state.last_run()
        if run is None:
            self.notify("Nothing to retry yet.", severity="information")
            return
        self.run_worker(self._start(run.request, None), exclusive=False)

    async def action_new_conversation(self) -> None:
        self.action_stop()
        if self.state is not None:
            self.state.new_conversation()
        self.tool_flow.forget()
        await self.query_one(Conversation).clear()
        self._update_estimate()

    # -- panes, focus, help, copy ------------------------------------------------------------------

    def action_focus_models(self) -> None:
        pane = self.query_one("#left-pane")
        pane.remove_class("-hidden")
        self.query_one(ModelPicker).focus_search()

    def action_toggle_models(self) -> None:
        pane = self.query_one("#left-pane")
        pane.toggle_class("-hidden")
        self._models_hidden = pane.has_class("-hidden")

    def action_toggle_metrics(self) -> None:
        self.query_one(MetricsSidebar).toggle_class("-hidden")

    def action_compare(self) -> None:
        self.app.action_compare()  # type: ignore[attr-defined]

    def action_help(self) -> None:
        from playground.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def _last_answer(self) -> AnswerView | None:
        turn = self.query_one(Conversation).last_answer
        return turn.answer if turn is not None else None

    def action_copy_answer(self) -> None:
        view = self._last_answer()
        if view is None or not view.text:
            self.notify("No answer to copy yet.", severity="information")
            return
        self.app.copy_text(view.text, what="the answer")  # type: ignore[attr-defined]

    def action_copy_code(self) -> None:
        view = self._last_answer()
        blocks = view.code_blocks() if view is not None else []
        if not blocks:
            self.notify("The last answer has no code block.", severity="information")
            return
        if len(blocks) == 1:
            language, code = blocks[0]
            self.app.copy_text(code, what=f"the {language or 'code'} block")  # type: ignore[attr-defined]
            return
        from playground.ui.screens.pick_code import PickCodeBlock

        def copy(choice: int | None) -> None:
            if choice is not None:
                language, code = blocks[choice]
                self.app.copy_text(code, what=f"the {language or 'code'} block")  # type: ignore[attr-defined]

        self.app.push_screen(PickCodeBlock(blocks), copy)

    def palette_commands(self) -> Iterable[SystemCommand]:
        """Every action of this screen, for the command palette."""
        yield SystemCommand("Send", "Send the prompt (ctrl+j)", self.action_send)
        yield SystemCommand("Stop", "Stop the answer that is streaming (esc)", self.action_stop)
        yield SystemCommand(
            "Retry as a new run", "Send the last request again (ctrl+r)", self.action_retry
        )
        yield SystemCommand(
            "New conversation", "Clear the conversation (ctrl+n)", self.action_new_conversation
        )
        yield SystemCommand("Pick a model", "Search the models (ctrl+l)", self.action_focus_models)
        yield SystemCommand(
            "Browse the catalog", "Every model with its figures", self.action_browse_catalog
        )
        yield SystemCommand(
            "Compare side by side", "Two lanes, one prompt (ctrl+t)", self.action_compare
        )
        yield SystemCommand(
            "Copy answer", "Copy the last answer's raw text (f2)", self.action_copy_answer
        )
        yield SystemCommand(
            "Copy code block", "Copy a code block of the last answer (f3)", self.action_copy_code
        )
        yield SystemCommand(
            "Toggle models pane", "Show or hide the models (ctrl+b)", self.action_toggle_models
        )
        yield SystemCommand(
            "Toggle metrics",
            "Show or hide the metrics sidebar (ctrl+g)",
            self.action_toggle_metrics,
        )
        yield SystemCommand(
            "View code",
            "The request as TypeScript (AI SDK), Python (openai) and curl (f4)",
            self.action_view_code,
        )
        yield from self.attach_flow.palette_commands()
        yield from self.tool_flow.palette_commands()
        yield SystemCommand("Help", "Every key binding (f1)", self.action_help)

    def action_view_code(self) -> None:
        if self.services is None:
            self.notify("Still starting: the gateway is not ready yet.", severity="warning")
            return
        request = self.current_request()
        if request is None:
            self.notify(
                "Write a message first: view code shows the request a send would make.",
                severity="information",
            )
            return
        from playground.ui.screens.view_code import ViewCodeScreen

        self.app.push_screen(ViewCodeScreen.for_request(request, self.services.profile))

    def action_browse_catalog(self) -> None:
        from playground.ui.screens.catalog_browser import CatalogBrowser

        def picked(model_id: str | None) -> None:
            if model_id:
                self.model_id = model_id

        self.app.push_screen(CatalogBrowser(self.catalog), picked)

    @on(AnswerView.LinkClicked)
    def _link_clicked(self, event: AnswerView.LinkClicked) -> None:
        self.app.confirm_open_link(event.url, event.text)  # type: ignore[attr-defined]

    # -- attachments and tools -------------------------------------------------------------------

    def action_attach(self) -> None:
        self.attach_flow.open_dialog()

    def action_tools(self) -> None:
        self.tool_flow.open_editor()

    @on(MessageArea.PathsPasted)
    async def _paths_pasted(self, event: MessageArea.PathsPasted) -> None:
        event.stop()
        await self.attach_flow.pasted(event)

    @on(ToolResultsForm.Submitted)
    async def _tool_results(self, event: ToolResultsForm.Submitted) -> None:
        event.stop()
        await self.tool_flow.submitted(event)

    @on(ToolResultsForm.Skipped)
    async def _tool_results_skipped(self, event: ToolResultsForm.Skipped) -> None:
        event.stop()
        await self.tool_flow.skipped(event)

    @on(TopBar.BadgeClicked)
    def _badge_clicked(self) -> None:
        self.app.action_set_key()  # type: ignore[attr-defined]


def catalog_status(load: CatalogLoad) -> str:
    """One line about where the models came from: ``312 models · cached 14:02``."""
    count = f"{len(load.catalog):,} models"
    if load.source == "snapshot":
        when = load.snapshot_date.isoformat() if load.snapshot_date else "?"
        return f"{count} · offline: snapshot {when}"
    when = load.fetched_at.astimezone().strftime("%H:%M") if load.fetched_at else ""
    if load.offline:
        return f"{count} · offline: cached {when}"
    if load.source == "cache":
        return f"{count} · cached {when}"
    return f"{count} · live"


__all__ = ["GENERATION", "MainScreen", "Model", "catalog_status"]
