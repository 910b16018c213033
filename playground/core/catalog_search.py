"""Fuzzy search over model ids and names, ranked the way a person expects.

Typing ``mini`` should put ``openai/gpt-4.1-mini`` above ``minimax/minimax-m2`` (a prefix, but
of another word) and far above ``google/gemini-2.5-flash`` (``mini`` inside a word). Each word
of the query is ranked against the id, the id's slug (after the ``/``) and the name:

====  ===========  ==========================================================
rank  kind         example for ``mini``
====  ===========  ==========================================================
0     exact        the whole id, slug or name is the word
1     whole word   ``gpt-4.1-mini``: the word, with a separator on both sides
2     prefix       ``minimax/…``: the id, slug or name starts with it
3     word prefix  ``mistral/ministral-8b``: a later word starts with it
4     substring    ``gemini``
5     subsequence  ``g41m`` in ``gpt-4.1-mini``: in order, with gaps
====  ===========  ==========================================================

A model matches when every word matches somewhere; models are ordered by the sum of their
words' ranks, then (for subsequences) by how tight the match is, then alphabetically by id.
The index keeps the case-folded fields, so a search over 1,000 models costs about a
millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable

EXACT, WORD, PREFIX, WORD_PREFIX, SUBSTRING, SUBSEQUENCE = range(6)


class SearchIndex:
    """Case-folded ids, slugs and names, in catalog order, ready to rank against a query."""

    __slots__ = ("_fields", "_ids")

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        """Args:
        entries: ``(id, name)`` per model, in catalog order.
        """
        self._ids: list[str] = []
        self._fields: list[tuple[str, str, str]] = []
        for model_id, name in entries:
            folded = model_id.casefold()
            self._ids.append(folded)
            self._fields.append((folded, folded.rsplit("/", 1)[-1], name.casefold()))

    def rank(self, query: str) -> list[int]:
        """Positions of the matching entries, best match first."""
        terms = query.casefold().split()
        if not terms:
            return list(range(len(self._fields)))
        scored: list[tuple[int, int, str, int]] = []
        for position, fields in enumerate(self._fields):
            total = spread = 0
            for term in terms:
                found = term_rank(term, fields)
                if found is None:
                    break
                total += found[0]
                spread += found[1]
            else:
                scored.append((total, spread, self._ids[position], position))
        scored.sort()
        return [position for *_, position in scored]


def term_rank(term: str, fields: tuple[str, str, str]) -> tuple[int, int] | None:
    """``(rank, spread)`` of one case-folded word against ``(id, slug, name)``; None when it
    does not match. `spread` is how many extra characters a subsequence match spans (0
    otherwise)."""
    model_id, slug, name = fields
    if term in (model_id, slug, name):
        return EXACT, 0
    best: int | None = None
    for field in (model_id, name):
        if term not in field:
            continue
        kind = _occurrence_kind(term, field)
        if kind == WORD:
            return WORD, 0
        best = kind if best is None else min(best, kind)
    if best is not None:
        if best > PREFIX and (
            model_id.startswith(term) or slug.startswith(term) or name.startswith(term)
        ):
            best = PREFIX
        return best, 0
    spans = [s for s in (_subsequence_span(term, f) for f in (model_id, name)) if s is not None]
    if spans:
        return SUBSEQUENCE, min(spans) - len(term)
    return None


def _occurrence_kind(term: str, field: str) -> int:
    """The best kind among the occurrences of `term` (known to be) in `field`."""
    best = SUBSTRING
    end = len(field)
    start = field.find(term)
    while start != -1:
        stop = start + len(term)
        left = start == 0 or not field[start - 1].isalnum()
        right = stop == end or not field[stop].isalnum()
        if left and right:
            return WORD
        if left:
            best = min(best, PREFIX if start == 0 else WORD_PREFIX)
        start = field.find(term, start + 1)
    return best


def _subsequence_span(term: str, field: str) -> int | None:
    """The length of the shortest window of `field` holding `term`'s characters in order,
    or None. Greedy from each possible start; fields are short, so this is cheap."""
    first = term[0]
    best: int | None = None
    start = field.find(first)
    while start != -1:
        position = start
        for char in term[1:]:
            position = field.find(char, position + 1)
            if position == -1:
                return best  # no later start can match either
        span = position - start + 1
        if best is None or span < best:
            best = span
        start = field.find(first, start + 1)
    return best
