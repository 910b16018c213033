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

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from playground.core.profile import (
    BUILTIN_PROFILES,
    DEFAULT_PROFILE,
    PROFILE_KINDS,
    Profile,
    guess_kind,
    normalize_base_url,
)
from playground.core.request import (
    REASONING_EFFORTS,
    Params,
    Reasoning,
    ReasoningEffort,
    validate_params,
)
from playground.core.run import DEFAULT_STALL_S
from playground.core.sanitize import safe_line
from playground.store.atomic import atomic_write_text
from playground.store.paths import Paths, display_path
from playground.store.toml_write import dumps

KeyPath = tuple[str, ...]

HEADER = (
    "Gateway Playground settings.\n"
    "Edit freely; the app rewrites this file when you change settings in it, and comments\n"
    "are not kept then. API keys never go here: see `playground key set`."
)


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
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{'.'.join(self.path)}: {self.message}"


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """The outcome of reading config.toml."""

    config: Config
    """What to use: the file's settings, or the defaults where it could not be read."""
    path: Path
    exists: bool
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


class ConfigError(Exception):
    """Saving the config was refused or failed. `str()` is a message for the user."""


# -- reading -----------------------------------------------------------------------------------

_TOML_POSITION = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_TOML_END = re.compile(r"^(?P<msg>.*?)\s*\(at end of document\)$")


def _describe_toml_error(exc: tomllib.TOMLDecodeError) -> str:
    text = str(exc)
    match = _TOML_POSITION.match(text)
    if match:
        return f"line {match['line']}, column {match['col']}: {match['msg']}"
    match = _TOML_END.match(text)
    if match:
        return f"at the end of the file: {match['msg']}"
    return text


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


class _Reader:
    """Turns the parsed TOML document into a `Config`, collecting problems and unknowns."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.problems: list[ConfigProblem] = []
        self.unknown: dict[KeyPath, Any] = {}

    def problem(self, path: KeyPath, message: str) -> None:
        self.problems.append(ConfigProblem(path, message, line_of(self.lines, path)))

    def keep_unknown(self, path: KeyPath, value: Any) -> None:
        self.unknown[path] = value

    def expect(self, path: KeyPath, value: Any, kind: str) -> Any:
        """`value` when it is of `kind` (str, int, number, bool, table, strings), else a
        problem and the marker `_BAD`."""
        ok = {
            "str": isinstance(value, str),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "table": isinstance(value, dict),
            "strings": isinstance(value, list) and all(isinstance(v, str) for v in value),
        }[kind]
        if ok:
            return float(value) if kind == "number" else value
        expected = {
            "str": "a string",
            "int": "an integer",
            "number": "a number",
            "bool": "true or false",
            "table": "a table",
            "strings": "an array of strings",
        }[kind]
        self.problem(path, f"expected {expected}, got {_json_kind(value)}")
        return _BAD


_BAD = object()
_PARAM_FIELDS = frozenset(f.name for f in fields(Params))

_DEFAULT_KINDS: dict[str, str] = {
    "profile": "str",
    "model": "str",
    "provider": "str",
    "temperature": "number",
    "max_tokens": "int",
    "top_p": "number",
    "seed": "int",
    "stop": "strings",
    "frequency_penalty": "number",
    "presence_penalty": "number",
    "reasoning_effort": "str",
}


def _read_defaults(reader: _Reader, table: dict[str, Any]) -> Defaults:
    values: dict[str, Any] = {}
    for key, raw in table.items():
        path = ("defaults", key)
        kind = _DEFAULT_KINDS.get(key)
        if kind is None:
            reader.keep_unknown(path, raw)
            continue
        value = reader.expect(path, raw, kind)
        if value is _BAD:
            continue
        if key == "stop":
            value = tuple(value)
        if key == "reasoning_effort" and value not in REASONING_EFFORTS:
            reader.problem(path, "expected one of " + ", ".join(REASONING_EFFORTS))
            continue
        if key in _PARAM_FIELDS:
            trouble = validate_params(Params(**{key: value}))
            if trouble:
                reader.problem(path, trouble[0].rstrip("."))
                continue
        values[key] = value
    return Defaults(**values)


def _read_profile(reader: _Reader, name: str, table: dict[str, Any]) -> Profile | None:
    base = BUILTIN_PROFILES.get(name)
    kind, base_url, key_env = (base.kind, base.base_url, base.key_env) if base else (None, None, ())
    for key, raw in table.items():
        path = ("profiles", name, key)
        if key == "kind":
            value = reader.expect(path, raw, "str")
            if value is not _BAD and value not in PROFILE_KINDS:
                reader.problem(path, "expected one of " + ", ".join(PROFILE_KINDS))
            elif value is not _BAD:
                kind = value
        elif key == "base_url":
            value = reader.expect(path, raw, "str")
            if value is not _BAD:
                url = normalize_base_url(value)
                if not url.startswith(("http://", "https://")):
                    reader.problem(path, "expected an http:// or https:// URL")
                else:
                    base_url = url
        elif key == "key_env":
            if isinstance(raw, str):
                raw = [raw]
            value = reader.expect(path, raw, "strings")
            if value is not _BAD:
                key_env = tuple(value)
        else:
            reader.keep_unknown(path, raw)
    if base_url is None:
        reader.problem(("profiles", name, "base_url"), "missing")
        return None
    return Profile(name, kind or guess_kind(base_url), base_url, key_env)


def _read_doc(reader: _Reader, doc: dict[str, Any]) -> Config:
    values: dict[str, Any] = {}
    for key, raw in doc.items():
        path = (key,)
        if key == "theme":
            value = reader.expect(path, raw, "str")
            if value is not _BAD:
                values["theme"] = value
        elif key == "stall_threshold_s":
            value = reader.expect(path, raw, "number")
            if value is not _BAD and not value > 0:
                reader.problem(path, "expected a number of seconds above 0")
            elif value is not _BAD:
                values["stall_threshold_s"] = value
        elif key == "defaults":
            if reader.expect(path, raw, "table") is not _BAD:
                values["defaults"] = _read_defaults(reader, raw)
        elif key == "sessions":
            if reader.expect(path, raw, "table") is not _BAD:
                for sub, sub_raw in raw.items():
                    if sub == "autosave":
                        value = reader.expect(("sessions", sub), sub_raw, "bool")
                        if value is not _BAD:
                            values["autosave"] = value
                    else:
                        reader.keep_unknown(("sessions", sub), sub_raw)
        elif key == "keymap":
            if reader.expect(path, raw, "table") is not _BAD:
                keymap = {}
                for binding, keys in raw.items():
                    value = reader.expect(("keymap", binding), keys, "str")
                    if value is not _BAD:
                        keymap[binding] = value
                values["keymap"] = keymap
        elif key == "profiles":
            if reader.expect(path, raw, "table") is not _BAD:
                profiles = {}
                for name, table in raw.items():
                    if reader.expect(("profiles", name), table, "table") is _BAD:
                        continue
                    profile = _read_profile(reader, name, table)
                    if profile is not None:
                        profiles[name] = profile
                values["profiles"] = profiles
        else:
            reader.keep_unknown(path, raw)
    return Config(**values, unknown=dict(reader.unknown))


def parse_config(text: str) -> tuple[Config, tuple[ConfigProblem, ...]]:
    """Read config.toml's text.

    Raises:
        tomllib.TOMLDecodeError: not valid TOML.
    """
    doc = tomllib.loads(text)
    reader = _Reader(text)
    config = _read_doc(reader, doc)
    return config, tuple(reader.problems)


_HEADER_LINE = re.compile(r"^\s*\[\[?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_LINE = re.compile(r"""^\s*(?P<key>(?:"[^"]*"|'[^']*'|[A-Za-z0-9_.\- ]+?))\s*=""")


def _split_key(text: str) -> KeyPath:
    parts = re.findall(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)""", text)
    return tuple(a or b or c for a, b, c in parts)


def line_of(lines: list[str], path: KeyPath) -> int | None:
    """The 1-based line where `path` is set, found by scanning headers and keys (good for
    the plain files people write; None when it cannot tell)."""
    table: KeyPath = ()
    for number, line in enumerate(lines, 1):
        header = _HEADER_LINE.match(line)
        if header:
            table = _split_key(header["name"])
            if table == path:
                return number
            continue
        key = _KEY_LINE.match(line)
        if key and (*table, *_split_key(key["key"])) == path:
            return number
    return None


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
            error = f"Couldn't read config {where}: {safe_line(_describe_toml_error(exc))}."
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
