"""The app with one extra key, F12, that crashes it on purpose from a frame whose locals hold
the key, the resolved key and the request headers: what Textual's crash report prints
(`Traceback(show_locals=True)`, RELIABILITY.md §5 and X1) must show them masked.

Usage: ``python tests/support/crash_app.py GATEWAY_URL KEY_FILE [--debug-log]``
"""

from __future__ import annotations

import sys
from pathlib import Path

from textual.binding import Binding

from playground.services import StartOptions
from playground.store.key_source import KeyArgs
from playground.ui.app import LaunchOptions, PlaygroundApp


class CrashingApp(PlaygroundApp):
    CSS_PATH = str(Path(sys.modules[PlaygroundApp.__module__].__file__ or "").with_name("app.tcss"))
    BINDINGS = [*PlaygroundApp.BINDINGS, Binding("f12", "crash", "Crash", priority=True)]

    def action_crash(self) -> None:
        services = self.services
        assert services is not None and services.key is not None
        resolved = services.key
        secret = resolved.secret
        headers = services.client.headers()
        raise RuntimeError(f"forced crash with {secret} and {len(headers)} header(s)")


def main() -> int:
    url, key_file = sys.argv[1], sys.argv[2]
    start = StartOptions(
        gateway=url, kind="vercel", use_keyring=False, key_args=KeyArgs(key_file=Path(key_file))
    )
    app = CrashingApp(
        LaunchOptions(start=start, model="openai/gpt-4.1-mini", debug_log="--debug-log" in sys.argv)
    )
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
