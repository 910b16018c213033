"""The real app in a pseudo-terminal: ``kill -9`` mid-stream loses neither prompt nor partial
answer and the next start offers them back (RELIABILITY.md F9); a crash's traceback shows the
key masked (X1)."""

from __future__ import annotations

import json
from pathlib import Path

from playground.sim.server import SimulatedGateway
from playground.sim.thread import GatewayThread
from playground.store.paths import Paths
from playground.store.recovery import pending, recover

from support.pty_app import CTRL_J, F12, PtyApp, app_environment, python
from support.session_apps import FAKE_KEY

PROMPT = "Write a long essay about the sea."


def _journal_text(paths: Paths) -> str:
    return "".join(p.read_text() for p in paths.recovery.glob("*.jsonl"))


def _has_partial_text(paths: Paths) -> bool:
    for line in _journal_text(paths).splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("t") == "text" and entry.get("text"):
            return True
    return False


def test_f9_kill_9_mid_stream_then_restart_offers_the_prompt_and_the_partial_answer(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    paths = Paths.under(home / "playground")
    # Slow enough that the answer is still streaming when the app is killed.
    env = app_environment(home, PLAYGROUND_SIM_TIME_SCALE="3")
    with PtyApp(python("-m", "playground", "--simulated"), env) as app:
        app.wait_for_text("Ask anything", 60)
        app.wait_for_text(" models · ", 60)  # the catalog is shown: services are up
        app.type_text(PROMPT)
        app.write(CTRL_J)
        app.wait_until(lambda: _has_partial_text(paths), 90, "partial text in the journal")
        app.kill9()
    [found] = pending(paths)
    assert found.runs == 1 and found.interrupted == 1
    session = recover(paths, found.session_id)
    [run] = session.runs
    assert run.status == "interrupted"
    assert run.request.messages[-1].text == PROMPT
    assert run.text  # the partial answer
    assert run.error is not None and "stopped while this answer was streaming" in run.error.message

    with PtyApp(python("-m", "playground", "--simulated"), env) as app:
        app.wait_for_text("Recovered unsaved work", 60)
        assert "1 run, 1 interrupted" in app.text()
        app.write(b"\r")  # Restore (the focused button)
        app.wait_for_text("Restored 1 run", 30)
        app.wait_for_text(run.text.split("\n")[0].lstrip("# ")[:20], 30)


def test_x1_a_crash_shows_the_key_masked_and_never_the_key(tmp_path: Path) -> None:
    home = tmp_path / "home"  # made by conftest's isolated_home
    key_file = home / "key.txt"
    key_file.write_text(FAKE_KEY + "\n")
    key_file.chmod(0o600)
    with GatewayThread(SimulatedGateway(key=FAKE_KEY, time_scale=0)) as gateway:
        command = python(str(Path(__file__).parents[1] / "support" / "crash_app.py"), gateway.url,
                         str(key_file))  # fmt: skip
        with PtyApp(command, app_environment(home)) as app:
            app.wait_for_text("Ask anything", 60)
            app.wait_for_text(" models · ", 60)  # the catalog is shown: services are up
            app.type_text("hello")
            app.write(CTRL_J)
            app.wait_until(
                lambda: any(
                    r.status == 200 and r.path.endswith("/chat/completions")
                    for r in gateway.gateway.records
                ),
                60,
                "an authenticated run",
            )
            app.write(F12)
            app.wait_exit(60)
            output, text = app.output, app.text()
    assert "RuntimeError: forced crash with Secret('****')" in text
    # Textual printed the crashing frame's locals: the key, the resolved key, the headers.
    assert "secret = Secret('****')" in text
    assert "Headers({'authorization': '[secure]'})" in text
    assert FAKE_KEY.encode() not in output
    assert FAKE_KEY[:-4].encode() not in output
