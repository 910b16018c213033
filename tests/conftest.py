"""Suite-wide guards: no test touches the real home folder or keyring, and nothing leaves
loopback."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

_KEY_VARIABLES = ("AI_GATEWAY_API_KEY", "VERCEL_OIDC_TOKEN", "OPENROUTER_API_KEY", "OPENAI_API_KEY")
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}

_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return host is None
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if isinstance(host, bytes):
        host = host.decode()
    if not _is_loopback(host):
        raise socket.gaierror(socket.EAI_NONAME, f"tests may not resolve {host!r} (loopback only)")
    return _real_getaddrinfo(host, *args, **kwargs)


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        raise ConnectionRefusedError(f"tests may not connect to {address!r} (loopback only)")
    return _real_connect(self, address)


setattr(socket, "getaddrinfo", _guarded_getaddrinfo)  # noqa: B010 (mypy: a looser signature)
setattr(socket.socket, "connect", _guarded_connect)  # noqa: B010

os.environ["PYTHON_KEYRING_BACKEND"] = "support.memkeyring.MemoryKeyring"
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(TESTS), os.environ.get("PYTHONPATH", "")) if p
)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point HOME and every XDG folder at `tmp_path`, and clear key variables, for every test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_DATA_HOME", ".local/share"),
    ):
        monkeypatch.setenv(name, str(home / sub))
    for name in _KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TEXTUAL", raising=False)
    monkeypatch.delenv("TEXTUAL_LOG", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "support.memkeyring.MemoryKeyring")
    yield home
