"""Render benchmark for compare mode: two lanes streaming at the same time, each at
``--rate`` tokens per second (1,000 by default), through the real app and the real simulated
gateway.

::

    /work/venv/bin/python -m bench.compare_render      # tty (tmux) and headless, 3 runs each
    /work/venv/bin/python -m bench.compare_render --modes tty --repeat 1 --tokens 3000

Each run is a fresh process running `PlaygroundApp` on the built-in simulated gateway (a child
process, as for a user), at 160x48 by default. Once the catalog is loaded it opens the compare
screen (as ctrl+t does), points lane A at azure and lane B at openai, types a prompt whose
``/sim ok ttft=… rate=… tokens=…`` line makes the simulated gateway stream exactly ``--tokens``
tokens of Markdown (prose, lists, a table, fenced code) per lane at exactly ``--rate`` tok/s,
and presses ctrl+j. A wrapper around ``App._display`` timestamps every paint with how many
characters of each lane's answer are on screen; a wrapper around ``AnswerView.append`` stamps
every token as the lane receives it; a 60 Hz ticker measures event-loop stalls.

Figures, per lane:

- *lag*: for each token, the first paint that shows it minus the moment the lane received it;
  p50 / p95 / max (the bound: ≤ 150 ms behind);
- *worst paint gap*: the longest time between two paints while either lane streamed (the
  bound: no gap over 100 ms);
- *last token painted*: the lane's last token received → the first paint that shows all of
  its answer;
- *TTFT late*: the lane's TTFT (client) minus the ``ttft=`` the simulated gateway was told:
  how much a busy screen delays the client's first-token timestamp;
- *decode*: the decode rate the lane measured (should read ``--rate``).

Plus the app's CPU seconds over the stream, the worst event-loop stall, and the machine's load;
``--json`` also keeps, per run, the loop stalls between the send and the first token.
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

PROMPT = (
    "Explain how streaming works, with a comparison table, a numbered list and a Python and "
    "a Rust example.\n/sim ok ttft={ttft} rate={rate} tokens={tokens}"
)
LANES = ("A", "B")
PROVIDERS = {"A": "azure", "B": "openai"}


# ---- the child: one app, one send


def _child(args: argparse.Namespace) -> None:
    from playground.services import StartOptions
    from playground.services.simulated import SimulatorSettings
    from playground.store.paths import Paths
    from playground.ui.app import LaunchOptions, PlaygroundApp
    from playground.ui.screens.compare import CompareScreen
    from playground.ui.widgets.answer_view import AnswerView
    from playground.ui.widgets.prompt_editor import PromptEditor

    fed: dict[str, list[tuple[float, int]]] = {lane: [] for lane in LANES}
    fed_chars = dict.fromkeys(LANES, 0)
    paints: list[tuple[float, int, int]] = []
    ticks: list[tuple[float, float]] = []
    views: dict[str, AnswerView] = {}
    state: dict[str, Any] = {}

    def lane_of(view: AnswerView) -> str | None:
        for node in view.ancestors:
            if node.id in ("lane-answer-a", "lane-answer-b"):
                return "A" if node.id.endswith("a") else "B"
        return None

    original_append = AnswerView.append

    def append(self: AnswerView, text: str) -> None:
        original_append(self, text)
        lane = lane_of(self)
        if lane is not None:
            views[lane] = self
            fed_chars[lane] += len(text)
            fed[lane].append((time.perf_counter(), fed_chars[lane]))

    AnswerView.append = append  # type: ignore[method-assign]

    def shown(lane: str) -> int:
        view = views.get(lane)
        return view.shown_chars if view is not None else 0

    import playground.ui.app as app_module

    class BenchApp(PlaygroundApp):
        CSS_PATH = str(
            Path(app_module.__file__).parent / "app.tcss"
        )  # relative to the app's module

        def on_mount(self) -> None:
            super().on_mount()
            original = self._display

            def display(screen: Any, renderable: Any) -> None:
                original(screen, renderable)
                if renderable is not None:
                    paints.append((time.perf_counter(), shown("A"), shown("B")))

            self._display = display  # type: ignore[method-assign]
            self._tick_at = time.perf_counter()
            self.set_interval(1 / 60, self._tick)
            self.run_worker(self._drive(), exclusive=True, group="bench")

        def _tick(self) -> None:
            now = time.perf_counter()
            ticks.append((now, now - self._tick_at - 1 / 60))
            self._tick_at = now

        async def _until(self, predicate: Any, seconds: float) -> None:
            deadline = time.perf_counter() + seconds
            while not predicate():
                if time.perf_counter() > deadline:
                    raise TimeoutError(str(predicate))
                await asyncio.sleep(0.01)

        async def _drive(self) -> None:
            try:
                await self._run()
            except Exception as exc:  # report, do not hang the parent
                state["error"] = repr(exc)
            self.exit()

        async def _run(self) -> None:
            main = self.screen_main
            await self._until(lambda: self.state is not None and len(main.catalog) > 0, 30)
            main.query_one(PromptEditor).message = PROMPT.format(
                ttft=args.ttft, rate=args.rate, tokens=args.tokens
            )
            self.action_compare()
            await self._until(lambda: isinstance(self.screen, CompareScreen), 10)
            screen = self.screen
            assert isinstance(screen, CompareScreen)
            await asyncio.sleep(0.5)  # the lanes' providers are loaded, start-up settles
            for lane in LANES:
                screen.set_target(lane, provider=PROVIDERS[lane])
            await asyncio.sleep(0.3)
            cpu0 = time.process_time()
            state["t_send"] = time.perf_counter()
            screen.action_send()
            await self._until(lambda: screen.streaming, 10)
            await self._until(lambda: not screen.streaming, 30 + args.tokens / args.rate)
            # Then until a paint shows every character of both answers (or time runs out).
            await self._until(
                lambda: (
                    bool(paints)
                    and paints[-1][1] >= fed_chars["A"]
                    and paints[-1][2] >= fed_chars["B"]
                ),
                10,
            )
            state["cpu"] = time.process_time() - cpu0
            await asyncio.sleep(0.3)
            runs = {lane: screen.lanes[lane].last_run for lane in LANES}
            state["runs"] = {
                lane: {
                    "status": run.status,
                    "ttft_s": run.figures.ttft_s,
                    "decode_rate": run.figures.decode_rate,
                    "served_by": run.figures.served_by,
                    "output_tokens": run.figures.tokens.output,
                }
                for lane, run in runs.items()
                if run is not None
            }

    with tempfile.TemporaryDirectory() as home:
        app = BenchApp(
            LaunchOptions(
                start=StartOptions(
                    simulated=True, use_keyring=False, simulator=SimulatorSettings(seed=args.seed)
                ),
                model="openai/gpt-4.1-mini",
                paths=Paths.under(Path(home)),
            )
        )
        width, height = (int(v) for v in args.size.split("x"))
        app.run(
            headless=args.mode == "headless",
            size=(width, height) if args.mode == "headless" else None,
        )

    result: dict[str, Any] = {
        "mode": args.mode,
        "rate": args.rate,
        "tokens": args.tokens,
    }
    if "error" in state or "runs" not in state:
        result["failed"] = state.get("error", "no result")
        Path(args.out).write_text(json.dumps(result))
        return
    first = min(fed[lane][0][0] for lane in LANES if fed[lane])
    complete: dict[str, float | None] = {}
    for index, lane in enumerate(LANES, start=1):
        tokens = fed[lane]
        lags: list[float] = []
        p = 0
        for when, chars in tokens:
            while p < len(paints) and (paints[p][0] < when or paints[p][index] < chars):
                p += 1
            if p == len(paints):
                break
            lags.append(paints[p][0] - when)
        total_chars = tokens[-1][1] if tokens else 0
        done_at = next((t for t, *s in paints if s[index - 1] >= total_chars and t >= first), None)
        complete[lane] = done_at
        run = state["runs"].get(lane, {})
        result[lane] = {
            "provider": PROVIDERS[lane],
            "deltas": len(tokens),
            "chars": total_chars,
            "lag_p50_ms": 1000 * statistics.median(lags) if lags else None,
            "lag_p95_ms": 1000 * sorted(lags)[int(0.95 * (len(lags) - 1))] if lags else None,
            "lag_max_ms": 1000 * max(lags) if lags else None,
            "last_token_painted_ms": 1000 * (done_at - tokens[-1][0])
            if done_at and tokens
            else None,
            "ttft_late_ms": 1000 * (run["ttft_s"] - args.ttft) if run.get("ttft_s") else None,
            "decode_rate": run.get("decode_rate"),
            "status": run.get("status"),
            "served_by": run.get("served_by"),
        }
    end = max((t for t in complete.values() if t is not None), default=paints[-1][0])
    span = [t for t, *_ in paints if first <= t <= end]
    gaps = [b - a for a, b in itertools.pairwise(span)]
    result.update(
        worst_gap_ms=1000 * max(gaps) if gaps else None,
        paints=len(span),
        stream_s=end - first,
        cpu_s=state["cpu"],
        worst_stall_ms=1000 * max((late for t, late in ticks if first <= t <= end), default=0.0),
        load_1min=os.getloadavg()[0],
        stalls_before_first_token=[
            (round(1000 * (t - state["t_send"])), round(1000 * late))
            for t, late in ticks
            if state["t_send"] <= t <= first + 0.02 and late > 0.015
        ],
        first_token_after_send_ms=1000 * (first - state["t_send"]),
    )
    Path(args.out).write_text(json.dumps(result))


# ---- the parent: runs the children, prints the table


def _run_one(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    timeout = 90 + args.tokens / args.rate
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable, "-m", "bench.compare_render", "--child", "--mode", mode,
            "--rate", str(args.rate), "--tokens", str(args.tokens), "--ttft", str(args.ttft),
            "--seed", str(args.seed), "--size", args.size, "--out", str(out),
        ]  # fmt: skip
        root = Path(__file__).resolve().parent.parent
        if mode == "headless":
            subprocess.run(command, cwd=root, check=True, timeout=timeout)
        else:
            width, height = args.size.split("x")
            socket = f"comparebench{os.getpid()}"
            shell = f"cd {shlex.quote(str(root))} && COLORTERM=truecolor {shlex.join(command)}"
            tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
            subprocess.run(
                [*tmux, "new-session", "-d", "-x", width, "-y", height, shell], check=True
            )
            try:
                limit = time.monotonic() + timeout
                while not out.exists() and time.monotonic() < limit:
                    time.sleep(0.2)
            finally:
                subprocess.run([*tmux, "kill-server"], capture_output=True)
        if not out.exists():
            return {"mode": mode, "failed": "no result file"}
        time.sleep(0.1)
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def _median(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return statistics.median(kept) if kept else None


def _fmt(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _table(results: list[dict[str, Any]]) -> str:
    rows = [
        "| mode | lane | runs | lag p50 / p95 / max ms | last token painted ms "
        "| worst paint gap ms | worst loop stall ms | TTFT late ms | decode tok/s | app CPU s "
        "| load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    modes: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        if not result.get("failed"):
            modes.setdefault(result["mode"], []).append(result)
    for mode, runs in modes.items():
        for lane in LANES:
            lag = " / ".join(
                _fmt(_median([r[lane][k] for r in runs]))
                for k in ("lag_p50_ms", "lag_p95_ms", "lag_max_ms")
            )
            rows.append(
                f"| {mode} | {lane} {runs[0][lane]['provider']} | {len(runs)} | {lag} | "
                f"{_fmt(_median([r[lane]['last_token_painted_ms'] for r in runs]))} | "
                f"{_fmt(_median([r['worst_gap_ms'] for r in runs]))} | "
                f"{_fmt(_median([r['worst_stall_ms'] for r in runs]))} | "
                f"{_fmt(_median([r[lane]['ttft_late_ms'] for r in runs]), 1)} | "
                f"{_fmt(_median([r[lane]['decode_rate'] for r in runs]))} | "
                f"{_fmt(_median([r['cpu_s'] for r in runs]), 2)} | "
                f"{_fmt(_median([r['load_1min'] for r in runs]), 1)} |"
            )
    failed = [r for r in results if r.get("failed")]
    if failed:
        rows.append(
            f"\n{len(failed)} run(s) failed: " + "; ".join(str(r["failed"]) for r in failed)
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="headless", help=argparse.SUPPRESS)
    parser.add_argument("--out", default="", help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, default=1000.0, help="tokens per second per lane")
    parser.add_argument("--tokens", type=int, default=5000, help="tokens per lane")
    parser.add_argument("--ttft", type=float, default=0.3, help="the simulated TTFT, seconds")
    parser.add_argument("--seed", type=int, default=0, help="the simulated gateway's seed")
    parser.add_argument("--size", default="160x48", help="terminal size, WxH")
    parser.add_argument("--repeat", type=int, default=3, help="runs per mode")
    parser.add_argument("--modes", default="tty,headless")
    parser.add_argument("--json", default="", help="also write every run here")
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return 0
    results = []
    for _ in range(args.repeat):
        for mode in args.modes.split(","):
            result = _run_one(mode, args)
            results.append(result)
            print(json.dumps(result), file=sys.stderr, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    print(_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
