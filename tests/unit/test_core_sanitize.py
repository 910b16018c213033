"""Untrusted text cannot reach the terminal as control sequences (RELIABILITY.md §3)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from playground.core.sanitize import ESCAPE_PLACEHOLDER, safe_line, safe_text

PAYLOADS = {
    "osc52": "copy \x1b]52;c;ZXZpbA==\x07 done",
    "osc0_st": "\x1b]0;pwned\x1b\\title",
    "osc8": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "csi_clear": "before\x1b[2Jafter",
    "csi_color": "\x1b[31mred\x1b[0m",
    "c1_csi": "x\x9b2Jy",
    "c1_osc": "x\x9d0;t\x9cy",
    "dcs": "\x1bPq#0;2;0;0;0#1\x1b\\",
    "bidi": "abc\u202edcba\u2066x\u2069",
    "lone_esc": "end\x1b",
    "bell_backspace": "a\x07b\x08c",
}
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_every_payload_is_neutralised() -> None:
    for name, payload in PAYLOADS.items():
        cleaned = safe_text(payload)
        assert not FORBIDDEN.search(cleaned), name


def test_sequences_become_a_visible_placeholder() -> None:
    assert safe_text("before\x1b[2Jafter") == f"before{ESCAPE_PLACEHOLDER}after"
    assert safe_text("copy \x1b]52;c;ZXZpbA==\x07 done") == f"copy {ESCAPE_PLACEHOLDER} done"
    assert safe_text("a\x07b") == "a\u2407b"


def test_ordinary_text_is_untouched() -> None:
    text = "Hello **world**\n\tcode [@click=app.quit]x[/] — naïve ☃ 你好\u2028"
    assert safe_text(text) is text


def test_line_endings_are_normalised() -> None:
    assert safe_text("a\r\nb\rc\n") == "a\nb\nc\n"


def test_safe_line_is_one_bounded_line() -> None:
    assert safe_line("a\nb\x1b[1m  c") == f"a b{ESCAPE_PLACEHOLDER} c"
    assert safe_line("x" * 500, limit=10) == "x" * 9 + "…"


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2100)))
def test_no_control_survives_arbitrary_text(text: str) -> None:
    assert not FORBIDDEN.search(safe_text(text))
