"""Keys entered in the app (`services.keys`, `Services.use_key`): where they can be kept, the
test call over loopback, and the K1–K4 failures of RELIABILITY.md §7."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from playground.core.profile import Profile
from playground.core.request import ChatRequest, Message
from playground.core.secret import Secret
from playground.services import Services, StartOptions
from playground.services.keys import KeyService, check_key
from playground.sim.server import SimulatedGateway
from playground.store.keys import FileKeyStore, KeyringKeyStore, MemoryKeyStore
from playground.store.paths import Paths

from support.keyring_doubles import (
    LockedKeyring,
    PlaintextLookalike,
    RefusingKeyring,
    SleepingKeyring,
    fail_keyring,
)

KEY = "sk-test-leak-canary-7f3a9c2e1b"
ORIGIN = "https://ai-gateway.vercel.sh"


def _service(tmp_path: Path, backend: object | None, timeout_s: float = 10.0) -> KeyService:
    store = KeyringKeyStore(backend) if backend is not None else None
    return KeyService(store, FileKeyStore(tmp_path / "keys.json"), timeout_s=timeout_s)


async def test_k1_no_keyring_means_this_session_only_and_no_file(tmp_path: Path) -> None:
    keys = _service(tmp_path, fail_keyring())
    storage = await keys.storage("AI_GATEWAY_API_KEY")
    assert not storage.keyring_ok
    assert "keyring.backends.fail.Keyring" in storage.summary
    assert "this session only" in storage.session_only
    assert "AI_GATEWAY_API_KEY" in storage.session_only
    result = await keys.save(ORIGIN, Secret(KEY), "keyring", "AI_GATEWAY_API_KEY")
    assert not result.saved and "no system keyring is available" in result.message
    assert not (tmp_path / "keys.json").exists()


async def test_k2_a_plaintext_keyring_is_named_and_not_used(tmp_path: Path) -> None:
    keys = _service(tmp_path, PlaintextLookalike())
    storage = await keys.storage()
    assert not storage.keyring_ok
    assert "keyrings.alt PlaintextKeyring" in storage.summary
    assert "unencrypted" in storage.summary
    result = await keys.save(ORIGIN, Secret(KEY), "keyring")
    assert not result.saved and "Not saving" in result.message


async def test_k3_a_hanging_keyring_gives_up_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYGROUND_TEST_KEYRING_SLEEP", "30")
    keys = _service(tmp_path, SleepingKeyring(), timeout_s=0.3)
    start = time.monotonic()
    storage = await keys.storage()  # status() itself answers; the hang is in get/set
    result = await keys.save(ORIGIN, Secret(KEY), "keyring")
    elapsed = time.monotonic() - start
    assert storage.keyring_ok
    assert not result.saved
    assert "didn't answer within 0.3 s" in result.message
    assert elapsed < 10  # the deadline, not the keyring, decided (generous for a loaded box)


@pytest.mark.parametrize(
    ("backend", "cause"),
    [(LockedKeyring(), "KeyringLocked"), (RefusingKeyring(), "PasswordSetError")],
)
async def test_k4_a_refusing_keyring_names_the_cause_and_keeps_the_key_for_the_session(
    tmp_path: Path, backend: object, cause: str
) -> None:
    result = await _service(tmp_path, backend).save(ORIGIN, Secret(KEY), "keyring")
    assert not result.saved
    assert cause in result.message and "this session only" in result.message
    assert KEY not in result.message


async def test_the_plaintext_file_only_on_explicit_opt_in_and_0600(tmp_path: Path) -> None:
    keys = _service(tmp_path, fail_keyring())
    result = await keys.save(ORIGIN, Secret(KEY), "file")
    assert result.saved and "plain text" in result.message and KEY not in result.message
    path = tmp_path / "keys.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert FileKeyStore(path).get(ORIGIN) == Secret(KEY)


async def test_a_secure_keyring_keeps_the_key_under_its_origin(tmp_path: Path) -> None:
    store = MemoryKeyStore()
    keys = KeyService(store, FileKeyStore(tmp_path / "k.json"))
    result = await keys.save(ORIGIN, Secret(KEY), "keyring")
    assert result.saved and f"(…{KEY[-4:]})" in result.message
    assert store.get(ORIGIN) == Secret(KEY)
    assert store.get("https://other.example") is None


# -- the test call, over loopback ---------------------------------------------------------------


async def test_the_test_call_tells_accepted_from_rejected_from_unreachable() -> None:
    async with SimulatedGateway(key=KEY, time_scale=0) as gw:
        profile = Profile("local", "vercel", gw.url)
        accepted = await check_key(profile, Secret(KEY))
        rejected = await check_key(profile, Secret("sk-wrong-key-000000000000"))
        credits_calls = [r for r in gw.records if r.path.endswith("/credits")]
    assert accepted.ok and not accepted.rejected
    assert f"accepted the key (…{KEY[-4:]})" in accepted.message
    assert "balance $" in accepted.message
    assert rejected.rejected and "401" in rejected.message
    assert KEY not in rejected.message + accepted.message
    assert len(credits_calls) == 2

    nobody = await check_key(Profile("local", "vercel", "http://127.0.0.1:9/v1"), Secret(KEY))
    assert not nobody.ok and not nobody.rejected and "Couldn't check the key" in nobody.message


async def test_the_test_call_refuses_plain_http_to_another_machine_k8() -> None:
    result = await check_key(Profile("lan", "openai", "http://10.9.8.7/v1"), Secret(KEY))
    assert result.rejected and "unencrypted" in result.message


async def test_use_key_rebuilds_the_client_and_runs_get_through(tmp_path: Path) -> None:
    async with SimulatedGateway(key=KEY, time_scale=0) as gw:
        options = StartOptions(gateway=gw.url, kind="vercel", use_keyring=False)
        services = await Services.start(options, paths=Paths.under(tmp_path), environ={})
        async with services:
            request = ChatRequest("openai/gpt-4.1-mini", (Message("user", "hi"),))
            refused = await services.new_run(request).execute()
            assert refused.error is not None and refused.error.kind == "auth"
            await services.use_key(Secret(KEY), source="entered (this session only)")
            assert services.badge.source == f"entered (this session only) (…{KEY[-4:]})"
            assert services.key is not None and services.key.key_ref is None
            run = await services.new_run(request).execute()
            assert run.status == "ok"
        assert os.environ.get("AI_GATEWAY_API_KEY") is None
