"""Token pieces, prompt token counts and ids of the simulated gateway."""

from __future__ import annotations

import base64
import random
import re

from hypothesis import given
from hypothesis import strategies as st

from playground.core.pricing import estimate_prompt_tokens
from playground.sim.tokens import (
    IMAGE_TOKENS,
    count_tokens,
    decode_head,
    decoded_size,
    prompt_tokens,
    split_tokens,
    ulid,
)


@given(st.text())
def test_pieces_join_back_to_the_text(text: str) -> None:
    assert "".join(split_tokens(text)) == text


@given(st.text(min_size=1))
def test_no_piece_is_empty(text: str) -> None:
    assert all(split_tokens(text))


def test_words_keep_their_leading_space_and_punctuation_stands_alone() -> None:
    assert split_tokens("Hello, world!") == ["Hello", ",", " world", "!"]


def test_long_words_split_into_sub_words() -> None:
    pieces = split_tokens(" understanding")
    assert len(pieces) > 1
    assert all(len(p) <= 6 for p in pieces)
    assert pieces[-1] == "ing"


def test_prose_averages_roughly_four_characters_a_token() -> None:
    text = (
        "The quick brown fox jumps over the lazy dog while the cat watches from a sunny "
        "windowsill, wondering whether any of this commotion is worth getting up for. "
    ) * 20
    ratio = len(text) / count_tokens(text)
    assert 3.5 <= ratio <= 5.5


def test_newline_runs_and_code_fences_are_separate_pieces() -> None:
    pieces = split_tokens("text\n\n```python\nx = 1\n```")
    assert "\n\n" in pieces
    assert pieces.count("```") == 2


def test_prompt_tokens_match_the_clients_estimate_for_plain_text() -> None:
    texts = ["You are terse.", "Why is the sky blue?"]
    assert prompt_tokens(texts) == estimate_prompt_tokens(texts)


def test_attachments_and_tools_add_prompt_tokens() -> None:
    base = prompt_tokens(["hi"])
    assert prompt_tokens(["hi"], images=2) == base + 2 * IMAGE_TOKENS
    assert prompt_tokens(["hi"], file_bytes=4000) == base + 1000
    assert prompt_tokens(["hi"], tool_schema_chars=400) > base + 100


def test_base64_sizes_without_decoding() -> None:
    for size in (0, 1, 2, 3, 4, 100, 1001):
        assert decoded_size(base64.b64encode(b"x" * size).decode()) == size


def test_decode_head_reads_the_first_bytes() -> None:
    payload = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    assert decode_head(base64.b64encode(payload).decode(), 8) == payload[:8]
    assert decode_head("%%%%", 8) == b""


def test_ulid_shape_and_determinism() -> None:
    first = ulid(random.Random(7), now_ms=1_790_000_000_000)
    again = ulid(random.Random(7), now_ms=1_790_000_000_000)
    other = ulid(random.Random(8), now_ms=1_790_000_000_000)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", first)
    assert first == again != other
    later = ulid(random.Random(7), now_ms=1_790_000_000_001)
    assert later > first  # time-ordered, like a real ULID
