"""Where two answers differ: a word-level diff of their text (and reasoning), and their
finish reason, token counts and tool calls side by side.

`difflib` over word tokens: each token is a word (or one punctuation mark) with the whitespace
before it, and only the words are compared, so text that is merely reflowed is not a
difference, and the chunks still join back into both texts exactly. Pure functions, no I/O.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from playground.core import format as fmt
from playground.core.run import Run

_TOKEN = re.compile(r"\s*(?:\w+(?:['’]\w+)*|[^\w\s])|\s+\Z")
"""A word (with an inner apostrophe) or one punctuation mark, each with the whitespace before
it; trailing whitespace is a token of its own. The tokens join back into the text."""

DiffKind = Literal["equal", "delete", "insert", "replace"]


@dataclass(frozen=True, slots=True)
class DiffChunk:
    """A stretch of the two answers: the same in both, only in A, only in B, or replaced."""

    kind: DiffKind
    a: str
    """A's text in this stretch (empty for an insertion)."""
    b: str
    """B's text in this stretch (empty for a deletion)."""


@dataclass(frozen=True, slots=True)
class WordDiff:
    """Two texts diffed word by word. The chunks' `a` parts join into A, their `b` parts
    into B."""

    chunks: tuple[DiffChunk, ...]
    a_words: int
    b_words: int
    same_words: int
    """Words (and punctuation marks) in the equal stretches."""

    @property
    def identical(self) -> bool:
        return all(chunk.kind == "equal" for chunk in self.chunks)

    @property
    def similarity(self) -> float:
        """2 × same ÷ (A's words + B's words): 1.0 for identical texts (also two empty ones)."""
        total = self.a_words + self.b_words
        return 1.0 if total == 0 else 2 * self.same_words / total


def word_tokens(text: str) -> list[str]:
    """`text` cut into word tokens (each with the whitespace before it)."""
    return _TOKEN.findall(text)


def word_diff(a: str, b: str) -> WordDiff:
    """Diff two texts word by word. Whitespace is carried along but never compared, so a
    reflowed paragraph is not a difference."""
    tokens_a, tokens_b = word_tokens(a), word_tokens(b)
    keys_a = [token.strip() for token in tokens_a]
    keys_b = [token.strip() for token in tokens_b]
    # autojunk would treat frequent words ("the", ",") as noise above 200 tokens and give
    # ragged diffs of long answers; without it, difflib stays fast on word tokens (only
    # whitespace is that frequent, and it is never a token of its own).
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    chunks: list[DiffChunk] = []
    same = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        text_a, text_b = "".join(tokens_a[i1:i2]), "".join(tokens_b[j1:j2])
        if tag == "equal":
            same += sum(1 for key in keys_a[i1:i2] if key)
            chunks.append(DiffChunk("equal", text_a, text_b))
        elif tag == "delete":
            chunks.append(DiffChunk("delete", text_a, ""))
        elif tag == "insert":
            chunks.append(DiffChunk("insert", "", text_b))
        else:
            chunks.append(DiffChunk("replace", text_a, text_b))
    return WordDiff(
        tuple(chunks),
        a_words=sum(1 for key in keys_a if key),
        b_words=sum(1 for key in keys_b if key),
        same_words=same,
    )


@dataclass(frozen=True, slots=True)
class FieldDifference:
    """One property of the two runs, as text (raw: sanitize before display)."""

    label: str
    a: str
    b: str

    @property
    def same(self) -> bool:
        return self.a == self.b


@dataclass(frozen=True, slots=True)
class RunDiff:
    """Where two runs' answers differ."""

    words: WordDiff
    reasoning: WordDiff | None
    """The reasoning diffed too, when either run has some."""
    fields: tuple[FieldDifference, ...]
    """Finish reason, status, token counts and tool calls of both runs, equal or not."""

    @property
    def differences(self) -> tuple[FieldDifference, ...]:
        return tuple(field for field in self.fields if not field.same)


def _tokens_text(value: int | None, estimated: bool) -> str:
    return fmt.tokens(value, estimated=estimated)


def diff_runs(a: Run, b: Run) -> RunDiff:
    """Diff two runs: the answers word by word, then finish reason, tokens and tool calls."""
    ta, tb = a.figures.tokens, b.figures.tokens
    fields = [
        FieldDifference("Status", a.status, b.status),
        FieldDifference("Finish reason", a.finish_reason or fmt.NONE, b.finish_reason or fmt.NONE),
        FieldDifference(
            "Output tokens",
            _tokens_text(ta.output, ta.estimated),
            _tokens_text(tb.output, tb.estimated),
        ),
        FieldDifference(
            "Prompt tokens",
            _tokens_text(ta.prompt, ta.estimated),
            _tokens_text(tb.prompt, tb.estimated),
        ),
    ]
    if ta.reasoning or tb.reasoning:
        fields.append(
            FieldDifference(
                "Reasoning tokens",
                _tokens_text(ta.reasoning, False),
                _tokens_text(tb.reasoning, False),
            )
        )
    if a.tool_calls or b.tool_calls:
        fields.append(FieldDifference("Tool calls", str(len(a.tool_calls)), str(len(b.tool_calls))))
        for index in range(max(len(a.tool_calls), len(b.tool_calls))):
            call_a = a.tool_calls[index] if index < len(a.tool_calls) else None
            call_b = b.tool_calls[index] if index < len(b.tool_calls) else None
            fields.append(
                FieldDifference(
                    f"Tool call {index + 1}",
                    f"{call_a.name}({call_a.arguments})" if call_a else fmt.NONE,
                    f"{call_b.name}({call_b.arguments})" if call_b else fmt.NONE,
                )
            )
    reasoning = word_diff(a.reasoning, b.reasoning) if (a.reasoning or b.reasoning) else None
    return RunDiff(word_diff(a.text, b.text), reasoning, tuple(fields))


__all__ = [
    "DiffChunk",
    "DiffKind",
    "FieldDifference",
    "RunDiff",
    "WordDiff",
    "diff_runs",
    "word_diff",
    "word_tokens",
]
