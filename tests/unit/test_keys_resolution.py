"""Where a profile's key comes from (DESIGN.md "Keys"; RELIABILITY.md §7 K5, K6)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from playground.core.profile import BUILTIN_PROFILES, Profile
from playground.core.secret import Secret
from playground.store.key_source import (
    ARGV_WARNING,
    KeyArgs,
    KeySourceError,
    aresolve_key,
    missing_key_message,
    read_key_file,
    resolve_key,
)
from playground.store.keys import AsyncKeyStore, FileKeyStore, KeyringKeyStore, MemoryKeyStore

from support.keyring_doubles import DbusErrorKeyring, SleepingKeyring, fail_keyring

VERCEL = BUILTIN_PROFILES["vercel"]
OPENROUTER = BUILTIN_PROFILES["openrouter"]
ENV_KEY = "vck_env_key_000000000000009f2c"
STORED_KEY = "vck_stored_key_0000000000001234"


def _store_with(origin: str, key: str) -> MemoryKeyStore:
    store = MemoryKeyStore()
    store.set(origin, Secret(key))
    return store


def test_k5_env_var_wins_over_the_keyring_and_says_so() -> None:
    store = _store_with(VERCEL.origin, STORED_KEY)
    found = resolve_key(VERCEL, environ={"AI_GATEWAY_API_KEY": ENV_KEY}, store=store)
    assert found.secret == Secret(ENV_KEY)
    assert (found.kind, found.source) == ("env", "env AI_GATEWAY_API_KEY")
    assert found.display == "env AI_GATEWAY_API_KEY (…9f2c)"
    assert found.key_ref == "env:AI_GATEWAY_API_KEY"
    detailed = resolve_key(
        VERCEL, environ={"AI_GATEWAY_API_KEY": ENV_KEY}, store=store, look_further=True
    )
    assert detailed.secret == Secret(ENV_KEY)
    assert detailed.shadowed == ("keyring (…1234)",)


def test_profile_variables_are_tried_in_order() -> None:
    env = {"VERCEL_OIDC_TOKEN": "oidc_token_00000000000000abcd"}
    assert resolve_key(VERCEL, environ=env).source == "env VERCEL_OIDC_TOKEN"
    env["AI_GATEWAY_API_KEY"] = ENV_KEY
    assert resolve_key(VERCEL, environ=env).source == "env AI_GATEWAY_API_KEY"
    assert resolve_key(VERCEL, environ={"AI_GATEWAY_API_KEY": "  "}).kind == "ask"


def test_another_gateways_variable_is_not_used() -> None:
    found = resolve_key(OPENROUTER, environ={"AI_GATEWAY_API_KEY": ENV_KEY})
    assert found.secret is None and found.kind == "ask"


def test_keyring_is_used_when_no_variable_is_set() -> None:
    found = resolve_key(VERCEL, environ={}, store=_store_with(VERCEL.origin, STORED_KEY))
    assert (found.kind, found.source, found.last4) == ("keyring", "keyring", "…1234")
    assert found.key_ref == "keyring"
    assert found.origin == "https://ai-gateway.vercel.sh"


def test_a_stored_key_is_never_returned_for_another_origin() -> None:
    store = _store_with(VERCEL.origin, STORED_KEY)
    for url in (
        "https://evil.example/v1",
        "http://ai-gateway.vercel.sh/v1",  # same host, other scheme
        "https://ai-gateway.vercel.sh.evil.example/v1",
        "https://ai-gateway.vercel.sh:8443/v1",
    ):
        profile = Profile("copy", "vercel", url, ())
        assert resolve_key(profile, environ={}, store=store).secret is None, url
    same = Profile("proxy", "vercel", "https://ai-gateway.vercel.sh:443/v1/", ())
    assert resolve_key(same, environ={}, store=store).secret == Secret(STORED_KEY)


def test_nothing_found_means_ask_with_a_helpful_message() -> None:
    found = resolve_key(VERCEL, environ={}, store=MemoryKeyStore())
    assert (found.found, found.kind, found.display, found.last4) == (False, "ask", "no key", "")
    assert found.key_ref is None
    assert missing_key_message(VERCEL) == (
        "No API key for ai-gateway.vercel.sh. Set AI_GATEWAY_API_KEY or press K to enter one."
    )
    local = BUILTIN_PROFILES["ollama"]
    assert missing_key_message(local) == "No API key for localhost:11434. Press K to enter one."


def test_an_explicit_key_file_comes_first(tmp_path: Path) -> None:
    path = tmp_path / "key.txt"
    path.write_text("vck_file_key_00000000000000beef\nsecond line ignored\n")
    path.chmod(0o600)
    found = resolve_key(
        VERCEL,
        args=KeyArgs(key_file=path),
        environ={"AI_GATEWAY_API_KEY": ENV_KEY},
        store=_store_with(VERCEL.origin, STORED_KEY),
    )
    assert found.secret == Secret("vck_file_key_00000000000000beef")
    assert found.kind == "file" and found.source.startswith("file ")
    assert found.warnings == ()


def test_a_key_file_others_can_read_gets_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "key.txt"
    path.write_text("vck_file_key_00000000000000beef")
    path.chmod(0o644)
    _, warnings = read_key_file(path)
    if os.name == "posix":
        assert warnings and "chmod 600" in warnings[0]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "No such file or directory"),
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"two words\n", "contains spaces"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_unusable_key_files_are_explained(
    tmp_path: Path, content: bytes | None, problem: str
) -> None:
    path = tmp_path / "key.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(KeySourceError, match=problem):
        resolve_key(VERCEL, args=KeyArgs(key_file=path), environ={})


def test_a_folder_is_not_a_key_file(tmp_path: Path) -> None:
    with pytest.raises(KeySourceError, match="folder"):
        read_key_file(tmp_path)


def test_stdin_key() -> None:
    found = resolve_key(
        VERCEL,
        args=KeyArgs(stdin=True),
        environ={"AI_GATEWAY_API_KEY": ENV_KEY},
        stdin=io.StringIO("vck_stdin_key_000000000000cafe\n"),
    )
    assert (found.kind, found.source, found.last4) == ("stdin", "stdin", "…cafe")
    with pytest.raises(KeySourceError, match="empty"):
        resolve_key(VERCEL, args=KeyArgs(stdin=True), stdin=io.StringIO(""))


def test_k6_argv_key_works_with_a_warning() -> None:
    found = resolve_key(VERCEL, args=KeyArgs(argv_key=Secret("vck_argv_0000000000000000d00d")))
    assert found.kind == "argv" and found.last4 == "…d00d"
    assert found.warnings == (ARGV_WARNING,)
    assert "ps" in ARGV_WARNING and "--api-key-file" in ARGV_WARNING
    assert "--api-key-stdin" in ARGV_WARNING


def test_two_explicit_sources_are_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(KeySourceError, match="only one"):
        resolve_key(VERCEL, args=KeyArgs(key_file=tmp_path / "k", stdin=True))


def test_the_plaintext_file_is_read_only_after_an_opt_in(tmp_path: Path) -> None:
    file_store = FileKeyStore(tmp_path / "insecure-keys.json")
    assert resolve_key(VERCEL, environ={}, file_store=file_store).kind == "ask"
    file_store.set(VERCEL.origin, Secret(STORED_KEY))
    found = resolve_key(VERCEL, environ={}, store=MemoryKeyStore(), file_store=file_store)
    assert found.kind == "insecure-file" and found.source.startswith("plaintext file ")
    assert found.key_ref == "insecure-file"


def test_a_broken_keyring_is_a_warning_not_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    found = resolve_key(VERCEL, environ={}, store=KeyringKeyStore(DbusErrorKeyring()))
    assert found.kind == "ask"
    assert found.warnings and "keyring refused" in found.warnings[0]
    found = resolve_key(VERCEL, environ={}, store=KeyringKeyStore(fail_keyring()))
    assert found.kind == "ask" and found.warnings == ()


async def test_async_resolution_gives_up_on_a_hanging_keyring(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLAYGROUND_TEST_KEYRING_SLEEP", "30")
    store = AsyncKeyStore(KeyringKeyStore(SleepingKeyring()), timeout_s=0.2)
    found = await aresolve_key(VERCEL, environ={}, store=store)
    assert found.kind == "ask"
    assert found.warnings and "didn't answer within 0.2 s" in found.warnings[0]
    # The environment never waits for the keyring.
    found = await aresolve_key(VERCEL, environ={"AI_GATEWAY_API_KEY": ENV_KEY}, store=store)
    assert found.kind == "env"


async def test_async_resolution_reads_the_keyring() -> None:
    store = AsyncKeyStore(_store_with(VERCEL.origin, STORED_KEY))
    found = await aresolve_key(VERCEL, environ={}, store=store)
    assert found.kind == "keyring" and found.secret == Secret(STORED_KEY)
    other = Profile("evil", "vercel", "https://evil.example/v1", ())
    assert (await aresolve_key(other, environ={}, store=store)).secret is None


def test_resolved_keys_never_show_the_key() -> None:
    found = resolve_key(VERCEL, environ={"AI_GATEWAY_API_KEY": ENV_KEY})
    assert ENV_KEY not in repr(found) and ENV_KEY not in str(found)
