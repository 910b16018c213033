"""What a run costs, in `Decimal` dollars, from token counts and an endpoint's prices.

Gateways publish prices as decimal strings in USD **per token** (PROTOCOL.md §2.3), some with
tiers by prompt size. Money is never summed in floats here: a repeat of 100 runs must add up to
the micro-dollar.

Conventions, where gateways leave room:

- ``completion_tokens`` already counts reasoning tokens (the OpenAI convention), so reasoning is
  billed at the output price by billing ``completion_tokens``.
- ``prompt_tokens`` counts cached and cache-written tokens too; each part is billed at its own
  price: ``(prompt - cached - written) × input + cached × cache_read + written × cache_write``.
- A tier applies to the whole request, chosen by the prompt size, as on Gemini.
- A cache price the endpoint does not publish falls back to the input price (the conservative
  choice); an unknown input or output price makes the cost unknown, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

MILLION = Decimal(1_000_000)
THOUSAND = Decimal(1_000)


@dataclass(frozen=True, slots=True)
class Tier:
    """A price that applies when the prompt has at least `min` and fewer than `max` tokens."""

    cost: Decimal
    min: int = 0
    max: int | None = None
    """Exclusive; None on the top tier."""

    def covers(self, prompt_tokens: int) -> bool:
        return prompt_tokens >= self.min and (self.max is None or prompt_tokens < self.max)


@dataclass(frozen=True, slots=True)
class Prices:
    """An endpoint's prices in USD per token (per query for web search). None = unknown."""

    input: Decimal | None = None
    output: Decimal | None = None
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None
    web_search: Decimal | None = None
    """USD per web search query."""
    input_tiers: tuple[Tier, ...] = ()
    output_tiers: tuple[Tier, ...] = ()
    cache_read_tiers: tuple[Tier, ...] = ()
    cache_write_tiers: tuple[Tier, ...] = ()

    @property
    def known(self) -> bool:
        """Whether a run's cost can be computed at all."""
        return self.input is not None and self.output is not None

    def at(self, prompt_tokens: int) -> Prices:
        """These prices with each tiered price resolved for a prompt of `prompt_tokens`."""
        return Prices(
            input=_tiered(self.input, self.input_tiers, prompt_tokens),
            output=_tiered(self.output, self.output_tiers, prompt_tokens),
            cache_read=_tiered(self.cache_read, self.cache_read_tiers, prompt_tokens),
            cache_write=_tiered(self.cache_write, self.cache_write_tiers, prompt_tokens),
            web_search=self.web_search,
        )


def _tiered(base: Decimal | None, tiers: tuple[Tier, ...], prompt_tokens: int) -> Decimal | None:
    for tier in tiers:
        if tier.covers(prompt_tokens):
            return tier.cost
    return base


def run_cost(
    prices: Prices,
    *,
    prompt_tokens: int,
    output_tokens: int,
    cached_tokens: int = 0,
    cache_write_tokens: int = 0,
    web_searches: int = 0,
) -> Decimal | None:
    """The cost of one run, or None when the endpoint's prices are unknown."""
    if not prices.known:
        return None
    p = prices.at(prompt_tokens)
    assert p.input is not None and p.output is not None
    cached = max(0, min(cached_tokens, prompt_tokens))
    written = max(0, min(cache_write_tokens, prompt_tokens - cached))
    fresh = prompt_tokens - cached - written
    cost = fresh * p.input + output_tokens * p.output
    if cached:
        cost += cached * (p.cache_read if p.cache_read is not None else p.input)
    if written:
        cost += written * (p.cache_write if p.cache_write is not None else p.input)
    if web_searches and p.web_search is not None:
        cost += web_searches * p.web_search
    return cost


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """What a request will cost before it is sent."""

    prompt_tokens: int
    """Estimated from the text (≈ 4 characters a token)."""
    prompt_cost: Decimal | None
    max_output_tokens: int | None
    """`max_tokens`, or the model's output limit: the most the answer can cost."""
    max_cost: Decimal | None
    """Prompt plus the longest possible answer; None when unknown."""


def estimate_cost(
    prices: Prices, *, prompt_tokens: int, max_output_tokens: int | None
) -> CostEstimate:
    """The pre-send estimate: the prompt's cost, and the most the whole run can cost."""
    if not prices.known:
        return CostEstimate(prompt_tokens, None, max_output_tokens, None)
    prompt_cost = run_cost(prices, prompt_tokens=prompt_tokens, output_tokens=0)
    max_cost = (
        run_cost(prices, prompt_tokens=prompt_tokens, output_tokens=max_output_tokens)
        if max_output_tokens is not None
        else None
    )
    return CostEstimate(prompt_tokens, prompt_cost, max_output_tokens, max_cost)


def estimate_tokens(text: str) -> int:
    """A tokenizer-free token estimate: about 4 characters a token for English prose and code.

    Shown with ``≈`` wherever it is used; the gateway's usage replaces it when it arrives.
    """
    if not text:
        return 0
    return max(1, (len(text) + 2) // 4)


def estimate_prompt_tokens(texts: list[str]) -> int:
    """Prompt tokens for a list of message texts, with the usual few tokens of framing each."""
    return sum(estimate_tokens(t) + 4 for t in texts) + 3 if texts else 0


def parse_price(value: object) -> Decimal | None:
    """A price from a catalog: decimal strings and numbers become `Decimal`; anything else,
    negative values and the ``-1`` some gateways use for "varies", become None (unknown)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = repr(value)
    if not isinstance(value, str):
        return None
    try:
        price = Decimal(value.strip())
    except ArithmeticError:
        return None
    if not price.is_finite() or price < 0:
        return None
    return price
