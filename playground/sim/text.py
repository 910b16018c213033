"""What a simulated model says: the answer, its reasoning, or the tool calls it makes.

`compose` is deterministic: the same seed, model and conversation give the same answer. The
provider also counts unless the request sets ``temperature: 0``, so two providers of one model
answer a little differently, as sampled models do. It decides, in order:

1. the conversation ends with tool results → an answer that uses them;
2. tools are offered and one fits the prompt (or ``tool_choice`` demands one) → tool calls;
3. JSON mode → a JSON object (following ``json_schema`` when one is given);
4. a prompt people try first ("Why is the sky blue?") → a written-out answer;
5. a request for code → fenced code in the asked-for language (and a second language);
6. otherwise → an answer composed from the prompt's words, shaped by what it asks for.

A system prompt that asks for brevity gets the one-sentence form; attachments are
acknowledged by name, media type and size first.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random

from playground.core.request import ChatRequest, FilePart, ImagePart, Message, ToolCall
from playground.sim import answers, code, prose, tools
from playground.sim.catalog import Model
from playground.sim.tokens import decode_head, decoded_size, short_id, split_tokens

BREVITY = re.compile(
    r"\b(?:be (?:brief|concise|terse)|brief(?:ly)?|concise(?:ly)?|terse|short answers?|"
    r"one (?:short )?sentence|in a sentence|few words|keep it short|no more than \w+ words)\b",
    re.IGNORECASE,
)

REASONING_BUDGET = {"minimal": 20, "low": 60, "medium": 150, "high": 400, "xhigh": 800}
"""Approximate reasoning tokens by effort (``reasoning.max_tokens`` caps them)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One assistant turn, before it is cut into tokens."""

    content: str
    reasoning: str = ""
    tool_calls: tuple[ToolCall, ...] = ()


def rng_for(seed: int, *parts: object) -> Random:
    """A `Random` fixed by `seed` and `parts` (stable across runs and Python versions)."""
    digest = hashlib.sha256(repr((seed, *parts)).encode()).digest()
    return Random(int.from_bytes(digest[:16], "big"))


def _last_user(messages: Sequence[Message]) -> Message | None:
    return next((m for m in reversed(messages) if m.role == "user"), None)


def _tool_results(messages: Sequence[Message]) -> list[tuple[str, str]]:
    """(tool name, result) for the tool messages after the last assistant tool call."""
    names: dict[str, str] = {}
    results: list[tuple[str, str]] = []
    for message in messages:
        if message.role == "assistant" and message.tool_calls:
            names = {call.id: call.name for call in message.tool_calls}
            results = []
        elif message.role == "tool":
            name = names.get(message.tool_call_id or "", "the tool")
            results.append((name, message.text))
    return results


def wants_reasoning(request: ChatRequest, model: Model) -> bool:
    """Whether the model thinks before answering this request."""
    if model.reasoning == "mandatory":
        return True
    if model.reasoning == "optional" and request.reasoning is not None:
        return request.reasoning.effort != "none"
    return False


def compose(
    request: ChatRequest,
    *,
    user_text: str,
    model: Model,
    provider: str,
    seed: int,
    length: int | None = None,
) -> Answer:
    """The answer `model` gives to `request`.

    Args:
        request: the parsed request.
        user_text: the last user message's text, without its ``/sim`` directive line.
        model: the model that answers (after any model fallback).
        provider: the provider that serves it.
        seed: the gateway's seed.
        length: make the content at least this many tokens (the ``tokens=`` directive);
            the plan streams exactly that many.
    """
    conversation = [(m.role, m.text) for m in request.messages[:-1]]
    sampled = request.params.temperature != 0
    rng = rng_for(
        seed, model.id, provider if sampled else "", conversation, user_text, request.params.seed
    )
    topic = prose.topic_of(user_text or "hello")
    reasoning = ""
    if wants_reasoning(request, model):
        effort = (request.reasoning.effort if request.reasoning else None) or "medium"
        budget = REASONING_BUDGET.get(effort, 150)
        if request.reasoning is not None and request.reasoning.max_tokens:
            budget = min(budget * 2, request.reasoning.max_tokens)
        reasoning = prose.reasoning_text(topic, rng, budget=budget)
        if request.reasoning is not None and request.reasoning.max_tokens:
            reasoning = "".join(split_tokens(reasoning)[: request.reasoning.max_tokens])

    last = request.messages[-1]
    if last.role == "tool":
        results = _tool_results(request.messages)
        return Answer(tools.answer_from_results(results, user_text), reasoning)

    chosen = tools.choose_tools(request.tools, user_text, request.tool_choice)
    if chosen:
        calls = tuple(
            ToolCall(f"call_{short_id(rng)}", tool.name, tools.arguments_for(tool, user_text, rng))
            for tool in chosen
        )
        preface = ""
        if model.creator == "anthropic":
            names = " and ".join(f"`{t.name}`" for t in chosen)
            preface = f"I'll check that with {names}."
        return Answer(preface, reasoning, calls)

    if request.response_format is not None and request.response_format.type != "text":
        return Answer(_json_answer(request, user_text, topic, model, provider, rng), reasoning)

    follow_up = _follow_up(request.messages, user_text, rng)
    full, short = follow_up or _body(user_text, topic, model, provider, rng)
    system = " ".join(m.text for m in request.messages if m.role == "system")
    content = short if BREVITY.search(system) else full
    user = _last_user(request.messages)
    if user is not None and user.attachments:
        content = _acknowledge(user, content, brief=bool(BREVITY.search(system)))
    if length is not None:
        content = _exact_length(content, topic, rng, length)
    return Answer(content, reasoning)


def _body(
    user_text: str, topic: prose.Topic, model: Model, provider: str, rng: Random
) -> tuple[str, str]:
    ctx = answers.Context(model.name, model.id, provider, rng)
    canned = answers.recognise(user_text, ctx)
    if canned is not None:
        return canned.full, canned.short
    if code.wants_code(user_text):
        full = code.compose_code(user_text, rng)
        block = re.search(r"```.*?```", full, re.DOTALL)
        return full, block.group() if block else full
    low = user_text.lower()
    if re.search(r"\bhaiku\b", low):
        return prose.poem(topic, rng, haiku=True)
    if re.search(r"\b(?:poem|verse|sonnet|limerick)\b", low):
        return prose.poem(topic, rng, haiku=False)
    if re.search(r"\b(?:story|tale|fable)\b", low):
        return prose.story(topic, rng)
    if re.search(r"\b(?:vs\.?|versus|compare|comparison|differences? between)\b", low):
        return prose.comparison(user_text, topic, rng)
    if re.match(
        r"\s*(?:how (?:do|can|should|would) i|how to|steps to|guide to|set up|install)\b", low
    ):
        return prose.steps(topic, rng)
    if prose.LIST_REQUEST.search(user_text) or re.search(
        r"\b(?:list|ideas|tips|ways to|examples of|top \d+|"
        r"\d+ (?:ideas|tips|ways|reasons|examples))\b",
        low,
    ):
        return prose.listing(user_text, topic, rng)
    return prose.explanation(topic, rng)


_LEAD_IN = r"^\W*(?:(?:now|ok|okay|great|thanks|cool|nice|so|and|then)\b\W*)*"
"""Words people put before a follow-up ("Now summarise that", "OK, shorter")."""
_SHORTER = re.compile(
    _LEAD_IN + r"(?:(?:(?:please |can you |could you )?make it |too long|"
    r"(?:please |can you |could you )?(?:summari[sz]e|sum up) (?:that|this|it)|tl;?dr|"
    r"in short)|(?:shorter|briefer|more concise)\b)",
    re.IGNORECASE,
)
_ONE_LINE = re.compile(r"\b(?:in|to|as) (?:one|a single|1) (?:line|sentence)\b", re.IGNORECASE)
_MORE = re.compile(
    _LEAD_IN + r"(?:continue|go on|keep going|more|tell me more|more detail|expand|elaborate|"
    r"go deeper|and then)\b",
    re.IGNORECASE,
)


def _follow_up(messages: Sequence[Message], user_text: str, rng: Random) -> tuple[str, str] | None:
    """A follow-up about the previous answer ("shorter", "tell me more"), or None."""
    previous = next((m for m in reversed(messages[:-1]) if m.role == "assistant" and m.text), None)
    if previous is None or len(user_text) > 80:
        return None
    if _SHORTER.search(user_text):
        sentences = []
        for block in previous.text.split("\n\n"):
            block = block.strip()
            if not block or block.startswith(("#", "|", "```", "-", ">")) or block[0].isdigit():
                continue
            first = re.split(r"(?<=[.!?])\s", block, maxsplit=1)[0]
            if not first.endswith(":"):
                sentences.append(first)
        if not sentences:
            sentences = [previous.text.split("\n")[0].lstrip("# ")]
        if _ONE_LINE.search(user_text):
            return sentences[0], sentences[0]
        bullets = "\n".join(f"- {s}" for s in sentences[:3])
        return f"In short:\n\n{bullets}", sentences[0]
    if _MORE.search(user_text):
        earlier = [m for m in messages[:-1] if m.role == "user"]
        topic = prose.topic_of(earlier[-1].text if earlier else previous.text[:200])
        start = rng.randrange(3)
        sections = [prose.more(topic, rng, start + i) for i in range(2)]
        lead = rng.choice(("Sure, let's go further.", "Happy to expand.", "Here's more detail."))
        return "\n\n".join((lead, *sections)), lead
    return None


def _json_answer(
    request: ChatRequest,
    user_text: str,
    topic: prose.Topic,
    model: Model,
    provider: str,
    rng: Random,
) -> str:
    fmt = request.response_format
    if fmt is not None and fmt.schema:
        value = tools.object_for(fmt.schema, user_text, rng)
    else:
        _, short = _body(user_text, topic, model, provider, rng)
        value = {
            "topic": topic.phrase,
            "answer": re.sub(r"[*`_]", "", short),
            "key_points": [k.lower() for k in topic.keywords[:3]],
            "confidence": round(0.72 + rng.random() * 0.25, 2),
        }
    return json.dumps(value, indent=2, ensure_ascii=False)


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} bytes"


def _image_facts(part: ImagePart) -> str:
    if part.url:
        return f"the image at {part.url}"
    head = decode_head(part.data, 64)
    size = decoded_size(part.data)
    dims = ""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        width, height = struct.unpack(">II", head[16:24])
        dims = f", {width}×{height}"
    elif head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        width, height = struct.unpack("<HH", head[6:10])
        dims = f", {width}×{height}"
    name = f"`{part.filename}`, " if part.filename else ""
    return f"the attached image ({name}{part.media_type}{dims}, {_kb(size)})"


def _file_facts(part: FilePart) -> str:
    size = decoded_size(part.data)
    facts = f"`{part.filename}` ({part.media_type}, {_kb(size)}"
    if part.media_type == "application/pdf":
        head = decode_head(part.data, min(size, 4 * 1024 * 1024))
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", head))
        version = re.match(rb"%PDF-(\d\.\d)", head)
        if version:
            facts += f", PDF {version.group(1).decode()}"
        if pages:
            facts += f", {pages} page{'s' if pages != 1 else ''}"
        return facts + ")"
    if part.media_type.startswith("text/") or part.media_type in (
        "application/json",
        "application/xml",
        "application/x-yaml",
    ):
        text = decode_head(part.data, min(size, 256 * 1024)).decode("utf-8", "replace")
        lines = text.splitlines()
        facts += f", {len(lines)} lines, {len(text.split())} words)"
        first = next((line.strip() for line in lines if line.strip()), "")
        if first:
            facts += f". It starts with:\n\n> {first[:160]}"
        return facts
    return facts + ")"


def _acknowledge(user: Message, content: str, *, brief: bool) -> str:
    notes = []
    for part in user.attachments:
        if isinstance(part, ImagePart):
            notes.append(f"I can see {_image_facts(part)}.")
        else:
            notes.append(f"I've read the attached file {_file_facts(part)}")
    lead = " ".join(notes) if brief else "\n\n".join(notes)
    return f"{lead}\n\n{content}" if content else lead


def _exact_length(content: str, topic: prose.Topic, rng: Random, length: int) -> str:
    """`content` cut or extended to about `length` tokens: never fewer (the plan trims the
    streamed tokens to exactly `length`; a cut word can re-split into fewer pieces)."""
    pieces = split_tokens(content)
    index = 0
    while len(pieces) < length + 1:
        pieces += split_tokens("\n\n" + prose.more(topic, rng, index))
        index += 1
    return "".join(pieces[: length + 1])
