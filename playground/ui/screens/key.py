"""The key screen: enter a gateway's API key, see where it would be kept, test it, use it.

Reachable from the top bar's badge, the palette ("Set API key"), a send without a key, and a
run the gateway rejected (401/403). What it shows and never shows (RELIABILITY.md §1, §5):

- the profile and the origin the key is for, and that it is bound to that origin;
- where it would be stored: the keyring backend by name, secure or not, or "this session
  only" when there is no secure keyring, and an explicit opt-in for the 0600 plaintext file;
- the key itself never: the input is masked, and messages name its last four characters.

Every keyring call and the test call run in workers with deadlines: a keyring that hangs
leaves this screen responsive (K3), and after the deadline it says so and offers the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from playground.core.sanitize import safe_line
from playground.core.secret import Secret
from playground.store.paths import display_path

if TYPE_CHECKING:
    from playground.services import Services
    from playground.services.keys import SaveTarget, Storage

MUTED = "$text-muted"


@dataclass(frozen=True, slots=True)
class KeyOutcome:
    """What happened, for a notification: sentences that name the key's last four only."""

    message: str
    warning: bool = False


def _key_in(value: str) -> Secret | None:
    # Wrapped at once: the raw value is never bound to a name a traceback could print.
    stripped = value.strip()
    return Secret(stripped) if stripped else None


class KeyScreen(ModalScreen[KeyOutcome | None]):
    """Enter, test, use and optionally save an API key.

    Args:
        services: The app's services (what the key is for, the keyring, the test call).
        reason: Why the screen opened (the gateway's 401 message), shown at the top.
    """

    DEFAULT_CSS = """
    KeyScreen { align: center middle; }
    KeyScreen > Vertical {
        width: 96; max-width: 98%; height: auto; max-height: 95%; padding: 1 2;
        background: $panel; border: thick $primary;
    }
    KeyScreen #key-title { text-style: bold; }
    KeyScreen #key-reason { color: $text-error; margin-top: 1; display: none; }
    KeyScreen #key-reason.-shown { display: block; }
    KeyScreen #key-current { color: $text-muted; margin-top: 1; }
    KeyScreen #key-input { margin-top: 1; }
    KeyScreen #key-storage { margin-top: 1; height: auto; }
    KeyScreen Checkbox { margin-top: 1; }
    KeyScreen #key-file-note { height: auto; }
    KeyScreen #key-status { margin-top: 1; height: auto; min-height: 1; }
    KeyScreen #key-status.-error { color: $text-error; }
    KeyScreen #key-status.-ok { color: $text-success; }
    KeyScreen #key-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    KeyScreen #key-buttons Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, services: Services, *, reason: str = "") -> None:
        super().__init__()
        self.services = services
        self.profile = services.key_profile
        self._reason = reason
        self.storage: Storage | None = None
        """What the keyring said (None until it answered or gave up)."""
        self.busy = False

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        profile = self.profile
        host = safe_line(profile.display_host, 80)
        with Vertical():
            yield Static(
                Content.assemble(
                    ("API key for ", "bold"),
                    (safe_line(profile.name, 40), "bold $text-accent"),
                    (f" ({host})" if host != profile.name else "", "bold"),
                ),
                id="key-title",
            )
            yield Static(
                Content.styled(
                    f"The key is bound to {safe_line(profile.origin, 100)}: it is never sent to "
                    "another host.",
                    MUTED,
                ),
                id="key-origin",
            )
            yield Static(Content(safe_line(self._reason, 300)), id="key-reason")
            yield Static(Content.styled(self._current(), MUTED), id="key-current")
            yield Input(
                password=True,
                placeholder="Paste the API key (it is never shown)",
                id="key-input",
            )
            yield Static(Content.styled("Checking the system keyring…", MUTED), id="key-storage")
            yield Checkbox(
                "Save it in the system keyring", False, id="key-save", disabled=True, compact=True
            )
            yield Checkbox(
                "Save it in a plaintext file instead (NOT encrypted)",
                False,
                id="key-file",
                compact=True,
            )
            yield Static(Content.styled(self._file_note(), MUTED), id="key-file-note")
            yield Static("", id="key-status")
            with Horizontal(id="key-buttons"):
                yield Button("Cancel", id="key-cancel")
                yield Button("Test", id="key-test")
                yield Button("Use key", id="key-use", variant="primary")

    def _current(self) -> str:
        key = self.services.key
        if self.services.profile.is_simulated:
            return "Now: the simulated gateway (no key). A key switches to the real gateway."
        if key is not None and key.found and key.origin == self.profile.origin:
            return f"Current key: {safe_line(key.display, 80)}. A new one replaces it."
        return "No key yet."

    def _file_note(self) -> str:
        where = display_path(self.services.keys.file_store.path)
        return f"    {safe_line(where, 80)}: readable only by you (mode 0600), but not encrypted."

    def on_mount(self) -> None:
        if self._reason:
            self.query_one("#key-reason").add_class("-shown")
        self.query_one("#key-input", Input).focus()
        self._probe_storage()

    # -- the keyring, off the loop ---------------------------------------------------------------

    @work(group="key-storage", exit_on_error=False)
    async def _probe_storage(self) -> None:
        env_var = self.profile.key_env[0] if self.profile.key_env else None
        storage = await self.services.keys.storage(env_var)
        self.storage = storage
        lines = [storage.summary]
        if storage.session_only:
            lines.append(storage.session_only)
        key = self.services.key
        if key is not None and key.kind == "env" and key.origin == self.profile.origin:
            lines.append(
                f"{safe_line(key.source, 60)} is set: at the next start it wins over a saved key."
            )
        self.query_one("#key-storage", Static).update(Content("\n".join(lines)))
        save = self.query_one("#key-save", Checkbox)
        save.disabled = not storage.keyring_ok
        save.value = storage.keyring_ok

    # -- actions ---------------------------------------------------------------------------------

    def action_cancel(self) -> None:
        self._clear()
        self.dismiss(None)

    @on(Button.Pressed, "#key-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(Button.Pressed, "#key-test")
    def _test_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._run(use=False)

    @on(Button.Pressed, "#key-use")
    @on(Input.Submitted, "#key-input")
    def _use_pressed(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        self._run(use=True)

    @on(Checkbox.Changed, "#key-file")
    def _file_toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.value:
            self.query_one("#key-save", Checkbox).value = False

    @on(Checkbox.Changed, "#key-save")
    def _keyring_toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.value:
            self.query_one("#key-file", Checkbox).value = False

    def _status(self, text: str, kind: str = "") -> None:
        status = self.query_one("#key-status", Static)
        status.update(Content(safe_line(text, 400)))
        status.set_class(kind == "error", "-error")
        status.set_class(kind == "ok", "-ok")

    def _target(self) -> SaveTarget:
        if self.query_one("#key-file", Checkbox).value:
            return "file"
        save = self.query_one("#key-save", Checkbox)
        if save.value and not save.disabled:
            return "keyring"
        return "none"

    def _clear(self) -> None:
        self.query_one("#key-input", Input).value = ""

    def _run(self, *, use: bool) -> None:
        if self.busy:
            return
        key = _key_in(self.query_one("#key-input", Input).value)
        if key is None:
            self._status("Paste a key first.", "error")
            return
        if any(ch.isspace() for ch in key.reveal()):
            self._status("An API key is one word: it contains spaces or line breaks.", "error")
            return
        self._check_and_use(key, use)

    @work(group="key-action", exclusive=True, exit_on_error=False)
    async def _check_and_use(self, key: Secret, use: bool) -> None:
        self.busy = True
        buttons = [self.query_one(f"#key-{b}", Button) for b in ("test", "use")]
        for button in buttons:
            button.disabled = True
        try:
            self._status(f"Checking the key ({key.last4}) with {self.profile.display_host}…")
            result = await self.services.check_key(key, self.profile)
            if result.rejected:
                self._status(result.message + " It was not used.", "error")
                return
            if not use:
                self._status(result.message, "ok" if result.ok else "error")
                return
            outcome = await self._use(key, result.message, checked=result.ok)
        finally:
            self.busy = False
            for button in buttons:
                button.disabled = False
        self._clear()
        self.dismiss(outcome)

    async def _use(self, key: Secret, test_message: str, *, checked: bool) -> KeyOutcome:
        services, profile = self.services, self.profile
        target = self._target()
        env_var = profile.key_env[0] if profile.key_env else None
        self._status("Saving the key…" if target != "none" else "Using the key…")
        saved = await services.keys.save(profile.origin, key, target, env_var)
        if saved.saved and saved.where == "keyring":
            kind, source = "keyring", "keyring"
        elif saved.saved and saved.where == "file":
            kind = "insecure-file"
            source = f"plaintext file {display_path(services.keys.file_store.path)}"
        else:
            kind, source = "ask", "entered (this session only)"
        await services.use_key(key, kind=kind, source=source, profile=profile)  # type: ignore[arg-type]
        lines = [test_message if checked else test_message + " Using it anyway."]
        if target == "none" and self.storage is not None and self.storage.session_only:
            lines.append(self.storage.session_only)  # why, and how to keep it
        else:
            lines.append(saved.message)
        fine = checked and (saved.saved or target == "none")
        return KeyOutcome(" ".join(lines), warning=not fine)


__all__ = ["KeyOutcome", "KeyScreen"]
