"""How figures read in the app, the CLI and exports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from playground.core import format as fmt

D = Decimal


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "?"),
        (D(0), "$0"),
        (D("0.0000032"), "$0.000003"),
        (D("0.0000004"), "<$0.000001"),
        (D("0.0421234"), "$0.0421"),
        (D("12.5"), "$12.50"),
        (D("-0.0000044"), "-$0.000004"),
    ],
)
def test_usd(value: Decimal | None, text: str) -> None:
    assert fmt.usd(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("0.0000004"), "$0.40"),
        (D("0.0000016"), "$1.60"),
        (D("0.0000001"), "$0.10"),
        (D("0.000002"), "$2.00"),
        (D("0.00000012"), "$0.12"),
        (D("0.000000075"), "$0.075"),
        (D("0.00001"), "$10.00"),
        (None, "?"),
    ],
)
def test_per_million(value: Decimal | None, text: str) -> None:
    assert fmt.per_million(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_000_000, "1M"),
        (1_047_576, "1.05M"),
        (128_000, "128K"),
        (131_072, "131K"),
        (40_960, "41K"),
        (512, "512"),
        (None, "?"),
    ],
)
def test_context(value: int | None, text: str) -> None:
    assert fmt.context(value) == text


def test_seconds_rates_tokens() -> None:
    assert fmt.seconds(0.6123) == "0.612 s"
    assert fmt.seconds(12.34) == "12.3 s"
    assert fmt.seconds(125) == "2m05s"
    assert fmt.seconds(None) == fmt.NONE
    assert fmt.seconds(float("inf")) == fmt.rate(float("nan")) == fmt.NONE
    assert fmt.millis(0.6123) == "612 ms"
    assert fmt.rate(92.44) == "92.4 tok/s"
    assert fmt.rate(1534.2) == "1,534 tok/s"
    assert fmt.tokens(1024) == "1,024"
    assert fmt.tokens(1024, estimated=True) == "≈1,024"
    assert fmt.ratio(0.6, 0.7) == "1.17×"
