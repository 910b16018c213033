"""Render benchmark: a 20,000-token Markdown answer through `AnswerView` and its peers.

One command runs everything (about 5 minutes on 2 cores)::

    /work/venv/bin/python -m bench.render_stream            # tty (tmux) and headless
    /work/venv/bin/python -m bench.render_stream --modes headless --repeat 1

The answer is generated here (headings, prose with inline styles and links, bullet and
numbered lists with nesting, block quotes, a 12-row table and a 300-line fenced Python block
early on) and cut into ~4-character tokens (20,000 tokens, 77 KB,
1,075 lines). Each run is a fresh process
with a real Textual app laid out like the playground (output pane + a 32-column sidebar
refreshed at 10 Hz + a 60 Hz ticker that measures event-loop stalls), as PERFORMANCE.md §2.3
describes. Variants:

- ``answer_view``: `playground.ui.widgets.answer_view.AnswerView`, ``append`` per token;
- ``md_stream``: Textual's `Markdown.get_stream`, ``await stream.write`` per token (capped by
  ``--md-timeout`` in a burst and at the stream's length + 20 s when paced; its figures are
  then lower bounds);
- ``textarea_20hz``: a read-only `TextArea` fed in 20 Hz batches (plain text, no Markdown);
- ``null``: the same app and feeder with an empty `Static` as the output: the floor.

Scenarios: ``burst`` (every token as fast as the app takes it, ``await asyncio.sleep(0)``
after each) and ``paced`` (``--rate`` tokens per second, each due at ``t0 + i / rate``).
Modes: ``tty`` runs the app in a 160x50 tmux pane (ANSI generation and the pty write count),
``headless`` uses ``App.run(headless=True)``.

Figures, from a wrapper around ``App._display`` that timestamps every paint together with
how many characters of the answer the widget shows at that moment:

- *last token painted*: first token handed over → first paint that shows all of the text;
- *lag*: for each token, the first paint that shows it minus the time the token was due
  (paced) or handed over (burst); p50 / p95 / max;
- *worst paint gap*: longest time between two paints while the stream was being shown;
- *CPU*: process CPU seconds over the same span; *tmux CPU*: the tmux server's, tty only;
- *load*: the machine's 1-minute load average when the run ended (other work on the box).

``--gc-freeze`` calls ``gc.freeze()`` once each app is ready, for every variant: the
collector's full passes then skip Textual's start-up objects (see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TOKENS = 20_000
RATE = 2_000
VARIANTS = ("answer_view", "md_stream", "textarea_20hz", "null")
_WORDS = (  # noqa: SIM905 (a sentence reads better than 40 quoted words)
    "the a gateway model provider token stream latency answer request response cache price "
    "throughput render widget terminal buffer paint frame block line code table list value "
    "fast slow first last every should would could simple direct measured careful"
).split()
_PY = '''def handler_{i}(request: Request, limit: int = {i}) -> Response:
    """Serve request number {i}; docstrings, comments and f-strings colour differently."""
    items = [x * {i} for x in range(limit) if x % 3]  # keep every third value out
    if not items:
        raise ValueError(f"empty result for {{limit}} and {{request.path!r}}")
    return Response(status=200, body={{"n": len(items), "id": "{i}"}})
'''


# ---- the answer


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 16))]
    for i, word in enumerate(words):
        roll = rng.random()
        if roll < 0.05:
            words[i] = f"**{word}**"
        elif roll < 0.08:
            words[i] = f"`{word}()`"
        elif roll < 0.10:
            words[i] = f"*{word}*"
        elif roll < 0.11:
            words[i] = f"[{word}](https://example.com/{word})"
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


def make_answer(tokens: int = TOKENS, seed: int = 7) -> list[str]:
    """A deterministic Markdown answer cut into `tokens` tokens of about 4 characters."""
    rng = random.Random(seed)
    parts = ["# Streaming answers at speed\n\n", _paragraph(rng), "\n\n"]
    section = 1
    approx = 0
    while approx < tokens * 5:
        parts.append(f"## Section {section}: {rng.choice(_WORDS)} {rng.choice(_WORDS)}\n\n")
        parts.append(_paragraph(rng) + "\n\n")
        if section == 2:
            code: list[str] = []
            i = 0
            while len(code) < 300:
                code.extend(_PY.format(i=i).splitlines())
                i += 1
            parts.append("```python\n" + "\n".join(code[:300]) + "\n```\n\n")
        if section == 3:
            parts.append("| provider | TTFT ms | tok/s | price |\n|---|---:|---:|:---:|\n")
            for _ in range(12):
                parts.append(
                    f"| {rng.choice(_WORDS)} | {rng.randint(100, 900)} | "
                    f"{rng.randint(20, 300)} | ${rng.randint(1, 9)}.{rng.randint(0, 99):02d} |\n"
                )
            parts.append("\n")
        for _ in range(rng.randint(3, 6)):
            parts.append(f"- {_sentence(rng)}\n")
            if rng.random() < 0.3:
                parts.append(f"  - {_sentence(rng)}\n")
        parts.append("\n")
        parts.extend(f"{k}. {_sentence(rng)}\n" for k in range(1, rng.randint(3, 6)))
        parts.append("\n")
        if rng.random() < 0.3:
            parts.append("> " + _paragraph(rng) + "\n\n")
        parts.append(_paragraph(rng) + "\n\n")
        section += 1
        approx = sum(map(len, parts)) // 4
    text = "".join(parts)
    pieces = re.findall(r" ?[A-Za-z]{1,7}| ?\d{1,4}|\n+ *| +|[^\sA-Za-z\d]{1,3}", text)
    assert "".join(pieces) == text
    return pieces[:tokens]


# ---- the child: one app, one variant, one scenario


def _child(args: argparse.Namespace) -> None:
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal
    from textual.widgets import Markdown, Static, TextArea

    from playground.ui.widgets.answer_view import AnswerView

    tokens = make_answer(args.tokens)
    total = sum(map(len, tokens))
    ends = []
    acc = 0
    for token in tokens:
        acc += len(token)
        ends.append(acc)
    paints: list[tuple[float, int]] = []
    handed: list[float] = []
    due: list[float] = []
    state: dict[str, Any] = {"fed": 0, "fed_chars_now": 0, "timed_out": False}
    ticks: list[tuple[float, float]] = []  # (time, how late the 60 Hz tick was)

    class CountingMarkdown(Markdown):
        shown = 0

        async def _append_counted(self, text: str) -> None:
            await Markdown.append(self, text)
            self.shown += len(text)

        def append(self, markdown: str) -> Any:  # MarkdownStream awaits this
            return self._append_counted(markdown)

    class BenchApp(App[None]):
        CSS = "#side { width: 32; } #out { width: 1fr; height: 1fr; }"

        def compose(self) -> ComposeResult:
            with Horizontal():
                if args.variant == "answer_view":
                    yield AnswerView(id="out", max_fps=args.fps)
                elif args.variant == "md_stream":
                    yield CountingMarkdown(id="out")
                elif args.variant == "textarea_20hz":
                    yield TextArea(id="out", read_only=True, soft_wrap=True)
                else:
                    yield Static(id="out")
                yield Static(id="side")

        def shown(self) -> int:
            out = self.query_one("#out")
            if isinstance(out, AnswerView):
                return out.shown_chars
            if isinstance(out, CountingMarkdown):
                return out.shown
            if isinstance(out, TextArea):
                return int(state.get("ta_shown", 0))
            return int(state["fed_chars_now"])

        def on_ready(self) -> None:
            if args.gc_freeze:  # what the playground app does once it is up (see README)
                gc.collect()
                gc.freeze()

        def on_mount(self) -> None:
            original = self._display

            def display(screen: Any, renderable: Any) -> None:
                original(screen, renderable)
                if renderable is not None:
                    paints.append((time.perf_counter(), self.shown()))

            self._display = display  # type: ignore[method-assign]
            self._tick_at = time.perf_counter()
            self.set_interval(1 / 60, self._tick)
            self.set_interval(1 / 10, self._sidebar)
            self.call_after_refresh(lambda: self.run_worker(self._feed(), exclusive=True))

        def _tick(self) -> None:
            now = time.perf_counter()
            ticks.append((now, now - self._tick_at - 1 / 60))
            self._tick_at = now

        def _sidebar(self) -> None:
            fed = state["fed"]
            elapsed = time.perf_counter() - state.get("t0", time.perf_counter())
            rate = fed / elapsed if elapsed > 0 else 0.0
            self.query_one("#side", Static).update(
                f"tokens  {fed}\ntok/s   {rate:,.0f}\nelapsed {elapsed:.2f} s"
            )

        async def _feed(self) -> None:
            await asyncio.sleep(0.3)  # let start-up settle
            out = self.query_one("#out")
            stream = Markdown.get_stream(out) if isinstance(out, Markdown) else None
            buffer: list[str] = []
            text_area = out if isinstance(out, TextArea) else None

            def flush_text_area() -> None:
                if text_area is not None and buffer:
                    batch = "".join(buffer)
                    buffer.clear()
                    text_area.insert(batch, text_area.document.end)
                    text_area.move_cursor(text_area.document.end)
                    state["ta_shown"] = state.get("ta_shown", 0) + len(batch)

            timer = self.set_interval(1 / 20, flush_text_area) if text_area else None
            cpu0 = time.process_time()
            t0 = state["t0"] = time.perf_counter()
            deadline = t0 + args.timeout
            for i, token in enumerate(tokens):
                if args.scenario == "paced":
                    when = t0 + i / args.rate
                    delay = when - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    due.append(when)
                if time.perf_counter() > deadline:
                    state["timed_out"] = True
                    break
                handed.append(time.perf_counter())
                if args.scenario == "burst":
                    due.append(handed[-1])
                state["fed"] = i + 1
                state["fed_chars_now"] = ends[i]
                if isinstance(out, AnswerView):
                    out.append(token)
                    await asyncio.sleep(0)
                elif stream is not None:
                    await stream.write(token)
                elif text_area is not None:
                    buffer.append(token)
                    await asyncio.sleep(0)
                else:
                    await asyncio.sleep(0)
            fed_chars = ends[state["fed"] - 1] if state["fed"] else 0
            if isinstance(out, AnswerView):
                out.finish()
            if stream is not None and not state["timed_out"]:
                await stream.stop()
            if timer is not None:
                await asyncio.sleep(0.06)
                flush_text_area()
                timer.stop()
            # Wait until a paint shows everything fed (or time runs out), then a quiet gap.
            # Polling, not an Event: the condition is met inside the paint wrapper.
            while time.perf_counter() < deadline and not (paints and paints[-1][1] >= fed_chars):  # noqa: ASYNC110
                await asyncio.sleep(0.005)
            await asyncio.sleep(0.3)
            state["cpu"] = time.process_time() - cpu0
            state["t0"] = t0
            state["fed_chars"] = fed_chars
            self.exit()

    app = BenchApp()
    app.run(headless=args.mode == "headless", size=(160, 50) if args.mode == "headless" else None)

    t0 = state["t0"]
    fed_chars = state["fed_chars"]
    count = state["fed"]
    lags: list[float] = []
    complete_at = None
    p = 0
    for i in range(count):
        while p < len(paints) and paints[p][1] < ends[i]:
            p += 1
        if p == len(paints):
            break
        lags.append(paints[p][0] - due[i])
    for t, shown in paints:
        if t >= t0 and shown >= fed_chars:
            complete_at = t
            break
    span = [t for t, _ in paints if t0 <= t <= (complete_at or float("inf"))]
    gaps = [b - a for a, b in itertools.pairwise(span)]
    shown_last = max((s for _, s in paints), default=0)
    result = {
        "variant": args.variant,
        "scenario": args.scenario,
        "mode": args.mode,
        "tokens_fed": count,
        "tokens_total": len(tokens),
        "chars_total": total,
        "chars_shown": shown_last,
        "complete": complete_at is not None and count == len(tokens),
        "timed_out": bool(state["timed_out"]) or complete_at is None,
        "last_token_painted_s": (complete_at - t0) if complete_at else None,
        "elapsed_s": (complete_at or time.perf_counter()) - t0,
        "feed_s": (handed[-1] - t0) if handed else 0.0,
        "cpu_s": state["cpu"],
        "lag_p50_ms": 1000 * statistics.median(lags) if lags else None,
        "lag_p95_ms": 1000 * sorted(lags)[int(0.95 * (len(lags) - 1))] if lags else None,
        "lag_max_ms": 1000 * max(lags) if lags else None,
        "worst_gap_ms": 1000 * max(gaps) if gaps else None,
        "worst_stall_ms": 1000
        * max((late for t, late in ticks if t0 <= t <= (complete_at or float("inf"))), default=0.0),
        "load_1min": os.getloadavg()[0],
        "gc_freeze": args.gc_freeze,
        "paints": len(span),
    }
    Path(args.out).write_text(json.dumps(result))


# ---- the parent: runs the children, prints the table


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run_one(mode: str, variant: str, scenario: str, args: argparse.Namespace) -> dict[str, Any]:
    timeout = args.md_timeout if variant == "md_stream" else args.timeout
    if scenario == "paced":
        timeout = (20.0 if variant == "md_stream" else args.timeout) + args.tokens / args.rate
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable, "-m", "bench.render_stream", "--child",
            "--variant", variant, "--scenario", scenario, "--mode", mode,
            "--tokens", str(args.tokens), "--rate", str(args.rate),
            "--timeout", str(timeout), "--out", str(out), "--fps", str(args.fps),
        ] + (["--gc-freeze"] if args.gc_freeze else [])  # fmt: skip
        root = Path(__file__).resolve().parent.parent
        tmux_cpu = None
        if mode == "headless":
            subprocess.run(command, cwd=root, check=True, timeout=timeout + 60)
        else:
            socket = f"renderbench{os.getpid()}"
            shell = f"cd {shlex.quote(str(root))} && COLORTERM=truecolor {shlex.join(command)}"
            tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
            subprocess.run([*tmux, "new-session", "-d", "-x", "160", "-y", "50", shell], check=True)
            try:
                pid = int(
                    subprocess.run(
                        [*tmux, "display-message", "-p", "#{pid}"],
                        capture_output=True, text=True, check=True,
                    ).stdout.strip()
                )  # fmt: skip
                cpu0 = _proc_cpu(pid)
                limit = time.monotonic() + timeout + 60
                while not out.exists() and time.monotonic() < limit:
                    time.sleep(0.2)
                tmux_cpu = _proc_cpu(pid) - cpu0
            finally:
                subprocess.run([*tmux, "kill-server"], capture_output=True)
        if not out.exists():
            return {"variant": variant, "scenario": scenario, "mode": mode, "failed": True}
        time.sleep(0.1)
        result: dict[str, Any] = json.loads(out.read_text())
        result["tmux_cpu_s"] = tmux_cpu
        return result


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def _fmt(value: float | None, scale: float = 1.0, digits: int = 2) -> str:
    return "–" if value is None else f"{value * scale:,.{digits}f}"


def _table(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    rows = [
        "| mode | scenario | variant | runs | tokens shown | last token painted s | CPU s | "
        "tmux CPU s | lag p50 / p95 / max ms | worst paint gap ms | worst loop stall ms | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in results:
        if not r.get("failed"):
            groups.setdefault((r["mode"], r["scenario"], r["variant"]), []).append(r)
    for (mode, scenario, variant), runs in groups.items():
        shown = min(r["chars_shown"] * r["tokens_total"] // r["chars_total"] for r in runs)
        painted = _median(runs, "last_token_painted_s")
        timed_out = any(r["timed_out"] for r in runs)
        painted_text = (
            f"> {_median(runs, 'elapsed_s'):.1f} (cap)" if timed_out else _fmt(painted, 1, 3)
        )
        lag = "/".join(
            _fmt(_median(runs, k), 1, 0) for k in ("lag_p50_ms", "lag_p95_ms", "lag_max_ms")
        )
        rows.append(
            f"| {mode} | {scenario} | {variant} | {len(runs)} | {shown:,} of {args.tokens:,} | "
            f"{painted_text} | {_fmt(_median(runs, 'cpu_s'))} | {_fmt(_median(runs, 'tmux_cpu_s'))}"
            f" | {lag} | {_fmt(_median(runs, 'worst_gap_ms'), 1, 0)} | "
            f"{_fmt(_median(runs, 'worst_stall_ms'), 1, 0)} | "
            f"{_fmt(_median(runs, 'load_1min'), 1, 1)} |"
        )
    for mode in args.modes:
        ours = groups.get((mode, "burst", "answer_view"))
        peer = groups.get((mode, "burst", "md_stream"))
        if ours and peer:
            a = _median(ours, "last_token_painted_s") or float("nan")
            b = _median(peer, "last_token_painted_s") or _median(peer, "elapsed_s") or 0.0
            bound = "≥ " if any(r["timed_out"] for r in peer) else ""
            rows.append(f"\n{mode} burst: AnswerView is {bound}{b / a:,.0f}x MarkdownStream.")
    rows.append(f"\ngc.freeze() once the app was ready: {'yes' if args.gc_freeze else 'no'}.")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--variant", default="answer_view")
    parser.add_argument("--scenario", default="burst")
    parser.add_argument("--mode", default="headless")
    parser.add_argument("--out", default="")
    parser.add_argument("--tokens", type=int, default=TOKENS)
    parser.add_argument("--rate", type=float, default=RATE, help="paced tokens per second")
    parser.add_argument("--timeout", type=float, default=30.0, help="cap per run, seconds")
    parser.add_argument("--fps", type=float, default=30.0, help="AnswerView paints per second")
    parser.add_argument("--md-timeout", type=float, default=60.0, help="md_stream burst cap")
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() once the app is ready (all variants)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast variants")
    parser.add_argument("--modes", default="tty,headless")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--scenarios", default="burst,paced")
    parser.add_argument("--json", default="", help="also write every run here")
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return 0
    args.modes = args.modes.split(",")
    results = []
    for mode in args.modes:
        for scenario in args.scenarios.split(","):
            for repeat in range(args.repeat):
                for variant in args.variants.split(","):
                    if variant == "md_stream" and repeat:
                        continue  # one capped run is plenty to bound it
                    result = _run_one(mode, variant, scenario, args)
                    results.append(result)
                    print(json.dumps(result), file=sys.stderr, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    print(_table(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
