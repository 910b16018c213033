"""A session as Markdown, with every run's figures in YAML front matter, for sharing.

Everything in a session that came from outside (prompts, answers, reasoning, tool arguments,
model and provider names, error messages) stays *text* in the export:

- terminal controls are made visible with `safe_text` (``cat export.md`` must not let an
  answer set the terminal title or write the clipboard);
- blocks (prompts, answers, reasoning, tool calls) go in fenced code blocks whose fence is
  longer than any run of backticks inside, so nothing in them can close the fence or turn into
  links, HTML or headings;
- single-line values in headings are backslash-escaped;
- YAML values are double-quoted scalars with every character YAML could misread escaped;
  numbers are plain, decimals (money) are quoted strings so they stay exact.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from playground.core import format as fmt
from playground.core.request import Message
from playground.core.run import Run
from playground.core.sanitize import safe_line, safe_text
from playground.core.session import Session

EXPORT_FORMAT = "gateway-playground-export"

# Characters a YAML 1.1 or 1.2 reader may take for a line break or refuse outright
# (outside c-printable), besides what JSON escaping already covers.
_YAML_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]"
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_BACKTICKS = re.compile(r"`+")


def yaml_scalar(value: Any) -> str:
    """One YAML scalar that every YAML reader parses back to `value`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, Decimal):
        return yaml_scalar(str(value))
    text = json.dumps(str(value), ensure_ascii=False)
    return _YAML_UNSAFE.sub(_yaml_escape, text)


def _yaml_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}"


def _yaml_mapping(items: Mapping[str, Any], indent: str) -> list[str]:
    lines: list[str] = []
    for key, value in items.items():
        if isinstance(value, list):
            if not value:
                lines.append(f"{indent}{key}: []")
                continue
            lines.append(f"{indent}{key}:")
            for entry in value:
                if isinstance(entry, Mapping):
                    body = _yaml_mapping(entry, indent + "    ")
                    lines.append(f"{indent}  - {body[0].lstrip()}")
                    lines.extend(body[1:])
                else:
                    lines.append(f"{indent}  - {yaml_scalar(entry)}")
        else:
            lines.append(f"{indent}{key}: {yaml_scalar(value)}")
    return lines


def md_inline(text: str, limit: int = 200) -> str:
    """One line of untrusted text, safe inside Markdown prose or a heading."""
    return _MD_SPECIAL.sub(r"\\\1", safe_line(text, limit))


def md_code(text: str, limit: int = 200) -> str:
    """One line of untrusted text as an inline code span (no links, no emphasis)."""
    body = safe_line(text, limit)
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(body)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or not body.strip() else ""
    return f"{ticks}{pad}{body}{pad}{ticks}"


def md_block(text: str, info: str = "text") -> str:
    """`text` in a fenced code block that nothing inside it can close."""
    body = safe_text(text)
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(body)), default=0)
    fence = "`" * max(3, longest + 1)
    if not body.endswith("\n"):
        body += "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def _run_figures(index: int, run: Run) -> dict[str, Any]:
    f = run.figures
    out: dict[str, Any] = {
        "n": index,
        "id": run.id,
        "model": run.model or run.request.model,
        "provider": f.served_by or run.request.routing.pinned,
        "status": f.status,
        "finish_reason": run.finish_reason,
    }
    if run.lane:
        out["lane"] = run.lane
    if run.group:
        out["group"] = run.group
    if run.repeat_index is not None:
        out["repeat_index"] = run.repeat_index
    if run.warmup:
        out["warmup"] = True
    out.update(
        {
            "connect_s": f.connect_s,
            "ttfb_s": f.ttfb_s,
            "ttft_s": f.ttft_s,
            "decode_rate": f.decode_rate,
            "e2e_rate": f.e2e_rate,
            "total_s": f.total_s,
            "prompt_tokens": f.tokens.prompt,
            "cached_tokens": f.tokens.cached,
            "output_tokens": f.tokens.output,
            "reasoning_tokens": f.tokens.reasoning,
            "tokens_estimated": f.tokens.estimated,
            "cost_usd": f.cost,
            "cost_source": f.cost_source,
            "stalls": f.stalls.count,
            "longest_stall_s": f.stalls.longest_s,
            "retries": f.retries,
        }
    )
    if f.fallbacks:
        out["fallbacks"] = list(f.fallbacks)
    if run.error is not None:
        out["error"] = safe_line(run.error.message, 300)
    return {k: (safe_line(v, 300) if isinstance(v, str) else v) for k, v in out.items()}


def front_matter(session: Session) -> str:
    """The YAML front matter, ``---`` lines included."""
    head: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "title": safe_line(session.title, 200),
        "session_id": session.id,
        "created": session.created,
        "saved": session.saved,
        "app_version": session.app_version,
        "profile": safe_line(session.profile.name, 120),
        "base_url": safe_line(session.profile.base_url, 300),
        "mode": session.mode,
        "runs": [_run_figures(i, r) for i, r in enumerate(session.runs, 1)],
    }
    return "---\n" + "\n".join(_yaml_mapping(head, "")) + "\n---\n"


def _prompt_of(run: Run) -> Message | None:
    for message in reversed(run.request.messages):
        if message.role == "user":
            return message
    return None


def _finite(render: Callable[[float | None], str], value: float | None) -> str:
    # A hand-edited or damaged file may hold inf or nan; the formatters expect real figures.
    if value is not None and not math.isfinite(value):
        return str(value)
    return render(value)


def _run_section(index: int, run: Run) -> Iterable[str]:
    f = run.figures
    model = md_code(run.model or run.request.model, 120)
    provider = f.served_by or run.request.routing.pinned
    title = f"## Run {index}: {model}"
    if provider:
        title += f" via {md_code(provider, 60)}"
    yield f"{title} ({f.status})\n"
    tags = []
    if run.lane:
        tags.append(f"lane {md_inline(run.lane, 20)}")
    if run.repeat_index is not None:
        tags.append(f"repeat {run.repeat_index + 1}")
    if run.warmup:
        tags.append("warm-up")
    if tags:
        yield "_" + ", ".join(tags) + "_\n"
    tokens = fmt.tokens(f.tokens.output, estimated=f.tokens.estimated)
    yield (
        "| TTFT | decode | total | output tokens | cost |\n|---|---|---|---|---|\n"
        f"| {_finite(fmt.seconds, f.ttft_s)} | {_finite(fmt.rate, f.decode_rate)} "
        f"| {_finite(fmt.seconds, f.total_s)} "
        f"| {tokens} | {fmt.usd(f.cost)} |\n"
    )
    prompt = _prompt_of(run)
    if prompt is not None and prompt.text:
        yield "### Prompt\n"
        yield md_block(prompt.text)
    if run.reasoning:
        yield "### Reasoning\n"
        yield md_block(run.reasoning)
    if run.text or not run.tool_calls:
        yield "### Answer\n"
        yield md_block(run.text, "markdown")
    if run.tool_calls:
        yield "### Tool calls\n"
        calls = [{"id": c.id, "name": c.name, "arguments": c.arguments} for c in run.tool_calls]
        yield md_block(json.dumps(calls, indent=2, ensure_ascii=False), "json")
    if run.error is not None:
        yield f"> **Error:** {md_inline(run.error.message, 300)}\n"


def export_markdown(session: Session) -> str:
    """The whole session as a Markdown document with YAML front matter."""
    parts = [front_matter(session), "\n"]
    heading = md_inline(session.title) if session.title else "Gateway Playground session"
    parts.append(f"# {heading}\n\n")
    profile = md_inline(session.profile.name, 60)
    count = len(session.runs)
    parts.append(
        f"Gateway: {profile} ({md_code(session.profile.base_url, 200)}), saved "
        f"{md_inline(session.saved, 40)}, {count} run{'' if count == 1 else 's'}.\n\n"
    )
    if session.system:
        parts.append("## System prompt\n\n")
        parts.append(md_block(session.system) + "\n")
    for index, run in enumerate(session.runs, 1):
        parts.extend(piece + "\n" for piece in _run_section(index, run))
    return "".join(parts).rstrip("\n") + "\n"
