"""Simulated providers: who they are, and how fast one of their endpoints answers.

Each endpoint (a model on a provider) publishes a P50 and P95 time to first token and a P50
decode rate, as the real gateway's ``/endpoints`` route does. A request draws its own figures
from those: TTFT from a lognormal whose median is the P50 and whose 95th percentile is the
P95 (a right-skewed, long-tailed shape, like measured TTFT), and the decode rate from a
narrow lognormal around the P50 (providers are steady once they stream). Draws come from a
seeded `random.Random`, so the same seed and request sequence give the same timings.

The gateway draws each endpoint's TTFTs in strata (`StratifiedDraws`): any ten consecutive
requests to one endpoint take one TTFT from each tenth of its distribution, in a shuffled
order. Independent draws with a realistic spread (σ ≈ 0.5) put the median of ten runs more
than 10 % off the published P50 about half the time, so a ten-run repeat would contradict
the figures the catalog publishes; stratified, it lands within a few percent, and the
distribution over many requests is unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from random import Random
from statistics import NormalDist

Z95 = 1.6448536269514722
"""The standard normal's 95th percentile: P95 = P50 · exp(Z95 · σ) for a lognormal."""

RATE_SIGMA = 0.04
"""Spread (σ of the log) of the decode rate from one request to the next: about ±4 %."""

GATEWAY_OVERHEAD_S = 0.012
"""What the gateway itself adds before a provider sees the request (routing, auth)."""

HEADERS_FRACTION = 0.85
"""When the response headers go out, as a fraction of the drawn TTFT: a gateway commits to
HTTP 200 only once the provider has answered, shortly before the first token."""


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider the simulated gateway can route to."""

    slug: str
    """The routing slug (``order``/``only``) and ``provider_name`` in ``/endpoints``."""
    name: str
    """Display name."""
    failure_s: float = 0.35
    """How long a failed attempt takes before the gateway falls back (outage fault)."""


PROVIDERS: dict[str, Provider] = {
    p.slug: p
    for p in (
        Provider("openai", "OpenAI", 0.30),
        Provider("azure", "Azure", 0.40),
        Provider("anthropic", "Anthropic", 0.45),
        Provider("bedrock", "Amazon Bedrock", 0.60),
        Provider("vertex", "Google Vertex AI", 0.55),
        Provider("google", "Google AI Studio", 0.40),
        Provider("groq", "Groq", 0.15),
        Provider("cerebras", "Cerebras", 0.15),
        Provider("deepinfra", "DeepInfra", 0.30),
        Provider("togetherai", "Together AI", 0.30),
        Provider("fireworks", "Fireworks", 0.25),
        Provider("mistral", "Mistral", 0.35),
        Provider("deepseek", "DeepSeek", 0.80),
        Provider("xai", "xAI", 0.40),
        Provider("alibaba", "Alibaba Cloud", 0.50),
        Provider("moonshotai", "Moonshot AI", 0.60),
        Provider("zai", "Z.ai", 0.50),
        Provider("perplexity", "Perplexity", 0.40),
        Provider("cohere", "Cohere", 0.35),
        Provider("bfl", "Black Forest Labs", 0.50),
    )
}
"""Every provider the simulated gateway knows, by slug."""

KNOWN_SLUGS: frozenset[str] = frozenset(
    (
        *PROVIDERS,
        # Documented slugs with no simulated endpoint: accepted in ``only``/``order``, but they
        # serve nothing here, as on the real gateway for a model they do not carry.
        "baseten",
        "novita",
        "parasail",
        "inception",
        "vercel",
    )
)
"""Slugs accepted in routing options. Anything else is an unknown provider (HTTP 400)."""


@dataclass(frozen=True, slots=True)
class Timing:
    """The published speed of one endpoint."""

    ttft_p50_s: float
    """Median time to first token, from the request reaching the provider."""
    ttft_p95_s: float
    tokens_per_s: float
    """Median decode rate after the first token."""

    @property
    def ttft_sigma(self) -> float:
        """σ of log(TTFT), so that the lognormal's 95th percentile is `ttft_p95_s`."""
        return math.log(self.ttft_p95_s / self.ttft_p50_s) / Z95

    @property
    def tokens_per_s_p95(self) -> float:
        """The decode rate's 95th percentile under the `RATE_SIGMA` jitter."""
        return self.tokens_per_s * math.exp(Z95 * RATE_SIGMA)


@dataclass(frozen=True, slots=True)
class Draw:
    """One request's figures, before the time scale is applied."""

    ttft_s: float
    """Provider TTFT plus `GATEWAY_OVERHEAD_S`."""
    tokens_per_s: float


_NORMAL = NormalDist()

STRATA = 10
"""Any `STRATA` consecutive requests to one endpoint draw one TTFT from each of this many
equal-probability slices of its distribution."""


def draw(timing: Timing, rng: Random) -> Draw:
    """Draw one request's TTFT and decode rate from `timing` (two RNG draws, always)."""
    ttft = timing.ttft_p50_s * math.exp(rng.gauss(0.0, timing.ttft_sigma))
    # Clip the far tail: a draw past 4x the P95 would read as a stall, which is a fault of
    # its own (the ``stall`` directive), not normal variation.
    ttft = min(ttft, 4 * timing.ttft_p95_s)
    rate = timing.tokens_per_s * math.exp(rng.gauss(0.0, RATE_SIGMA))
    return Draw(ttft_s=ttft + GATEWAY_OVERHEAD_S, tokens_per_s=rate)


def draw_at(timing: Timing, quantile: float, rng: Random) -> Draw:
    """One request's figures with the TTFT at `quantile` (0–1) of its distribution; the
    decode rate is drawn from `rng` as in `draw` (one RNG draw)."""
    q = min(max(quantile, 1e-6), 1 - 1e-6)
    ttft = timing.ttft_p50_s * math.exp(_NORMAL.inv_cdf(q) * timing.ttft_sigma)
    ttft = min(ttft, 4 * timing.ttft_p95_s)  # the same clip as `draw`
    rate = timing.tokens_per_s * math.exp(rng.gauss(0.0, RATE_SIGMA))
    return Draw(ttft_s=ttft + GATEWAY_OVERHEAD_S, tokens_per_s=rate)


class StratifiedDraws:
    """Each endpoint's TTFTs, drawn so that a short series represents the distribution.

    Request *k* to an endpoint takes its TTFT from slice ``order[k % STRATA]`` (a random
    point within it), where ``order`` is a permutation of the slices fixed by the seed and the
    endpoint. Any `STRATA` consecutive requests to the endpoint therefore cover every slice
    once, wherever the series starts and whatever other endpoints were asked in between.

    Args:
        seed: The gateway's seed (the orders are derived from it).
    """

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._served: dict[str, int] = {}
        self._orders: dict[str, list[int]] = {}

    def draw(self, endpoint: str, timing: Timing, rng: Random) -> Draw:
        """The next request's figures for `endpoint` (``provider:model``); the jitter within
        the slice and the decode rate come from `rng`."""
        k = self._served.get(endpoint, 0)
        self._served[endpoint] = k + 1
        order = self._orders.get(endpoint)
        if order is None:
            order = list(range(STRATA))
            Random(f"{self._seed}:strata:{endpoint}").shuffle(order)
            self._orders[endpoint] = order
        quantile = (order[k % STRATA] + rng.random()) / STRATA
        return draw_at(timing, quantile, rng)
