"""config.toml: read, validate, keep what is unknown, never overwrite what could not be read."""

from __future__ import annotations

import datetime as dt
import math
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core.profile import BUILTIN_PROFILES, Profile
from playground.core.request import Params, Reasoning
from playground.store.config import (
    Config,
    ConfigError,
    ConfigStore,
    Defaults,
    config_to_toml,
    line_of,
    parse_config,
)
from playground.store.paths import Paths
from playground.store.toml_write import dumps

FULL = """\
theme = "nord"
stall_threshold_s = 3.5

[defaults]
profile = "local"
model = "openai/gpt-4.1-mini"
provider = "azure"
temperature = 0.7
max_tokens = 1024
top_p = 1
seed = 42
stop = ["###"]
reasoning_effort = "medium"

[sessions]
autosave = true

[keymap]
send = "ctrl+j"
"cancel-generation" = "escape,ctrl+c"

[profiles.local]
kind = "openai"
base_url = "localhost:8000/v1/"
key_env = "LOCAL_API_KEY"

[profiles.vercel]
base_url = "https://gateway-proxy.internal.example/v1"
"""


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths.under(tmp_path / "app")


def _write(paths: Paths, text: str | bytes) -> Path:
    paths.config.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode()
    paths.config_file.write_bytes(text)
    return paths.config_file


def test_no_file_means_defaults(paths: Paths) -> None:
    loaded = ConfigStore(paths).load()
    assert loaded.config == Config() and not loaded.exists and loaded.writable
    assert loaded.messages == ()
    assert loaded.config.profile() == BUILTIN_PROFILES["vercel"]
    assert not paths.config.exists()  # reading creates nothing


def test_every_setting_is_read(paths: Paths) -> None:
    _write(paths, FULL)
    loaded = ConfigStore(paths).load()
    config = loaded.config
    assert loaded.messages == ()
    assert (config.theme, config.stall_threshold_s, config.autosave) == ("nord", 3.5, True)
    assert config.keymap == {"send": "ctrl+j", "cancel-generation": "escape,ctrl+c"}
    assert config.defaults == Defaults(
        profile="local",
        model="openai/gpt-4.1-mini",
        provider="azure",
        temperature=0.7,
        max_tokens=1024,
        top_p=1.0,
        seed=42,
        stop=("###",),
        reasoning_effort="medium",
    )
    assert config.defaults.params() == Params(
        temperature=0.7, max_tokens=1024, top_p=1.0, seed=42, stop=("###",)
    )
    assert config.defaults.reasoning() == Reasoning(effort="medium")
    assert config.profile() == Profile(
        "local", "openai", "http://localhost:8000/v1", ("LOCAL_API_KEY",)
    )
    vercel = config.all_profiles["vercel"]  # a builtin changed in part keeps the rest
    assert vercel.base_url == "https://gateway-proxy.internal.example/v1"
    assert vercel.key_env == BUILTIN_PROFILES["vercel"].key_env and vercel.kind == "vercel"
    assert config.all_profiles["openrouter"] == BUILTIN_PROFILES["openrouter"]


def test_a_bad_file_is_named_with_line_and_column_and_never_overwritten(paths: Paths) -> None:
    path = _write(paths, 'theme = "nord"\n\n[defaults\nmodel = "x"\n')
    before = path.read_bytes()
    store = ConfigStore(paths)
    loaded = store.load()
    assert loaded.config == Config() and not loaded.writable
    assert loaded.error is not None
    assert "config.toml: line 3, column 10: Expected ']' at the end of a table declaration." in (
        loaded.error
    )
    assert loaded.error.endswith("Starting with the default settings; the file was left untouched.")
    with pytest.raises(ConfigError, match=r"not saved: .*line 3, column 10.*Fix or move the file"):
        store.save(Config(theme="dark"))
    with pytest.raises(ConfigError):
        store.update(theme="dark")
    assert path.read_bytes() == before


def test_a_file_that_is_not_utf8(paths: Paths) -> None:
    _write(paths, b'theme = "\xff"\n')
    loaded = ConfigStore(paths).load()
    assert loaded.error is not None and "not UTF-8 text (byte 0xff at offset 9)" in loaded.error


def test_wrong_types_are_named_with_their_line_and_block_writes(paths: Paths) -> None:
    path = _write(
        paths,
        'theme = 3\n[defaults]\nmodel = "m"\ntemperature = "hot"\ntop_p = 7\n'
        "reasoning_effort = 'huge'\n[profiles.x]\nkind = \"azure\"\n[sessions]\nautosave = 1\n",
    )
    loaded = ConfigStore(paths).load()
    problems = [str(p) for p in loaded.problems]
    assert problems == [
        "line 1: theme: expected a string, got a number",
        "line 4: defaults.temperature: expected a number, got a string",
        "line 5: defaults.top_p: Top p must be greater than 0 and at most 1",
        "line 6: defaults.reasoning_effort: expected one of none, minimal, low, medium, high, "
        "xhigh",
        "line 8: profiles.x.kind: expected one of vercel, openrouter, openai",
        "line 7: profiles.x.base_url: missing",
        "line 10: sessions.autosave: expected true or false, got a number",
    ]
    config = loaded.config
    assert config.defaults.model == "m" and config.defaults.temperature is None
    assert config.theme is None and "x" not in config.all_profiles
    assert not loaded.writable
    assert loaded.messages[0].startswith("Ignored settings in ")
    with pytest.raises(ConfigError, match="could not be used"):
        ConfigStore(paths).save(config)
    assert "hot" in path.read_text()


def test_unknown_keys_are_warned_about_and_kept(paths: Paths) -> None:
    path = _write(
        paths,
        'theme = "nord"\nbeta = true\n[defaults]\nmodel = "m"\nmood = "sunny"\n'
        '[profiles.local]\nbase_url = "http://127.0.0.1:8080/v1"\nregion = "eu"\n'
        "[plugins.timer]\nenabled = true\nwhen = 2026-11-27T14:02:00Z\n[[hooks]]\nrun = 'a'\n",
    )
    store = ConfigStore(paths)
    loaded = store.load()
    assert loaded.writable
    assert loaded.unknown == ("beta", "defaults.mood", "profiles.local.region", "plugins", "hooks")
    assert loaded.messages == (
        f"Unknown settings in {path} (kept): beta, defaults.mood, profiles.local.region, "
        "plugins, hooks.",
    )
    store.update(theme="dracula")
    data = tomllib.loads(path.read_text())
    assert data["theme"] == "dracula" and data["beta"] is True
    assert data["defaults"] == {"profile": "vercel", "model": "m", "mood": "sunny"}
    assert data["profiles"]["local"]["region"] == "eu"
    assert data["plugins"]["timer"]["when"] == dt.datetime(2026, 11, 27, 14, 2, tzinfo=dt.UTC)
    assert data["hooks"] == [{"run": "a"}]
    again = ConfigStore(paths).load()
    assert again.config == store.load().config and again.config.theme == "dracula"


def test_saving_is_atomic_private_and_round_trips(paths: Paths) -> None:
    _write(paths, FULL)
    store = ConfigStore(paths)
    config = store.load().config
    store.save(config)
    assert stat.S_IMODE(paths.config_file.stat().st_mode) == 0o600
    assert ConfigStore(paths).load().config == config
    assert paths.config_file.read_text().startswith("# Gateway Playground settings.")


def test_a_file_edited_since_it_was_read_is_not_overwritten(paths: Paths) -> None:
    _write(paths, 'theme = "nord"\n')
    store = ConfigStore(paths)
    store.load()
    _write(paths, 'theme = "solarized"\n# my careful edit\n')
    with pytest.raises(ConfigError, match="changed on disk"):
        store.update(theme="dark")
    assert "my careful edit" in paths.config_file.read_text()
    store.load()
    store.update(theme="dark")
    assert ConfigStore(paths).load().config.theme == "dark"


def test_the_written_file_holds_no_defaults_and_no_key() -> None:
    text = config_to_toml(Config())
    assert tomllib.loads(text) == {"defaults": {"profile": "vercel"}}


def test_line_of_finds_keys_in_tables() -> None:
    lines = FULL.splitlines()
    assert line_of(lines, ("defaults", "seed")) == 11
    assert line_of(lines, ("keymap", "cancel-generation")) == 20
    assert line_of(lines, ("profiles", "vercel")) == 27
    assert line_of(lines, ("nope",)) is None


def test_parse_config_raises_on_bad_toml() -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        parse_config("x = ")


# -- the TOML writer ---------------------------------------------------------------------------

keys = st.text(max_size=8)
scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.text(max_size=12),
    st.datetimes(timezones=st.none() | st.just(dt.UTC)),
    st.dates(),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=10,
)
documents = st.dictionaries(keys, values, max_size=5)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return bool(type(a) is type(b) and a == b)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_toml_writer_round_trips_anything_tomllib_can_hold(doc: dict[str, Any]) -> None:
    text = dumps(doc, header="a header\nover two lines")
    assert _same(tomllib.loads(text), doc), text


def test_toml_writer_cannot_hold_none() -> None:
    with pytest.raises(TypeError):
        dumps({"a": None})
