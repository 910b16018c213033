"""Which gateway to talk to, with which key, or whether to use the simulated gateway.

The rule a new user meets first: with no key configured, and no gateway asked for by name,
the app and ``playground run`` use the built-in simulated gateway and say so in one line.
A gateway asked for explicitly (``--gateway``, ``--profile``, or a default profile set in the
config) is never silently replaced: without its key, the app offers the key screen and the CLI
stops with a message saying how to provide one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TextIO

from playground.core.profile import (
    BUILTIN_PROFILES,
    DEFAULT_PROFILE,
    Profile,
    normalize_base_url,
    profile_for_url,
)
from playground.core.sanitize import safe_line
from playground.store.config_model import Config
from playground.store.key_source import ResolvedKey, aresolve_key, missing_key_message
from playground.store.keys import AsyncKeyStore, FileKeyStore, KeyringKeyStore
from playground.store.paths import Paths

if TYPE_CHECKING:
    from playground.services import StartOptions


class ProfileError(Exception):
    """The profile asked for does not exist or is not usable; `str()` says why."""


@dataclass(frozen=True, slots=True)
class ProfileChoice:
    """The outcome of choosing: a profile and its key, or the simulated gateway."""

    profile: Profile
    key: ResolvedKey | None
    simulated: bool
    explicit: bool
    """Whether the user named this gateway (then it is never replaced by the simulator)."""
    notices: tuple[str, ...] = ()


def pick_profile(options: StartOptions, config: Config) -> tuple[Profile, bool]:
    """The profile the options name, and whether it was named explicitly.

    Raises:
        ProfileError: no such profile, or a gateway URL that is not one.
    """
    if options.gateway:
        url = normalize_base_url(options.gateway)
        if not url.startswith(("http://", "https://")):
            raise ProfileError(
                f"--gateway needs an http:// or https:// URL, got {safe_line(options.gateway, 80)}"
            )
        profile = profile_for_url(url)
        if options.kind and options.kind != profile.kind:
            key_env = BUILTIN_PROFILES[options.kind].key_env if not profile.is_loopback else ()
            key_env = key_env if options.kind != "openai" else ()
            profile = replace(profile, kind=options.kind, key_env=key_env or profile.key_env)
        return profile, True
    if options.profile:
        found = config.profile(options.profile)
        if found is None:
            names = ", ".join(sorted(config.all_profiles))
            raise ProfileError(
                f"No profile named {safe_line(options.profile, 60)!r}. Profiles: {names}."
            )
        return found, True
    default = config.profile()
    if default is None:
        raise ProfileError(
            f"The default profile {config.defaults.profile!r} in the config does not exist."
        )
    return default, config.defaults.profile != DEFAULT_PROFILE


async def choose_profile(
    options: StartOptions,
    config: Config,
    *,
    paths: Paths,
    environ: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
) -> ProfileChoice:
    """Pick the profile, resolve its key (keyring calls off the loop, with a deadline), and
    decide whether the simulated gateway stands in.

    Raises:
        ProfileError: see `pick_profile`.
        KeySourceError: an explicit key source could not be read.
    """
    if options.simulated or options.simulator_url:
        return ProfileChoice(BUILTIN_PROFILES[DEFAULT_PROFILE], None, True, True)
    profile, explicit = pick_profile(options, config)
    needs_key = bool(profile.key_env) or not profile.is_loopback
    has_explicit_key = bool(
        options.key_args.key_file or options.key_args.stdin or options.key_args.argv_key
    )
    if not needs_key and not has_explicit_key:
        return ProfileChoice(profile, None, False, explicit)
    store = AsyncKeyStore(KeyringKeyStore()) if options.use_keyring else None
    key = await aresolve_key(
        profile,
        args=options.key_args,
        environ=environ,
        store=store,
        file_store=FileKeyStore(paths.insecure_keys_file),
        stdin=stdin,
    )
    notices = list(key.warnings)
    if key.found or explicit:
        return ProfileChoice(profile, key, False, explicit, tuple(notices))
    message = missing_key_message(profile, how_to_enter="run `playground key set`")
    notices.append(f"{message} Using the simulated gateway.")
    return ProfileChoice(profile, key, True, False, tuple(notices))
