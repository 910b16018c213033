"""View code: the current request as TypeScript (AI SDK), Python (openai SDK) and curl,
highlighted with the theme's Pygments style, one tab per language, copied with ``c``.

The programs come from `services.codegen`; this screen only shows them. What is shown is
passed through `safe_text` (generated code has no control characters, but the profile's URL
comes from a config file); what is copied is the program exactly as generated.
"""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from playground.core.profile import Profile
from playground.core.request import ChatRequest
from playground.core.sanitize import safe_line, safe_text
from playground.services.codegen import (
    LANGUAGE_LABELS,
    LANGUAGES,
    CodeLanguage,
    CodeTarget,
    GeneratedCode,
    elide_attachments,
    generate,
    generate_all,
)
from playground.ui.themes import code_theme_of

MAX_HIGHLIGHTED = 200_000
"""Longer programs (big attachments inline as base64) are shown without colours."""

MUTED = "$text-muted"


class ViewCodeScreen(Screen[None]):
    """The request as code. Tabs switch languages (1, 2, 3 or the arrow keys on the tabs)."""

    DEFAULT_CSS = """
    ViewCodeScreen { layout: vertical; }
    ViewCodeScreen #view-code-head { height: auto; padding: 0 1; background: $panel; }
    ViewCodeScreen TabbedContent { height: 1fr; }
    ViewCodeScreen TabPane { padding: 0; }
    ViewCodeScreen .code-scroll { height: 1fr; background: $panel; overflow: auto auto; }
    ViewCodeScreen .code { width: auto; padding: 0 1; background: $panel; }
    ViewCodeScreen .code-notes { height: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("c", "copy", "Copy", id="view-code-copy", tooltip="Copy the code on show."),
        Binding("1", "show_language('typescript')", "TypeScript", show=False),
        Binding("2", "show_language('python')", "Python", show=False),
        Binding("3", "show_language('curl')", "curl", show=False),
        Binding("escape,q,f4", "close", "Close", id="view-code-close"),
    ]

    def __init__(
        self,
        codes: dict[CodeLanguage, GeneratedCode],
        *,
        heading: str,
        key_env: str,
        start: CodeLanguage = "typescript",
    ) -> None:
        """
        Args:
            codes: The programs, by language.
            heading: What the request is (model, provider, gateway); shown sanitized.
            key_env: The environment variable the programs read the key from.
            start: The tab to show first.
        """
        super().__init__()
        self.codes = codes
        self._heading = heading
        self._key_env = key_env
        self._start = start
        self.code_style = ""
        """The Pygments style the code is painted with (the app theme's)."""
        self.full_request: tuple[ChatRequest, CodeTarget] | None = None
        """Set when the programs on screen have their attachments cut short: copying makes
        the whole program from this request."""

    @classmethod
    def for_request(
        cls, request: ChatRequest, profile: Profile, *, start: CodeLanguage = "typescript"
    ) -> ViewCodeScreen:
        """The screen for `request` as sent to `profile`'s gateway."""
        target = CodeTarget.for_profile(profile)
        gateway = "the simulated gateway" if profile.is_simulated else profile.display_host
        route = request.routing.pinned or "auto"
        heading = f"{request.model} › {route} · {gateway} ({target.base_url})"
        shown, cut = elide_attachments(request)
        screen = cls(
            generate_all(shown, target), heading=heading, key_env=target.key_env, start=start
        )
        if cut:  # what is copied is generated again from the whole request, off the UI thread
            screen.full_request = (request, target)
        return screen

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                ("View code  ", "bold"),
                safe_line(self._heading, 200),
                "\n",
                (
                    f"The key is read from ${self._key_env}; it is never in the code. "
                    "c copies · 1 2 3 switch · esc closes",
                    MUTED,
                ),
            ),
            id="view-code-head",
        )
        with TabbedContent(initial=f"tab-{self._start}"):
            for language in LANGUAGES:
                generated = self.codes[language]
                with TabPane(LANGUAGE_LABELS[language], id=f"tab-{language}"), Vertical():
                    with ScrollableContainer(classes="code-scroll"):
                        yield Static(id=f"code-{language}", classes="code")
                    notes = Content(safe_text(" ".join(generated.notes)))
                    yield Static(notes, classes="code-notes")
        yield Footer()

    def on_mount(self) -> None:
        self.theme_switched()

    def theme_switched(self) -> None:
        """Repaint the code with the current theme's Pygments style and panel colour."""
        theme = self.app.current_theme
        style = code_theme_of(theme)
        self.code_style = style
        # From the theme itself: the app's CSS variables are refreshed only after a switch.
        background = theme.to_color_system().generate().get("panel")
        for language, generated in self.codes.items():
            self.query_one(f"#code-{language}", Static).update(
                _highlighted(generated, style, background)
            )

    # -- actions -----------------------------------------------------------------------------

    @property
    def language(self) -> CodeLanguage:
        """The language on show."""
        active = self.query_one(TabbedContent).active.removeprefix("tab-")
        return next((lang for lang in LANGUAGES if lang == active), LANGUAGES[0])

    def action_show_language(self, language: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{language}"

    def action_copy(self) -> None:
        generated = self.codes[self.language]
        if self.full_request is not None:
            request, target = self.full_request
            language = generated.language
            self.notify("Preparing the whole program, attachments included…", timeout=3)
            self.run_worker(
                lambda: generate(language, request, target),
                thread=True,
                group="view-code-copy",
                exclusive=True,
            )
            return
        self._copy(generated)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "view-code-copy" and event.state == WorkerState.SUCCESS:
            result = event.worker.result
            if isinstance(result, GeneratedCode):
                self._copy(result)

    def _copy(self, generated: GeneratedCode) -> None:
        what = (
            "the curl command"
            if generated.language == "curl"
            else (f"the {LANGUAGE_LABELS[generated.language].split(' · ')[0]} code")
        )
        copy_text = getattr(self.app, "copy_text", None)  # the playground app's: it says so
        if callable(copy_text):
            copy_text(generated.code, what=what)
        else:
            self.app.copy_to_clipboard(generated.code)

    def action_close(self) -> None:
        self.dismiss(None)


def _highlighted(generated: GeneratedCode, style: str, background: str | None) -> Syntax | Text:
    code = safe_text(generated.code).rstrip("\n")
    if len(code) > MAX_HIGHLIGHTED:
        return Text(code, no_wrap=True)
    return Syntax(
        code,
        generated.lexer,
        theme=style,
        background_color=background,
        word_wrap=False,
        indent_guides=False,
    )
