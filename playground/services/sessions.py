"""Session files for the app: open, save, export, the recent list, and what a loaded session
means for the gateway the key is sent to.

File work runs on a thread (`asyncio.to_thread`): a session can be tens of megabytes and the
folder may be on a slow disk, and the UI keeps painting meanwhile. The store does the rest
(atomic writes, 0600 files, read-only newer schemas, corrupt files left untouched).

`check_gateway` is RELIABILITY.md K7: a session records the base URL its runs went to, and a
shared file could name any host. Loading one never changes the gateway on its own; when the
session's origin differs from the one in use, the caller must ask, naming the host.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from playground.core.profile import (
    SIMULATED,
    Profile,
    is_loopback_host,
    normalize_base_url,
    origin_of,
    profile_for_url,
)
from playground.core.sanitize import safe_line
from playground.core.session import Session, SessionProfile, read_only_notice
from playground.store.config_model import Config
from playground.store.paths import Paths, display_path
from playground.store.sessions import RecentEntry, SessionStore


@dataclass(frozen=True, slots=True)
class GatewayCheck:
    """How a loaded session's gateway relates to the one in use."""

    same: bool
    """Nothing to ask: the same origin (or a simulated-gateway session, which sends no key
    anywhere)."""
    host: str = ""
    """The session's host, as shown in the question."""
    current_host: str = ""
    profile: Profile | None = None
    """What to switch to if the user agrees."""
    insecure: bool = False
    """The session's gateway is plain http on another machine: a key would travel
    unencrypted (RELIABILITY.md K8), so the client refuses to send one there."""
    note: str = ""
    """A sentence to show when nothing is asked (e.g. a simulated-gateway session)."""

    def question(self) -> str:
        """The confirm dialog's text: the host named, and what saying yes means."""
        text = (
            f"This session was recorded against {self.host}.\n"
            f"You are connected to {self.current_host}.\n\n"
            f"Switch to {self.host}? New runs would go there, with the API key stored for "
            f"that host (if there is one). No key is sent before you confirm."
        )
        if self.insecure:
            text += (
                f"\n\n{self.host} is plain http on another machine: an API key would travel "
                "unencrypted, so the app will refuse to send one there."
            )
        return text + f"\n\nNo: stay on {self.current_host}."


def session_origin(profile: SessionProfile) -> str:
    return origin_of(normalize_base_url(profile.base_url))


def check_gateway(session: Session, current: Profile, config: Config) -> GatewayCheck:
    """Compare the gateway `session` was made with to `current` (see the module docstring)."""
    recorded = session.profile
    host = safe_line(urlsplit(normalize_base_url(recorded.base_url)).netloc or "?", 80)
    current_host = (
        "the simulated gateway" if current.is_simulated else safe_line(current.display_host, 80)
    )
    if recorded.name == SIMULATED:
        if current.is_simulated:
            return GatewayCheck(True)
        return GatewayCheck(
            True,
            note=f"This session was made on the simulated gateway; new runs go to {current_host}.",
        )
    if not current.is_simulated and session_origin(recorded) == current.origin:
        return GatewayCheck(True)
    target = profile_for_session(recorded, config)
    url = urlsplit(target.base_url)
    insecure = url.scheme != "https" and not is_loopback_host(url.hostname or "")
    return GatewayCheck(False, host, current_host, target, insecure)


def profile_for_session(recorded: SessionProfile, config: Config) -> Profile:
    """The profile a session's gateway is: a configured one at the same origin (its key
    variables apply), else an ad-hoc one for the URL, whose key variables are only those of
    a known gateway at that host (so a shared file cannot route ``AI_GATEWAY_API_KEY`` to a
    host of its choosing)."""
    origin = session_origin(recorded)
    profiles = config.all_profiles
    named = profiles.get(recorded.name)
    if named is not None and named.origin == origin:
        return named
    for profile in profiles.values():
        if profile.origin == origin and not profile.is_simulated:
            return profile
    guessed = profile_for_url(recorded.base_url, name=recorded.name or None)
    # The dialect may come from the file; key variables never do, and only a host that is
    # exactly a known gateway's gets that gateway's (``evilvercel.sh`` is not Vercel).
    return replace(guessed, kind=recorded.kind, key_env=())


@dataclass(frozen=True, slots=True)
class Opened:
    """A session read from a file."""

    session: Session
    path: Path
    notices: tuple[str, ...]
    """Things to tell the user: opened read-only, converted from an older schema."""


class SessionFiles:
    """The app's session files.

    Args:
        paths: The app's folders.
        store: The store to use (tests pass one with a fixed clock).
    """

    def __init__(self, paths: Paths, store: SessionStore | None = None) -> None:
        self.paths = paths
        self.store = store or SessionStore(paths)

    async def open(self, path: Path, *, allow_large: bool = False) -> Opened:
        """Read the session at `path` (``~`` already expanded).

        Raises:
            SessionTooLarge: above the size limit (ask, then pass `allow_large`).
            SessionReadError: anything else; the message names the place, and the file was
                not touched.
        """
        session = await asyncio.to_thread(self.store.load, path, allow_large=allow_large)
        notices: list[str] = []
        if session.read_only:
            notices.append(read_only_notice(session))
        elif session.migrated:
            notices.append(
                f"{safe_line(path.name, 80)} was saved with schema {session.source_schema}; it "
                f"was converted in memory, and the original is kept as "
                f"{safe_line(path.name, 80)}.v{session.source_schema}.bak when you save."
            )
        return Opened(session, path, tuple(notices))

    async def save(
        self, session: Session, path: Path, *, replace_unreadable: bool = False
    ) -> Session:
        """Write `session` to `path`; returns it stamped (keep that one).

        Raises:
            SessionWriteRefused: overwriting would lose something; nothing was written.
            SessionWriteError: the write failed; the old file is intact.
        """
        return await asyncio.to_thread(
            self.store.save, session, path, replace_unreadable=replace_unreadable
        )

    async def export(self, session: Session, path: Path) -> Path:
        """Write the Markdown export of `session` to `path`.

        Raises:
            SessionWriteError: the write failed.
        """
        return await asyncio.to_thread(self.store.export, session, path)

    async def recent(self) -> list[RecentEntry]:
        return await asyncio.to_thread(self.store.recent)

    def default_path(self, session: Session) -> Path:
        return self.store.default_path(session)

    def export_path(self, session: Session, saved_to: Path | None) -> Path:
        """Where "Export to Markdown" proposes to write: beside the session file, or in the
        sessions folder."""
        if saved_to is not None:
            name = saved_to.name.removesuffix(".json").removesuffix(".session")
            return saved_to.with_name(name + ".md")
        default = self.default_path(session)
        return default.with_name(default.name.removesuffix(".session.json") + ".md")


def shown_path(path: Path) -> str:
    """`path` for a message: home shortened to ``~``, sanitized."""
    return safe_line(display_path(path), 200)


__all__ = [
    "GatewayCheck",
    "Opened",
    "SessionFiles",
    "check_gateway",
    "profile_for_session",
    "session_origin",
    "shown_path",
]
