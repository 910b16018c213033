"""``playground run`` end to end, in a subprocess, against real loopback servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.sim.server import SimulatedGateway

FAST = "0.02"
"""Simulated delays at 2% of real time: a 6 s answer streams in about 0.1 s."""


def _run(
    *args: str, home: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"AI_GATEWAY_API_KEY", "VERCEL_OIDC_TOKEN", "OPENROUTER_API_KEY"}
    }
    environ.update(
        {
            "HOME": str(home),
            "PLAYGROUND_HOME": str(home / "pg"),
            "PLAYGROUND_SIM_TIME_SCALE": FAST,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "COLUMNS": "120",
        }
    )
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "playground", "run", *args],
        capture_output=True,
        text=True,
        env=environ,
        input=stdin if stdin is not None else "",
        timeout=60,
    )


@pytest.fixture(scope="module")
def gateway() -> Iterator[str]:
    with SimulatedGateway.start_in_thread(seed=3, time_scale=0.02) as running:
        yield running.url


LABELS = ("Served by", "TTFT (client)", "Decode rate", "Tokens", "Cost", "Status")


def _figures(stderr: str) -> dict[str, str]:
    """The figures table's rows on stderr: label -> the value column's first word."""
    rows = {}
    for line in stderr.splitlines():
        for label in LABELS:
            if line.startswith(label):
                rows[label] = line[len(label) :].split()[0]
    return rows


def test_no_key_streams_from_the_simulated_gateway_and_prints_figures(tmp_path: Path) -> None:
    done = _run("Why is the sky blue?", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Rayleigh" in done.stdout
    first_line = done.stderr.splitlines()[0]
    assert "Using the simulated gateway" in first_line
    figures = _figures(done.stderr)
    assert figures["Served by"] == "openai"
    assert float(figures["TTFT (client)"]) > 0
    assert float(figures["Decode rate"].replace(",", "")) > 0
    assert int(figures["Tokens"].replace(",", "")) > 0
    assert figures["Cost"].startswith("$") and figures["Status"] == "ok"
    assert "Traceback" not in done.stderr


def test_provider_pin_is_served_by_that_provider_and_says_so(tmp_path: Path) -> None:
    done = _run("--provider", "azure", "Why is the sky blue?", home=tmp_path)
    assert done.returncode == 0, done.stderr
    served = next(line for line in done.stderr.splitlines() if line.startswith("Served by"))
    assert served.split()[2:4] == ["azure", "pinned"]


def test_json_file_holds_the_whole_run(tmp_path: Path, gateway: str) -> None:
    out = tmp_path / "run.json"
    done = _run(
        "--gateway", gateway, "--kind", "vercel", "--json", str(out), "-q", "Hello", home=tmp_path
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(out.read_text())
    [run] = payload["runs"]
    assert payload["format"] == "gateway-playground-runs"
    assert run["figures"]["status"] == "ok"
    assert run["text"] == done.stdout.rstrip("\n")
    assert run["figures"]["ttft_s"] > 0
    assert run["figures"]["tokens"]["output"] > 0
    assert "Bearer" not in out.read_text()


def test_a_failed_run_exits_1_with_one_clear_line(tmp_path: Path, gateway: str) -> None:
    done = _run(
        "--gateway",
        gateway,
        "--kind",
        "vercel",
        "/sim 401\nhello",
        home=tmp_path,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [error] = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert "401" in error


def test_an_interrupted_stream_keeps_the_partial_answer(tmp_path: Path, gateway: str) -> None:
    done = _run(
        "--gateway",
        gateway,
        "--kind",
        "vercel",
        "/sim cut after=30\nWhy is the sky blue?",
        home=tmp_path,
    )
    assert done.returncode == 1
    assert len(done.stdout) > 30  # the partial answer was printed
    assert "interrupted" in done.stderr


def test_bad_usage_exits_2_before_starting_anything(tmp_path: Path) -> None:
    done = _run("--temperature", "5", "hi", home=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == "playground: Temperature must be between 0 and 2."
    assert _run(home=tmp_path).returncode == 2  # no prompt at all
    assert _run("--profile", "nope", "hi", home=tmp_path).returncode == 2


def test_prompt_from_stdin(tmp_path: Path, gateway: str) -> None:
    done = _run(
        "--gateway", gateway, "--kind", "vercel", "-q", "-", home=tmp_path, stdin="Say hello"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
