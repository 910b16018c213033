"""The streaming render benchmark through the whole playground screen (issue 5).

`bench/render_stream.py` measures `AnswerView` alone, fed from memory. This runs the real app —
top bar, model pane, conversation, prompt editor, the metrics sidebar at 5 Hz — against the
simulated gateway in its own process over loopback HTTP, streaming a 20,000-token Markdown
answer (the same document as `render_stream`: headings, lists, a table, a 300-line Python
block, prose) at 2,000 tok/s, and reports how far the screen falls behind the stream.

The simulated gateway is asked to echo the document (a ``/sim echo ttft=… rate=…`` line in the
message), so the answer is exactly the benchmark's document, paced by the gateway.

    /work/venv/bin/python -m bench.screen_render               # tty (tmux 160x50) and headless
    /work/venv/bin/python -m bench.screen_render --modes headless --repeat 1

Measured in the app's process: every compositor paint is timestamped with how many characters
of the answer the view shows (`AnswerView.shown_chars`); every text delta with when the client
received it. **Lag** = for each delta, the first paint showing it minus its arrival. **Last
token painted** = arrival of the last delta → the paint that shows the whole answer. **Worst
paint gap** over the stream (first delta → whole answer painted). **CPU** = the app process's
CPU over the same span. Reports; does not assert.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.render_stream import make_answer

ROOT = Path(__file__).resolve().parent.parent


def _child(args: argparse.Namespace) -> None:
    from playground.core.events import StreamEvent, TextDelta
    from playground.services import StartOptions
    from playground.store.paths import Paths
    from playground.ui import run_display
    from playground.ui.app import LaunchOptions, PlaygroundApp
    from playground.ui.widgets.conversation import Conversation
    from playground.ui.widgets.prompt_editor import PromptEditor

    document = "".join(make_answer(args.tokens))
    arrivals: list[tuple[float, int]] = []  # (when received, answer chars so far)
    paints: list[tuple[float, int]] = []
    state: dict[str, Any] = {"chars": 0, "done": False}

    original_on_event = run_display.RunDisplay.on_event

    def on_event(self: run_display.RunDisplay, event: StreamEvent) -> None:
        if isinstance(event, TextDelta):
            state["chars"] += len(event.text)
            arrivals.append((time.perf_counter(), state["chars"]))
        original_on_event(self, event)

    run_display.RunDisplay.on_event = on_event  # type: ignore[method-assign]

    with tempfile.TemporaryDirectory() as home:
        app = PlaygroundApp(
            LaunchOptions(
                start=StartOptions(simulator_url=args.url, use_keyring=False),
                model="openai/gpt-4.1-mini",
                paths=Paths.under(Path(home)),
            )
        )

        def shown() -> int:
            turn = app.screen_main.query_one(Conversation).last_answer
            return turn.answer.shown_chars if turn is not None else 0

        original_display = app._display

        def display(screen: Any, renderable: Any) -> None:
            original_display(screen, renderable)
            if renderable is not None and arrivals:
                paints.append((time.perf_counter(), shown()))

        app._display = display  # type: ignore[method-assign]

        async def drive() -> None:
            while app.state is None or not len(app.screen_main.catalog):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            editor = app.screen_main.query_one(PromptEditor)
            editor.message = f"/sim echo ttft={args.ttft} rate={args.rate}\n{document}"
            cpu0 = time.process_time()
            app.screen_main.action_send()
            limit = time.perf_counter() + args.tokens / args.rate + 60
            while time.perf_counter() < limit:
                await asyncio.sleep(0.01)
                runs = app.state.runs if app.state else ()
                if runs and paints and paints[-1][1] >= state["chars"]:
                    break
            await asyncio.sleep(0.3)
            state["cpu"] = time.process_time() - cpu0
            state["done"] = bool(app.state and app.state.runs)
            app.exit()

        async def start() -> None:
            app.run_worker(drive(), group="bench")

        app.call_later(start)
        headless = args.mode == "headless"
        app.run(headless=headless, size=(160, 50) if headless else None)

    total = state["chars"]
    lags: list[float] = []
    p = 0
    for when, chars in arrivals:
        while p < len(paints) and paints[p][1] < chars:
            p += 1
        if p == len(paints):
            break
        lags.append(paints[p][0] - when)
    first = arrivals[0][0] if arrivals else 0.0
    complete_at = next((t for t, s in paints if s >= total and total), None)
    span = [t for t, _ in paints if first <= t <= (complete_at or float("inf"))]
    gaps = [b - a for a, b in itertools.pairwise(span)]
    result = {
        "mode": args.mode,
        "chars": total,
        "expected_chars": len(document),
        "complete": complete_at is not None,
        "stream_s": arrivals[-1][0] - first if arrivals else None,
        "last_token_painted_ms": 1000 * (complete_at - arrivals[-1][0]) if complete_at else None,
        "lag_p50_ms": 1000 * statistics.median(lags) if lags else None,
        "lag_p95_ms": 1000 * sorted(lags)[int(0.95 * (len(lags) - 1))] if lags else None,
        "lag_max_ms": 1000 * max(lags) if lags else None,
        "worst_gap_ms": 1000 * max(gaps) if gaps else None,
        "paints": len(span),
        "cpu_s": state.get("cpu"),
        "load_1min": os.getloadavg()[0],
    }
    Path(args.out).write_text(json.dumps(result))


def _run_one(mode: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable, "-m", "bench.screen_render", "--child", "--mode", mode,
            "--url", url, "--out", str(out), "--tokens", str(args.tokens),
            "--rate", str(args.rate), "--ttft", str(args.ttft),
        ]  # fmt: skip
        timeout = args.tokens / args.rate + 120
        if mode == "headless":
            subprocess.run(command, cwd=ROOT, check=True, timeout=timeout)
        else:
            socket = f"screenbench{os.getpid()}"
            tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
            shell = f"cd {shlex.quote(str(ROOT))} && COLORTERM=truecolor {shlex.join(command)}"
            subprocess.run([*tmux, "new-session", "-d", "-x", "160", "-y", "50", shell], check=True)
            try:
                limit = time.monotonic() + timeout
                while not out.exists() and time.monotonic() < limit:
                    time.sleep(0.2)
            finally:
                subprocess.run([*tmux, "kill-server"], capture_output=True)
        if not out.exists():
            return {"mode": mode, "failed": True}
        time.sleep(0.1)
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def _fmt(value: object, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="headless", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--modes", default="tty,headless", help="tty, headless or both")
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=2000.0, help="tok/s of the stream")
    parser.add_argument("--ttft", type=float, default=0.3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", metavar="FILE", help="write every run")
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return 0

    sim = subprocess.Popen(
        [sys.executable, "-m", "playground", "sim", "--port", "0", "--announce",
         "--exit-with-parent", "--quiet"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert sim.stdout is not None
    url = json.loads(sim.stdout.readline())["url"]
    results: list[dict[str, Any]] = []
    try:
        for mode in args.modes.split(","):
            for _ in range(args.repeat):
                results.append(_run_one(mode.strip(), url, args))
    finally:
        if sim.stdin is not None:
            sim.stdin.close()
        sim.wait(timeout=10)

    print(
        f"\nWhole screen, {args.tokens:,} tokens at {args.rate:,.0f} tok/s from the simulated "
        "gateway (its own process) over loopback HTTP\n"
    )
    print("| mode | complete | stream s | last token painted ms | lag p50 / p95 / max ms "
          "| worst paint gap ms | CPU s | load |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        if r.get("failed"):
            print(f"| {r['mode']} | failed | | | | | | |")
            continue
        print(
            f"| {r['mode']} | {r['complete']} | {_fmt(r['stream_s'], 2)} "
            f"| {_fmt(r['last_token_painted_ms'])} "
            f"| {_fmt(r['lag_p50_ms'])} / {_fmt(r['lag_p95_ms'])} / {_fmt(r['lag_max_ms'])} "
            f"| {_fmt(r['worst_gap_ms'])} | {_fmt(r['cpu_s'], 2)} | {_fmt(r['load_1min'], 1)} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
