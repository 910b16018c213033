"""Ready-made tools a user can add in one keypress, with a sample result for each.

They exist to try tool calling without writing a schema first: ask "What's the weather in
Paris?" with ``get_weather`` defined and the model calls it; type the result (the sample is
offered as the placeholder) and the model answers with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.core.request import Tool


@dataclass(frozen=True, slots=True)
class ExampleTool:
    """A tool to add, the key that adds it in the tool editor, and a result to try."""

    tool: Tool
    key: str
    """The key that adds it in the tool editor."""
    sample_result: str
    """A plausible result, shown as the placeholder of its result field."""
    prompt: str
    """A prompt that makes a model call it."""


EXAMPLE_TOOLS: tuple[ExampleTool, ...] = (
    ExampleTool(
        Tool(
            "get_weather",
            "Get the current weather for a city.",
            {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "The city, e.g. Paris"},
                    "unit": {
                        "type": "string",
                        "enum": ["celsius", "fahrenheit"],
                        "description": "Temperature unit",
                    },
                },
                "required": ["city"],
            },
        ),
        key="w",
        sample_result='{"temperature": 18, "unit": "celsius", "conditions": "partly cloudy"}',
        prompt="What's the weather in Paris?",
    ),
    ExampleTool(
        Tool(
            "search_docs",
            "Search the documentation and return the best matching passages.",
            {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "What to look for"},
                    "limit": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": 10,
                        "description": "How many passages to return",
                    },
                },
                "required": ["query"],
            },
        ),
        key="s",
        sample_result=(
            '[{"title": "Provider routing", "url": "https://example.com/docs/routing", '
            '"snippet": "Use providerOptions.gateway.order to prefer providers."}]'
        ),
        prompt="Search the docs for provider routing.",
    ),
    ExampleTool(
        Tool(
            "get_time",
            "Get the current local time in a time zone.",
            {
                "type": "object",
                "properties": {
                    "timezone": {
                        "type": "string",
                        "description": "An IANA time zone, e.g. Europe/Paris",
                    }
                },
                "required": ["timezone"],
            },
        ),
        key="t",
        sample_result='{"timezone": "Europe/Paris", "time": "14:05", "utc_offset": "+01:00"}',
        prompt="What time is it in Tokyo?",
    ),
)
"""The examples, in the order the tool editor lists them."""


def example_named(name: str) -> ExampleTool | None:
    """The example tool called `name`, if there is one."""
    return next((e for e in EXAMPLE_TOOLS if e.tool.name == name), None)


def sample_result(name: str) -> str:
    """A sample result for a call of tool `name` (empty for tools that are not examples)."""
    example = example_named(name)
    return example.sample_result if example is not None else ""
