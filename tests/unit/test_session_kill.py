"""F1: ``kill -9`` in the middle of saving leaves the old file or the new one, never a torn
one (RELIABILITY.md §4.1, §7 F1)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from playground.store.paths import Paths
from playground.store.sessions import SessionStore, parse_session

CHILD = textwrap.dedent(
    """
    import dataclasses, itertools, sys
    from pathlib import Path
    from playground.core.request import ChatRequest, Message
    from playground.core.run import Figures, Run
    from playground.core.session import SessionProfile, new_session
    from playground.store.paths import Paths
    from playground.store.sessions import SessionStore

    root, path = Path(sys.argv[1]), Path(sys.argv[2])
    request = ChatRequest("m", (Message("user", "q"),))
    runs = tuple(
        Run(f"r{i}", request, 0.0, "x" * 200_000, "", (), "stop", Figures("ok"))
        for i in range(8)
    )  # about 1.6 MB: a write takes long enough to be interrupted
    base = new_session(SessionProfile("vercel", "https://ai-gateway.vercel.sh/v1"))
    base = dataclasses.replace(base, runs=runs)
    store = SessionStore(Paths.under(root))
    for i in itertools.count():
        store.save(dataclasses.replace(base, title=f"v{i}"), path)
        if i == 0:
            print("ready", flush=True)
    """
)


def test_f1_kill_9_mid_save_never_leaves_a_torn_file(tmp_path: Path) -> None:
    path = tmp_path / "sessions" / "s.session.json"
    rng = random.Random(7)
    seen_titles: set[str] = set()
    for _ in range(8):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path / "app"), str(path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        session = parse_session(path.read_bytes(), path.name)  # never raises: never torn
        assert session.title.startswith("v")
        assert len(session.runs) == 8 and all(len(r.text) == 200_000 for r in session.runs)
        seen_titles.add(session.title)
    assert len(seen_titles) > 1, "the saves were never interrupted at different points"
    # Killed writes may leave temporary files; the clean-up on the next start removes them.
    store = SessionStore(Paths.under(tmp_path / "app"))
    store.clean_stale_temps([path.parent], older_than_s=0)
    assert list(path.parent.glob(".tmp-*")) == []
