"""What a session has spent: runs, failures, tokens and money, added up exactly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from playground.core.run import Run


@dataclass(frozen=True, slots=True)
class SessionTotals:
    """Everything the session has run so far."""

    runs: int = 0
    errors: int = 0
    """Runs that ended ``error`` or ``interrupted``."""
    prompt_tokens: int = 0
    output_tokens: int = 0
    cost: Decimal = Decimal(0)
    """Known costs added up (billed, computed or estimated)."""
    cost_unknown: int = 0
    """Runs whose cost is unknown (no usage cost and no prices): not counted in `cost`."""


def totals_of(runs: Iterable[Run]) -> SessionTotals:
    count = errors = prompt = output = unknown = 0
    cost = Decimal(0)
    for run in runs:
        count += 1
        figures = run.figures
        if figures.status in ("error", "interrupted"):
            errors += 1
        prompt += figures.tokens.prompt or 0
        output += figures.tokens.output or 0
        if figures.cost is None:
            unknown += 1 if figures.status != "error" else 0
        else:
            cost += figures.cost
    return SessionTotals(count, errors, prompt, output, cost, unknown)
