"""``playground run --session FILE`` end to end, in a subprocess, against loopback servers:
the requests go again in order, and never to a host the file chose on its own (K7)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

from playground.core.request import ChatRequest, Message
from playground.core.run import Figures, Run
from playground.core.session import Session, SessionProfile, new_session
from playground.sim.server import SimulatedGateway
from playground.store.paths import Paths
from playground.store.sessions import SessionStore

from support.session_apps import FAKE_KEY


def _replay(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    environ.update(
        HOME=str(home),
        PLAYGROUND_HOME=str(home / "pg"),
        PLAYGROUND_SIM_TIME_SCALE="0",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        COLUMNS="120",
    )
    return subprocess.run(
        [sys.executable, "-m", "playground", "run", "--session", *args],
        capture_output=True,
        text=True,
        env=environ,
        input="",
        timeout=90,
    )


def _run(index: int, text: str, **changes: object) -> Run:
    request = ChatRequest("openai/gpt-4.1-mini", (Message("user", text),))
    run = Run(f"run_{index}", request, float(index), "old answer", "", (), "stop", Figures("ok"))
    return dataclasses.replace(run, **changes)  # type: ignore[arg-type]


def _saved(home: Path, name: str, base_url: str) -> Path:
    session: Session = new_session(SessionProfile(name, base_url, "vercel"))
    runs = (
        _run(0, "Why is the sky blue?"),
        _run(1, "Warm up", warmup=True, repeat_index=0, group="rep"),
        _run(2, "And sunsets?", repeat_index=0, group="rep"),
    )
    path = home / "saved.session.json"
    SessionStore(Paths.under(home / "pg")).save(dataclasses.replace(session, runs=runs), path)
    return path


def test_a_simulated_session_replays_on_the_simulated_gateway(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = _saved(home, "simulated", "http://127.0.0.1:1/v1")
    out_json = tmp_path / "replayed.json"
    result = _replay(str(path), "--provider", "azure", "--json", str(out_json), home=home)
    assert result.returncode == 0, result.stderr
    assert "Replaying 2 requests on the simulated gateway" in result.stderr
    assert "── 1/2 · openai/gpt-4.1-mini › azure ──" in result.stderr
    assert "Replayed 2 requests: 2 ok." in result.stderr
    assert "Rayleigh" in result.stdout
    runs = json.loads(out_json.read_text())["runs"]
    assert [r["request"]["messages"][-1]["content"] for r in runs] == [
        "Why is the sky blue?",
        "And sunsets?",
    ]
    assert {r["figures"]["served_by"] for r in runs} == {"azure"}


def test_a_session_from_another_host_is_not_replayed_there(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = _saved(home, "vercel", "https://gateway.attacker.example/v1")
    result = _replay(str(path), home=home)
    assert result.returncode == 2
    assert "gateway.attacker.example" in result.stderr
    assert "--gateway" in result.stderr and "will not be sent to another host" in result.stderr
    assert result.stdout == ""


def test_a_vercel_session_without_a_key_says_how_to_go_on(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = _saved(home, "vercel", "https://ai-gateway.vercel.sh/v1")
    result = _replay(str(path), home=home)
    assert result.returncode == 2
    assert "No API key for ai-gateway.vercel.sh" in result.stderr
    assert "--simulated" in result.stderr


def test_the_command_lines_gateway_gets_the_requests_in_order(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = _saved(home, "vercel", "https://gateway.attacker.example/v1")
    key_file = tmp_path / "key"
    key_file.write_text(FAKE_KEY)
    key_file.chmod(0o600)
    with SimulatedGateway.start_in_thread(seed=2, time_scale=0, key=FAKE_KEY) as gateway:
        options = ["--gateway", gateway.url, "--kind", "vercel", "--api-key-file", str(key_file)]
        result = _replay(str(path), *options, home=home)
        chats = [r for r in gateway.gateway.records if r.path.endswith("/chat/completions")]
    assert result.returncode == 0, result.stderr
    assert len(chats) == 2 and all(r.authorization and r.status == 200 for r in chats)
    assert FAKE_KEY not in result.stdout + result.stderr


def test_a_corrupt_session_is_reported_and_nothing_is_sent(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    bad = home / "bad.session.json"
    bad.write_text('{"format": "gateway-playground-session", "schema_version": }')
    result = _replay(str(bad), home=home)
    assert result.returncode == 2
    assert "line 1, column 60" in result.stderr and "left untouched" in result.stderr
