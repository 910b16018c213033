"""Run the real app in a pseudo-terminal, as a user's terminal would: type into it, read every
byte it writes, kill it. For the crash, kill -9 and leak tests (RELIABILITY.md X1, F9)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

WORKTREE = Path(__file__).resolve().parents[2]
TESTS = WORKTREE / "tests"

_ANSI = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_].*?\x1b\\|\x1b."
)


def app_environment(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a child app: this worktree first on the path, the test keyring,
    every folder under `home`, no key variables, no Textual logging."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_API_KEY")
        # COLUMNS and LINES would override the pty's size (pytest-xdist workers set them).
        and k not in ("VERCEL_OIDC_TOKEN", "TEXTUAL", "TEXTUAL_LOG", "COLUMNS", "LINES")
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(WORKTREE), str(TESTS)]),
        PYTHON_KEYRING_BACKEND="support.memkeyring.MemoryKeyring",
        HOME=str(home),
        PLAYGROUND_HOME=str(home / "playground"),
        TERM="xterm-256color",
        COLORTERM="truecolor",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class PtyApp:
    """A child process on a pty of `columns` × `rows`; its output is collected by a thread.

    Args:
        argv: The command.
        env: Its environment.
        columns: Terminal width.
        rows: Terminal height.
    """

    def __init__(
        self, argv: Sequence[str], env: Mapping[str, str], *, columns: int = 160, rows: int = 48
    ) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            cwd=str(WORKTREE),
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._master = master
        self._chunks: list[bytes] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO: the child closed its side
                return
            if not data:
                return
            with self._lock:
                self._chunks.append(data)

    @property
    def output(self) -> bytes:
        with self._lock:
            return b"".join(self._chunks)

    def text(self) -> str:
        """Everything written so far, escape sequences removed."""
        return _ANSI.sub(b"", self.output).decode("utf-8", "replace")

    def write(self, data: bytes) -> None:
        os.write(self._master, data)

    def type_text(self, text: str, delay_s: float = 0.01) -> None:
        """Type `text` key by key."""
        for char in text:
            self.write(char.encode())
            time.sleep(delay_s)

    def wait_until(self, predicate: Callable[[], object], timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if self.process.poll() is not None:
                raise AssertionError(f"the app exited ({self.process.returncode}) before {what}")
            if time.monotonic() > deadline:
                screen = self.text()[-3000:]
                raise AssertionError(
                    f"timed out after {timeout_s} s waiting for {what}; the end of the "
                    f"output:\n{screen}"
                )
            time.sleep(0.05)

    def wait_for_text(self, needle: str, timeout_s: float = 60.0) -> None:
        self.wait_until(lambda: needle in self.text(), timeout_s, repr(needle))

    def kill9(self) -> None:
        """``kill -9`` the app itself (its children see their stdin close and exit)."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def wait_exit(self, timeout_s: float = 30.0) -> int:
        code = self.process.wait(timeout_s)
        self._reader.join(5)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        else:  # the group may hold the simulated gateway still
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self._reader.join(5)
        with contextlib.suppress(OSError):
            os.close(self._master)

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


F12 = b"\x1b[24~"
CTRL_J = b"\n"
CTRL_Q = b"\x11"
