"""Markdown export: figures in YAML front matter, untrusted text kept as text."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import yaml

from playground.core.request import ChatRequest, Message, Routing, ToolCall
from playground.core.run import ErrorInfo, Figures, Run, TokenCounts
from playground.core.session import Session, SessionProfile, new_session
from playground.store.session_export import export_markdown, md_block, md_inline, yaml_scalar

EVIL_ANSWER = (
    "Sure.\n```\n# not a heading\n---\ntitle: hijacked\n<script>alert(1)</script>\n"
    "[click](javascript:alert(1)) \x1b]52;c;cHduZWQ=\x07 \x1b]0;pwned\x07 \u202eevil"
)


def _session() -> Session:
    request = ChatRequest(
        "openai/gpt-4.1-mini",
        (Message("system", "Be terse."), Message("user", 'Say "hi" `twice`\n---')),
        routing=Routing(only=("azure",)),
    )
    ok = Run(
        "r1",
        request,
        1.0,
        EVIL_ANSWER,
        "thinking ``` hard",
        (ToolCall("c1", "lookup", '{"q": "sky"}'),),
        "stop",
        Figures(
            "ok",
            ttft_s=0.612,
            decode_rate=91.5,
            total_s=1.84,
            tokens=TokenCounts(prompt=21, output=120),
            cost=Decimal("0.000123"),
            cost_source="gateway",
            served_by="azure",
        ),
        model="openai/gpt-4.1-mini",
        lane="A",
        repeat_index=0,
        warmup=True,
    )
    cut = dataclasses.replace(
        ok,
        id="r2",
        text="Half",
        tool_calls=(),
        reasoning="",
        figures=Figures("interrupted", ttft_s=float("inf")),
        error=ErrorInfo("stream", 'Lost "connection" [bold]x[/] after 3 tokens\nsecond line'),
        lane="B",
        repeat_index=None,
        warmup=False,
    )
    profile = SessionProfile("vercel", "https://ai-gateway.vercel.sh/v1", "vercel")
    session = new_session(profile)
    return dataclasses.replace(
        session, title='Sky: "blue"\n# red?', system="Be terse.", runs=(ok, cut)
    )


def _front_matter(text: str) -> str:
    assert text.startswith("---\n")
    end = text.index("\n---\n", 4)
    return text[4:end]


def test_front_matter_holds_every_runs_figures() -> None:
    text = export_markdown(_session())
    front = _front_matter(text)
    assert 'format: "gateway-playground-export"' in front
    assert 'cost_usd: "0.000123"' in front  # money stays exact
    assert "ttft_s: 0.612" in front and "ttft_s: .inf" in front
    assert 'provider: "azure"' in front and 'status: "interrupted"' in front
    assert "warmup: true" in front and "repeat_index: 0" in front


def test_front_matter_is_valid_yaml_with_the_same_values() -> None:
    front = _front_matter(export_markdown(_session()))
    data = yaml.safe_load(front)
    assert data["title"] == 'Sky: "blue" # red?'
    first, second = data["runs"]
    assert first["cost_usd"] == "0.000123" and first["ttft_s"] == 0.612
    assert first["tokens_estimated"] is False and first["output_tokens"] == 120
    assert second["error"] == 'Lost "connection" [bold]x[/] after 3 tokens second line'


def test_untrusted_text_stays_text() -> None:
    text = export_markdown(_session())
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    body = text[text.index("\n---\n", 4) + 5 :]
    # The answer sits in a fence longer than any backtick run inside it.
    assert "````markdown\nSure.\n```\n# not a heading" in body
    assert "title: hijacked" not in _front_matter(text)
    headings = [line for line in _outside_fences(body) if line.startswith("#")]
    assert "# not a heading" not in headings
    assert sum(1 for h in headings if h.startswith("## Run ")) == 2
    assert '# Sky: "blue" # red?' in body
    assert '> **Error:** Lost "connection" \\[bold\\]x\\[/\\] after 3 tokens second line' in body


def _outside_fences(markdown: str) -> list[str]:
    """The lines a CommonMark reader would not treat as the inside of a fenced block."""
    out: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines():
        ticks = len(line) - len(line.lstrip("`"))
        if fence is None and ticks >= 3:
            fence = "`" * ticks
        elif fence is not None and line.strip() == fence:
            fence = None
        elif fence is None:
            out.append(line)
    return out


def test_helpers() -> None:
    assert md_block("a ```` b") == "`````text\na ```` b\n`````\n"
    assert md_inline("*x* [y](z) <b>") == "\\*x\\* \\[y\\](z) \\<b\\>"
    assert yaml_scalar("a\u2028b\ufeff") == '"a\\u2028b\\ufeff"'
    assert yaml_scalar(None) == "null" and yaml_scalar(False) == "false"
    assert yaml_scalar(float("nan")) == ".nan" and yaml_scalar(-float("inf")) == "-.inf"
    assert yaml_scalar(Decimal("1E-7")) == '"1E-7"'
