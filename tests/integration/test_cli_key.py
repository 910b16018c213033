"""``playground key set | status | delete`` as a user runs it: separate processes, real keyring
backends selected with ``PYTHON_KEYRING_BACKEND`` (RELIABILITY.md §7 K1–K5)."""

from __future__ import annotations

import json
import os
import pty
import select
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

KEY = "vck_cli_test_key_LEAKCANARY_0000f00d"
ENV_KEY = "vck_env_key_LEAKCANARY_00000000beef"
DOUBLES = "support.keyring_doubles"


def _env(home: Path, backend: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAYGROUND_TEST_")}
    env["PYTHON_KEYRING_BACKEND"] = backend
    env["PLAYGROUND_TEST_KEYRING_FILE"] = str(home / "fake-os-keyring.json")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.update(extra)
    return env


def _key(
    env: dict[str, str], *args: str, stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [sys.executable, "-m", "playground", "key", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    for stream in (out.stdout, out.stderr):
        assert KEY not in stream and ENV_KEY not in stream
    return out


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_k1_headless_set_explains_and_writes_nothing(isolated_home: Path) -> None:
    env = _env(isolated_home, "keyring.backends.fail.Keyring")
    out = _key(env, "set", stdin=KEY + "\n")
    assert out.returncode == 1
    assert "no secure keyring is available (no Secret Service on D-Bus" in out.stderr
    assert "keyring.backends.fail.Keyring" in out.stderr
    assert "set AI_GATEWAY_API_KEY" in out.stderr
    assert "--insecure-storage" in out.stderr and "0600" in out.stderr
    assert "Traceback" not in out.stderr
    assert _files(isolated_home) == []


def test_headless_status_works_with_the_environment_variable(isolated_home: Path) -> None:
    env = _env(isolated_home, "keyring.backends.fail.Keyring", AI_GATEWAY_API_KEY=ENV_KEY)
    out = _key(env, "status")
    assert out.returncode == 0, out.stderr
    assert "Keyring: keyring.backends.fail.Keyring: not available" in out.stdout
    vercel = next(line for line in out.stdout.splitlines() if line.startswith("vercel"))
    assert "https://ai-gateway.vercel.sh" in vercel
    assert "env AI_GATEWAY_API_KEY (…beef)" in vercel
    openrouter = next(line for line in out.stdout.splitlines() if line.startswith("openrouter"))
    assert "no key: set OPENROUTER_API_KEY" in openrouter


def test_set_status_delete_round_trip_through_a_keyring_backend(isolated_home: Path) -> None:
    env = _env(isolated_home, f"{DOUBLES}.FileKeyring")
    out = _key(env, "set", "--profile", "vercel", stdin=KEY + "\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        "Saved the key for vercel (https://ai-gateway.vercel.sh, …f00d) in "
        "support.keyring_doubles.FileKeyring."
    )
    stored = json.loads((isolated_home / "fake-os-keyring.json").read_text())
    assert stored == {"gateway-playground|https://ai-gateway.vercel.sh": KEY}

    out = _key(env, "status")
    assert "Keyring: support.keyring_doubles.FileKeyring: secure" in out.stdout
    vercel = next(line for line in out.stdout.splitlines() if line.startswith("vercel"))
    assert vercel.endswith("keyring (…f00d)")

    out = _key({**env, "AI_GATEWAY_API_KEY": ENV_KEY}, "status", "--profile", "vercel")
    assert "env AI_GATEWAY_API_KEY (…beef); also keyring (…f00d) (not used)" in out.stdout

    out = _key(env, "delete")
    assert out.returncode == 0, out.stderr
    assert "Deleted the key for vercel (https://ai-gateway.vercel.sh) from the keyring." in (
        out.stdout
    )
    assert json.loads((isolated_home / "fake-os-keyring.json").read_text()) == {}
    out = _key(env, "status", "--profile", "vercel")
    assert "no key" in out.stdout
    out = _key(env, "delete")
    assert out.returncode == 1 and "no key is stored for vercel" in out.stderr


def test_keys_are_bound_to_the_origin(isolated_home: Path) -> None:
    env = _env(isolated_home, f"{DOUBLES}.FileKeyring")
    assert _key(env, "set", stdin=KEY + "\n").returncode == 0
    out = _key(env, "status", "--gateway", "https://evil.example/v1")
    assert "https://evil.example" in out.stdout and "(…f00d)" not in out.stdout
    out = _key(env, "status", "--profile", "openrouter")
    assert "(…f00d)" not in out.stdout


def test_insecure_storage_is_explicit_and_private(isolated_home: Path) -> None:
    env = _env(isolated_home, "keyring.backends.fail.Keyring")
    out = _key(env, "set", "--insecure-storage", stdin=KEY + "\n")
    assert out.returncode == 0, out.stderr
    assert "stored in plain text" in out.stderr
    [path] = _files(isolated_home)
    assert path.name == "insecure-keys.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    out = _key(env, "status", "--profile", "vercel")
    assert "Plaintext key file: ~/" in out.stdout and "(insecure)" in out.stdout
    assert "plaintext file ~/.local/share/gateway-playground/insecure-keys.json (…f00d)" in (
        out.stdout
    )
    out = _key(env, "delete")
    assert out.returncode == 0 and "from the plaintext key file" in out.stdout
    assert not path.exists()


def test_k2_a_plaintext_keyring_backend_is_refused(isolated_home: Path) -> None:
    env = _env(isolated_home, f"{DOUBLES}.PlaintextLookalike")
    out = _key(env, "set", stdin=KEY + "\n")
    assert out.returncode == 1
    assert (
        "Your keyring backend (keyrings.alt PlaintextKeyring) stores secrets unencrypted. "
        "Not saving." in out.stderr
    )
    out = _key(env, "status")
    assert "keyrings.alt PlaintextKeyring: INSECURE" in out.stdout


def test_k3_a_hanging_keyring_cannot_hang_the_command(isolated_home: Path) -> None:
    env = _env(isolated_home, f"{DOUBLES}.SleepingKeyring", PLAYGROUND_TEST_KEYRING_SLEEP="120")
    started = time.monotonic()
    out = _key(env, "set", "--keyring-timeout", "0.5", stdin=KEY + "\n")
    assert out.returncode == 1
    assert "The system keyring didn't answer within 0.5 s (it may be locked)." in out.stderr
    out = _key(env, "status", "--keyring-timeout", "0.5")
    assert out.returncode == 0
    assert "didn't answer within 0.5 s" in out.stdout
    assert time.monotonic() - started < 40


def test_k4_a_locked_keyring_is_explained(isolated_home: Path) -> None:
    env = _env(isolated_home, f"{DOUBLES}.LockedKeyring")
    out = _key(env, "set", stdin=KEY + "\n")
    assert out.returncode == 1
    assert "Couldn't save the key: the keyring refused (KeyringLocked: Collection is locked)." in (
        out.stderr
    )
    assert "Traceback" not in out.stderr


def test_usage_errors(isolated_home: Path) -> None:
    env = _env(isolated_home, f"{DOUBLES}.FileKeyring")
    out = _key(env, "set", "--profile", "nope", stdin=KEY)
    assert out.returncode == 2 and "no profile named 'nope'" in out.stderr
    out = _key(env, "set", stdin="\n")
    assert out.returncode == 1 and "empty" in out.stderr


def test_profiles_from_the_config_file(isolated_home: Path) -> None:
    config = isolated_home / ".config" / "gateway-playground" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        '[profiles.lab]\nbase_url = "https://llm.lab.example/v1"\nkey_env = "LAB_KEY"\n'
    )
    env = _env(isolated_home, f"{DOUBLES}.FileKeyring")
    assert _key(env, "set", "--profile", "lab", stdin=KEY + "\n").returncode == 0
    out = _key(env, "status")
    lab = next(line for line in out.stdout.splitlines() if line.startswith("lab"))
    assert "https://llm.lab.example" in lab and "keyring (…f00d)" in lab


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_set_prompts_without_echo_on_a_terminal(isolated_home: Path) -> None:
    env = _env(isolated_home, f"{DOUBLES}.FileKeyring")
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal is its controlling tty
        os.execve(sys.executable, [sys.executable, "-m", "playground", "key", "set"], env)
    output = b""
    deadline = time.monotonic() + 60
    sent = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        if not sent and b"(not echoed):" in output:
            os.write(fd, KEY.encode() + b"\n")
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    text = output.decode(errors="replace")
    assert sent, text
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "API key for ai-gateway.vercel.sh (not echoed):" in text
    assert KEY not in text  # not echoed, not printed
    assert "Saved the key for vercel" in text and "…f00d" in text
