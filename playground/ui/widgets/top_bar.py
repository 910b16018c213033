"""The top bar: the app's name, the model and provider a send goes to, and the gateway badge
(which profile, and where its key came from, by its last four characters only)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from playground.core.sanitize import safe_line

MUTED = "$text-muted"


@dataclass(frozen=True, slots=True)
class Badge:
    """What the badge shows: never a key, only where it came from and its last four."""

    profile: str
    host: str
    source: str
    simulated: bool = False
    missing: bool = False
    warning: str = ""
    """Something the user must know (devtools logging is on, say)."""


def badge_content(badge: Badge | None) -> Content:
    if badge is None:
        return Content.styled("connecting…", MUTED)
    warning: list[str | tuple[str, str]] = []
    if badge.warning:
        warning.append((f"  ⚠ {safe_line(badge.warning, 60)}", "bold $text-warning"))
    if badge.simulated:
        return Content.assemble(
            ("Simulated gateway", "bold $text-warning"),
            ("  no key: click here to add one", MUTED),
            *warning,
        )
    host = safe_line(badge.host, 40)
    source = safe_line(badge.source, 60)
    style = "bold $text-error" if badge.missing else "bold $text-success"
    profile = safe_line(badge.profile, 24)
    parts: list[str | tuple[str, str]] = [
        (profile, "bold"),
        # A gateway given by URL is named after its host: say it once.
        (f" {host} " if host != profile else " ", MUTED),
        ("⚿ " + ("no key: click to add one" if badge.missing else source), style),
    ]
    return Content.assemble(*parts, *warning)


def target_content(model: str | None, provider: str | None) -> Content:
    """``openai/gpt-4.1-mini › azure (pinned)`` or ``› auto``."""
    if not model:
        return Content.styled("no model", MUTED)
    route = (safe_line(provider, 30), "bold $text-accent") if provider else ("auto", MUTED)
    pin = (" (pinned)", MUTED) if provider else ("", "")
    return Content.assemble((safe_line(model, 80), "bold"), (" › ", MUTED), route, pin)


class TopBar(Horizontal):
    """Title, target and badge in one line. Clicking the badge posts `BadgeClicked`."""

    DEFAULT_CSS = """
    TopBar { height: 1; background: $panel; padding: 0 1; }
    TopBar > #top-title { width: auto; text-style: bold; color: $text-primary; margin-right: 2; }
    TopBar > #top-target { width: 1fr; }
    TopBar > #top-badge { width: auto; }
    TopBar > #top-badge:hover { text-style: underline; }
    """

    @dataclass
    class BadgeClicked(Message):
        bar: TopBar

        @property
        def control(self) -> TopBar:
            return self.bar

    def compose(self) -> ComposeResult:
        yield Static("Gateway Playground", id="top-title")
        yield Static(target_content(None, None), id="top-target")
        yield Static(badge_content(None), id="top-badge")

    def show_target(self, model: str | None, provider: str | None, *, note: str = "") -> None:
        content = target_content(model, provider)
        if note:
            content = content.append(Content.styled(f"  {note}", MUTED))
        self.query_one("#top-target", Static).update(content)

    def show_badge(self, badge: Badge | None) -> None:
        self.query_one("#top-badge", Static).update(badge_content(badge))

    def on_click(self, event: object) -> None:
        widget = getattr(event, "widget", None)
        if widget is not None and widget.id == "top-badge":
            self.post_message(self.BadgeClicked(self))
