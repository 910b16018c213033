"""Which API key a profile uses, and where it came from (DESIGN.md "Keys", RELIABILITY.md §1.5).

Precedence, first match wins:

1. an explicit source: ``--api-key-file PATH``, ``--api-key-stdin``, or (with a warning, since
   argv is visible in ``ps`` and shell history) a raw ``--api-key``;
2. the profile's environment variables, in order (``AI_GATEWAY_API_KEY`` then
   ``VERCEL_OIDC_TOKEN`` for Vercel);
3. the keyring, under the profile's origin;
4. the plaintext key file, if the user ever opted into ``--insecure-storage``;
5. otherwise ``ask``: the caller prompts (masked) and may offer to save.

A stored key is looked up by the profile's **origin** only, so a key saved for
``https://ai-gateway.vercel.sh`` is never returned for any other host. The result always says
where the key came from and shows only its last four characters.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from playground.core.profile import Profile
from playground.core.sanitize import safe_line
from playground.core.secret import Secret
from playground.store.keys import (
    AsyncKeyStore,
    FileKeyStore,
    KeyStore,
    KeyStoreError,
)
from playground.store.paths import display_path

SourceKind = Literal["file", "stdin", "argv", "env", "keyring", "insecure-file", "ask"]

MAX_KEY_FILE_BYTES = 64 * 1024
"""A key file larger than this is not a key file (someone passed the wrong path)."""

ARGV_WARNING = (
    "An API key on the command line is visible to other users in `ps` and stays in your shell "
    "history. Prefer --api-key-file PATH, --api-key-stdin, or the profile's environment variable."
)


class KeySourceError(Exception):
    """An explicit key source could not be used. `str()` is a message for the user."""


@dataclass(frozen=True, slots=True)
class KeyArgs:
    """The explicit key options of the command line."""

    key_file: Path | None = None
    """``--api-key-file PATH``: the first line of the file is the key."""
    stdin: bool = False
    """``--api-key-stdin``: the first line of standard input is the key."""
    argv_key: Secret | None = None
    """``--api-key KEY``: works, with `ARGV_WARNING`."""


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """The key a profile will use, and where it came from."""

    origin: str
    """The gateway origin the key is for (and bound to)."""
    secret: Secret | None
    """The key; None when the caller must ask for one."""
    kind: SourceKind
    source: str
    """Where it came from, for display: ``env AI_GATEWAY_API_KEY``, ``keyring``,
    ``file ~/keys/vercel``, ``stdin``, ``command line``, ``plaintext file ~/…``, ``ask``."""
    warnings: tuple[str, ...] = ()
    """Things the user should know (argv key, a key file readable by others, a keyring that
    timed out)."""
    shadowed: tuple[str, ...] = field(default=())
    """Lower-precedence sources that also hold a key (e.g. the keyring when the environment
    variable wins), so ``key status`` can say why a stored key is not used."""

    @property
    def found(self) -> bool:
        return self.secret is not None

    @property
    def last4(self) -> str:
        """``…9f2c``, or an empty string when there is no key."""
        return self.secret.last4 if self.secret is not None else ""

    @property
    def display(self) -> str:
        """``env AI_GATEWAY_API_KEY (…9f2c)``, or ``no key`` when there is none."""
        if self.secret is None:
            return "no key"
        return f"{self.source} ({self.last4})"

    @property
    def key_ref(self) -> str | None:
        """What a session file may record about the key: never the key itself."""
        if self.kind == "env":
            return "env:" + self.source.removeprefix("env ")
        if self.kind in ("keyring", "file", "insecure-file"):
            return self.kind
        return None


def missing_key_message(profile: Profile, *, how_to_enter: str = "press K to enter one") -> str:
    """``No API key for ai-gateway.vercel.sh. Set AI_GATEWAY_API_KEY or press K to enter one.``"""
    host = safe_line(profile.display_host, 120)
    if profile.key_env:
        return f"No API key for {host}. Set {profile.key_env[0]} or {how_to_enter}."
    return f"No API key for {host}. {how_to_enter[0].upper()}{how_to_enter[1:]}."


def _first_line(raw: bytes, where: str) -> Secret:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KeySourceError(f"The API key from {where} is not UTF-8 text.") from None
    line = text.splitlines()[0].strip() if text.strip() else ""
    if not line:
        raise KeySourceError(f"The API key from {where} is empty.")
    if any(ch.isspace() for ch in line):
        raise KeySourceError(f"The API key from {where} contains spaces; it must be one word.")
    return Secret(line)


def read_key_file(path: Path) -> tuple[Secret, tuple[str, ...]]:
    """The key in the first line of `path`, and warnings (a file others can read).

    Raises:
        KeySourceError: missing, unreadable, empty, or not a key file.
    """
    where = display_path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise KeySourceError(f"Couldn't read the API key file {where}: it is a folder.")
        if info.st_size > MAX_KEY_FILE_BYTES:
            raise KeySourceError(f"{where} is too large to be an API key file.")
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise KeySourceError(f"Couldn't read the API key file {where}: {reason}.") from None
    warnings: tuple[str, ...] = ()
    if os.name == "posix" and info.st_mode & 0o077:
        warnings = (
            f"The API key file {where} is readable by other users "
            f"(mode {info.st_mode & 0o777:04o}); run chmod 600 on it.",
        )
    return _first_line(raw, f"file {where}"), warnings


def read_key_stream(stream: TextIO) -> Secret:
    """The key in the first line of `stream` (standard input).

    Raises:
        KeySourceError: nothing, or nothing usable, was there.
    """
    line = stream.readline(MAX_KEY_FILE_BYTES)
    return _first_line(line.encode("utf-8", "surrogateescape"), "standard input")


def _explicit(args: KeyArgs, origin: str, stdin: TextIO | None) -> ResolvedKey | None:
    given = sum((args.key_file is not None, args.stdin, args.argv_key is not None))
    if given > 1:
        raise KeySourceError("Give only one of --api-key-file, --api-key-stdin and --api-key.")
    if args.key_file is not None:
        secret, warnings = read_key_file(args.key_file)
        source = f"file {display_path(args.key_file)}"
        return ResolvedKey(origin, secret, "file", source, warnings)
    if args.stdin:
        if stdin is None:
            raise KeySourceError("--api-key-stdin was given but there is no standard input.")
        return ResolvedKey(origin, read_key_stream(stdin), "stdin", "stdin")
    if args.argv_key is not None:
        if not args.argv_key:
            raise KeySourceError("The API key given with --api-key is empty.")
        return ResolvedKey(origin, args.argv_key, "argv", "command line", (ARGV_WARNING,))
    return None


def _from_env(profile: Profile, environ: Mapping[str, str]) -> ResolvedKey | None:
    for name in profile.key_env:
        value = environ.get(name, "").strip()
        if value:
            return ResolvedKey(profile.origin, Secret(value), "env", f"env {name}")
    return None


def _with_shadowed(found: ResolvedKey, shadowed: list[str]) -> ResolvedKey:
    if not shadowed:
        return found
    return ResolvedKey(
        found.origin, found.secret, found.kind, found.source, found.warnings, tuple(shadowed)
    )


def _store_label(kind: SourceKind, file_store: FileKeyStore | None) -> str:
    if kind == "insecure-file" and file_store is not None:
        return f"plaintext file {display_path(file_store.path)}"
    return "keyring"


def resolve_key(
    profile: Profile,
    *,
    args: KeyArgs | None = None,
    environ: Mapping[str, str] | None = None,
    store: KeyStore | None = None,
    file_store: FileKeyStore | None = None,
    stdin: TextIO | None = None,
    look_further: bool = False,
) -> ResolvedKey:
    """Find the key for `profile`, blocking (the CLI; the app uses `aresolve_key`).

    Args:
        profile: The gateway; its origin binds stored keys and its ``key_env`` names the
            variables to read.
        args: Explicit key options from the command line.
        environ: The environment (default ``os.environ``).
        store: The keyring (or memory) store; None skips it.
        file_store: The plaintext store, consulted only when its file exists.
        stdin: Standard input, for ``--api-key-stdin``.
        look_further: Keep looking after the winner, to fill `ResolvedKey.shadowed`.

    Raises:
        KeySourceError: an explicit source was given but could not be read.
    """
    explicit = _explicit(args or KeyArgs(), profile.origin, stdin)
    if explicit is not None and not look_further:
        return explicit
    environ = os.environ if environ is None else environ
    found: ResolvedKey | None = explicit
    shadowed: list[str] = []
    warnings: list[str] = []

    candidate = _from_env(profile, environ)
    if candidate is not None:
        if found is None:
            found = candidate
            if not look_further:
                return found
        else:
            shadowed.append(candidate.display)

    lookups: list[tuple[SourceKind, KeyStore | None]] = [("keyring", store)]
    if _exists(file_store):
        lookups.append(("insecure-file", file_store))
    for kind, lookup in lookups:
        if lookup is None:
            continue
        try:
            secret = lookup.get(profile.origin)
        except KeyStoreError as exc:
            warnings.append(str(exc))
            continue
        if secret is None:
            continue
        label = _store_label(kind, file_store)
        if found is None:
            found = ResolvedKey(profile.origin, secret, kind, label)
            if not look_further:
                return _with_warnings(found, warnings)
        else:
            shadowed.append(f"{label} ({secret.last4})")

    if found is None:
        return ResolvedKey(profile.origin, None, "ask", "ask", tuple(warnings))
    return _with_shadowed(_with_warnings(found, warnings), shadowed)


def _exists(file_store: FileKeyStore | None) -> bool:
    return file_store is not None and file_store.path.exists()


def _with_warnings(found: ResolvedKey, warnings: list[str]) -> ResolvedKey:
    if not warnings:
        return found
    return ResolvedKey(
        found.origin,
        found.secret,
        found.kind,
        found.source,
        (*found.warnings, *warnings),
        found.shadowed,
    )


async def aresolve_key(
    profile: Profile,
    *,
    args: KeyArgs | None = None,
    environ: Mapping[str, str] | None = None,
    store: AsyncKeyStore | None = None,
    file_store: FileKeyStore | None = None,
    stdin: TextIO | None = None,
) -> ResolvedKey:
    """`resolve_key` for the app: the keyring is asked off the event loop with a deadline.

    A keyring that times out or fails is not fatal: the result is ``ask`` (or the plaintext
    file, if there is one) with the keyring's message in `ResolvedKey.warnings`.

    Raises:
        KeySourceError: an explicit source was given but could not be read.
    """
    quick = resolve_key(profile, args=args, environ=environ, stdin=stdin)
    if quick.found:
        return quick
    warnings: list[str] = []
    if store is not None:
        try:
            secret = await store.get(profile.origin)
        except KeyStoreError as exc:  # a timeout, a refusal: ask, and say why
            warnings.append(str(exc))
            secret = None
        if secret is not None:
            return ResolvedKey(profile.origin, secret, "keyring", "keyring")
    if _exists(file_store):
        assert file_store is not None
        try:
            secret = file_store.get(profile.origin)
        except KeyStoreError as exc:
            warnings.append(str(exc))
            secret = None
        if secret is not None:
            label = _store_label("insecure-file", file_store)
            return ResolvedKey(profile.origin, secret, "insecure-file", label, tuple(warnings))
    return ResolvedKey(profile.origin, None, "ask", "ask", tuple(warnings))
