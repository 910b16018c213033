"""Block rendering and the streamed document: exact widths, styles by span, links kept as
data, and a streamed text ending in exactly the lines of rendering it whole."""

from __future__ import annotations

import gc
import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.segment import Segment

from playground.ui.markdown.blocks import split_blocks
from playground.ui.markdown.document import MarkdownDocument, tail_window
from playground.ui.markdown.inline import LINK_META, LINK_TEXT_META, safe_url
from playground.ui.markdown.packed import StyleTable
from playground.ui.markdown.render import Line, render_block, render_whole
from playground.ui.markdown.theme import default_theme

THEME = default_theme()

CORPUS = [
    "# Title\n\nA paragraph with **bold**, *italic*, ~~gone~~, `code` and "
    "[a link](https://example.com/a?b=c).\n",
    "Steps:\n\n1. one\n2. two\n   - nested *a*\n   - nested b\n3. three\n\n- loose\n\n- list\n",
    "| provider | ms | price |\n|---|--:|:-:|\n| azure | 700 | $0.40 |\n| openai | 600 | $0.40 |\n",
    "```python\ndef f(x):\n    '''Doc\n    string'''\n    return x  # comment\n```\n\nafter\n",
    "> a quote with **bold**\n> > nested\nlazy\n\n---\n\nSetext\n======\n",
    "1. Install\n   ```sh\n   pip install thing\n\n   thing --help\n   ```\n2. Done\n",
    "    indented code\n\n\tTabbed text\n\nlast line without newline",
    "```\nunclosed fence\nstill code",
    "Text with \x1b]52;c;SGVsbG8=\x07 OSC 52, \x1b[2J CSI, \x9b31m C1 and \u202eRLO.\n",
    "[@click=app.quit]x[/] and [ @click=app.quit]y[/] and [link=https://e.x]z[/link] [/] [bold\n",
    "Words " * 60 + "\n\n" + "x" * 250 + "\n",
    "<script>alert(1)</script>\n\n[js](javascript:alert(1)) [file](file:///etc/passwd) "
    "![img](https://example.com/i.png)\n",
]


def _plain(lines: list[Line]) -> list[str]:
    return ["".join(segment.text for segment in line) for line in lines]


def _width(line: Line) -> int:
    return Segment.get_line_length(line)


def test_every_line_is_exactly_the_render_width() -> None:
    for text in CORPUS:
        for width in (12, 40, 97):
            lines = render_whole(text, width, THEME)
            assert lines, text
            assert {_width(line) for line in lines} == {width}, (text, width)


def test_styles_come_from_spans_and_markup_is_shown_literally() -> None:
    lines = render_whole(CORPUS[9], 120, THEME)
    text = "\n".join(_plain(lines))
    assert "[@click=app.quit]x[/]" in text
    assert "[ @click=app.quit]y[/]" in text
    assert "[link=https://e.x]z[/link] [/] [bold" in text
    for line in lines:
        for segment in line:
            assert segment.style is not None
            assert "@click" not in segment.style.meta
            assert segment.style.link is None  # never an OSC 8 hyperlink to the terminal


def test_no_control_character_reaches_a_line() -> None:
    controls = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    for text in CORPUS:
        for line in _plain(render_whole(text, 60, THEME)):
            assert not controls.search(line), repr(line)


def test_http_links_carry_url_and_text_and_others_are_plain() -> None:
    lines = render_whole(CORPUS[0] + "\n" + CORPUS[11], 100, THEME)
    metas = [s.style.meta for line in lines for s in line if s.style and s.style.meta]
    links = {(m[LINK_META], m[LINK_TEXT_META]) for m in metas if LINK_META in m}
    assert links == {
        ("https://example.com/a?b=c", "a link"),
        ("https://example.com/i.png", "[image: img]"),
    }
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("file:///etc/passwd") is None
    assert safe_url("https://ok.example/x") == "https://ok.example/x"


def test_code_is_highlighted_and_labelled() -> None:
    lines = render_whole(CORPUS[3], 60, THEME)
    plain = _plain(lines)
    assert plain[0].startswith(" python")
    assert plain[1].startswith(" def f(x):")
    colours = {s.style.color for s in lines[1] if s.style and s.text.strip()}
    assert len(colours) > 1, "the keyword and the name should differ"

    # The docstring spans two lines: its second line is still coloured as a string.
    def colour_of(line: Line, word: str) -> object:
        return next(s.style.color for s in line if word in s.text and s.style)

    assert colour_of(lines[3], "string") == colour_of(lines[2], "Doc")
    assert colour_of(lines[3], "string") != colour_of(lines[1], "f")


def test_table_lists_and_quote_layout() -> None:
    table = _plain(render_whole(CORPUS[2], 50, THEME))
    assert table[0].startswith("╭") and "provider" in table[1] and table[-1].startswith("╰")
    lists = _plain(render_whole(CORPUS[1], 50, THEME))
    assert [line.rstrip() for line in lists[2:]] == [
        "1. one", "2. two", "   ◦ nested a", "   ◦ nested b", "3. three",
        "", "• loose", "", "• list",
    ]  # fmt: skip
    quote = _plain(render_whole(CORPUS[4], 50, THEME))
    assert quote[0].startswith("▌ a quote with bold")


def test_long_words_and_code_lines_fold_instead_of_overflowing() -> None:
    lines = render_whole(CORPUS[10] + "```\n" + "y" * 100 + "\n```\n", 30, THEME)
    assert all(_width(line) == 30 for line in lines)
    assert sum("yyyy" in text for text in _plain(lines)) == 4  # 100 cells / 28 per line


# ---- streaming


def _streamed_lines(chunks: list[str], width: int, resize_at: int | None) -> list[Line]:
    document: MarkdownDocument[Line] = MarkdownDocument(lambda segments, _: segments)
    for n, chunk in enumerate(chunks):
        document.feed(chunk)
        current = width + 7 if resize_at is not None and n < resize_at else width
        document.layout(current, THEME, deadline=0.0)  # the least work per paint
    document.finish()
    while not document.layout(width, THEME, deadline=0.0):
        pass
    return [document.line(y) or [] for y in range(document.line_count)]


def _chunks(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    return [text[a:b] for a, b in itertools.pairwise(points)]


PIECES = ["# h\n", "- a\n", "  - b\n", "1. x\n", "```py\n", "x = '''\n", "```\n", "| a |\n",
          "|---|\n", "> q\n", "\n", "text ", "**b", "`c", "\x1b", "]0;t"]  # fmt: skip
documents = st.one_of(
    st.sampled_from(CORPUS),
    st.lists(st.sampled_from(CORPUS), min_size=2, max_size=4).map("\n".join),
    st.lists(
        st.sampled_from(PIECES),
        max_size=30,
    ).map("".join),
)  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(documents, st.lists(st.integers(min_value=0), max_size=25), st.sampled_from([20, 57, 80]),
       st.one_of(st.none(), st.integers(min_value=0, max_value=10)))  # fmt: skip
def test_streamed_document_ends_exactly_as_rendered_whole(
    text: str, cuts: list[int], width: int, resize_at: int | None
) -> None:
    assert _streamed_lines(_chunks(text, cuts), width, resize_at) == render_whole(
        text, width, THEME
    )


def test_a_fence_whose_language_arrives_in_the_next_chunk_is_labelled_and_highlighted() -> None:
    """Regression (found by the property above): the fence state made while the opening line
    was "```" must not be reused once the line turns out to say "```python"."""
    text = "```python\nx = 1\n```\n"
    assert _streamed_lines(["```", text[3:]], 40, None) == render_whole(text, 40, THEME)


def test_mid_stream_open_blocks_render_as_what_they_will_be() -> None:
    def mid_stream(text: str) -> list[str]:
        document: MarkdownDocument[Line] = MarkdownDocument(lambda segments, _: segments)
        document.feed(text)
        document.layout(40, THEME, deadline=float("inf"), force=True)
        lines = (document.line(y) for y in range(document.line_count))
        return ["".join(s.text for s in line).rstrip() for line in lines if line is not None]

    code = mid_stream("```python\ndef f():\n    retu")
    assert code == [" python", " def f():", "     retu"]
    table = mid_stream("| a | b |\n|---|---|\n| 1 | 2")
    assert table[0].startswith("╭") and table[3].startswith("│ 1 ") and table[-1].startswith("╰")
    assert mid_stream("- one\n- tw") == ["• one", "• tw"]
    assert mid_stream("Hello **wor") == ["Hello **wor"]


def test_open_fence_is_highlighted_line_by_line_not_again_per_paint() -> None:
    document: MarkdownDocument[Line] = MarkdownDocument(lambda segments, _: segments)
    document.feed("```python\n")
    calls = 0
    original = render_block.__globals__["LineHighlighter"].feed

    def counting(self: object, line: str) -> object:
        nonlocal calls
        calls += 1
        return original(self, line)

    render_block.__globals__["LineHighlighter"].feed = counting
    try:
        for n in range(200):
            document.feed(f"x_{n} = {n}  # line\n")
            document.layout(80, THEME, deadline=float("inf"), force=True)
    finally:
        render_block.__globals__["LineHighlighter"].feed = original
    assert calls == 200  # each completed line lexed once, however many paints


def test_render_block_margin_and_rule() -> None:
    blocks = split_blocks("para\n\n---\n")
    assert _plain(render_block(blocks[1], 20, THEME)) == [" " * 20, "─" * 20]


def test_packed_lines_round_trip_and_are_not_tracked_by_the_collector() -> None:
    table = StyleTable()
    lines = render_whole(CORPUS[0] + CORPUS[3], 50, THEME)
    packed = [table.pack(line, 50) for line in lines]
    for line, back in zip(lines, map(table.unpack, packed), strict=True):
        assert "".join(s.text for s in back) == "".join(s.text for s in line)
        assert [s.style for s in back for _ in s.text] == [s.style for s in line for _ in s.text]
    gc.collect()
    gc.collect()  # the inner tuple is untracked by the first pass, the line by the second
    assert not any(gc.is_tracked(line) for line in packed)


def test_a_huge_open_paragraph_is_drawn_by_its_end_until_it_finishes() -> None:
    text = "".join(f"word{n} **bold** " for n in range(12_000))  # ~200 KB, one line
    document: MarkdownDocument[Line] = MarkdownDocument(lambda segments, _: segments)
    document.feed(text)
    document.layout(100, THEME, deadline=float("inf"), force=True)
    shown = [_plain([line])[0] for line in map(document.line, range(document.line_count)) if line]
    assert len(shown) < 150  # about TAIL_WINDOW characters, not 200 KB
    assert shown[0].startswith("…") and "word11999" in shown[-1]
    document.finish()
    document.layout(100, THEME, deadline=float("inf"))
    assert document.line_count == len(render_whole(text, 100, THEME))


def test_tail_window_keeps_the_block_kind() -> None:
    item = split_blocks("- first line\n" + "  more words here\n" * 1000)[0]
    windowed = tail_window(item, 500)
    assert windowed.lines[0] == "- first line" and sum(map(len, windowed.lines)) <= 500
    table = split_blocks("| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 1000)[0]
    assert tail_window(table, 300).lines[:2] == ("| a | b |", "|---|---|")
    short = split_blocks("short paragraph")[0]
    assert tail_window(short) is short
