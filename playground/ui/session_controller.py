"""The app's session work: save, save as, open, export, crash recovery and quitting.

`SessionController` is not a widget: the app owns one and calls it from its actions. Every
flow that asks the user something runs as a worker (so it can wait for a dialog), and every
file operation goes through `services.sessions.SessionFiles` (on a thread). What it promises:

- **Nothing lost.** Quitting, opening another session or restoring one with unsaved runs asks
  Save / Discard / Cancel first (or saves, with ``[sessions] autosave = true``). A failed
  save says why and leaves the session open. While work is unsaved the recovery journal
  (`services.journal`) holds it; an explicit save or a clean quit deletes it.
- **Nothing silently redirected.** An opened or restored session made against another
  gateway is not allowed to change where the key is sent without a dialog naming the host
  (RELIABILITY.md K7); without a yes, the current gateway stays.
- **Files untouched on error.** A corrupt file is reported with line and column; a
  newer-schema file opens read-only; neither is ever written back.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from playground.core.sanitize import safe_line
from playground.core.session import Session, SessionProfile, new_session
from playground.services.journal import SessionJournal
from playground.services.session_state import SessionState
from playground.services.sessions import SessionFiles, check_gateway, shown_path
from playground.store.recovery_read import (
    JournalError,
    PendingRecovery,
    discard,
    journal_path,
    pending,
    read_journal,
    recover,
)
from playground.store.sessions import (
    SESSION_SUFFIX,
    SessionError,
    SessionReadError,
    SessionStore,
    SessionTooLarge,
    SessionWriteRefused,
)
from playground.ui.screens.choice import Choice, ChoiceScreen
from playground.ui.screens.confirm import ConfirmScreen
from playground.ui.screens.session_files import OpenSessionScreen, PathScreen
from playground.ui.session_view import lane_settings, show_session

if TYPE_CHECKING:
    from playground.services import Services
    from playground.ui.app import PlaygroundApp

SESSION_GROUP = "session-files"
"""Worker group of the flows here (exclusive: one dialog flow at a time)."""


def profile_of(services: Services) -> SessionProfile:
    """What a session records about the gateway in use: never the key, only where it is."""
    profile = services.profile
    key_ref = services.key.key_ref if services.key is not None else None
    return SessionProfile(profile.name, profile.base_url, profile.kind, key_ref)


def unsaved(state: SessionState) -> bool:
    """Whether quitting would lose work: runs or conversation changed since the last save."""
    return state.dirty and bool(state.runs or state.messages)


class SessionController:
    """Session files and recovery for one app window.

    Args:
        app: The app (its services, state and main screen).
        threaded_journal: Journal on a background thread (False in some tests).
    """

    def __init__(self, app: PlaygroundApp, *, threaded_journal: bool = True) -> None:
        self.app = app
        self.path: Path | None = None
        """The file the current session was opened from or saved to."""
        self.files: SessionFiles | None = None
        self.journal: SessionJournal | None = None
        self._threaded = threaded_journal
        self._clean_exit = False

    # -- the state ---------------------------------------------------------------------------------

    def start(self, services: Services) -> SessionState:
        """Make the first (empty) session and start journaling it."""
        self.files = SessionFiles(services.paths)
        self.journal = SessionJournal(
            services.paths, lambda: self.app.state.session if self.app.state else None,
            threaded=self._threaded,
        )  # fmt: skip
        services.run_observer = self.journal
        return self._install(new_session(profile_of(services)), path=None, dirty=False)

    def _install(self, session: Session, *, path: Path | None, dirty: bool) -> SessionState:
        state = SessionState(session, on_change=self._changed)
        state.dirty = dirty
        self.app.state = state
        self.app.screen_main.state = state
        self.path = path
        if self.journal is not None:
            self.journal.begin(session, saved_to=path)
        return state

    def _changed(self, state: SessionState) -> None:
        if self.journal is not None:
            self.journal.session_changed(state.session)

    def _sync_from_screen(self, state: SessionState) -> None:
        """Put the screen's settings and draft into the session before it is written."""
        screen = self.app.screen_main
        if not screen.is_mounted:
            return
        from playground.ui.widgets.prompt_editor import PromptEditor

        editor = screen.query_one(PromptEditor)
        with contextlib.suppress(ValueError):
            state.set_system(editor.settings().system)
        lane = lane_settings(screen)
        if lane is not None and state.session.mode == "single":
            others = tuple(item for item in state.session.lanes if item.name)
            state.set_lanes(lane, *others)
        state.set_draft(editor.message)

    def sync_profile(self) -> None:
        """The gateway changed (a key, a switch): new runs are recorded against it."""
        services, state = self.app.services, self.app.state
        if services is None or state is None:
            return
        profile = profile_of(services)
        if state.session.profile != profile:
            state.session = replace(state.session, profile=profile)

    # -- start-up --------------------------------------------------------------------------------

    async def after_start(self, session_file: str | None) -> None:
        """Open the file given on the command line, then offer what a crash left behind."""
        if session_file:
            path = Path(session_file)  # the shell expanded ~ already
            if await asyncio.to_thread(path.exists):
                await self.open(path, ask_first=False)
            else:  # `playground new.session.json`: a new session that ctrl+s saves there
                self.path = path
                self.app.notify(
                    f"New session: ctrl+s saves it to {shown_path(path)}.", timeout=6, markup=False
                )
        await self.offer_recovery()

    async def offer_recovery(self) -> None:
        """Offer each journal a crashed or killed instance left: Restore, Discard or Later."""
        services = self.app.services
        if services is None:
            return
        paths = services.paths
        found: list[PendingRecovery] = await asyncio.to_thread(pending, paths)
        current = self.app.state.session.id if self.app.state else None
        for item in found:
            if item.session_id == current:
                continue
            choice = await self.app.push_screen_wait(
                ChoiceScreen(
                    f"{item.summary}.\n\nRestore it, or discard it for good? "
                    "Later keeps it for the next start.",
                    [
                        Choice("later", "Later"),
                        Choice("discard", "Discard"),
                        Choice("restore", "Restore", primary=True),
                    ],
                    cancel="later",
                    title="Unsaved work from an earlier session",
                )
            )
            if choice == "discard":
                await asyncio.to_thread(discard, paths, item.session_id)
                self.app.notify("Discarded the unsaved work.", timeout=4)
            elif choice == "restore":
                await self._restore(item)
                return

    async def _restore(self, item: PendingRecovery) -> None:
        services = self.app.services
        assert services is not None
        if not await self.confirm_leave("restore the unsaved work"):
            return
        try:
            session = await asyncio.to_thread(recover, services.paths, item.session_id)
            saved_to = await asyncio.to_thread(_saved_to, services, item.session_id)
        except (JournalError, OSError) as exc:
            self._error(f"Couldn't restore the unsaved work: {exc}")
            return
        await self._check_gateway(session)
        state = self._install(session, path=saved_to, dirty=True)
        self.sync_profile()
        self._changed(state)  # take the journal over at once (and lock it)
        await show_session(self.app.screen_main, state.session)
        interrupted = sum(1 for r in session.runs if r.status == "interrupted")
        note = f", {interrupted} interrupted" if interrupted else ""
        self.app.notify(
            f"Restored {len(session.runs)} run{'' if len(session.runs) == 1 else 's'}{note}. "
            "Save it (ctrl+s) to keep it.",
            timeout=8,
            markup=False,
        )

    # -- saving ----------------------------------------------------------------------------------

    def save(self, *, ask: bool = False) -> None:
        """ctrl+s (`ask`: save as)."""
        self.app.run_worker(self.save_flow(ask=ask), group=SESSION_GROUP, exclusive=True)

    async def save_flow(self, *, ask: bool = False) -> bool:
        """Save the session; ask for a path the first time or with `ask`. Returns whether
        it was saved."""
        state, files = self.app.state, self.files
        if state is None or files is None:
            self.app.notify("Still starting: nothing to save yet.", severity="warning")
            return False
        if state.session.read_only:
            self._error(
                "This session came from a newer version and is read-only; it can't be saved. "
                "Export it to Markdown (palette › Export) to keep a copy."
            )
            return False
        self._sync_from_screen(state)
        path, replace_unreadable = self.path, False
        if path is None or ask:
            proposed = path or files.default_path(state.session)
            chosen = await self.app.push_screen_wait(
                PathScreen(
                    "Save session as",
                    proposed,
                    note="A session file holds your prompts, answers and figures; never the key.",
                )
            )
            if chosen is None:
                return False
            if not chosen.name.endswith(".json"):
                chosen = chosen.with_name(chosen.name + SESSION_SUFFIX)
            if chosen.exists() and not _same_file(chosen, path):
                replace_ok = await self.app.push_screen_wait(
                    ConfirmScreen(
                        f"{shown_path(chosen)} already exists. Replace it?",
                        yes="Replace",
                        no="Cancel",
                    )
                )
                if not replace_ok:
                    return False
                replace_unreadable = True
            path = chosen
        try:
            saved = await files.save(state.session, path, replace_unreadable=replace_unreadable)
        except (SessionWriteRefused, SessionError) as exc:
            self._error(str(exc))
            return False
        if self.app.state is not state:
            return True  # another session was installed meanwhile
        state.mark_saved(saved)
        self.path = path
        if self.journal is not None:
            self.journal.saved(saved, path)
        runs = len(saved.runs)
        self.app.notify(
            f"Saved {runs} run{'' if runs == 1 else 's'} to {shown_path(path)}.",
            timeout=5,
            markup=False,
        )
        return True

    # -- opening ---------------------------------------------------------------------------------

    def open_dialog(self) -> None:
        """ctrl+o: choose a session to open."""
        self.app.run_worker(self.open(None), group=SESSION_GROUP, exclusive=True)

    async def open(self, path: Path | None, *, ask_first: bool = True) -> bool:
        """Open the session at `path` (None: ask which). Returns whether it was opened."""
        files, services = self.files, self.app.services
        if files is None or services is None:
            self.app.notify("Still starting: try again in a moment.", severity="warning")
            return False
        if self.app.screen_main.streaming:
            self.app.notify("An answer is streaming: stop it (esc) first.", severity="warning")
            return False
        if path is None:
            recent = await files.recent()
            path = await self.app.push_screen_wait(OpenSessionScreen(recent, Path.cwd()))
            if path is None:
                return False
        if ask_first and not await self.confirm_leave("open another session"):
            return False
        try:
            opened = await files.open(path)
        except SessionTooLarge as exc:
            if not await self.app.push_screen_wait(
                ConfirmScreen(str(exc) + "\n\nOpen it anyway?", yes="Open", no="Cancel")
            ):
                return False
            try:
                opened = await files.open(path, allow_large=True)
            except SessionReadError as again:
                return await self._open_failed(path, again)
        except SessionReadError as exc:
            return await self._open_failed(path, exc)
        await self._check_gateway(opened.session)
        state = self._install(opened.session, path=opened.path, dirty=False)
        self.sync_profile()
        await show_session(self.app.screen_main, state.session)
        for notice in opened.notices:
            self.app.notify(safe_line(notice, 400), severity="warning", timeout=12, markup=False)
        runs = len(opened.session.runs)
        self.app.notify(
            f"Opened {shown_path(opened.path)} ({runs} run{'' if runs == 1 else 's'}).",
            timeout=5,
            markup=False,
        )
        return True

    async def _open_failed(self, path: Path, error: SessionReadError) -> bool:
        self._error(str(error))
        backups = await asyncio.to_thread(SessionStore.backups_of, path)
        if not backups:
            return False
        backup = backups[0]
        if await self.app.push_screen_wait(
            ConfirmScreen(
                f"There is a backup beside it: {shown_path(backup)}. Open the backup?",
                yes="Open backup",
                no="Cancel",
            )
        ):
            return await self.open(backup, ask_first=False)
        return False

    async def _check_gateway(self, session: Session) -> None:
        """K7: a session made against another host may switch the gateway only after a yes."""
        services = self.app.services
        if services is None:
            return
        check = check_gateway(session, services.profile, services.config)
        if check.note:
            self.app.notify(check.note, timeout=8, markup=False)
        if check.same or check.profile is None:
            return
        switch = await self.app.push_screen_wait(
            ConfirmScreen(check.question(), yes=f"Switch to {check.host}", no="Stay")
        )
        if not switch:
            self.app.notify(
                f"Staying on {check.current_host}: new runs go there; the session's runs are "
                "shown as they were.",
                timeout=8,
                markup=False,
            )
            return
        await services.switch_profile(check.profile)
        self.app.gateway_changed()

    async def confirm_leave(self, what: str) -> bool:
        """Before the current session is replaced or the app quits: ask about unsaved runs
        (Save / Discard / Cancel). True means go ahead."""
        state = self.app.state
        if state is None or not unsaved(state):
            return True
        choice = await self.app.push_screen_wait(
            ChoiceScreen(
                f"The current session has unsaved runs. Save them before you {what}?",
                [
                    Choice("cancel", "Cancel"),
                    Choice("discard", "Discard"),
                    Choice("save", "Save", primary=True),
                ],
                cancel="cancel",
            )
        )
        if choice == "save":
            return await self.save_flow()
        if choice == "discard":
            if self.journal is not None:
                self.journal.discard()
            return True
        return False

    # -- export ----------------------------------------------------------------------------------

    def export(self) -> None:
        """Palette › Export to Markdown."""
        self.app.run_worker(self.export_flow(), group=SESSION_GROUP, exclusive=True)

    async def export_flow(self) -> Path | None:
        state, files = self.app.state, self.files
        if state is None or files is None:
            return None
        if not state.session.read_only:
            self._sync_from_screen(state)
        chosen = await self.app.push_screen_wait(
            PathScreen(
                "Export the session to Markdown",
                files.export_path(state.session, self.path),
                action="Export",
                suffixes=(".md",),
                note="Every run with its answer; the figures in YAML front matter. No key.",
            )
        )
        if chosen is None:
            return None
        if chosen.exists() and not await self.app.push_screen_wait(
            ConfirmScreen(f"{shown_path(chosen)} already exists. Replace it?", yes="Replace")
        ):
            return None
        try:
            written = await files.export(state.session, chosen)
        except SessionError as exc:
            self._error(str(exc))
            return None
        self.app.notify(f"Exported to {shown_path(written)}.", timeout=5, markup=False)
        return written

    # -- quitting --------------------------------------------------------------------------------

    async def quit_flow(self) -> None:
        """ctrl+q: ask about (or autosave) unsaved runs, then exit cleanly."""
        services, state = self.app.services, self.app.state
        if state is not None and unsaved(state):
            autosave = services is not None and services.config.autosave
            saved = autosave and not state.session.read_only and await self.save_flow()
            if not saved and not await self.confirm_leave("quit"):
                return
        self._clean_exit = True
        self.app.exit()

    def close(self) -> None:
        """The app is going away: a clean quit deletes the journal; anything else (a crash)
        leaves it for the next start."""
        journal = self.journal
        if journal is None:
            return
        if self._clean_exit:
            journal.discard()
        journal.close()

    def _error(self, message: str) -> None:
        self.app.notify(
            safe_line(message, 500), title="Session", severity="error", timeout=15, markup=False
        )


def _same_file(a: Path, b: Path | None) -> bool:
    if b is None:
        return False
    return os.path.realpath(a) == os.path.realpath(b)


def _saved_to(services: Services, session_id: str) -> Path | None:
    """The file a recovered session had been saved to, if the journal says and it exists."""
    try:
        state = read_journal(journal_path(services.paths, session_id))
    except JournalError:
        return None
    saved_to = state.session_line.get("saved_to") if state.session_line else None
    if isinstance(saved_to, str) and os.path.exists(saved_to):
        return Path(saved_to)
    return None


__all__ = ["SESSION_GROUP", "SessionController", "profile_of", "unsaved"]
