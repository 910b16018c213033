"""Session file and recovery journal benchmark: what saving, opening, exporting and journaling
cost for a large session.

One command: ``/work/venv/bin/python bench/session_io.py`` (``--help`` for the knobs).

Builds a session of ``--runs`` runs (default 500), each with a 5-message request and a
``--answer-kb`` answer (default 4 KB), in a temporary folder, then reports the median of
``--repeat`` rounds (default 5) of:

- ``save``: `SessionStore.save` (JSON encoding, temp file, fsync, rename, folder fsync);
- ``load``: `SessionStore.load` (read, parse, validate every field, build the dataclasses);
- ``export``: `export_markdown` (no I/O);
- ``journal``: one `RecoveryJournal.progress` write of a streaming run's new text (append +
  fsync), which happens about once a second per streaming run; and the cost of a throttled
  call (the common case: called on every delta, it returns without writing).

Not a timed test: the machine is shared and noisy, so it reports; it does not assert.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from playground.core.request import ChatRequest, Message, Params, Routing
from playground.core.run import Figures, Run, TokenCounts
from playground.core.session import LaneSettings, Session, SessionProfile, new_session
from playground.store.paths import Paths
from playground.store.recovery import RecoveryJournal
from playground.store.session_export import export_markdown
from playground.store.sessions import SessionStore


def build(runs: int, answer_kb: int) -> Session:
    """A session shaped like a long compare-and-repeat sitting."""
    answer = ("The sky is blue because of Rayleigh scattering. " * 40)[: answer_kb * 1024]
    messages = tuple(
        Message("user" if i % 2 == 0 else "assistant", f"turn {i}: " + "lorem ipsum " * 20)
        for i in range(5)
    )
    request = ChatRequest(
        "openai/gpt-4.1-mini", messages, Params(temperature=0.7), Routing(only=("azure",))
    )
    figures = Figures(
        "ok",
        connect_s=0.041,
        ttfb_s=0.388,
        ttft_s=0.712,
        decode_rate=88.4,
        e2e_rate=13.1,
        total_s=9.16,
        tokens=TokenCounts(prompt=421, output=1012),
        cost=Decimal("0.0016876"),
        cost_source="gateway",
        served_by="azure",
    )
    profile = SessionProfile("vercel", "https://ai-gateway.vercel.sh/v1", "vercel", "keyring")
    session = new_session(profile, lanes=(LaneSettings("A", "openai/gpt-4.1-mini"),))
    all_runs = tuple(
        Run(f"r{i}", request, 1.79e9 + i, answer, "", (), "stop", figures, lane="AB"[i % 2])
        for i in range(runs)
    )
    return dataclasses.replace(session, runs=all_runs)


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:8.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--answer-kb", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    session = build(args.runs, args.answer_kb)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = SessionStore(Paths.under(root / "app"))
        path = root / "big.session.json"
        saves, loads, exports = [], [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            store.save(session, path)
            saves.append(time.perf_counter() - started)
            started = time.perf_counter()
            loaded = store.load(path)
            loads.append(time.perf_counter() - started)
            started = time.perf_counter()
            export_markdown(loaded)
            exports.append(time.perf_counter() - started)
        size = path.stat().st_size

        journal = RecoveryJournal(Paths.under(root / "app"), "bench", interval_s=0.0)
        journal.record_session(session)
        skeleton = dataclasses.replace(session.runs[0], text="", figures=Figures("running"))
        journal.start_run(skeleton)
        writes: list[float] = []
        text = ""
        for i in range(200):
            text += f"token{i} "
            started = time.perf_counter()
            journal.progress(skeleton.id, text)
            writes.append(time.perf_counter() - started)
        throttled = RecoveryJournal(Paths.under(root / "app"), "bench2")
        throttled.start_run(skeleton)
        calls = 20_000
        started = time.perf_counter()
        for i in range(calls):
            throttled.progress(skeleton.id, text[: i % len(text)])
        per_call = (time.perf_counter() - started) / calls
        journal.close()
        throttled.close()

    print(f"session: {args.runs} runs, {args.answer_kb} KB answers, {size / 1e6:.1f} MB on disk")
    print(f"save     {_median_ms(saves)}   (median of {args.repeat})")
    print(f"load     {_median_ms(loads)}")
    print(f"export   {_median_ms(exports)}   (Markdown, no I/O)")
    print(f"journal  {_median_ms(writes)}   per partial-text write (append + fsync)")
    print(f"journal  {per_call * 1e6:8.2f} µs  per throttled call (no write)")


if __name__ == "__main__":
    main()
