"""Colour contrast as WCAG 2.x measures it: relative luminance and the contrast ratio.

The themes test holds every shipped theme to `AA_TEXT` for text on the backgrounds it is
drawn on, and the app warns when a user's own theme falls below it. Colours here are plain
``(r, g, b)`` tuples of 0–255 integers; blending with an alpha is done before measuring,
because a ratio is only defined between two opaque colours.
"""

from __future__ import annotations

import re

RGB = tuple[int, int, int]
"""An opaque colour: red, green and blue, each 0–255."""

AA_TEXT = 4.5
"""WCAG 2.x level AA for normal-size text (terminal text is never "large text")."""

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def is_hex_color(text: str) -> bool:
    """Whether `text` is ``#rgb`` or ``#rrggbb``."""
    return bool(_HEX.match(text))


def parse_hex(text: str) -> RGB:
    """``#1e1e1e`` or ``#abc`` as an RGB tuple.

    Raises:
        ValueError: `text` is not a ``#rgb`` or ``#rrggbb`` colour.
    """
    if not is_hex_color(text):
        raise ValueError(f"not a #rgb or #rrggbb colour: {text!r}")
    digits = text[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def to_hex(rgb: RGB) -> str:
    """``(30, 30, 30)`` → ``#1e1e1e``."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """The WCAG contrast ratio of two opaque colours, 1 to 21 (order does not matter)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    light, dark = max(la, lb), min(la, lb)
    return (light + 0.05) / (dark + 0.05)


def blend(top: RGB, bottom: RGB, alpha: float) -> RGB:
    """`top` drawn with opacity `alpha` (0–1) over the opaque `bottom`."""
    alpha = min(max(alpha, 0.0), 1.0)
    r, g, b = (round(t * alpha + u * (1 - alpha)) for t, u in zip(top, bottom, strict=True))
    return (r, g, b)
