"""Moved to `playground.services.deterministic` (``playground screenshots`` uses it too);
kept importable here for branches written before the move."""

from __future__ import annotations

from playground.services.deterministic import RechunkingTransport, StepClock

__all__ = ["RechunkingTransport", "StepClock"]
