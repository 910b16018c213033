"""``playground screenshots`` run as a user runs it, into a temporary folder, with a key in the
environment: every SVG is well formed, shows what it is meant to, and holds no key."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest

from playground.ui.screenshots import SHOTS

FAKE_KEY = "sk-vercel-FAKE-0123456789abcdef"
SVG = "{http://www.w3.org/2000/svg}"

EXPECTED = {
    "main": [
        "openai/gpt-4.1-mini",
        "azure",
        "Simulated gateway",
        "def factorial(n: int) -> int:",
        "│ Call",  # the table
        "Things to watch",
        "You are a patient teacher.",
        "temp 0.7 · max 1,024",
    ],
    "model-picker": ["mini", "matches", "openai/gpt-4o-mini", "as a model id"],
    "view-code": [
        "View code",
        "streamText({",
        'model: gateway("openai/gpt-4.1-mini"),',
        'instructions: "You are a patient teacher. Use one short example."',
        'providerOptions: { gateway: { only: ["azure"] } },',
        "process.env.AI_GATEWAY_API_KEY",
    ],
    "theme-light": ["def factorial(n: int) -> int:", "Things to watch"],
    "compare": [
        "Compare",
        "openai/gpt-4.1-mini › azure",
        "Rayleigh",
        "TTFT (client)",
        "done: 10 runs",
        "5 runs · 0 errors",
        "pub. P50",
    ],
}


def _lines(svg: Path) -> list[str]:
    """The terminal's lines: each text run put back at its column (runs of spaces are not
    drawn as text, so the columns come from the runs' x and the cell width)."""
    root = ET.parse(svg).getroot()  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    rows: dict[float, dict[int, str]] = defaultdict(dict)
    for node in root.iter(f"{SVG}text"):
        text, length = node.text or "", node.get("textLength")
        if not text or length is None or "line-" not in node.get("clip-path", ""):
            continue  # the window title, or an empty run
        cell = float(length) / len(text)
        column = round(float(node.get("x", 0)) / cell)
        for offset, char in enumerate(text):
            rows[float(node.get("y", 0))][column + offset] = char
    lines = []
    for _, cells in sorted(rows.items()):
        width = max(cells) + 1
        lines.append("".join(cells.get(i, " ") for i in range(width)).replace("\xa0", " "))
    return lines


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shots") / "screenshots"
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), AI_GATEWAY_API_KEY=FAKE_KEY, OPENROUTER_API_KEY=FAKE_KEY)
    result = subprocess.run(
        [sys.executable, "-m", "playground", "screenshots", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "screenshots in" in result.stderr
    assert list(home.rglob("*")) == []  # the run used a temporary folder, not the home's
    return out


def test_every_screenshot_is_written_and_announced(shots: Path) -> None:
    names = sorted(p.stem for p in shots.glob("*.svg"))
    assert names == sorted(EXPECTED)
    assert len(SHOTS) >= len(EXPECTED)
    for path in shots.glob("*.svg"):
        assert path.stat().st_mode & 0o777 == 0o644
    assert not list(shots.glob(".tmp-*"))  # written atomically: no temporary file left


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_svg_is_well_formed_and_shows_what_it_should(shots: Path, name: str) -> None:
    text = "\n".join(_lines(shots / f"{name}.svg"))
    for expected in EXPECTED[name]:
        assert expected in text, f"{name}.svg lacks {expected!r}"


def test_no_screenshot_holds_a_key(shots: Path) -> None:
    for path in shots.glob("*.svg"):
        raw = path.read_text()
        assert FAKE_KEY not in raw
        assert "sk-vercel" not in raw and "FAKE-0123" not in raw


def test_the_light_variant_is_light(shots: Path) -> None:
    light = (shots / "theme-light.svg").read_text().lower()
    dark = (shots / "main.svg").read_text().lower()
    assert "#f6f7f9" in light and "#f6f7f9" not in dark  # playground-light's background
    assert "#16181d" in dark and "#16181d" not in light  # playground-dark's
