"""Benchmark: typing in the model picker, and the catalog browser, over a 1,000-model catalog.

    /work/venv/bin/python bench/model_picker.py [--models 1000] [--runs 3]

A headless Textual app at 160x48 holds the picker in a 38-column left pane (the main
screen's layout). For every key of a few searches (``gpt``, ``mini``, ``claude``, ``g41m``,
``llama-3``, ``openai/gpt-2``, each typed and then erased), the key event is posted and the
clock stops at the first frame the compositor produces after the picker has applied that
search (``App._display`` is called with the frame, headless or not). Reported per run:

- **key→frame**: wall milliseconds, median, 90th percentile and max;
- **CPU/key**: process CPU milliseconds over the same span (other processes on the shared
  cores inflate wall time, not this);
- **handler**: the picker's own work per key (search, list update), wall ms.

The same is done for a naive picker for comparison: an `OptionList` whose options are
rebuilt from `Content` rows for every match on every key (what the simplest implementation
does).

For the catalog browser: **open** (push → the first frame showing the table), **filled**
(push → every row in the table), one **keystroke** (key → the first frame after the table was
rebuilt, past the search's settle pause, which is subtracted) and **sort** (action → first frame).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events, on
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from playground.core import format as fmt
from playground.core.catalog import Catalog
from playground.ui.screens.catalog_browser import SEARCH_SETTLE_S, CatalogBrowser
from playground.ui.widgets.model_picker import ModelPicker, price_text

# The synthetic catalog lives with the tests that use it too.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.synthetic_catalog import synthetic_catalog

SEARCHES = ("gpt", "mini", "claude", "g41m", "llama-3", "openai/gpt-2")
KEY_NAMES = {"-": "minus", "/": "slash", ".": "full_stop", " ": "space"}


class NaivePicker(Vertical):
    """The simplest picker: every match becomes a new `Content` option on every key."""

    DEFAULT_CSS = "NaivePicker > OptionList { height: 1fr; border: none; }"

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog
        self.searches = 0

    def compose(self) -> ComposeResult:
        yield Input(id="search")
        yield OptionList(markup=False)

    def on_mount(self) -> None:
        self.refilter("")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.refilter(event.value)

    def refilter(self, query: str) -> None:
        catalog = self.catalog
        rows = [
            Option(
                Content.assemble(
                    m.id,
                    "  ",
                    (fmt.context(catalog.context(m)), "$text-muted"),
                    "  ",
                    (price_text(catalog.prices(m)), "$text-muted"),
                )
            )
            for m in catalog.select(query=query, type="language")
        ]
        self.query_one(OptionList).set_options(rows)
        self.query_one(OptionList).highlighted = 0 if rows else None
        self.searches += 1


class Host(App[None]):
    CSS = "#left { width: 38; } #rest { width: 1fr; }"

    def __init__(self, picker: Any) -> None:
        super().__init__()
        self.picker = picker

    def compose(self) -> ComposeResult:
        with Vertical(id="left"):
            yield self.picker
        yield Static("", id="rest")


class Frames:
    """Timestamps of the frames the app composes."""

    def __init__(self, app: App[Any]) -> None:
        self.times: list[float] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.times.append(time.perf_counter())
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]

    async def first_after(self, mark: Callable[[], float | None], limit: float = 5.0) -> float:
        """The first frame after the time `mark` returns (once it returns one)."""
        start = time.perf_counter()
        while time.perf_counter() - start < limit:
            at = mark()
            if at is not None:
                later = [t for t in self.times if t > at]
                if later:
                    return later[0]
            await asyncio.sleep(0.0005)
        raise TimeoutError("no frame")


async def wait_until(predicate: Callable[[], bool], limit: float = 30.0) -> float:
    """Poll `predicate` (state set by the app's own loop, so no event to wait on)."""
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > limit:
            raise TimeoutError("condition never held")
        await asyncio.sleep(0.0005)
    return time.perf_counter()


def once(predicate: Callable[[], bool]) -> Callable[[], float | None]:
    """A mark for `Frames.first_after`: the time `predicate` was first seen true."""
    seen: list[float] = []

    def mark() -> float | None:
        if not seen and predicate():
            seen.append(time.perf_counter())
        return seen[0] if seen else None

    return mark


def _summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(len(ordered) * 0.9)]
    return f"median {statistics.median(ordered):6.1f}  p90 {p90:6.1f}  max {ordered[-1]:6.1f}"


async def type_searches(app: Host, handled: Callable[[], int]) -> tuple[list[float], list[float]]:
    """Type and erase every search; wall and CPU ms from each key to its frame."""
    frames = Frames(app)
    walls: list[float] = []
    cpus: list[float] = []
    for search in SEARCHES:
        for char in [*search, *["backspace"] * len(search)]:
            key = "backspace" if char == "backspace" else KEY_NAMES.get(char, char)
            before = handled()
            mark = once(lambda before=before: handled() > before)  # type: ignore[misc]
            cpu0, wall0 = time.process_time(), time.perf_counter()
            app.post_message(events.Key(key, None if char == "backspace" else char))
            frame = await frames.first_after(mark)
            walls.append((frame - wall0) * 1000)
            cpus.append((time.process_time() - cpu0) * 1000)
            await asyncio.sleep(0.03)  # let the frame settle; no key overlaps the last one
    return walls, cpus


async def bench_picker(catalog: Catalog) -> None:
    picker = ModelPicker()
    app = Host(picker)
    async with app.run_test(size=(160, 48)) as pilot:
        picker.catalog = catalog
        picker.current = catalog.models[0].id
        picker.focus_search()
        await pilot.pause()
        calls: list[float] = []
        refilter = picker._refilter

        def timed(**kwargs: Any) -> None:
            start = time.perf_counter()
            refilter(**kwargs)
            calls.append((time.perf_counter() - start) * 1000)

        picker._refilter = timed  # type: ignore[method-assign]
        walls, cpus = await type_searches(app, lambda: len(calls))
    print(f"  picker  key→frame ms  {_summary(walls)}   (n={len(walls)})")
    print(f"          CPU/key ms    {_summary(cpus)}")
    print(f"          handler ms    {_summary(calls)}")


async def bench_naive(catalog: Catalog) -> None:
    picker = NaivePicker(catalog)
    app = Host(picker)
    async with app.run_test(size=(160, 48)) as pilot:
        picker.query_one(Input).focus()
        await pilot.pause()
        walls, cpus = await type_searches(app, lambda: picker.searches)
    print(f"  naive   key→frame ms  {_summary(walls)}")
    print(f"          CPU/key ms    {_summary(cpus)}")


async def bench_browser(catalog: Catalog) -> None:
    app = Host(Static("main screen"))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        frames = Frames(app)
        browser = CatalogBrowser(catalog)
        open_start = time.perf_counter()
        await app.push_screen(browser)
        opened = await frames.first_after(lambda: open_start if browser.shown else None)
        filled = await wait_until(lambda: browser.filled)
        await pilot.pause()

        generation = browser._generation
        key_start = time.perf_counter()
        app.post_message(events.Key("g", "g"))
        key_frame = await frames.first_after(once(lambda: browser._generation > generation))
        await wait_until(lambda: browser.filled)
        await pilot.pause()

        sort_start = time.perf_counter()
        browser.action_sort("price")
        sort_frame = await frames.first_after(lambda: sort_start)
        sort_filled = await wait_until(lambda: browser.filled)
    key_ms = (key_frame - key_start - SEARCH_SETTLE_S) * 1000
    print(
        f"  browser open→frame {(opened - open_start) * 1000:5.0f} ms, "
        f"→filled {(filled - open_start) * 1000:5.0f} ms;  "
        f"key→frame {key_ms:4.0f} ms (besides the {SEARCH_SETTLE_S * 1000:.0f} ms settle);  "
        f"sort→frame {(sort_frame - sort_start) * 1000:4.0f} ms, "
        f"→filled {(sort_filled - sort_start) * 1000:5.0f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    catalog = synthetic_catalog(args.models)
    print(f"{len(catalog)} models, {sum(1 for m in catalog if m.type == 'language')} language")
    for run in range(1, args.runs + 1):
        print(f"run {run}")
        await bench_picker(catalog)
        await bench_naive(catalog)
        await bench_browser(catalog)


if __name__ == "__main__":
    asyncio.run(main())
