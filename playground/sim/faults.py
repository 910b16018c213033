"""Faults on demand: a small language for what should go wrong, and where it comes from.

A **spec** is one or more steps, for one request each, separated by ``,`` ``;`` or ``then``::

    429 retry-after=2, then 500-mid after=20
    503 body=html; ok
    stall seconds=5 comments
    ok ttft=0.2 rate=50 tokens=300

A **step** is at most one *fault* (the first word), any *framing modifiers*, and
``key=value`` *options*. Faults:

==================  ==========================================================================
``ok`` / ``200``    no fault (``pace`` is a synonym): useful after a failing step
``NNN``             HTTP status NNN before streaming; ``body=json|html|empty|text``,
                    ``retry-after=S``, ``retry-after-ms=MS``, ``retry-after-date=S`` (an HTTP
                    date S seconds ahead), ``type=`` (the JSON ``error.type``)
``NNN-mid``         ``{"error": …}`` chunk after ``after=N`` tokens (default 5), code NNN;
                    ``style=vercel`` (no ``choices``, the default) or ``style=openrouter``
                    (``finish_reason: "error"``). ``mid-error`` is the same with code 500
``event-error``     ``event: error`` with an error object, after ``after=N`` tokens
``cut``             the connection closes mid-stream (chunked body never finished), ``after=N``
``drop``            the connection closes before any response byte
``stall``           nothing for ``seconds=S`` (default 30, not scaled): before the response
                    headers, or after ``after=N`` tokens when ``after`` is given
``malformed``       one chunk of broken JSON after ``after=N`` tokens, then the stream goes on
``html-200``        HTTP 200 with an HTML page (a captive portal)
``no-done``         the stream ends cleanly without ``finish_reason`` and without ``[DONE]``,
                    after ``after=N`` tokens (default: all of them)
``redirect``/``3xx`` a 307 (or the given 3xx) to another origin: ``to=URL``, by default this
                    server under the name ``localhost``
``outage``          the first ``count=N`` providers of the route fail (``status=``, default 503)
                    and the gateway falls back, reporting the failed attempts; ``provider=``
                    fails that provider instead
==================  ==========================================================================

Framing modifiers (combine freely): ``crlf``, ``cr`` (line endings), ``bom`` (a byte-order
mark first), ``multiline`` (each JSON split over two ``data:`` lines), ``u2028`` (U+2028 and
U+0085 inside the content), ``comments`` (``: OPENROUTER PROCESSING`` keep-alive lines every
``every=N`` tokens and while waiting), ``ping`` (data-less ``event: ping`` and unknown fields),
``gzip`` (the whole body compressed and sent in one burst), ``burst`` (the same, uncompressed),
``fragment`` (every event cut into several HTTP chunks, inside multi-byte characters and
between CR and LF), ``usage-separate`` (usage in its own chunk with empty ``choices``, as
OpenAI sends it), ``echo`` (the answer is the rest of the user's message, verbatim: for
checking how a client shows exactly the text you give it).

Pacing options, in any step: ``ttft=S`` and ``rate=TOK_PER_S`` replace the drawn figures
(no jitter), ``tokens=N`` makes the answer exactly N content tokens long.

Where specs come from, first match wins: the ``x-sim-fault`` request header, a ``/sim …``
line in the last user message (removed from the prompt), faults queued with
`SimulatedGateway.inject`, then the standing faults of ``playground sim --fault``. A header or
directive spec with several steps advances one step per request carrying the same spec text
(so a client's retries walk through it), starts over after its last step, and resets after a
minute without use.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal[
    "ok",
    "status",
    "mid-error",
    "event-error",
    "cut",
    "drop",
    "stall",
    "malformed",
    "html-200",
    "no-done",
    "redirect",
    "outage",
]

Route = Literal["chat", "models", "any"]
"""Which requests a queued fault applies to: chat completions, catalog routes, or any."""

MODIFIERS = frozenset(
    (
        "crlf",
        "cr",
        "bom",
        "multiline",
        "u2028",
        "comments",
        "ping",
        "gzip",
        "burst",
        "fragment",
        "usage-separate",
        "echo",
    )
)

_ALIASES: dict[str, FaultKind] = {
    "ok": "ok",
    "pace": "ok",
    "mid-error": "mid-error",
    "event-error": "event-error",
    "cut": "cut",
    "disconnect": "cut",
    "drop": "drop",
    "stall": "stall",
    "malformed": "malformed",
    "html-200": "html-200",
    "html": "html-200",
    "no-done": "no-done",
    "truncated": "no-done",
    "redirect": "redirect",
    "outage": "outage",
}

_PACING = {"ttft", "rate", "tokens", "every"}
_OPTIONS: dict[FaultKind, set[str]] = {
    "ok": set(),
    "status": {"body", "retry-after", "retry-after-ms", "retry-after-date", "type"},
    "mid-error": {"after", "style", "type"},
    "event-error": {"after", "type"},
    "cut": {"after"},
    "drop": set(),
    "stall": {"after", "seconds"},
    "malformed": {"after"},
    "html-200": set(),
    "no-done": {"after"},
    "redirect": {"to", "status"},
    "outage": {"provider", "count", "status"},
}

DIRECTIVE = re.compile(r"^[ \t]*/sim(?:[ \t]+(.*))?$", re.IGNORECASE | re.MULTILINE)
"""A line of the last user message that carries a spec: ``/sim 429 retry-after=2, then ok``."""

MAX_TOKENS = 1_000_000
"""The longest answer ``tokens=`` may ask for (a million tokens is about 4 MB of text)."""

IDLE_RESET_S = 60.0
"""A header or directive sequence left unused this long starts over at its first step."""


class FaultSpecError(ValueError):
    """A spec that cannot be parsed; the message says what is wrong, for a person."""


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do to one request."""

    kind: FaultKind = "ok"
    status: int | None = None
    """The HTTP status (``status``, ``redirect``), the error code (``mid-error``) or the
    failing providers' status (``outage``)."""
    body: Literal["json", "html", "empty", "text"] = "json"
    retry_after: str | None = None
    """The ``Retry-After`` header value, as sent."""
    retry_after_ms: str | None = None
    retry_after_date_s: float | None = None
    """Send ``Retry-After`` as an HTTP date this many seconds after the response."""
    error_type: str | None = None
    after: int | None = None
    """Tokens sent before a mid-stream fault."""
    seconds: float = 30.0
    style: Literal["vercel", "openrouter"] = "vercel"
    location: str | None = None
    provider: str | None = None
    count: int = 1
    modifiers: frozenset[str] = field(default_factory=frozenset)
    ttft_s: float | None = None
    rate: float | None = None
    tokens: int | None = None
    every: int = 10
    """Comment lines every this many tokens (``comments``)."""
    text: str = "ok"
    """The step as written, for records and logs."""

    def has(self, modifier: str) -> bool:
        return modifier in self.modifiers


OK = Fault()
"""The step that changes nothing."""


def parse_spec(spec: str) -> tuple[Fault, ...]:
    """Parse a spec into its steps.

    Raises:
        FaultSpecError: an unknown fault, modifier or option, or a bad value.
    """
    separator = re.compile(r"\s*(?:[,;]\s*(?:then\b)?|\bthen\b)\s*", re.IGNORECASE)
    steps = [s for s in separator.split(spec.strip()) if s]
    if not steps:
        raise FaultSpecError("empty fault spec")
    return tuple(parse_step(step) for step in steps)


def parse_step(step: str) -> Fault:
    """Parse one step (no separators)."""
    kind: FaultKind | None = None
    status: int | None = None
    modifiers: set[str] = set()
    options: dict[str, str] = {}
    for word in step.split():
        low = word.lower()
        if "=" in low:
            key, _, value = word.partition("=")
            if not value:
                raise FaultSpecError(f"option {key!r} needs a value in {step!r}")
            options[key.lower()] = value
        elif low in MODIFIERS:
            modifiers.add(low)
        elif kind is None and (head := _head(low)) is not None:
            kind, status = head
        elif kind is not None and (_head(low) is not None):
            raise FaultSpecError(f"one fault per step: {step!r} (separate steps with ',')")
        else:
            raise FaultSpecError(f"unknown fault or modifier {word!r} in {step!r}")
    kind = kind or "ok"
    for key in options:
        if key not in _OPTIONS[kind] and key not in _PACING:
            raise FaultSpecError(f"option {key!r} does not apply to {kind!r} in {step!r}")
    return _build(kind, status, modifiers, options, step)


def _head(word: str) -> tuple[FaultKind, int | None] | None:
    if re.fullmatch(r"[1-5]\d\d", word):
        code = int(word)
        if code < 200:
            raise FaultSpecError(f"status {code} cannot end a response")
        if code == 200:
            return "ok", None
        if 300 <= code < 400:
            return "redirect", code
        return "status", code
    if match := re.fullmatch(r"([45]\d\d)-mid", word):
        return "mid-error", int(match.group(1))
    if word in _ALIASES:
        return _ALIASES[word], None
    return None


def _number(options: dict[str, str], key: str, *, integer: bool = False) -> float | None:
    if key not in options:
        return None
    raw = options[key]
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise FaultSpecError(f"{key}={raw!r}: expected {kind}") from None
    if value < 0 or value != value:
        raise FaultSpecError(f"{key}={raw!r}: must not be negative")
    return value


def _build(
    kind: FaultKind, status: int | None, modifiers: set[str], options: dict[str, str], text: str
) -> Fault:
    body = options.get("body", "json").lower()
    if body not in ("json", "html", "empty", "text"):
        raise FaultSpecError(f"body={body!r}: expected json, html, empty or text")
    style = options.get("style", "vercel").lower()
    if style not in ("vercel", "openrouter"):
        raise FaultSpecError(f"style={style!r}: expected vercel or openrouter")
    if "status" in options:
        status = int(_number(options, "status", integer=True) or 0)
        if not 300 <= status <= 599:
            raise FaultSpecError(f"status={status}: expected 300-599")
    if kind == "redirect":
        status = status or 307
        if not 300 <= status < 400:
            raise FaultSpecError(f"a redirect needs a 3xx status, not {status}")
    if kind == "mid-error":
        status = status or 500
    if kind == "outage":
        status = status or 503
    retry_after = options.get("retry-after")
    if retry_after is not None:
        _number(options, "retry-after")
    date_s = _number(options, "retry-after-date")
    retry_ms = options.get("retry-after-ms")
    if retry_ms is not None:
        _number(options, "retry-after-ms")
    after = _number(options, "after", integer=True)
    if after is None and kind in ("mid-error", "event-error", "cut", "malformed"):
        after = 5 if kind != "malformed" else 3
    seconds = _number(options, "seconds")
    rate = _number(options, "rate")
    if rate is not None and rate <= 0:
        raise FaultSpecError("rate must be above 0")
    tokens = _number(options, "tokens", integer=True)
    if tokens is not None and not 1 <= tokens <= MAX_TOKENS:
        raise FaultSpecError(f"tokens must be between 1 and {MAX_TOKENS:,}")
    every = _number(options, "every", integer=True)
    count = _number(options, "count", integer=True)
    location = options.get("to")
    if location is not None and not re.match(r"https?://", location):
        raise FaultSpecError(f"to={location!r}: expected an http:// or https:// URL")
    return Fault(
        kind=kind,
        status=status,
        body=body,  # type: ignore[arg-type]
        retry_after=retry_after,
        retry_after_ms=retry_ms,
        retry_after_date_s=date_s,
        error_type=options.get("type"),
        after=None if after is None else int(after),
        seconds=30.0 if seconds is None else seconds,
        style=style,  # type: ignore[arg-type]
        location=location,
        provider=options.get("provider"),
        count=max(1, int(count)) if count is not None else 1,
        modifiers=frozenset(modifiers),
        ttft_s=_number(options, "ttft"),
        rate=rate,
        tokens=None if tokens is None else int(tokens),
        every=max(1, int(every)) if every is not None else 10,
        text=" ".join(text.split()),
    )


def extract_directive(text: str) -> tuple[str | None, str]:
    """Split a user message into its ``/sim`` spec (None if it has none) and the rest."""
    specs = [m.group(1) or "" for m in DIRECTIVE.finditer(text)]
    if not specs:
        return None, text
    rest = DIRECTIVE.sub("", text).strip("\n")
    return ", ".join(s.strip() for s in specs if s.strip()) or "ok", rest


class FaultPlan:
    """Every source of faults, asked once per request. Safe to use from other threads."""

    def __init__(
        self, standing: Sequence[Fault] = (), *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Start with no queued faults.

        Args:
            standing: steps applied in turn to every chat request no other source claims.
            clock: seconds, for resetting idle sequences (injectable for tests).
        """
        self._clock = clock
        self._lock = threading.Lock()
        self._queue: deque[tuple[Route, Fault]] = deque()
        self._standing = tuple(standing)
        self._standing_next = 0
        self._cursors: dict[str, tuple[int, float]] = {}

    def inject(self, faults: Sequence[Fault], *, times: int = 1, route: Route = "chat") -> None:
        """Queue `faults` (in order) `times` over, for the next requests on `route`."""
        with self._lock:
            for _ in range(times):
                self._queue.extend((route, f) for f in faults)

    def clear(self) -> None:
        """Forget queued faults and sequence positions (standing faults stay)."""
        with self._lock:
            self._queue.clear()
            self._cursors.clear()

    @property
    def pending(self) -> int:
        """How many queued faults are left."""
        return len(self._queue)

    def next_for(
        self, route: Literal["chat", "models"], *, header: str | None, directive: str | None
    ) -> Fault:
        """The step for the request now being served.

        Raises:
            FaultSpecError: the header or the directive does not parse.
        """
        for spec in (header, directive):
            if spec is not None and spec.strip():
                steps = parse_spec(spec)
                return self._advance(spec.strip(), steps)
        with self._lock:
            for i, (queued_route, fault) in enumerate(self._queue):
                if queued_route in (route, "any"):
                    del self._queue[i]
                    return fault
            if route == "chat" and self._standing:
                fault = self._standing[self._standing_next % len(self._standing)]
                self._standing_next += 1
                return fault
        return OK

    def _advance(self, key: str, steps: tuple[Fault, ...]) -> Fault:
        now = self._clock()
        with self._lock:
            index, last = self._cursors.get(key, (0, now))
            if now - last > IDLE_RESET_S:
                index = 0
            self._cursors[key] = ((index + 1) % len(steps), now)
        return steps[index % len(steps)]
