"""AnswerView in a real Textual app (Pilot): batching, faithful final render, following the
bottom, links that only post a message, and hostile text that stays inert."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult

from playground.ui.markdown.packed import PackedLine, StyleTable
from playground.ui.markdown.render import Line, render_whole
from playground.ui.widgets.answer_view import MAX_FPS, AnswerView

DOCUMENT = """# Release notes

Gateway Playground now streams **fast**: see [the docs](https://example.com/docs).

1. Pick a model
2. Pick a provider
   - or let the gateway route
3. Send

| provider | TTFT | tok/s |
|---|--:|--:|
| azure | 0.7 s | 92 |
| openai | 0.6 s | 88 |

```python
def main() -> None:
    print("hello")
```

> Quoted *text*.
"""

PAYLOADS = [
    "[@click=app.pwn('x')]CLICK1[/]",
    "[ @click=app.pwn]CLICK2[/]",
    "[link=https://evil.example]CLICK3[/link]",
    "stray [/] closer and [bold unclosed",
    "osc52 \x1b]52;c;SGVsbG8=\x07 title \x1b]0;pwned\x1b\\ hyperlink \x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\",
    "csi \x1b[2J\x1b[31mred c1 \x9b2J \x9dstring\x9c bidi \u202eRLO \u2066isolate\u2069",
]
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class Host(App[None]):
    """One AnswerView; records actions, links and opened URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.fired: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        yield AnswerView()

    def action_pwn(self, *args: object) -> None:
        self.fired.append(f"pwn{args}")

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)

    def on_answer_view_link_clicked(self, message: AnswerView.LinkClicked) -> None:
        self.links.append((message.url, message.text))


async def _settle(view: AnswerView, seconds: float = 30.0) -> None:
    """Wait until the view has rendered its final text (a 100,000-token answer takes a few
    seconds on a busy 2-core machine)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not view.is_finished and asyncio.get_running_loop().time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    await view.app.workers.wait_for_complete()
    assert view.is_finished


def _same(lines: list[Line]) -> list[list[tuple[str, object]]]:
    """Lines as (text, style) runs: packing merges neighbours of one style."""
    return [
        [(s.text, s.style) for s in Segment.simplify(s for s in line if s.text)] for line in lines
    ]


def _text(line: Line) -> str:
    return "".join(segment.text for segment in line)


def _screen_lines(view: AnswerView) -> list[str]:
    return [_text(list(view.render_line(y))) for y in range(view.size.height)]


def _find(view: AnswerView, needle: str) -> tuple[int, int]:
    """Screen (x, y) of `needle` in the view's visible rows."""
    for y, row in enumerate(_screen_lines(view)):
        x = row.find(needle)
        if x >= 0:
            return x, y
    raise AssertionError(f"{needle!r} not on screen")


@pytest.mark.parametrize("chunk", [1, 3, 17, 1000])
async def test_streamed_answer_ends_exactly_as_the_whole_text_renders(chunk: int) -> None:
    app = Host()
    async with app.run_test(size=(90, 40)) as pilot:
        view = app.query_one(AnswerView)
        for start in range(0, len(DOCUMENT), chunk):
            view.append(DOCUMENT[start : start + chunk])
            if start % (chunk * 7) == 0:
                await pilot.pause()
        view.finish()
        await _settle(view)
        width = view.scrollable_content_region.width
        expected = render_whole(DOCUMENT, width, view.markdown_theme)
        assert _same(view.rendered_lines()) == _same(expected)
        assert view.text == DOCUMENT
        with pytest.raises(RuntimeError):
            view.append("more")
        view.clear()
        view.append("# Next answer")
        await pilot.pause(0.1)
        assert _screen_lines(view)[0].startswith("Next answer")


async def test_appends_are_painted_in_batches_not_per_token() -> None:
    app = Host()
    async with app.run_test(size=(90, 30)):
        view = app.query_one(AnswerView)
        await asyncio.sleep(0.05)
        before = view.paint_count
        started = time.perf_counter()
        for n in range(3000):
            view.append(f"word{n} ")
            await asyncio.sleep(0)
        view.finish()
        await _settle(view)
        elapsed = time.perf_counter() - started
        paints = view.paint_count - before
        # At most one paint per interval, plus the immediate first one and the final flush.
        assert paints <= elapsed * MAX_FPS + 3, (paints, elapsed)
        assert paints < 3000 / 10


async def test_follows_the_bottom_until_the_user_scrolls_up_then_resumes() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(AnswerView)
        view.append("".join(f"line {n}\n\n" for n in range(60)))
        await pilot.pause(0.2)
        assert view.max_scroll_y > 0
        assert view.scroll_y == view.max_scroll_y

        for _ in range(3):  # what the mouse wheel and the up key do
            view.scroll_up(animate=False)
        await pilot.pause()
        held = view.scroll_y
        assert held < view.max_scroll_y
        view.append("".join(f"more {n}\n\n" for n in range(20)))
        await pilot.pause(0.2)
        assert view.scroll_y == held  # the user's position is kept

        view.scroll_end(animate=False)
        await pilot.pause()
        view.append("".join(f"again {n}\n\n" for n in range(20)))
        await pilot.pause(0.2)
        assert view.scroll_y == view.max_scroll_y  # following again
        assert "again 19" in "\n".join(_screen_lines(view))


async def test_clicking_a_link_posts_its_url_and_text_and_opens_nothing() -> None:
    app = Host()
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(AnswerView)
        view.append("Read [the docs](https://example.com/docs) or [this](ftp://files.example/x).")
        view.finish()
        await _settle(view)
        await pilot.pause()
        x, y = _find(view, "the docs")
        await pilot.hover(AnswerView, offset=(x + 2, y))
        assert str(view.tooltip) == "https://example.com/docs"  # the URL, shown as plain text
        await pilot.click(AnswerView, offset=(x + 2, y))
        x, y = _find(view, "this")
        await pilot.click(AnswerView, offset=(x + 1, y))
        await pilot.pause()
        assert app.links == [("https://example.com/docs", "the docs")]
        assert app.opened == []


async def test_markup_and_escape_payloads_render_literally_and_fire_nothing() -> None:
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(AnswerView)
        text = "\n\n".join(PAYLOADS) + "\n"
        for start in range(0, len(text), 2):  # escape sequences split across tokens
            view.append(text[start : start + 2])
        view.append_reasoning("reasoning " + PAYLOADS[0] + PAYLOADS[4])
        view.add_tool_call(0, "evil\x1b]0;x\x07[@click=app.pwn]", '{"a": "\\u009b2J\\u202e"}')
        view.finish()
        await _settle(view)
        view.toggle_reasoning(False)
        await pilot.pause(0.1)
        rows = _screen_lines(view)
        screen = "\n".join(rows)
        for row in rows:
            assert not CONTROLS.search(row), repr(row)
        literals = [PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], "stray [/] closer and [bold"]
        for literal in literals:
            assert literal in screen
        for y in range(view.size.height):
            for segment in view.render_line(y):
                style = segment.style
                assert style is None or ("@click" not in style.meta and style.link is None)
        for needle in ("CLICK1", "CLICK2", "CLICK3"):
            x, y = _find(view, needle)
            await pilot.click(AnswerView, offset=(x + 1, y))
        await pilot.pause()
        assert app.fired == []
        assert app.links == []
        assert app.is_running
        assert view.text == text  # the raw text is kept as it came


async def test_reasoning_is_collapsed_once_the_answer_starts_and_toggles_by_click() -> None:
    app = Host()
    messages: list[AnswerView.ReasoningToggled] = []
    async with app.run_test(size=(80, 24), message_hook=lambda m: messages.append(m)) as pilot:  # type: ignore[arg-type]
        view = app.query_one(AnswerView)
        view.append_reasoning("First I think.\n\nThen I **decide**.")
        await pilot.pause(0.1)
        assert not view.reasoning_collapsed
        assert _screen_lines(view)[0].startswith("▼ Reasoning")
        view.append("The answer.")
        await pilot.pause(0.1)
        assert view.reasoning_collapsed
        assert _screen_lines(view)[0].startswith("▶ Reasoning (3 lines)")
        await pilot.click(AnswerView, offset=(2, 0))
        await pilot.pause(0.1)
        rows = _screen_lines(view)
        assert rows[0].startswith("▼ Reasoning") and rows[1].startswith("First I think.")
        toggles = {id(m): m for m in messages if isinstance(m, AnswerView.ReasoningToggled)}
        assert [m.collapsed for m in toggles.values()] == [False]
        view.toggle_reasoning()
        await pilot.pause(0.1)
        assert view.reasoning_collapsed


async def test_tool_call_card_updates_as_arguments_stream() -> None:
    app = Host()
    async with app.run_test(size=(60, 24)) as pilot:
        view = app.query_one(AnswerView)
        view.add_tool_call(0, "get_weather", '{"city": "Par')
        await pilot.pause(0.1)
        rows = _screen_lines(view)
        assert rows[0].startswith("╭─ ⚙ get_weather ─")
        assert rows[1].startswith('│ {"city": "Par ')
        view.add_tool_call(0, "get_weather", '{"city": "Paris", "days": [1, 2]}')
        await pilot.pause(0.1)
        rows = [row.rstrip() for row in _screen_lines(view)]
        assert rows[1:4] == ["│ {" + " " * 54 + "│", '│   "city": "Paris",' + " " * 37 + "│",
                             '│   "days": [' + " " * 44 + "│"]  # fmt: skip


async def test_code_blocks_and_text_for_copying() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(AnswerView)
        view.append(DOCUMENT)
        view.append("- item\n\n  ```sh\n  echo hi\n  ```\n\n```js\nlet x = 1;\n")
        await pilot.pause(0.1)
        assert view.code_blocks() == [
            ("python", 'def main() -> None:\n    print("hello")'),
            ("sh", "echo hi"),
            ("js", "let x = 1;"),
        ]


async def test_resize_and_code_theme_rerender() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        view = app.query_one(AnswerView)
        view.append(DOCUMENT)
        view.finish()
        await _settle(view)
        await pilot.resize_terminal(50, 40)
        await pilot.pause(0.2)
        width = view.scrollable_content_region.width
        assert width < 60
        expected = render_whole(DOCUMENT, width, view.markdown_theme)
        assert _same(view.rendered_lines()) == _same(expected)

        def code_colours() -> set[object]:
            return {
                s.style.color
                for line in view.rendered_lines()
                for s in line
                if s.style and "print" in s.text
            }

        before = code_colours()
        view.code_theme = "friendly"
        await pilot.pause(0.2)
        assert code_colours() != before
        background = view.rendered_lines()[0][0].style
        app.theme = "textual-light"
        await pilot.pause(0.2)
        assert view.rendered_lines()[0][0].style != background


async def test_a_huge_burst_is_spread_over_frames() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        view = app.query_one(AnswerView)
        await pilot.pause()
        text = "".join(f"## Part {n}\n\nSome **text** for part {n}.\n\n" for n in range(3000))
        before = view.paint_count
        view.append(text)
        view.finish()
        await _settle(view)
        assert view.paint_count - before >= 3  # not one frozen frame
        width = view.scrollable_content_region.width
        assert len(view.rendered_lines()) == len(render_whole(text, width, view.markdown_theme))
        assert Segment.get_line_length(view.rendered_lines()[-1]) == width


async def test_a_long_answer_paints_only_the_visible_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """100,000 tokens: scrolling renders the rows on screen, not the answer."""
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(AnswerView)
        paragraph = "Some *prose* with `code` and **bold** words, " * 8
        text = "".join(f"## Part {n}\n\n{paragraph}\n\n- a\n- b\n\n" for n in range(1200))
        view.append(text)
        view.finish()
        await _settle(view)
        await pilot.pause()
        assert view.virtual_size.height > 10_000
        unpacked = 0
        unpack = StyleTable.unpack

        def counting(self: StyleTable, line: PackedLine) -> Line:
            nonlocal unpacked
            unpacked += 1
            return unpack(self, line)

        monkeypatch.setattr(StyleTable, "unpack", counting)
        for y in (5_000, 5_010, 9_000):
            view.scroll_to(y=y, animate=False)
            await pilot.pause()
            assert any("Part" in row or "prose" in row for row in _screen_lines(view))
        assert 0 < unpacked <= 3 * view.size.height + 10


async def test_tool_cards_stay_small_for_huge_arguments() -> None:
    app = Host()
    async with app.run_test(size=(60, 24)) as pilot:
        view = app.query_one(AnswerView)
        content = "x" * 200_000
        view.add_tool_call(0, "write_file", '{"path": "a.txt", "content": "' + content)
        await pilot.pause(0.1)
        assert view.virtual_size.height < 120  # the last 4,000 characters, wrapped
        view.add_tool_call(1, "list", "[" + ",".join(str(n) for n in range(500)) + "]")
        await pilot.pause(0.1)
        assert any("… 462 more lines" in row for row in view_rows(view))


def view_rows(view: AnswerView) -> list[str]:
    return [_text(view._styles.unpack(line)) for line in view._tool_lines]
