"""Tool use: which tool a simulated model calls, with which arguments, and how it answers
once the results come back.

Arguments are built from the tool's JSON schema, filled from the prompt where a property's
name says what it wants (a city, a query, a number) and with a sensible value otherwise, so
the call is valid against its schema. The same builder writes JSON-mode answers that follow a
``json_schema``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from random import Random
from typing import Any

from playground.core.request import Tool

_FUNCTION_WORD_TEXT = """
    a an the is are was what whats what's how do does can could would should please tell
    me in on at for of to and or with about from use using tool call my your this that
    it get give show
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_TEXT.split())
"""Words that say nothing about which tool fits."""
_STOP = _FUNCTION_WORDS | frozenset(
    ["weather", "time", "today", "now", "current", "currently", "find", "look", "up", "search"]
)
"""Also not a value: "What's the *weather* in Paris?" wants Paris, not Weather."""


def _proper_nouns(prompt: str) -> list[str]:
    """Capitalised words that do not start a sentence: the likeliest places and names."""
    found = []
    for match in re.finditer(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-zà-ÿ]+(?:\s[A-Z][a-zà-ÿ]+)*)", prompt):
        if match.group(1).lower() not in _STOP:
            found.append(match.group(1))
    return found


def _keywords(prompt: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][\w-]+", prompt) if w.lower() not in _STOP]


def value_for(
    name: str, schema: Mapping[str, Any], prompt: str, rng: Random, depth: int = 0
) -> Any:
    """A value for property `name` that satisfies `schema`, taken from `prompt` when it can."""
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        options = list(schema["enum"])
        low = prompt.lower()
        return next((o for o in options if str(o).lower() in low), options[0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
    if "anyOf" in schema or "oneOf" in schema:
        first = (schema.get("anyOf") or schema.get("oneOf") or [{}])[0]
        return value_for(name, first, prompt, rng, depth)
    if kind == "object":
        return object_for(schema, prompt, rng, depth + 1)
    if kind == "array":
        item = schema.get("items", {"type": "string"})
        count = max(1, min(3, int(schema.get("minItems", 1))))
        return [value_for(name, item, prompt, rng, depth + 1) for _ in range(count)]
    if kind == "boolean":
        return bool(re.search(r"\b(?:yes|true|enable|include)\b", prompt.lower()))
    if kind in ("integer", "number"):
        numbers = re.findall(r"-?\d+(?:\.\d+)?", prompt)
        low, high = schema.get("minimum", 1), schema.get("maximum", 100)
        value: float = float(numbers[0]) if numbers else (5 if low <= 5 <= high else low)
        value = min(max(value, low), high)
        return int(value) if kind == "integer" else value
    return _string_for(name.lower(), schema, prompt, rng)


def _string_for(name: str, schema: Mapping[str, Any], prompt: str, rng: Random) -> str:
    nouns = _proper_nouns(prompt)
    words = _keywords(prompt)
    fmt = schema.get("format", "")
    if fmt == "date" or name.endswith("date"):
        return dt.date(2026, 11, 27).isoformat()
    if fmt == "date-time" or name.endswith(("time", "_at")):
        return "2026-11-27T12:00:00Z"
    if fmt in ("uri", "url") or name in ("url", "uri", "link"):
        return "https://example.com/" + "-".join(w.lower() for w in words[:3])
    if fmt == "email" or "email" in name:
        return "alex@example.com"
    if any(k in name for k in ("city", "location", "place", "country", "destination", "where")):
        return nouns[0] if nouns else "San Francisco"
    if any(k in name for k in ("name", "person", "user", "who")):
        return nouns[0] if nouns else "Alex"
    if any(k in name for k in ("query", "search", "q", "question", "prompt", "text", "input")):
        return " ".join(prompt.split())[:200].rstrip("?.! ")
    if any(k in name for k in ("unit", "units")):
        return "celsius"
    if any(k in name for k in ("lang", "language", "locale")):
        return "en"
    if any(k in name for k in ("symbol", "ticker")):
        tickers = re.findall(r"\b[A-Z]{2,5}\b", prompt)
        return tickers[0] if tickers else "AAPL"
    if words:
        return " ".join(words[:4])
    return rng.choice(("example", "default", "sample"))


def object_for(
    schema: Mapping[str, Any], prompt: str, rng: Random, depth: int = 0
) -> dict[str, Any]:
    """An object with every required property (and the optional ones, at the top level)."""
    properties: Mapping[str, Any] = schema.get("properties", {}) or {}
    required = set(schema.get("required", properties.keys() if depth == 0 else ()))
    out: dict[str, Any] = {}
    for key, sub in properties.items():
        if key in required or (depth == 0 and isinstance(sub, Mapping) and "default" not in sub):
            out[key] = value_for(key, sub if isinstance(sub, Mapping) else {}, prompt, rng, depth)
        elif isinstance(sub, Mapping) and "default" in sub:
            out[key] = sub["default"]
    if not properties and depth == 0:
        out["input"] = " ".join(prompt.split())[:200]
    return out


def choose_tools(tools: Sequence[Tool], prompt: str, tool_choice: str | None) -> list[Tool]:
    """The tools the model calls for `prompt` (empty: it answers in text instead).

    ``none`` calls nothing, ``required`` and a named tool always call; ``auto`` (the default)
    calls the tool whose name and description share the most words with the prompt, and
    also a second one when the prompt asks for two things (``… and …``) that match it.
    """
    if not tools or tool_choice == "none":
        return []
    if tool_choice not in (None, "auto", "required"):
        named = [t for t in tools if t.name == tool_choice]
        return named or [tools[0]]
    words = {w.lower() for w in re.findall(r"[a-zA-Z]{3,}", prompt)} - _FUNCTION_WORDS
    scored = []
    for index, tool in enumerate(tools):
        vocabulary = set(
            re.findall(r"[a-z]{3,}", f"{tool.name} {tool.description}".lower().replace("_", " "))
        )
        scored.append((len(words & vocabulary), -index, tool))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    best = [tool for score, _, tool in scored if score > 0]
    if not best:
        return [tools[0]] if tool_choice == "required" or "tool" in prompt.lower() else []
    if len(best) > 1 and re.search(r"\band\b|\balso\b", prompt.lower()):
        return best[:2]
    return best[:1]


def arguments_for(tool: Tool, prompt: str, rng: Random) -> str:
    """The call's arguments as the JSON text a model writes (compact, like OpenAI's)."""
    args = object_for(tool.parameters, prompt, rng)
    return json.dumps(args, ensure_ascii=False, separators=(",", ":"))


def answer_from_results(results: Sequence[tuple[str, str]], prompt: str) -> str:
    """An answer that uses tool results: (tool name, result text) pairs, in call order."""
    parts: list[str] = []
    for name, content in results:
        parts.append(f"Here's what `{name}` returned:")
        parts.append(_render_result(content))
    if prompt:
        parts.append(
            "So, to your question (“" + " ".join(prompt.split())[:120] + "”): " + _summary(results)
        )
    else:
        parts.append(_summary(results))
    return "\n\n".join(parts)


def _render_result(content: str) -> str:
    try:
        data = json.loads(content)
    except ValueError:
        text = " ".join(content.split())
        return "> " + (text[:400] + ("…" if len(text) > 400 else "")) if text else "> (empty)"
    if isinstance(data, dict) and data:
        return "\n".join(f"- **{key}**: {_scalar(value)}" for key, value in list(data.items())[:12])
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        columns = list(dict.fromkeys(k for row in data[:20] for k in row))[:6]
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += [
            "| " + " | ".join(_scalar(row.get(c, "")) for c in columns) + " |" for row in data[:20]
        ]
        return "\n".join(lines)
    return f"`{_scalar(data)}`"


def _scalar(value: Any) -> str:
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 80 else text[:79] + "…"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _summary(results: Sequence[tuple[str, str]]) -> str:
    facts: list[str] = []
    for _, content in results:
        try:
            data = json.loads(content)
        except ValueError:
            continue
        if isinstance(data, dict):
            facts += [f"{k} is {_scalar(v)}" for k, v in list(data.items())[:3]]
    if not facts:
        return "the results above answer it directly."
    return "the " + ", the ".join(facts) + "."
