"""The config file: ``config.toml`` in the platform's config folder (``Paths.config_file``).

What it holds, all optional::

    theme = "playground-dark"
    stall_threshold_s = 2.0

    [defaults]                       # what a new session starts with
    profile = "vercel"
    model = "openai/gpt-4.1-mini"
    provider = "azure"
    temperature = 0.7
    max_tokens = 1024
    top_p = 1.0
    seed = 42
    stop = ["###"]
    reasoning_effort = "medium"

    [sessions]
    autosave = false                 # on quit with unsaved runs: ask (false) or save (true)

    [logging]
    debug_log = false                # a redacted debug log in the state folder (0600)

    [keymap]                         # binding id → keys
    send = "ctrl+j"

    [profiles.local]                 # gateways besides the built-in ones
    kind = "openai"                  # vercel | openrouter | openai
    base_url = "http://localhost:8000/v1"
    key_env = ["LOCAL_API_KEY"]

Nothing here is ever lost or silently replaced:

- a file that is not valid TOML (or not UTF-8) is reported with its line and column, the app
  starts with the defaults, and `ConfigStore.save` refuses to write until it is fixed;
- a value of the wrong type is named (``defaults.temperature: expected a number, got a
  string``, with its line), its default is used, and saving is refused likewise;
- unknown keys are warned about and kept: they are written back on save;
- saving refuses to overwrite a file that changed on disk since it was read.

No key is ever written here: a profile names the environment variables that hold its key.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from playground.core.sanitize import safe_line
from playground.store.atomic import atomic_write_text
from playground.store.config_model import (
    Config,
    ConfigProblem,
    Defaults,
    KeyPath,
    LoadedConfig,
)
from playground.store.config_parse import describe_toml_error, line_of, parse_config
from playground.store.paths import Paths, display_path
from playground.store.toml_write import dumps

HEADER = (
    "Gateway Playground settings.\n"
    "Edit freely; the app rewrites this file when you change settings in it, and comments\n"
    "are not kept then. API keys never go here: see `playground key set`."
)


class ConfigError(Exception):
    """Saving the config was refused or failed. `str()` is a message for the user."""


# -- writing -----------------------------------------------------------------------------------


def _set(doc: dict[str, Any], path: KeyPath, value: Any) -> None:
    node = doc
    for key in path[:-1]:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            return  # a known key took this place: keep the known value
        node = child
    node.setdefault(path[-1], value)


def config_to_toml(config: Config) -> str:
    """The TOML text of `config`: settings that differ from the defaults, and every unknown
    key where it was found."""
    doc: dict[str, Any] = {}
    empty = Config()
    if config.theme is not None:
        doc["theme"] = config.theme
    if config.stall_threshold_s != empty.stall_threshold_s:
        doc["stall_threshold_s"] = config.stall_threshold_s
    defaults: dict[str, Any] = {"profile": config.defaults.profile}
    for f in fields(Defaults):
        value = getattr(config.defaults, f.name)
        if f.name != "profile" and value != f.default:
            defaults[f.name] = list(value) if isinstance(value, tuple) else value
    doc["defaults"] = defaults
    if config.autosave != empty.autosave:
        doc["sessions"] = {"autosave": config.autosave}
    if config.debug_log != empty.debug_log:
        doc["logging"] = {"debug_log": config.debug_log}
    if config.keymap:
        doc["keymap"] = dict(config.keymap)
    if config.profiles:
        doc["profiles"] = {
            name: {"kind": p.kind, "base_url": p.base_url, "key_env": list(p.key_env)}
            for name, p in config.profiles.items()
        }
    for path, value in config.unknown.items():
        _set(doc, path, value)
    return dumps(doc, header=HEADER)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


class ConfigStore:
    """Reads and writes config.toml, refusing any write that could lose what is in it.

    Args:
        paths: The app's folders.
    """

    def __init__(self, paths: Paths) -> None:
        self.path = paths.config_file
        self.loaded: LoadedConfig | None = None

    def load(self) -> LoadedConfig:
        """Read the file. Never raises: a file that cannot be read gives the defaults and an
        `LoadedConfig.error` saying why (the file is left untouched)."""
        where = display_path(self.path)
        stamp = _stamp(self.path)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self.loaded = LoadedConfig(Config(), self.path, False)
            return self.loaded
        except OSError as exc:
            error = f"Couldn't read config {where}: {exc.strerror or exc}."
            self.loaded = LoadedConfig(Config(), self.path, True, error + _UNTOUCHED)
            return self.loaded
        try:
            text = raw.decode("utf-8")
            config, problems = parse_config(text)
        except UnicodeDecodeError as exc:
            error = (
                f"Couldn't read config {where}: it is not UTF-8 text (byte 0x{raw[exc.start]:02x} "
                f"at offset {exc.start})."
            )
            self.loaded = LoadedConfig(Config(), self.path, True, error + _UNTOUCHED, stamp=stamp)
            return self.loaded
        except tomllib.TOMLDecodeError as exc:
            error = f"Couldn't read config {where}: {safe_line(describe_toml_error(exc))}."
            self.loaded = LoadedConfig(Config(), self.path, True, error + _UNTOUCHED, stamp=stamp)
            return self.loaded
        unknown = tuple(".".join(p) for p in config.unknown)
        self.loaded = LoadedConfig(config, self.path, True, None, problems, unknown, stamp)
        return self.loaded

    def save(self, config: Config) -> None:
        """Write `config` atomically (0600).

        Raises:
            ConfigError: the file could not be read when loaded, has invalid values, changed
                on disk since, or the write failed. Nothing was written.
        """
        where = display_path(self.path)
        loaded = self.loaded if self.loaded is not None else self.load()
        if loaded.error is not None:
            raise ConfigError(
                f"Settings were not saved: {loaded.error.removesuffix(_UNTOUCHED)} Fix or move "
                "the file, then try again."
            )
        if loaded.problems:
            listed = "; ".join(str(p) for p in loaded.problems)
            raise ConfigError(
                f"Settings were not saved: {where} has values that could not be used "
                f"({listed}). Fix them first so that they are not lost."
            )
        if _stamp(self.path) != loaded.stamp:
            raise ConfigError(
                f"Settings were not saved: {where} changed on disk since it was read. Reload "
                "the settings first, so that your edits are not overwritten."
            )
        try:
            atomic_write_text(self.path, config_to_toml(config))
        except OSError as exc:
            raise ConfigError(
                f"Couldn't save settings to {where}: {exc.strerror or exc}."
            ) from None
        unknown = tuple(".".join(p) for p in config.unknown)
        self.loaded = LoadedConfig(config, self.path, True, None, (), unknown, _stamp(self.path))

    def update(self, **changes: Any) -> Config:
        """Save the loaded config with `changes` applied (``update(theme="nord")``)."""
        loaded = self.loaded if self.loaded is not None else self.load()
        config = replace(loaded.config, **changes)
        self.save(config)
        return config


_UNTOUCHED = " Starting with the default settings; the file was left untouched."


__all__ = [
    "Config",
    "ConfigError",
    "ConfigProblem",
    "ConfigStore",
    "Defaults",
    "LoadedConfig",
    "config_to_toml",
    "line_of",
    "parse_config",
]
