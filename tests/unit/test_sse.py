"""The SSE decoder against the WHATWG rules (RELIABILITY.md §2.4), fed like a socket feeds it:
in arbitrary byte slices."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from playground.gateway.sse import Comment, SSEDecoder, SSEEvent, SSEItem, aiter_sse


def decode(*chunks: bytes) -> list[SSEItem]:
    decoder = SSEDecoder()
    out: list[SSEItem] = []
    for chunk in chunks:
        out.extend(decoder.feed(chunk))
    return out


def bytewise(data: bytes) -> list[SSEItem]:
    """Feed one byte at a time: every boundary falls somewhere awkward."""
    return decode(*(data[i : i + 1] for i in range(len(data))))


def test_one_event_per_blank_line() -> None:
    assert decode(b"data: a\n\ndata: b\n\n") == [SSEEvent("a"), SSEEvent("b")]


def test_an_event_is_only_dispatched_by_its_blank_line() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert decoder.pending
    assert decoder.feed(b"\n") == [SSEEvent("a")]
    assert not decoder.pending


def test_crlf_cr_and_lf_line_ends_are_equivalent() -> None:
    expected = [SSEEvent("x\ny"), SSEEvent("z")]
    for sep in (b"\n", b"\r\n", b"\r"):
        data = b"data: x" + sep + b"data: y" + sep + sep + b"data: z" + sep + sep
        assert decode(data) == expected, sep
        assert bytewise(data) == expected, sep


def test_a_cr_at_the_end_of_a_chunk_waits_for_its_lf() -> None:
    # "\r" then "\n" in the next chunk is ONE line end; treating it as two would dispatch early.
    assert decode(b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n") == [SSEEvent("a\nb")]


def test_a_cr_then_a_cr_is_two_line_ends() -> None:
    assert decode(b"data: a\r", b"\r") == [SSEEvent("a")]


def test_one_leading_bom_is_ignored_even_when_split() -> None:
    data = b"\xef\xbb\xbfdata: first\n\n"
    assert decode(data) == [SSEEvent("first")]
    assert decode(b"\xef", b"\xbb", b"\xbfdata: first\n\n") == [SSEEvent("first")]
    assert bytewise(data) == [SSEEvent("first")]


def test_only_one_bom_is_ignored() -> None:
    # The second BOM is part of the first field name, which is then unknown: no event.
    assert decode(b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\n") == []


def test_a_bom_later_in_the_stream_is_data() -> None:
    assert decode(b"data: a\n\ndata: \xef\xbb\xbfb\n\n") == [SSEEvent("a"), SSEEvent("\ufeffb")]


def test_comments_are_reported_for_liveness() -> None:
    assert decode(b": OPENROUTER PROCESSING\n\n:\n") == [
        Comment("OPENROUTER PROCESSING"),
        Comment(""),
    ]


def test_multi_line_data_is_joined_with_lf() -> None:
    assert decode(b'data: {"a":\ndata: 1}\n\n') == [SSEEvent('{"a":\n1}')]


def test_events_without_data_are_not_dispatched() -> None:
    assert decode(b"event: ping\n\n", b"id: 7\n\n", b"retry: 10\n\n") == []


def test_the_event_type_applies_to_one_event() -> None:
    assert decode(b"event: error\ndata: x\n\ndata: y\n\n") == [
        SSEEvent("x", "error"),
        SSEEvent("y"),
    ]


def test_the_type_of_a_data_less_block_does_not_leak_into_the_next_event() -> None:
    assert decode(b"event: ping\n\ndata: y\n\n") == [SSEEvent("y")]


def test_the_last_event_id_carries_over_and_ignores_nul() -> None:
    items = decode(b"id: 1\ndata: a\n\ndata: b\n\nid: 2\x003\ndata: c\n\nid\ndata: d\n\n")
    assert [(e.data, e.id) for e in items if isinstance(e, SSEEvent)] == [
        ("a", "1"),
        ("b", "1"),
        ("c", "1"),
        ("d", ""),
    ]


def test_retry_counts_only_when_all_ascii_digits() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"retry: 1500\n")
    assert decoder.retry_ms == 1500
    for bad in (b"retry: 15s\n", b"retry: -1\n", b"retry:\n", "retry: ١٢\n".encode()):
        decoder.feed(bad)
        assert decoder.retry_ms == 1500, bad


def test_field_parsing_details() -> None:
    # No space after the colon; only one leading space removed; a line with no colon is a
    # field with an empty value; unknown fields are ignored.
    assert decode(b"data:x\n\n") == [SSEEvent("x")]
    assert decode(b"data:  two\n\n") == [SSEEvent(" two")]
    assert decode(b"data\n\n") == [SSEEvent("")]
    assert decode(b"foo: bar\nData: x\ndata: y\n\n") == [SSEEvent("y")]
    assert decode(b"data: a:b: c\n\n") == [SSEEvent("a:b: c")]


def test_utf8_split_across_chunks_is_kept_whole() -> None:
    text = "日本語 ✓ 🚀 Привет"
    data = f"data: {text}\n\n".encode()
    for cut in range(1, len(data)):
        assert decode(data[:cut], data[cut:]) == [SSEEvent(text)], cut


def test_unicode_line_separators_inside_json_are_not_line_ends() -> None:
    # httpx's aiter_lines() splits on these (like str.splitlines) and breaks the JSON.
    text = '{"content":"a\u2028b\u0085c\u2029d\x1ce"}'
    assert bytewise(f"data: {text}\n\n".encode()) == [SSEEvent(text)]


def test_invalid_utf8_becomes_replacement_characters() -> None:
    assert decode(b"data: a\xffb\n\n") == [SSEEvent("a\ufffdb")]


def test_an_unfinished_event_at_the_end_is_dropped() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n\ndata: half") == [SSEEvent("a")]
    assert decoder.pending


async def test_async_adapter_over_a_byte_iterator() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for piece in (b"da", b"ta: he", b"llo\r", b"\n\r\n: ping\n", b"data: 2\n\n"):
            yield piece

    assert [item async for item in aiter_sse(chunks())] == [
        SSEEvent("hello"),
        Comment("ping"),
        SSEEvent("2"),
    ]


# -- the property: every way of slicing the same bytes gives the same events -------------------

# Favour the characters that trip parsers: separators that str.splitlines() honours,
# multi-byte UTF-8, colons and spaces; and now and then a fake field inside a value.
_text = st.lists(
    st.characters(exclude_categories=["Cs"], exclude_characters="\r\n")
    | st.sampled_from(["\u2028", "\u2029", "\u0085", "\x1c", "é", "🚀", ":", " ", "data: "]),
    max_size=12,
).map("".join)
_line = st.one_of(
    st.tuples(st.just("data"), _text),
    st.tuples(st.just("comment"), _text),
    st.tuples(st.just("event"), st.text(alphabet="abcxyz", min_size=1, max_size=5)),
    st.tuples(st.just("id"), st.text(alphabet="0123456789ab", max_size=4)),
    st.tuples(st.just("unknown"), _text),
)
_block = st.lists(_line, min_size=1, max_size=4)


def _render(blocks: list[list[tuple[str, str]]], ends: Iterable[bytes], bom: bool) -> bytes:
    """Serialize blocks, each line with the next line end from `ends`; never let a CR line end
    be followed by an LF line end (they would merge into one CRLF)."""
    end_iter = iter(ends)
    out = bytearray(b"\xef\xbb\xbf" if bom else b"")
    previous = b""

    def line(text: bytes) -> None:
        nonlocal previous
        end = next(end_iter)
        if previous == b"\r" and end == b"\n":
            end = b"\r\n"
        out.extend(text + end)
        previous = end

    for block in blocks:
        for kind, value in block:
            if kind == "comment":
                line(b":" + value.encode())
            elif kind == "unknown":
                line(b"x-unknown: " + value.encode())
            else:
                line(kind.encode() + b": " + value.encode())
        line(b"")
    return bytes(out)


def _expected(blocks: list[list[tuple[str, str]]]) -> list[SSEItem]:
    """What the spec says these blocks produce, computed without the decoder."""
    out: list[SSEItem] = []
    last_id = ""
    for block in blocks:
        data: list[str] = []
        kind_of_event = ""
        for kind, value in block:
            if kind == "comment":
                out.append(Comment(value[1:] if value.startswith(" ") else value))
            elif kind == "data":
                data.append(value)
            elif kind == "event":
                kind_of_event = value
            elif kind == "id":
                last_id = value
        if data:
            out.append(SSEEvent("\n".join(data), kind_of_event or "message", last_id))
    return out


@settings(max_examples=300, deadline=None)
@given(
    blocks=st.lists(_block, min_size=1, max_size=5),
    ends=st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=40, max_size=40),
    bom=st.booleans(),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12),
)
def test_every_slicing_of_the_bytes_gives_the_same_events(
    blocks: list[list[tuple[str, str]]], ends: list[bytes], bom: bool, cuts: list[int]
) -> None:
    data = _render(blocks, ends * 4, bom)
    expected = _expected(blocks)
    assert decode(data) == expected
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    assert decode(*pieces) == expected
    assert bytewise(data) == expected


@settings(max_examples=200, deadline=None)
@given(
    blocks=st.lists(_block, min_size=1, max_size=6),
    ends=st.lists(st.sampled_from([b"\n", b"\n", b"\r\n", b"\r"]), min_size=40, max_size=40),
)
def test_the_fast_path_agrees_with_feed(
    blocks: list[list[tuple[str, str]]], ends: list[bytes]
) -> None:
    # One network chunk per block, as gateways send them: the chunks that are a single
    # `data:` line take the fast path, which must give what `feed` gives.
    fast, slow = SSEDecoder(), SSEDecoder()
    taken = 0
    for block in blocks:
        piece = _render([block], ends, bom=False)
        data = fast.take_data(piece)
        expected = slow.feed(piece)
        if data is None:
            assert fast.feed(piece) == expected
        else:
            taken += 1
            assert expected == [
                SSEEvent(data.decode("utf-8", "replace"), "message", slow.last_event_id)
            ]
    assert fast.last_event_id == slow.last_event_id


def test_the_fast_path_takes_the_usual_chunk_and_nothing_else() -> None:
    decoder = SSEDecoder()
    assert decoder.take_data(b"data: {}\n\n") is None  # first bytes: a BOM check is due
    decoder.feed(b": hello\n\n")
    assert decoder.take_data(b'data: {"a":1}\n\n') == b'{"a":1}'
    for other in (
        b"data: a\r\n\r\n",
        b"data: a\ndata: b\n\n",
        b"data:a\n\n",
        b"data: a\n",
        b": c\n\n",
    ):
        assert decoder.take_data(other) is None, other
    decoder.feed(b"data: half")
    assert decoder.take_data(b"data: x\n\n") is None  # something is buffered
