"""The session: what a user did in the app, as one JSON document (docs/session-format.md).

A `Session` holds the gateway profile (name and base URL, never the key: a `key_ref` such as
``env:AI_GATEWAY_API_KEY`` at most), each lane's settings, the conversation, the unsent
prompt, and every `Run` with its request, output, reasoning, tool calls, status, usage, figures
and error. `session_to_dict` / `session_from_dict` map it to and from plain JSON values with
`core.session_codec`; `store.sessions` does the file I/O.

Versioning (RELIABILITY.md §4.2):

- ``schema_version`` is `SCHEMA_VERSION` (2) when written.
- Older documents are migrated **in memory** by `MIGRATIONS`, an ordered list of pure
  functions vN → vN+1. The file on disk changes only when the user saves.
- A document from a newer schema is read as far as this version understands it, with every
  unknown field kept, and the session is marked `Session.read_only`: it is never written back.
- Unknown fields in a known version are kept in `Session.extra` and written back on save.

Pure functions, no I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from playground import __version__
from playground.core.profile import ProfileKind
from playground.core.request import (
    Message,
    Params,
    Reasoning,
    ResponseFormat,
    Routing,
    Tool,
    ToolChoice,
)
from playground.core.run import Run
from playground.core.session_codec import SKIP, Extras, SchemaError, decode, encode

FORMAT = "gateway-playground-session"
"""The value of the top-level ``format`` field: what makes a JSON file one of our sessions."""

SCHEMA_VERSION = 2
"""The schema this app writes. Bump it with a migration in `MIGRATIONS`."""

SessionMode = Literal["single", "compare"]


@dataclass(frozen=True, slots=True)
class SessionProfile:
    """The gateway a session's runs went to. Never the key."""

    name: str
    """The profile name (``vercel``, ``openrouter``, a name from config.toml)."""
    base_url: str
    """The API root the runs were sent to. A loaded session never changes the gateway a
    key is sent to without the user's confirmation (RELIABILITY.md K7)."""
    kind: ProfileKind = "openai"
    """The dialect: ``vercel``, ``openrouter`` or ``openai``."""
    key_ref: str | None = None
    """Where the key came from, never the key: ``env:AI_GATEWAY_API_KEY``, ``keyring``,
    ``file``, ``insecure-file``, or null."""


@dataclass(frozen=True, slots=True)
class LaneSettings:
    """What one lane sends: model, provider routing and parameters."""

    name: str = ""
    """``A`` or ``B`` in compare mode; empty for the single lane."""
    model: str = ""
    """The model id, e.g. ``openai/gpt-4.1-mini``."""
    routing: Routing = Routing()  # noqa: RUF009 (frozen, so sharing one is safe)
    """Provider order and pin (``only``), and fallback models."""
    params: Params = Params()  # noqa: RUF009
    """Sampling parameters."""
    reasoning: Reasoning | None = None
    """Reasoning effort or budget, for reasoning models."""
    tools: tuple[Tool, ...] = ()
    """Functions the model may call."""
    tool_choice: ToolChoice | None = None
    """``auto``, ``none``, ``required`` or a tool name."""
    response_format: ResponseFormat | None = None
    """JSON mode or a JSON schema."""

    @property
    def provider(self) -> str | None:
        """The provider the lane is pinned to, if any."""
        return self.routing.pinned


@dataclass(frozen=True, slots=True)
class Session:
    """One session: settings, conversation and every run, in the order they were made."""

    id: str
    """A random id; also names the session's recovery journal."""
    created: str
    """When the session was started: ISO 8601 with a UTC offset."""
    saved: str
    """When it was last saved (equal to `created` until then)."""
    profile: SessionProfile
    """The gateway (never the key)."""
    app_version: str = __version__
    """The version of the app that last saved it."""
    title: str = ""
    """A name the user gave it; empty for untitled."""
    mode: SessionMode = "single"
    """Which screen it was made on: one lane or two side by side."""
    lanes: tuple[LaneSettings, ...] = ()
    """Each lane's settings: one in single mode, ``A`` and ``B`` in compare mode."""
    system: str = ""
    """The system prompt."""
    messages: tuple[Message, ...] = ()
    """The conversation so far (user and assistant turns; tool results)."""
    draft: str = ""
    """The prompt being written and not yet sent."""
    runs: tuple[Run, ...] = ()
    """Every run: single, compare and repeat runs, warm-ups and failures included."""
    extra: Mapping[str, Mapping[str, Any]] = field(
        default_factory=dict, compare=False, metadata={SKIP: True}
    )
    """Fields this version did not recognise when the session was read, by where they were,
    written back unchanged on save. Not part of equality."""
    source_schema: int = field(default=SCHEMA_VERSION, metadata={SKIP: True})
    """The ``schema_version`` of the document the session was read from."""

    @property
    def read_only(self) -> bool:
        """Read from a newer schema than this app knows: show it, never write it back."""
        return self.source_schema > SCHEMA_VERSION

    @property
    def migrated(self) -> bool:
        """Read from an older schema (and migrated in memory)."""
        return self.source_schema < SCHEMA_VERSION

    def with_run(self, run: Run) -> Session:
        """This session with `run` appended."""
        return replace(self, runs=(*self.runs, run))


def now_iso() -> str:
    """The current time as ISO 8601 with the UTC offset, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def new_session(profile: SessionProfile, *, lanes: tuple[LaneSettings, ...] = ()) -> Session:
    """An empty session with a fresh id, created now."""
    stamp = now_iso()
    return Session(uuid.uuid4().hex, stamp, stamp, profile, lanes=lanes)


def read_only_notice(session: Session) -> str:
    """The explanation shown when a newer-schema session is opened."""
    return (
        f"This session was saved by a newer version (schema {session.source_schema}; this app "
        f"reads ≤{SCHEMA_VERSION}). It was opened read-only; it will not be modified."
    )


# -- migrations --------------------------------------------------------------------------------


Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _migrate_1_to_2(doc: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 (app 0.0.x) had one flat lane and flat profile fields, ``output`` and
    ``metrics`` in runs, costs as JSON numbers and times in milliseconds."""
    out: dict[str, Any] = {"format": FORMAT, "schema_version": 2}
    out["app_version"] = doc.get("app_version", "0.0")
    created = doc.get("created", "1970-01-01T00:00:00+00:00")
    out["id"] = doc.get("id") or uuid.uuid5(uuid.NAMESPACE_URL, f"session:{created}").hex
    out["created"] = created
    out["saved"] = doc.get("saved", created)
    out["profile"] = {
        "name": doc.get("profile", "vercel"),
        "base_url": doc.get("base_url", "https://ai-gateway.vercel.sh/v1"),
        "kind": doc.get("kind", "vercel"),
    }
    if doc.get("key_ref") is not None:
        out["profile"]["key_ref"] = doc["key_ref"]
    if "title" in doc:
        out["title"] = doc["title"]
    lane: dict[str, Any] = {"model": doc.get("model", "")}
    if doc.get("provider"):
        lane["routing"] = {"only": [doc["provider"]]}
    if isinstance(doc.get("params"), dict):
        lane["params"] = doc["params"]
    out["lanes"] = [lane]
    for key in ("system", "messages", "draft"):
        if key in doc:
            out[key] = doc[key]
    out["runs"] = [
        _migrate_run_1_to_2(r) if isinstance(r, dict) else r for r in doc.get("runs", [])
    ]
    known = {
        "format", "schema_version", "app_version", "id", "created", "saved", "profile",
        "base_url", "kind", "key_ref", "title", "model", "provider", "params", "system",
        "messages", "draft", "runs",
    }  # fmt: skip
    for key, value in doc.items():  # unknown fields travel on
        if key not in known:
            out.setdefault(key, value)
    return out


_MS_FIELDS = {"connect_ms": "connect_s", "ttfb_ms": "ttfb_s", "ttft_ms": "ttft_s",
              "total_ms": "total_s"}  # fmt: skip


def _migrate_run_1_to_2(run: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in run.items() if k not in ("output", "metrics")}
    if "output" in run:
        out["text"] = run["output"]
    metrics = run.get("metrics")
    if isinstance(metrics, dict):
        figures: dict[str, Any] = {}
        for key, value in metrics.items():
            if key in _MS_FIELDS and isinstance(value, int | float) and not isinstance(value, bool):
                figures[_MS_FIELDS[key]] = value / 1000
            elif key == "cost" and isinstance(value, int | float) and not isinstance(value, bool):
                figures["cost"] = repr(value)  # shortest repr: 0.00042, not the binary value
            else:
                figures[key] = value
        out["figures"] = figures
    return out


MIGRATIONS: tuple[Migration, ...] = (_migrate_1_to_2,)
"""``MIGRATIONS[n - 1]`` turns a schema-n document into schema n+1. Applied in order, once
each, in memory."""


def migrate(doc: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """`doc` brought to `SCHEMA_VERSION` (when older), and the version it started at.

    Raises:
        SchemaError: not one of our sessions, or an unusable ``schema_version``.
    """
    if doc.get("format") != FORMAT:
        found = doc.get("format")
        what = f"format {found!r}" if isinstance(found, str) else "no format field"
        raise SchemaError(
            "format", f"not a Gateway Playground session ({what}; expected {FORMAT!r})"
        )
    version = doc.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SchemaError("schema_version", f"expected a positive integer, got {version!r}")
    start = version
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version - 1](doc)
        version += 1
        doc["schema_version"] = version
    return doc, start


# -- the JSON mapping --------------------------------------------------------------------------

_HEADER = ("format", "schema_version")


def session_to_dict(session: Session) -> dict[str, Any]:
    """The session as JSON values, keys in a stable order, ``format`` and
    ``schema_version`` first. Decimals are strings; floats are exact."""
    extras: Extras = {k: dict(v) for k, v in session.extra.items()}
    root_extra = extras.pop("", {})
    body = encode(session, Session, extras=extras)
    out: dict[str, Any] = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "app_version": session.app_version,  # always written, even when it is this version
    }
    out.update(body)
    for key, value in root_extra.items():
        if key not in out:
            out[key] = value
    return out


def session_from_dict(doc: Any) -> Session:
    """Read a session from JSON values: migrate, validate, keep unknown fields.

    Raises:
        SchemaError: the document is not a session, or a value has the wrong type; the
            message names the place (``runs[3].figures.ttft_s: expected a number``).
    """
    if not isinstance(doc, dict):
        raise SchemaError("", f"expected a JSON object at the top, got {type(doc).__name__}")
    doc, version = migrate(dict(doc))
    extras: Extras = {}
    body = {k: v for k, v in doc.items() if k not in _HEADER}
    session = decode(body, Session, extras=extras)
    for stamp in ("created", "saved"):
        _check_time(getattr(session, stamp), stamp)
    assert isinstance(session, Session)
    return replace(session, extra=extras, source_schema=version)


def _check_time(value: str, path: str) -> None:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise SchemaError(path, f"expected an ISO 8601 time, got {value!r}") from None
