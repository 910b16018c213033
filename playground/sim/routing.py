"""Which provider serves a request: ``only``, ``order``, model fallbacks and outages.

The rules follow the gateway's documentation (PROTOCOL.md §2.4): ``only`` restricts the
providers (an unknown slug is a 400), ``order`` puts the named providers first and keeps the
others as later fallbacks, and ``models`` (top level or in ``providerOptions.gateway``) lists
models to try when every provider of the requested model failed. Unknown fallback models are
skipped. An ``outage`` fault makes providers fail, so the gateway falls back and reports the
failed attempts in ``provider_metadata.gateway.routing.modelAttempts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.core.request import ChatRequest
from playground.sim.catalog import Catalog, Endpoint, Model
from playground.sim.faults import Fault
from playground.sim.providers import KNOWN_SLUGS, PROVIDERS

STATUS_TEXT = {
    400: "Bad Request",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class RoutingError(Exception):
    """The gateway cannot serve the request; answered with `status` and the error shape."""

    def __init__(
        self,
        status: int,
        error_type: str,
        message: str,
        *,
        param: Any = None,
        attempts: tuple[ModelAttempt, ...] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.param = param
        self.attempts = attempts


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try of one provider."""

    provider: str
    success: bool
    status: int
    error: str | None = None
    duration_s: float = 0.0
    """Simulated time the attempt took before failing (unscaled; 0 for the served one)."""


@dataclass(frozen=True, slots=True)
class ModelAttempt:
    """The providers tried for one model."""

    model: Model
    plan: tuple[str, ...]
    """The execution order the gateway planned for this model."""
    attempts: tuple[Attempt, ...]

    @property
    def success(self) -> bool:
        return any(a.success for a in self.attempts)


@dataclass(frozen=True, slots=True)
class Route:
    """Where the request goes."""

    original_model: str
    model: Model
    """The model that answers (differs from the request's after a model fallback)."""
    endpoint: Endpoint
    model_attempts: tuple[ModelAttempt, ...]

    @property
    def provider(self) -> str:
        return self.endpoint.provider

    @property
    def failed_s(self) -> float:
        """Time spent on failed attempts before the serving one (unscaled seconds)."""
        return sum(a.duration_s for m in self.model_attempts for a in m.attempts if not a.success)

    @property
    def resolved(self) -> str:
        """The provider the gateway planned to use first."""
        first = self.model_attempts[0]
        return first.plan[0] if first.plan else self.provider


def plan_for(model: Model, request: ChatRequest) -> tuple[str, ...]:
    """The providers of `model` in the order they will be tried, after ``only`` and ``order``."""
    routing = request.routing
    providers = [e.provider for e in model.endpoints]
    if routing.only:
        providers = [p for p in providers if p in routing.only]
    if routing.order:
        rank = {slug: i for i, slug in enumerate(routing.order)}
        providers.sort(key=lambda p: rank.get(p, len(rank)))
    return tuple(providers)


def resolve(catalog: Catalog, request: ChatRequest, fault: Fault) -> Route:
    """Pick the model and provider that serve `request`, simulating `fault`'s outages.

    Raises:
        RoutingError: unknown model or provider, a model that cannot chat, no provider left
            after ``only``, or every provider failed.
    """
    primary = catalog.get(request.model)
    if primary is None:
        raise RoutingError(
            404,
            "model_not_found",
            f"Model '{request.model}' not found",
            param={"modelId": request.model},
        )
    if not primary.chat:
        raise RoutingError(
            400,
            "invalid_request_error",
            f"Model '{primary.id}' is a {primary.type} model; it does not support chat completions",
            param="model",
        )
    unknown = [slug for slug in request.routing.only if slug not in KNOWN_SLUGS]
    if unknown:
        raise RoutingError(
            400,
            "invalid_request_error",
            f"Unknown provider '{unknown[0]}' in providerOptions.gateway.only. Known providers "
            f"include: {', '.join(sorted(PROVIDERS))}",
            param="providerOptions.gateway.only",
        )
    chain = [primary]
    for model_id in request.routing.models:
        fallback = catalog.get(model_id)
        if fallback is not None and fallback.chat and fallback not in chain:
            chain.append(fallback)
    failing = _failing(plan_for(primary, request), fault)
    done: list[ModelAttempt] = []
    for model in chain:
        plan = plan_for(model, request)
        attempts: list[Attempt] = []
        for provider in plan:
            if provider in failing:
                status = fault.status or 503
                attempts.append(
                    Attempt(
                        provider,
                        False,
                        status,
                        error=f"{status} {STATUS_TEXT.get(status, 'Error')}: "
                        f"{PROVIDERS[provider].name} is temporarily unavailable",
                        duration_s=PROVIDERS[provider].failure_s,
                    )
                )
                continue
            attempts.append(Attempt(provider, True, 200))
            done.append(ModelAttempt(model, plan, tuple(attempts)))
            endpoint = model.endpoint(provider)
            assert endpoint is not None
            return Route(request.model, model, endpoint, tuple(done))
        done.append(ModelAttempt(model, plan, tuple(attempts)))
    if not any(m.plan for m in done):
        served = ", ".join(e.provider for e in primary.endpoints)
        raise RoutingError(
            400,
            "invalid_request_error",
            f"No providers available for model '{primary.id}' with only: "
            f"{list(request.routing.only)}. It is served by: {served}",
            param="providerOptions.gateway.only",
        )
    last = next(a for m in reversed(done) for a in reversed(m.attempts))
    raise RoutingError(
        last.status,
        "AI_APICallError",
        "All providers failed: "
        + "; ".join(
            f"{a.provider}: {a.status} {STATUS_TEXT.get(a.status, 'Error')}"
            for m in done
            for a in m.attempts
        ),
        param={
            "statusCode": last.status,
            "isRetryable": last.status >= 500,
            "message": last.error or "",
        },
        attempts=tuple(done),
    )


def _failing(plan: tuple[str, ...], fault: Fault) -> set[str]:
    if fault.kind != "outage":
        return set()
    if fault.provider:
        return {fault.provider}
    return set(plan[: fault.count])


def routing_json(
    original_model: str,
    model_attempts: tuple[ModelAttempt, ...],
    *,
    final_provider: str | None,
    times_ms: list[tuple[int, int]],
    request_ids: list[str],
) -> dict[str, Any]:
    """``provider_metadata.gateway.routing`` as the gateway reports it.

    Args:
        original_model: the model the request asked for.
        model_attempts: what was tried.
        final_provider: the provider that served it (None when all failed).
        times_ms: (start, end) wall-clock milliseconds of every provider attempt, in order.
        request_ids: a provider request id for every attempt, in order.
    """
    first = model_attempts[0]
    resolved = first.plan[0] if first.plan else None
    final_plan = model_attempts[-1].plan
    fallbacks = [p for p in first.plan if p != resolved]
    order = " → ".join(f"{p}(system)" for p in final_plan)
    entries = []
    index = 0
    for m in model_attempts:
        provider_attempts = []
        for attempt in m.attempts:
            start, end = times_ms[index]
            entry: dict[str, Any] = {
                "provider": attempt.provider,
                "credentialType": "system",
                "success": attempt.success,
                "startTime": start,
                "endTime": end,
                "providerRequestId": request_ids[index],
                "statusCode": attempt.status,
            }
            if attempt.error:
                entry["error"] = attempt.error
            provider_attempts.append(entry)
            index += 1
        entries.append(
            {
                "canonicalSlug": m.model.id,
                "success": m.success,
                "providerAttemptCount": len(provider_attempts),
                "providerAttempts": provider_attempts,
            }
        )
    routing: dict[str, Any] = {
        "originalModelId": original_model,
        "resolvedProvider": resolved,
        "fallbacksAvailable": fallbacks,
        "planningReasoning": f"System credentials planned for: {', '.join(final_plan)}. "
        f"Total execution order: {order}",
        "canonicalSlug": model_attempts[-1].model.id,
        "finalProvider": final_provider,
        "modelAttemptCount": len(entries),
        "modelAttempts": entries,
        "totalProviderAttemptCount": index,
    }
    return routing
