"""Gateway profiles: which gateway, which dialect, where its key comes from.

A profile never holds a key; it names the environment variables to read one from, and its
origin is what a stored key is bound to (RELIABILITY.md §1.5).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

ProfileKind = Literal["vercel", "openrouter", "openai"]
"""The dialect: Vercel AI Gateway, OpenRouter, or any plain OpenAI-compatible server."""

PROFILE_KINDS: tuple[ProfileKind, ...] = ("vercel", "openrouter", "openai")

VERCEL_URL = "https://ai-gateway.vercel.sh/v1"
OPENROUTER_URL = "https://openrouter.ai/api/v1"
SIMULATED = "simulated"
"""Name of the profile of the built-in simulated gateway."""


@dataclass(frozen=True, slots=True)
class Profile:
    """A gateway to talk to."""

    name: str
    kind: ProfileKind
    base_url: str
    """Ends in the API root, e.g. ``https://ai-gateway.vercel.sh/v1`` (no trailing slash)."""
    key_env: tuple[str, ...] = ()
    """Environment variables that may hold the key, tried in order."""

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``: what a stored key is bound to."""
        return origin_of(self.base_url)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)

    @property
    def is_simulated(self) -> bool:
        return self.name == SIMULATED

    @property
    def display_host(self) -> str:
        """The host, with its port when it is not the scheme's default."""
        parts = urlsplit(self.base_url)
        return parts.netloc.rsplit("@", 1)[-1] or self.base_url


BUILTIN_PROFILES: dict[str, Profile] = {
    "vercel": Profile("vercel", "vercel", VERCEL_URL, ("AI_GATEWAY_API_KEY", "VERCEL_OIDC_TOKEN")),
    "openrouter": Profile("openrouter", "openrouter", OPENROUTER_URL, ("OPENROUTER_API_KEY",)),
    "ollama": Profile("ollama", "openai", "http://localhost:11434/v1", ()),
}
"""Profiles that exist without any config. ``vercel`` is the default."""

DEFAULT_PROFILE = "vercel"


def normalize_base_url(url: str) -> str:
    """``https://host/v1/`` → ``https://host/v1``; a bare ``host:port`` gets ``http://``."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    return url.rstrip("/")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{host}{port}"


def is_loopback_host(host: str) -> bool:
    """Whether `host` names this machine: ``localhost`` or a loopback address."""
    host = host.strip("[]").lower()
    if host in {"localhost", "localhost.localdomain", "ip6-localhost"} or host.endswith(
        ".localhost"
    ):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def guess_kind(url: str) -> ProfileKind:
    """The dialect a URL most likely speaks."""
    host = (urlsplit(normalize_base_url(url)).hostname or "").lower()
    if _is_domain(host, "vercel.sh"):
        return "vercel"
    if _is_domain(host, "openrouter.ai"):
        return "openrouter"
    return "openai"


def _is_domain(host: str, domain: str) -> bool:
    """`host` is `domain` or one of its subdomains (``evilvercel.sh`` is not ``vercel.sh``:
    the dialect decides which environment variable's key is sent)."""
    return host == domain or host.endswith("." + domain)


def profile_for_url(url: str, *, name: str | None = None) -> Profile:
    """An ad-hoc profile for ``--gateway URL``: the dialect and key variables of the matching
    builtin when the host is a known gateway, a plain OpenAI-compatible one otherwise."""
    base = normalize_base_url(url)
    kind = guess_kind(base)
    builtin = next((p for p in BUILTIN_PROFILES.values() if p.kind == kind), None)
    key_env = builtin.key_env if builtin and kind != "openai" else ()
    return Profile(name or urlsplit(base).netloc or base, kind, base, key_env)
