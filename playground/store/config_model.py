"""What config.toml means: the settings as frozen dataclasses, and what reading it found.

`store.config` reads and writes the file; this module only defines the shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playground.core.profile import BUILTIN_PROFILES, DEFAULT_PROFILE, Profile
from playground.core.request import Params, Reasoning, ReasoningEffort
from playground.core.run import DEFAULT_STALL_S
from playground.store.paths import display_path

KeyPath = tuple[str, ...]
"""Where a key sits in the file: ``("defaults", "temperature")``."""


@dataclass(frozen=True, slots=True)
class Defaults:
    """What a new session starts with."""

    profile: str = DEFAULT_PROFILE
    """The gateway profile to use."""
    model: str | None = None
    """The model id to select; None: the app's choice."""
    provider: str | None = None
    """The provider to pin the model to; None: let the gateway route."""
    temperature: float | None = None
    """0–2; None leaves it to the provider."""
    max_tokens: int | None = None
    """Output token limit; None leaves it to the provider."""
    top_p: float | None = None
    """Nucleus sampling, (0, 1]."""
    seed: int | None = None
    """A seed for providers that support reproducible sampling."""
    stop: tuple[str, ...] = ()
    """Up to four stop sequences."""
    frequency_penalty: float | None = None
    """-2 to 2."""
    presence_penalty: float | None = None
    """-2 to 2."""
    reasoning_effort: ReasoningEffort | None = None
    """``none``, ``minimal``, ``low``, ``medium``, ``high`` or ``xhigh``, for reasoning
    models."""

    def params(self) -> Params:
        """The sampling parameters these defaults describe."""
        return Params(
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            top_p=self.top_p,
            seed=self.seed,
            stop=self.stop,
            frequency_penalty=self.frequency_penalty,
            presence_penalty=self.presence_penalty,
        )

    def reasoning(self) -> Reasoning | None:
        return Reasoning(effort=self.reasoning_effort) if self.reasoning_effort else None


@dataclass(frozen=True, slots=True)
class Config:
    """Everything config.toml can say. The defaults are what an empty file means."""

    profiles: Mapping[str, Profile] = field(default_factory=dict)
    """The user's profiles by name: new ones, and built-in ones they changed."""
    defaults: Defaults = Defaults()
    """What a new session starts with."""
    theme: str | None = None
    """The theme name; None: the app's default theme."""
    keymap: Mapping[str, str] = field(default_factory=dict)
    """Binding id → keys (``{"send": "ctrl+j"}``); applied with ``App.set_keymap``."""
    autosave: bool = False
    """Quitting with unsaved runs saves them (True) or asks first (False)."""
    stall_threshold_s: float = DEFAULT_STALL_S
    """A gap between two deltas longer than this counts as a stall."""
    debug_log: bool = False
    """Write the redacted debug log (``[logging] debug_log``, like ``--debug-log``)."""
    unknown: Mapping[KeyPath, Any] = field(default_factory=dict)
    """Keys this version does not know, by path; written back unchanged."""

    @property
    def all_profiles(self) -> dict[str, Profile]:
        """The built-in profiles with the user's merged over them."""
        return {**BUILTIN_PROFILES, **self.profiles}

    def profile(self, name: str | None = None) -> Profile | None:
        """The profile `name` (default: ``defaults.profile``), or None if there is none."""
        return self.all_profiles.get(name or self.defaults.profile)


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """A value in the file that could not be used."""

    path: KeyPath
    """Where the value is: ``("defaults", "temperature")``."""
    message: str
    """What is wrong with it: ``expected a number, got a string``."""
    line: int | None = None
    """The line it is on (or its table's line), when the text shows it."""

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{'.'.join(self.path)}: {self.message}"


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """The outcome of reading config.toml."""

    config: Config
    """What to use: the file's settings, or the defaults where it could not be read."""
    path: Path
    """The file that was read (or would have been)."""
    exists: bool
    """Whether there was a file at all; no file means all defaults, and that is fine."""
    error: str | None = None
    """Set when the file could not be read at all (the defaults are in use)."""
    problems: tuple[ConfigProblem, ...] = ()
    """Values of the wrong type or out of range (their defaults are in use)."""
    unknown: tuple[str, ...] = ()
    """Unknown keys, kept."""
    stamp: tuple[int, int] | None = None
    """The file's (mtime_ns, size) when read, to notice edits made since."""

    @property
    def writable(self) -> bool:
        """Whether saving may replace the file (it was read whole and fine)."""
        return self.error is None and not self.problems

    @property
    def messages(self) -> tuple[str, ...]:
        """Everything worth telling the user, one sentence each."""
        where = display_path(self.path)
        out: list[str] = []
        if self.error is not None:
            out.append(self.error)
        if self.problems:
            listed = "; ".join(str(p) for p in self.problems)
            out.append(f"Ignored settings in {where}, using their defaults: {listed}.")
        if self.unknown:
            out.append(f"Unknown settings in {where} (kept): {', '.join(self.unknown)}.")
        return tuple(out)
