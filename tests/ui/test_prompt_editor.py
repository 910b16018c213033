"""The prompt editor validates parameters and posts what the user asked for."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input

from playground.core.request import Params
from playground.ui.widgets.prompt_editor import PromptEditor, PromptSettings, parse_stop


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.submitted: list[PromptEditor.Submitted] = []

    def compose(self) -> ComposeResult:
        yield PromptEditor(PromptSettings(params=Params(temperature=0.7)))

    def on_prompt_editor_submitted(self, event: PromptEditor.Submitted) -> None:
        self.submitted.append(event)


async def test_submit_posts_text_and_parsed_settings() -> None:
    app = Host()
    async with app.run_test() as pilot:
        editor = app.query_one(PromptEditor)
        editor.message = "Why is the sky blue?"
        app.query_one("#max-tokens", Input).value = "1,024"
        app.query_one("#stop", Input).value = '"\\n\\n", END'
        await pilot.pause()
        assert editor.submit()
        await pilot.pause()
    [event] = app.submitted
    assert event.text == "Why is the sky blue?"
    assert event.settings.params == Params(temperature=0.7, max_tokens=1024, stop=("\n\n", "END"))


async def test_invalid_values_are_named_and_nothing_is_sent() -> None:
    app = Host()
    async with app.run_test() as pilot:
        editor = app.query_one(PromptEditor)
        editor.max_output = 32_768
        editor.message = "hi"
        app.query_one("#temperature", Input).value = "hot"
        await pilot.pause()
        assert not editor.submit()
        assert editor.problems() == ["Temperature must be a number."]
        app.query_one("#temperature", Input).value = "3"
        app.query_one("#max-tokens", Input).value = "100000"
        await pilot.pause()
        assert editor.problems() == [
            "Temperature must be between 0 and 2.",
            "Max tokens is above this model's output limit (32,768).",
        ]
        editor.message = "   "
        app.query_one("#temperature", Input).value = ""
        app.query_one("#max-tokens", Input).value = ""
        await pilot.pause()
        assert not editor.submit()
    assert app.submitted == []


def test_stop_sequences_parse_quotes_and_escapes() -> None:
    assert parse_stop("") == ()
    assert parse_stop("END, STOP") == ("END", "STOP")
    assert parse_stop('"a, b", \\n') == ("a, b", "\n")
