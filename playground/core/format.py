"""How figures read: one formatting for the app, the CLI tables and exported Markdown."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from playground.core.pricing import MILLION

UNKNOWN = "?"
"""Shown for a price or figure that is unknown. Never 0: an unknown price is not free."""
NONE = "–"
"""Shown for a figure the run did not reach (no first token, no end yet)."""


def seconds(value: float | None) -> str:
    """``0.612 s`` below ten seconds, ``12.3 s`` above, ``2m05s`` beyond a minute."""
    if value is None or not math.isfinite(value):
        return NONE
    if value < 10:
        return f"{value:.3f} s"
    if value < 60:
        return f"{value:.1f} s"
    minutes, secs = divmod(round(value), 60)
    return f"{minutes}m{secs:02d}s"


def millis(value: float | None) -> str:
    """Seconds shown as milliseconds: ``612 ms``."""
    return NONE if value is None or not math.isfinite(value) else f"{value * 1000:,.0f} ms"


def rate(value: float | None) -> str:
    """Tokens per second: ``92.4 tok/s``."""
    if value is None or not math.isfinite(value):
        return NONE
    return f"{value:,.0f} tok/s" if value >= 1000 else f"{value:.1f} tok/s"


def tokens(value: int | None, *, estimated: bool = False) -> str:
    """``1,024``, or ``≈1,024`` while it is an estimate."""
    if value is None:
        return NONE
    return f"≈{value:,}" if estimated else f"{value:,}"


def usd(value: Decimal | None, *, unknown: str = UNKNOWN) -> str:
    """Dollars with enough digits that a single run's cost is not rounded to zero:
    ``$0.000123``, ``$0.0421``, ``$12.50``."""
    if value is None:
        return unknown
    if value == 0:
        return "$0"
    magnitude = abs(value)
    if magnitude >= 1:
        places = Decimal("0.01")
    elif magnitude >= Decimal("0.01"):
        places = Decimal("0.0001")
    else:
        places = Decimal("0.000001")
    quantized = value.quantize(places, rounding=ROUND_HALF_UP)
    if quantized == 0:
        return "<$0.000001" if value > 0 else "$0"
    text = f"{quantized:f}"
    return ("-$" + text[1:]) if text.startswith("-") else "$" + text


def per_million(value: Decimal | None, *, unknown: str = UNKNOWN) -> str:
    """A per-token price as dollars per million tokens: ``$0.40``; unknown stays unknown."""
    if value is None:
        return unknown
    per_m = (value * MILLION).normalize()
    if per_m == per_m.to_integral_value():
        return f"${per_m:.2f}"
    text = f"{per_m:f}".rstrip("0")
    whole, _, frac = text.partition(".")
    return f"${whole}.{frac.ljust(2, '0')}"


def context(value: int | None) -> str:
    """Context windows, rounded as gateways' pages show them: ``1M``, ``1.05M``, ``131K``."""
    if value is None:
        return UNKNOWN
    if value >= 1_000_000 and value % 1_000_000 == 0:
        return f"{value // 1_000_000}M"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    if value >= 1000:
        return f"{round(value / 1000)}K"
    return f"{value:,}"


def ratio(better: float, worse: float) -> str:
    """How much better, as a multiplier: ``1.17×``."""
    if better <= 0 or worse <= 0:
        return NONE
    factor = max(better, worse) / min(better, worse)
    return f"{factor:.2f}×"


def percent(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f}%"
