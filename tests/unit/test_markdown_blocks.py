"""The block splitter: boundaries where markdown-it would put them, and the same blocks
whatever the chunking of the stream."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.ui.markdown.blocks import Block, BlockSplitter, split_blocks

FRAGMENTS = [
    "# Heading\n",
    "## Second *level*\n",
    "Plain paragraph with **bold** and `code`.\n",
    "continued line\n",
    "\n",
    "\n\n",
    "- item one\n",
    "- item two\n",
    "  - nested\n",
    "  continuation\n",
    "1. first\n",
    "1. again\n",
    "3) other\n",
    "```python\n",
    "def f():\n",
    "    return 1\n",
    "```\n",
    "~~~\n",
    "   ```js\n",
    "> quoted\n",
    "> > deeper\n",
    "lazy line\n",
    "| a | b |\n",
    "|---|:-:|\n",
    "| 1 | 2 |\n",
    "---\n",
    "===\n",
    "***\n",
    "    indented code\n",
    "\tTabbed\n",
    "text\r\n",
    "lone\rcr\n",
    "\x1b]52;c;SGVsbG8=\x07",
    "\x1b[2J",
    "[@click=app.quit]x[/]",
    "\u202eevil",
    "word ",
]

markdown_texts = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40
).map("".join)


def _chunks(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    return [text[a:b] for a, b in itertools.pairwise(points)]


def _streamed(chunks: list[str]) -> list[Block]:
    splitter = BlockSplitter()
    for chunk in chunks:
        splitter.feed(chunk)
    splitter.finish()
    return splitter.blocks


@settings(max_examples=300, deadline=None)
@given(markdown_texts, st.lists(st.integers(min_value=0), max_size=30))
def test_any_chunking_gives_the_blocks_of_the_whole_text(text: str, cuts: list[int]) -> None:
    assert _streamed(_chunks(text, cuts)) == split_blocks(text)


@settings(max_examples=200, deadline=None)
@given(markdown_texts, st.integers(min_value=0))
def test_preview_is_what_finishing_now_would_give(text: str, cut: int) -> None:
    """The provisional tail shown mid-stream is exactly the final split of the prefix."""
    prefix = text[: cut % (len(text) + 1)]
    splitter = BlockSplitter()
    splitter.feed(prefix)
    shown = splitter.blocks + splitter.preview()
    final = split_blocks(prefix)
    assert [(b.kind, b.lines, b.index) for b in shown] == [
        (b.kind, b.lines, b.index) for b in final
    ]


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in split_blocks(text)]


def test_blank_lines_inside_a_fence_do_not_split_it() -> None:
    text = "```py\na = 1\n\n\nb = 2\n```\nafter\n"
    assert _kinds(text) == [("fence", "```py\na = 1\n\n\nb = 2\n```"), ("paragraph", "after")]


def test_a_fence_interrupts_a_paragraph_and_an_unclosed_fence_runs_to_the_end() -> None:
    blocks = split_blocks("intro\n~~~\ncode\n``` not a closer for tildes\n")
    assert [b.kind for b in blocks] == ["paragraph", "fence"]
    assert blocks[1].closed is False


def test_list_items_are_blocks_and_keep_their_nested_content() -> None:
    text = "- one\n  - nested\n\n  more of one\n- two\n\nafter\n"
    assert _kinds(text) == [
        ("list_item", "- one\n  - nested\n\n  more of one"),
        ("list_item", "- two"),
        ("paragraph", "after"),
    ]


def test_fence_inside_a_list_item_keeps_its_blank_lines() -> None:
    text = "1. Install:\n   ```sh\n   pip install x\n\n   x --help\n   ```\n2. Run\n"
    blocks = split_blocks(text)
    assert [b.kind for b in blocks] == ["list_item", "list_item"]
    assert blocks[0].lines[-1] == "   ```"


def test_ordered_items_count_on_like_markdown() -> None:
    blocks = split_blocks("1. a\n1. b\n\n1. c\n\npara\n\n5. d\n")
    assert [b.list_number for b in blocks] == [1, 2, 3, None, 5]


def test_only_a_list_starting_at_one_interrupts_a_paragraph() -> None:
    assert _kinds("text\n2. not a list\n") == [("paragraph", "text\n2. not a list")]
    assert [k for k, _ in _kinds("text\n1. a list\n")] == ["paragraph", "list_item"]


def test_setext_heading_and_thematic_break() -> None:
    assert _kinds("Title\n===\n***\n") == [("heading", "Title\n==="), ("rule", "***")]


def test_a_table_interrupts_a_paragraph_and_ends_at_a_blank_line() -> None:
    text = "Numbers:\n| a | b |\n|---|---|\n| 1 | 2 |\n\nafter\n"
    assert _kinds(text) == [
        ("paragraph", "Numbers:"),
        ("table", "| a | b |\n|---|---|\n| 1 | 2 |"),
        ("paragraph", "after"),
    ]


def test_delimiter_row_must_match_the_header() -> None:
    assert [k for k, _ in _kinds("| a | b |\n|---|\n")] == ["paragraph"]


def test_quote_with_lazy_continuation() -> None:
    assert _kinds("> a\nlazy\n> b\n\nnext\n") == [
        ("quote", "> a\nlazy\n> b"),
        ("paragraph", "next"),
    ]


def test_margins_tight_lists_have_none() -> None:
    blocks = split_blocks("# T\n- a\n- b\n\n- c\n")
    assert [b.margin_top for b in blocks] == [0, 1, 0, 1]


def test_lines_are_sanitized_once_even_when_an_escape_is_split_across_chunks() -> None:
    chunks = ["safe \x1b", "]0;pwn", "ed\x07 text\n", "\x9b2J and \u202eok\n"]
    blocks = _streamed(chunks)
    text = "\n".join(line for b in blocks for line in b.lines)
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
    assert text == "safe \u241b text\n\u241b and ok"


def test_crlf_and_lone_cr() -> None:
    assert split_blocks("a\r\nb\rc\n")[0].lines == ("a", "b", "c")


def test_feed_after_finish_is_an_error() -> None:
    splitter = BlockSplitter()
    splitter.finish()
    with pytest.raises(RuntimeError):
        splitter.feed("x")
