"""Make untrusted text safe to show in a terminal (RELIABILITY.md §3.4).

Model output, reasoning, tool arguments, error bodies, headers, model names and loaded files
all pass through `safe_text` before they reach a widget or a console. Textual and Rich strip
only BEL, BS, VT, FF and CR; ESC and the C1 controls go through to the TTY, where OSC 52 writes
the clipboard, OSC 0 sets the title, OSC 8 hides links and CSI moves the cursor. So we replace
every escape sequence with a visible ``␛`` and every other control with its control picture.

These functions never build markup: the result still goes to `Content(text)` or `Text(text)`,
never into a markup string.
"""

from __future__ import annotations

import re

ESCAPE_PLACEHOLDER = "\u241b"  # ␛ SYMBOL FOR ESCAPE
"""Shown in place of a removed escape sequence, so the reader can see something was there."""

_REPLACEMENT = "\ufffd"

# Anything that needs work. The fast path (no match) returns the string untouched, which is
# what happens for nearly every delta of a real answer.
_SUSPECT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# Escape sequences, 7-bit and 8-bit forms, in the order ECMA-48 defines them:
#  - string controls OSC, DCS, SOS, PM, APC: payload up to BEL, ST (ESC \ or 0x9c) or end of text;
#  - CSI: parameter bytes 0x30-0x3f, intermediates 0x20-0x2f, one final byte 0x40-0x7e;
#  - any other ESC sequence: intermediates then one final byte;
#  - a lone ESC at the end of the text.
_SEQUENCE = re.compile(
    r"""
    (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) [^\x07\x1b\x9c]*? (?:\x07|\x1b\\|\x9c|(?=\x1b)|\Z)
  | (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?
  | \x1b [\x20-\x2f]* [\x30-\x7e]?
    """,
    re.VERBOSE | re.DOTALL,
)

_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# Other C0 controls (not TAB or LF) and DEL become their Unicode control pictures (␀ … ␟, ␡);
# C1 controls become U+FFFD.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _control_picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return _REPLACEMENT


def safe_text(text: str) -> str:
    """Return `text` with every terminal control made visible and harmless.

    Newlines and tabs are kept; CRLF and lone CR become LF; escape sequences become ``␛``;
    other controls become control pictures; bidirectional overrides are removed.
    """
    if not _SUSPECT.search(text):
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SEQUENCE.sub(ESCAPE_PLACEHOLDER, text)
    text = _BIDI.sub("", text)
    return _CONTROL.sub(_control_picture, text)


def safe_line(text: str, limit: int = 300) -> str:
    """`safe_text` for one-line places (names, headers, messages): newlines become spaces and
    anything beyond `limit` characters is cut with an ellipsis."""
    text = " ".join(safe_text(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
