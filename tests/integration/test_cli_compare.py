"""``playground run --compare/--models/--repeat`` end to end, in a subprocess, against the
simulated gateway over loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.core.compare import last_series, repeat_stats
from playground.core.run import Run
from playground.core.session_codec import decode
from playground.sim.server import SimulatedGateway


@pytest.fixture(scope="module")
def gateway() -> Iterator[str]:
    with SimulatedGateway.start_in_thread(seed=5, time_scale=0.02) as running:
        yield running.url


def run_cli(*args: str, home: Path, gateway: str | None = None) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"AI_GATEWAY_API_KEY", "VERCEL_OIDC_TOKEN", "OPENROUTER_API_KEY"}
    }
    environ.update(
        {
            "HOME": str(home),
            "PLAYGROUND_HOME": str(home / "pg"),
            "PLAYGROUND_SIM_TIME_SCALE": "0.02",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "COLUMNS": "120",
        }
    )
    where = ["--gateway", gateway, "--kind", "vercel"] if gateway else []
    return subprocess.run(
        [sys.executable, "-m", "playground", "run", *where, *args],
        capture_output=True,
        text=True,
        env=environ,
        input="",
        timeout=120,
    )


def test_compare_prints_the_table_on_stderr_and_one_answer_per_lane(
    tmp_path: Path, gateway: str
) -> None:
    done = run_cli(
        "--compare", "azure,openai", "Why is the sky blue?", home=tmp_path, gateway=gateway
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("## A · openai/gpt-4.1-mini › azure\n")
    assert "\n## B · openai/gpt-4.1-mini › openai\n" in out
    assert out.count("Rayleigh") >= 2
    err = done.stderr
    for label in ("TTFT (client)", "Decode rate", "Total", "Output tokens", "Cost", "Served by"):
        assert label in err
    assert "A azure" in err and "B openai" in err and "better" in err
    assert "◀" in err  # the better value is marked
    assert "[2/2]" in err and "Traceback" not in err


def test_compare_repeat_writes_every_run_and_the_statistics(tmp_path: Path, gateway: str) -> None:
    out = tmp_path / "out.json"
    done = run_cli(
        "--compare",
        "azure,openai",
        "--repeat",
        "3",
        "--warmup",
        "--json",
        str(out),
        "Hello there!",
        home=tmp_path,
        gateway=gateway,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(out.read_text())
    assert payload["format"] == "gateway-playground-runs"
    runs = [decode(item, Run) for item in payload["runs"]]
    assert [(r.lane, r.repeat_index, r.warmup) for r in runs] == [
        ("A", 0, True),
        ("B", 0, True),
        ("A", 1, False),
        ("B", 1, False),
        ("A", 2, False),
        ("B", 2, False),
        ("A", 3, False),
        ("B", 3, False),
    ]
    assert all(r.figures.ttft_s and r.figures.ttft_s > 0 for r in runs)
    assert {r.figures.served_by for r in runs if r.lane == "A"} == {"azure"}
    # The statistics written are those of the runs written (a saved session gives the same).
    stats = repeat_stats(last_series(runs))
    written = payload["statistics"]
    assert [s["lane"] for s in written] == ["A", "B"]
    for lane, item in zip(stats, written, strict=True):
        assert lane.ttft is not None
        assert item["runs"] == 3 and item["warmups"] == 1 and item["errors"] == 0
        assert item["ttft_s"]["p50"] == lane.ttft.p50
        assert item["published"]["ttft_p50_s"] in (0.6, 0.7)
    err = done.stderr
    assert "Repeat ×3 per lane, interleaved A B, warm-up round dropped" in err
    assert "P50" in err and "P95" in err and "published P50" in err
    assert "[8/8]" in err


def test_models_with_out_writes_one_file_per_lane(tmp_path: Path, gateway: str) -> None:
    folder = tmp_path / "answers"
    done = run_cli(
        "--models",
        "openai/gpt-4.1-mini,openai/gpt-4.1-nano",
        "--out",
        str(folder),
        "Explain how caching works.",
        home=tmp_path,
        gateway=gateway,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    a, b = (folder / "A.md").read_text(), (folder / "B.md").read_text()
    assert a and b
    assert "gpt-4.1-mini" in done.stderr and "gpt-4.1-nano" in done.stderr


def test_a_failing_lane_exits_1_and_the_other_still_answers(tmp_path: Path, gateway: str) -> None:
    done = run_cli(
        "--compare", "groq,openai", "Why is the sky blue?", home=tmp_path, gateway=gateway
    )
    assert done.returncode == 1
    assert "Rayleigh" in done.stdout  # lane B answered
    assert "## A · openai/gpt-4.1-mini › groq (error)" in done.stdout
    assert "A: " in done.stderr and "Traceback" not in done.stderr


def test_single_lane_repeat(tmp_path: Path, gateway: str) -> None:
    done = run_cli("--repeat", "2", "--provider", "openai", "Hi", home=tmp_path, gateway=gateway)
    assert done.returncode == 0, done.stderr
    assert "Repeat ×2 per lane" in done.stderr and "2 runs, 0 errors" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--compare", "azure"], "--compare takes two values"),
        (["--compare", "azure,openai", "--provider", "azure"], "--provider pins every lane"),
        (["--models", "a,b", "--model", "c"], "--model names one model"),
        (["--repeat", "0"], "--repeat takes a count between 1 and 1000"),
        (["--warmup"], "--warmup goes with --repeat"),
        (["--out", "x"], "--out goes with --compare"),
        (["--compare", "azure,openai", "--json", "-"], "--json - writes to stdout"),
    ],
)
def test_bad_combinations_exit_2_before_anything_starts(
    tmp_path: Path, args: list[str], message: str
) -> None:
    done = run_cli(*args, "hi", home=tmp_path)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "simulated gateway" not in done.stderr  # nothing was started
