"""``playground key set | status | delete [--profile P]``: a gateway's API key in the keyring.

::

    playground key set                      # prompts without echo (or reads stdin when piped)
    playground key set --profile openrouter --stdin < key.txt
    playground key set --insecure-storage   # no secure keyring: a 0600 plaintext file instead
    playground key status                   # every profile: where its key comes from, …9f2c
    playground key delete --profile vercel

Keys are stored under service ``gateway-playground`` with the gateway's origin as the
username, so a key saved for one host is never offered to another. Where no secure keyring
exists (headless Linux: keyring's ``fail`` backend; ``null``; any ``keyrings.alt`` plaintext
backend) ``set`` says so, says what to do instead, and writes nothing unless
``--insecure-storage`` was given. Every keyring call has a deadline (``--keyring-timeout``,
10 s): a locked keyring cannot hang the command.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from playground.cli import EXIT_FAILED, EXIT_OK, UsageError
from playground.core.profile import Profile, profile_for_url
from playground.core.sanitize import safe_line
from playground.core.secret import Secret
from playground.store.config import ConfigStore
from playground.store.key_source import (
    KeySourceError,
    ResolvedKey,
    read_key_stream,
    resolve_key,
)
from playground.store.keys import (
    DEFAULT_TIMEOUT_S,
    AsyncKeyStore,
    FileKeyStore,
    KeyringKeyStore,
    KeyringTimeout,
    KeyringUnavailable,
    KeyStoreError,
    StoreStatus,
)
from playground.store.paths import Paths, display_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (
        ("set", "store a key (prompted without echo, or read from stdin)"),
        ("status", "show where each profile's key comes from"),
        ("delete", "remove a stored key"),
    ):
        sub = actions.add_parser(name, help=text, description=text)
        sub.add_argument(
            "--profile", "-p", metavar="NAME", help="gateway profile (default: vercel)"
        )
        sub.add_argument("--gateway", "-g", metavar="URL", help="a gateway by its base URL instead")
        sub.add_argument(
            "--keyring-timeout",
            type=float,
            default=DEFAULT_TIMEOUT_S,
            metavar="S",
            help=argparse.SUPPRESS,
        )
        if name == "set":
            sub.add_argument(
                "--stdin", action="store_true", help="read the key from standard input"
            )
            sub.add_argument(
                "--insecure-storage",
                action="store_true",
                help="store it in a plaintext file (mode 0600) instead of the keyring",
            )


def run(args: argparse.Namespace) -> int:
    paths = Paths.default()
    if args.keyring_timeout <= 0:
        raise UsageError("--keyring-timeout must be above 0")
    action = {"set": _set, "status": _status, "delete": _delete}[args.action]
    return asyncio.run(action(args, paths))


def _err(*lines: str) -> None:
    for line in lines:
        print(line, file=sys.stderr)


def _profiles(args: argparse.Namespace, paths: Paths) -> tuple[list[Profile], bool]:
    """The profiles the command is about, and whether the user named one."""
    loaded = ConfigStore(paths).load()
    for message in loaded.messages:
        _err(f"playground: {message}")
    config = loaded.config
    if args.gateway:
        return [profile_for_url(args.gateway)], True
    if args.profile:
        profile = config.all_profiles.get(args.profile)
        if profile is None:
            known = ", ".join(sorted(config.all_profiles))
            raise UsageError(f"no profile named {safe_line(args.profile, 60)!r} (known: {known})")
        return [profile], True
    if args.action == "status":
        return list(config.all_profiles.values()), False
    default = config.profile()
    if default is None:
        raise UsageError(f"the default profile {config.defaults.profile!r} does not exist")
    return [default], False


def _alternatives(profile: Profile, paths: Paths) -> list[str]:
    lines = ["What you can do instead:"]
    if profile.key_env:
        lines.append(
            f"  - set {profile.key_env[0]} in your environment (e.g. in your shell profile);"
        )
    lines.append("  - pass the key per run with --api-key-file PATH or --api-key-stdin;")
    lines.append(
        "  - or run `playground key set --insecure-storage` to keep it in a plaintext file "
        f"(mode 0600) at {display_path(paths.insecure_keys_file)}."
    )
    return lines


def _name(profile: Profile) -> str:
    return safe_line(profile.name, 40)


def _read_key(args: argparse.Namespace, profile: Profile) -> Secret:
    if args.stdin or not sys.stdin.isatty():
        return read_key_stream(sys.stdin)
    value = getpass.getpass(f"API key for {safe_line(profile.display_host, 80)} (not echoed): ")
    value = value.strip()
    if not value:
        raise KeySourceError("No key was entered.")
    return Secret(value)


async def _set(args: argparse.Namespace, paths: Paths) -> int:
    [profile], _ = _profiles(args, paths)
    env = profile.key_env[0] if profile.key_env else None
    if args.insecure_storage:
        store: AsyncKeyStore = AsyncKeyStore(FileKeyStore(paths.insecure_keys_file))
    else:
        store = AsyncKeyStore(KeyringKeyStore(), timeout_s=args.keyring_timeout)
        try:
            status = await store.status()
        except KeyringTimeout as exc:
            _err(f"playground: {exc.message_for(env)}", *_alternatives(profile, paths))
            return EXIT_FAILED
        if not status.available or not status.secure:
            _err(*_refusal(status, profile, paths))
            return EXIT_FAILED
    try:
        key = _read_key(args, profile)
    except KeySourceError as exc:
        _err(f"playground: {exc}")
        return EXIT_FAILED
    except (EOFError, KeyboardInterrupt):
        _err("playground: no key entered; nothing was saved")
        return EXIT_FAILED
    try:
        await store.set(profile.origin, key)
    except KeyStoreError as exc:
        _err(f"playground: {exc.message_for(env)}", *_alternatives(profile, paths))
        return EXIT_FAILED
    where = store.store.status().name if args.insecure_storage else status.name
    print(f"Saved the key for {_name(profile)} ({profile.origin}, {key.last4}) in {where}.")
    if args.insecure_storage:
        _err(
            f"! The key is stored in plain text in {display_path(paths.insecure_keys_file)} "
            "(mode 0600): anyone who can read your files can read it."
        )
    shadowing = [name for name in profile.key_env if os.environ.get(name, "").strip()]
    if shadowing:
        print(
            f"Note: {shadowing[0]} is set in this shell and takes precedence over the stored key."
        )
    return EXIT_OK


def _refusal(status: StoreStatus, profile: Profile, paths: Paths) -> list[str]:
    if not status.available:
        head = (
            f"playground: no secure keyring is available ({status.reason}; backend "
            f"{status.name}), so the key was not saved and nothing was written."
        )
    else:
        head = (
            f"playground: Your keyring backend ({status.name}) stores secrets unencrypted. "
            "Not saving."
        )
    return [head, *_alternatives(profile, paths)]


async def _status(args: argparse.Namespace, paths: Paths) -> int:
    profiles, _ = _profiles(args, paths)
    keyring = AsyncKeyStore(KeyringKeyStore(), timeout_s=args.keyring_timeout)
    file_store = FileKeyStore(paths.insecure_keys_file)
    keyring_ok = True
    try:
        status = await keyring.status()
        print(f"Keyring: {status.summary}")
        keyring_ok = status.available
    except KeyringTimeout as exc:
        print(f"Keyring: {exc}")
        keyring_ok = False
    if file_store.path.exists():
        print(f"Plaintext key file: {display_path(file_store.path)} (insecure)")
        if file_store.mode_warning:
            print(f"  ! {file_store.mode_warning}")
    rows: list[tuple[str, str, str]] = []
    for profile in profiles:
        try:
            found = resolve_key(profile, file_store=file_store, look_further=True)
        except KeySourceError as exc:
            rows.append((_name(profile), profile.origin, str(exc)))
            continue
        stored: Secret | None = None
        note = ""
        if keyring_ok:
            try:
                stored = await keyring.get(profile.origin)
            except KeyStoreError as exc:
                note = f" (keyring: {exc})"
                keyring_ok = not isinstance(exc, KeyringTimeout)
        text = _describe(found, stored) or _no_key_hint(profile, keyring_ok)
        rows.append((_name(profile), profile.origin, text + note))
    rows.insert(0, ("PROFILE", "GATEWAY", "KEY"))
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    for name, origin, text in rows:
        print(f"{name:<{widths[0]}}  {origin:<{widths[1]}}  {text}")
    return EXIT_OK


def _describe(found: ResolvedKey, stored: Secret | None) -> str:
    shadowed = list(found.shadowed)
    if found.found and stored is not None:
        # Files and the environment outrank the keyring.
        shadowed.append(f"keyring ({stored.last4})")
        text = found.display
    elif stored is not None:
        text = f"keyring ({stored.last4})"
        if found.found:
            shadowed.insert(0, found.display)
    elif found.found:
        text = found.display
    else:
        return ""
    if shadowed:
        text += "; also " + ", ".join(shadowed) + " (not used)"
    return text


def _no_key_hint(profile: Profile, keyring_ok: bool) -> str:
    command = f"`playground key set --profile {_name(profile)}`"
    if profile.key_env:
        return f"no key: set {profile.key_env[0]}" + (f" or run {command}" if keyring_ok else "")
    if profile.is_loopback:
        return "no key (local servers usually need none)"
    return f"no key: run {command}" if keyring_ok else "no key: use --api-key-file"


async def _delete(args: argparse.Namespace, paths: Paths) -> int:
    [profile], _ = _profiles(args, paths)
    env = profile.key_env[0] if profile.key_env else None
    keyring = AsyncKeyStore(KeyringKeyStore(), timeout_s=args.keyring_timeout)
    file_store = AsyncKeyStore(FileKeyStore(paths.insecure_keys_file))
    deleted: list[str] = []
    problems: list[str] = []
    unavailable = ""
    for label, store in (("the keyring", keyring), ("the plaintext key file", file_store)):
        if store is file_store and not paths.insecure_keys_file.exists():
            continue
        try:
            if await store.delete(profile.origin):
                deleted.append(label)
        except KeyringUnavailable as exc:
            unavailable = exc.message_for(env)
        except KeyStoreError as exc:
            problems.append(exc.message_for(env))
    if unavailable and not deleted:
        problems.insert(0, unavailable)
    for problem in problems:
        _err(f"playground: {problem}")
    if deleted:
        print(
            f"Deleted the key for {_name(profile)} ({profile.origin}) from {' and '.join(deleted)}."
        )
        still = [name for name in profile.key_env if os.environ.get(name, "").strip()]
        if still:
            print(f"Note: {still[0]} is still set in this shell.")
        return EXIT_OK
    if not problems:
        _err(f"playground: no key is stored for {_name(profile)} ({profile.origin}).")
    return EXIT_FAILED
