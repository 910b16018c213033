"""The leak test of issue 7 at the store layer: a whole session with a distinctive fake key,
then every file written (session, journal, config, recent list, debug log, Markdown export)
and a forced crash's output are searched for the key (RELIABILITY.md §7 F8, X1, X2)."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from playground.core.profile import BUILTIN_PROFILES
from playground.core.request import ChatRequest, Message
from playground.core.run import ErrorInfo, Figures, Run
from playground.core.session import LaneSettings, SessionProfile, new_session
from playground.store.config import ConfigStore
from playground.store.key_source import resolve_key
from playground.store.logs import RedactingFilter, install_redaction, setup_debug_log
from playground.store.paths import Paths
from playground.store.recovery import RecoveryJournal
from playground.store.sessions import SessionStore

CANARY = "vck_LEAKCANARY_3f9a7d1e5b2c48a6_9f2c"


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), list(root.filters))
    yield root
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    root.filters[:] = saved[2]


def test_a_whole_session_leaves_the_key_nowhere(
    tmp_path: Path, root_logger: logging.Logger
) -> None:
    paths = Paths.under(tmp_path / "app")
    profile = BUILTIN_PROFILES["vercel"]
    key = resolve_key(profile, environ={"AI_GATEWAY_API_KEY": CANARY})
    assert key.secret is not None and key.display == "env AI_GATEWAY_API_KEY (…9f2c)"

    redacting = install_redaction(RedactingFilter())
    log = setup_debug_log(paths, redacting=redacting)
    redacting.register(key.secret)
    logging.getLogger("httpx").debug("POST headers: Authorization: Bearer %s", key.secret.reveal())
    logging.getLogger("playground.gateway").debug("error body echoed %s", key.secret.reveal())
    logging.getLogger("playground").info("resolved %r from %s", key, key.display)

    session = new_session(
        SessionProfile(profile.name, profile.base_url, profile.kind, key.key_ref),
        lanes=(LaneSettings("A", "openai/gpt-4.1-mini"), LaneSettings("B", "openai/gpt-4.1-mini")),
    )
    session = dataclasses.replace(session, mode="compare", draft="and sunsets?")
    journal = RecoveryJournal(paths, session.id, interval_s=0)
    journal.record_session(session)
    request = ChatRequest("openai/gpt-4.1-mini", (Message("user", "Why is the sky blue?"),))
    for lane, status in (("A", "ok"), ("B", "interrupted")):
        skeleton = Run(f"r{lane}", request, 1.0, "", "", (), None, Figures("running"), lane=lane)
        journal.start_run(skeleton)
        journal.progress(skeleton.id, "Rayleigh", force=True)
        error = ErrorInfo("auth", "The gateway rejected the API key (401). Key source: "
                          f"{key.display}.") if status != "ok" else None  # fmt: skip
        run = dataclasses.replace(
            skeleton,
            text="Rayleigh scattering.",
            figures=Figures(status, ttft_s=0.6, cost=Decimal("0.0001")),  # type: ignore[arg-type]
            error=error,
        )
        journal.finish_run(run)
        session = session.with_run(run)

    store = SessionStore(paths)
    saved = store.save(session, paths.sessions / "sky.session.json")
    store.export(saved, tmp_path / "app" / "exports" / "sky.md")
    config = ConfigStore(paths)
    config.update(theme="nord")
    journal.close()  # as after a crash: the journal stays
    log.close()

    written = sorted(p for p in (tmp_path / "app").rglob("*") if p.is_file())
    names = {p.name for p in written}
    assert {"sky.session.json", "sky.md", "config.toml", "recent.json", "debug.log"} <= names
    assert f"{session.id}.jsonl" in names
    for path in written:
        data = path.read_bytes()
        assert CANARY.encode() not in data, f"the key leaked into {path}"
        assert CANARY[4:-4].encode() not in data, f"part of the key leaked into {path}"
        if os.name == "posix":
            assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"
    assert "Bearer [redacted]" in (paths.logs / "debug.log").read_text()


CRASH = textwrap.dedent(
    """
    import sys, traceback
    from playground.core.profile import BUILTIN_PROFILES
    from playground.store.key_source import resolve_key

    def send(found, headers):
        raise RuntimeError("gateway exploded")

    found = resolve_key(BUILTIN_PROFILES["vercel"])
    headers = {"authorization": found.secret}
    try:
        send(found, headers)
    except RuntimeError as exc:
        # What a crash report with locals (Textual's, or pytest's) prints.
        report = traceback.TracebackException.from_exception(exc, capture_locals=True)
        print("".join(report.format()))
    raise RuntimeError(f"unhandled, holding {found!r} and {found.secret}")
    """
)


def test_x1_a_crash_with_locals_does_not_print_the_key(tmp_path: Path) -> None:
    env = {**os.environ, "AI_GATEWAY_API_KEY": CANARY}
    out = subprocess.run(
        [sys.executable, "-c", CRASH], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 1
    assert "gateway exploded" in out.stdout and "found = ResolvedKey(" in out.stdout
    assert "Secret('****')" in out.stdout and "Secret('****')" in out.stderr
    assert CANARY not in out.stdout and CANARY not in out.stderr
