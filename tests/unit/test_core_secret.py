"""A key in a `Secret` cannot leak through repr, str, f-strings or pickling."""

from __future__ import annotations

import pickle

import pytest

from playground.core.secret import Secret

KEY = "vck_live_0123456789abcdef9f2c"


def test_secret_is_masked_everywhere_but_reveal() -> None:
    secret = Secret(KEY)
    shown = (repr(secret), str(secret), f"{secret}", f"{secret!r}", "{}".format(secret))  # noqa: UP032
    for text in shown:
        assert KEY not in text and "****" in text
    assert repr([secret, {"k": secret}]).count("Secret('****')") == 2
    assert secret.reveal() == KEY
    assert secret.last4 == "…9f2c"


def test_short_secrets_show_no_characters() -> None:
    assert Secret("abc").last4 == "…"


def test_secret_cannot_be_pickled() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret(KEY))


def test_equality_compares_values() -> None:
    assert Secret(KEY) == Secret(KEY)
    assert Secret(KEY) != Secret(KEY + "x")
    assert not Secret("")
