"""Snapshots of AnswerView: a finished answer, and reasoning with a tool-call card."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from playground.ui.widgets.answer_view import AnswerView

ANSWER = """# Choosing a provider

Both providers serve `openai/gpt-4.1-mini` at the **same price**; *latency* differs.
See [the model page](https://vercel.com/ai-gateway/models/gpt-4.1-mini) for details.

| provider | TTFT P50 | tok/s | input $/M |
|---|--:|--:|--:|
| azure | 0.7 s | 90 | 0.40 |
| openai | 0.6 s | 92 | 0.40 |

1. Pin a provider with `providerOptions.gateway.order`
2. Compare both in **compare mode**:
   - same prompt, two lanes
   - repeat ×10 for P50/P95

```python
from openai import OpenAI

client = OpenAI(base_url="https://ai-gateway.vercel.sh/v1")
for chunk in client.chat.completions.create(model="openai/gpt-4.1-mini", stream=True):
    print(chunk.choices[0].delta.content or "", end="")  # stream as it comes
```

> Prices are per million tokens.

---
"""

REASONING = """The user wants the weather in **Paris**. I should call `get_weather`
with the city, then summarise.

- units: metric
- days: 2"""


class AnswerHost(App[None]):
    """A host app with one AnswerView fed on mount."""

    def __init__(self, feed: Callable[[AnswerView], None]) -> None:
        super().__init__()
        self._feed = feed

    def compose(self) -> ComposeResult:
        yield AnswerView()

    def on_mount(self) -> None:
        self._feed(self.query_one(AnswerView))


async def _wait_finished(pilot: Pilot[None]) -> None:
    view = pilot.app.query_one(AnswerView)
    for _ in range(500):
        if view.is_finished:
            break
        await asyncio.sleep(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _answer(view: AnswerView) -> None:
    for start in range(0, len(ANSWER), 5):  # streamed in small pieces, like a real answer
        view.append(ANSWER[start : start + 5])
    view.finish()


def _reasoning_and_tool(view: AnswerView) -> None:
    view.append_reasoning(REASONING)
    view.toggle_reasoning(False)
    view.append("Let me check the forecast.")
    view.add_tool_call(0, "get_weather", '{"city": "Paris", "units": "metric", "days": 2}')
    view.add_tool_call(1, "get_time", '{"timezone": "Europe/Par')
    view.finish()


def test_finished_answer_with_code_table_and_list(snap_compare: Callable[..., bool]) -> None:
    """You should see a heading with a rule, a paragraph with bold, italic, inline code and an
    underlined link, a rounded table (right-aligned numbers), a numbered list with a nested
    bullet list, a Python block labelled "python" with Pygments colours, a quote and a rule."""
    assert snap_compare(AnswerHost(_answer), run_before=_wait_finished, terminal_size=(100, 44))


def test_reasoning_and_tool_call_cards(snap_compare: Callable[..., bool]) -> None:
    """You should see "▼ Reasoning" over dimmed reasoning (bold, code, a list), the answer
    line, a card "get_weather" with pretty-printed coloured JSON, and a card "get_time" whose
    incomplete arguments are shown raw."""
    assert snap_compare(
        AnswerHost(_reasoning_and_tool), run_before=_wait_finished, terminal_size=(80, 30)
    )
