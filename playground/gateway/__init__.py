"""The gateway client: turns a `core` request into a stream of `core` events over HTTP.

It is handed a base URL and a key; it never reads config or the keyring. It never imports
Textual or Rich.
"""

import sys
import types

if "httpx" not in sys.modules:
    # httpx's __init__ imports its command-line client, httpx._main, which imports Rich, Click
    # and Pygments whenever they are installed (they are: Textual needs them): about 60 ms of
    # start-up, and Rich loaded below the UI layer. This package never uses that CLI. An empty
    # placeholder module makes httpx's ``from ._main import main`` fail with ImportError, which
    # httpx catches, installing its small fallback ``main`` instead. Nothing else changes.
    sys.modules.setdefault("httpx._main", types.ModuleType("httpx._main"))
