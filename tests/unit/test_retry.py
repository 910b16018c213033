"""The retry policy: what is retried, how long the wait is, and the one rule that matters —
nothing is retried once a token was shown."""

from __future__ import annotations

import email.utils

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.core.errors import (
    AuthError,
    BadRequest,
    ConnectionLost,
    GatewayError,
    InsecureTransport,
    NotFound,
    PaymentRequired,
    ProtocolError,
    RateLimited,
    ServerError,
    StatusError,
    StreamError,
    Timeout,
    Unreachable,
)
from playground.gateway.retry import (
    RetryPolicy,
    backoff_delay,
    decide,
    is_retryable,
    parse_retry_after,
)

NOW = 1_790_000_000.0
POLICY = RetryPolicy()


def half() -> float:
    return 0.5


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "30"}, 0.25),  # ms wins
        ({"retry-after-ms": "soon", "retry-after": "3"}, 3.0),  # unusable ms: fall back
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": " 0.75 "}, 0.75),
        ({"retry-after": email.utils.formatdate(NOW + 90, usegmt=True)}, 90.0),
        ({"retry-after": email.utils.formatdate(NOW - 10, usegmt=True)}, -10.0),
        ({"retry-after": "tomorrow-ish"}, None),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "inf"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, now=NOW) == expected


def test_backoff_follows_openai_python() -> None:
    assert backoff_delay(POLICY, 0, 0.0) == 0.5
    assert backoff_delay(POLICY, 1, 0.0) == 1.0
    assert backoff_delay(POLICY, 4, 0.0) == 8.0
    assert backoff_delay(POLICY, 10, 0.0) == 8.0  # capped
    assert backoff_delay(POLICY, 0, 0.999999) == pytest.approx(0.375, abs=1e-6)


@given(retries=st.integers(0, 50), rand=st.floats(0, 1, exclude_max=True))
def test_backoff_stays_within_jitter_bounds(retries: int, rand: float) -> None:
    base = min(0.5 * 2**retries, 8.0)
    assert 0.75 * base - 1e-9 <= backoff_delay(POLICY, retries, rand) <= base


def status(cls: type[StatusError], code: int) -> StatusError:
    return cls("x", status=code)


@pytest.mark.parametrize(
    "error",
    [
        status(ServerError, 500),
        status(ServerError, 502),
        status(ServerError, 503),
        status(ServerError, 408),
        status(ServerError, 409),
        status(RateLimited, 429),
        Unreachable("refused"),
        StreamError("in-band error"),
        ConnectionLost("cut"),
        Timeout("x", phase="connect"),
    ],
)
def test_transient_failures_before_a_token_are_retried(error: GatewayError) -> None:
    decision = decide(POLICY, error, retries_so_far=0, got_content=False, random=half)
    assert decision.retry
    assert decision.delay_s == pytest.approx(0.5 * 0.875)


@pytest.mark.parametrize(
    "error",
    [
        status(BadRequest, 400),
        status(AuthError, 401),
        status(PaymentRequired, 402),
        status(AuthError, 403),
        status(NotFound, 404),
        status(BadRequest, 422),
        status(StatusError, 424),
        ProtocolError("html"),
        InsecureTransport("http"),
        Timeout("x", phase="total"),
    ],
)
def test_permanent_failures_are_never_retried(error: GatewayError) -> None:
    assert not decide(POLICY, error, retries_so_far=0, got_content=False, random=half).retry


@pytest.mark.parametrize(
    "error", [StreamError("boom"), ConnectionLost("cut"), status(ServerError, 503)]
)
def test_nothing_is_retried_after_a_token(error: GatewayError) -> None:
    decision = decide(POLICY, error, retries_so_far=0, got_content=True, random=half)
    assert not decision.retry
    assert decision.reason == "tokens were already shown"


def test_timeouts_are_retried_only_before_the_headers() -> None:
    idle = Timeout("x", phase="idle")
    first = Timeout("x", phase="first_token")

    def retried(error: GatewayError, headers: bool) -> bool:
        return decide(
            POLICY,
            error,
            retries_so_far=0,
            got_content=False,
            headers_received=headers,
            random=half,
        ).retry

    assert retried(idle, headers=False)
    assert not retried(idle, headers=True)
    assert not retried(first, headers=True)
    assert is_retryable(Timeout("x", phase="connect"), headers_received=True)


def test_at_most_max_retries() -> None:
    error = status(ServerError, 500)
    assert decide(POLICY, error, retries_so_far=1, got_content=False, random=half).retry
    assert not decide(POLICY, error, retries_so_far=2, got_content=False, random=half).retry
    three = RetryPolicy(max_retries=3)
    assert decide(three, error, retries_so_far=2, got_content=False, random=half).retry
    assert not decide(
        RetryPolicy(max_retries=0), error, retries_so_far=0, got_content=False, random=half
    ).retry


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    error = status(RateLimited, 429)

    def decision(seconds: float) -> tuple[bool, float]:
        d = decide(
            POLICY, error, retries_so_far=0, got_content=False, retry_after_s=seconds, random=half
        )
        return d.retry, d.delay_s

    assert decision(14) == (True, 14)
    assert decision(60) == (True, 60)
    assert decision(60.001)[0] is False  # above the cap: no retry at all
    assert decision(3600)[0] is False
    assert decision(0) == (True, 0.4375)  # 0 is no advice: back off (0.5 * (1 - 0.25 * 0.5))
    assert decision(-5) == (True, 0.4375)


def test_x_should_retry_overrides_the_status_rule_but_not_the_never_list() -> None:
    def retried(error: GatewayError, hint: str) -> bool:
        return decide(
            POLICY, error, retries_so_far=0, got_content=False, should_retry=hint, random=half
        ).retry

    assert not retried(status(ServerError, 500), "false")
    assert retried(status(StatusError, 424), "true")
    assert retried(status(StatusError, 424), " TRUE ")
    assert not retried(status(AuthError, 401), "true")
    assert not retried(status(ServerError, 503), "False")
