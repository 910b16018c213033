"""Redaction of credentials in logs and messages (RELIABILITY.md §5; §7 X2, X6, F8)."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.core.redact import MASK, contains_secret, redact
from playground.core.secret import Secret
from playground.store.logs import RedactingFilter, install_redaction, setup_debug_log
from playground.store.paths import Paths

KEY = "vck_distinctive_LEAKCANARY_7f3a9b2c"
OPENROUTER_KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Authorization: Bearer abc.def-ghi", "abc.def-ghi"),
        ("headers={'authorization': 'Bearer tok123456'}", "tok123456"),
        ("x-api-key: s3cr3tvalue", "s3cr3tvalue"),
        ('{"api-key": "zzzzzzzz"}', "zzzzzzzz"),
        (f"using {OPENROUTER_KEY} now", OPENROUTER_KEY[3:]),
        ("sk-proj_abc-DEF_123456789", "abc-DEF_123456789"),
        ("GET https://user:hunter22@gw.example/v1/models failed", "hunter22"),
        ("Client error for url 'https://gw.example/v1?key=AIzaSyD-abc&x=1'", "AIzaSyD-abc"),
        ("https://gw.example/v1?api_key=abc123def", "abc123def"),
        ("proxy-authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
    ],
)
def test_patterns_are_masked(text: str, gone: str) -> None:
    out = redact(text)
    assert gone not in out
    assert MASK in out


def test_exact_secret_values_of_any_shape_are_masked() -> None:
    text = f"the key {KEY} appears twice: {KEY}"
    out = redact(text, [Secret(KEY)])
    assert KEY not in out and out.count(MASK) == 2
    assert not contains_secret(out, [Secret(KEY)])
    assert contains_secret(text, [KEY])


def test_ordinary_text_is_left_alone() -> None:
    text = "TTFT 0.61 s via azure; sk- prefix alone; the bearer of news; key=value pairs"
    assert redact(text.replace("key=", "k=")) == text.replace("key=", "k=")
    assert redact("a", ["a"]) == "a"  # values shorter than 4 characters are not masked


@given(st.text(min_size=0, max_size=40), st.text(min_size=0, max_size=40))
def test_a_registered_secret_never_survives_redaction(prefix: str, suffix: str) -> None:
    out = redact(prefix + KEY + suffix, [KEY])
    assert KEY not in out


def test_redaction_is_idempotent() -> None:
    once = redact(f"Authorization: Bearer {KEY} and {OPENROUTER_KEY}", [KEY])
    assert redact(once, [KEY]) == once


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), list(root.filters))
    yield root
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    root.filters[:] = saved[2]


def test_x2_debug_log_is_private_and_redacted_for_child_loggers(
    tmp_path: Path, root_logger: logging.Logger
) -> None:
    paths = Paths.under(tmp_path / "app")
    redacting = RedactingFilter()
    log = setup_debug_log(paths, redacting=redacting)
    redacting.register(Secret(KEY))
    try:
        logging.getLogger("httpx").debug("HTTP Request: POST headers=%s", {"x-api-key": KEY})
        logging.getLogger("openai._base_client").debug(
            "Request options: %r", {"headers": {"Authorization": f"Bearer {OPENROUTER_KEY}"}}
        )
        logging.getLogger("playground.gateway").info("raw body echoes %s", KEY)
        try:
            raise RuntimeError(f"boom with {KEY} inside")
        except RuntimeError:
            logging.getLogger("playground").exception("it failed")
        logging.getLogger("playground").warning("stack", stack_info=True)
    finally:
        log.close()
    text = log.path.read_text()
    assert KEY not in text and OPENROUTER_KEY not in text
    assert "it failed" in text and "Traceback" in text and "RuntimeError" in text
    assert text.count(MASK) >= 4
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700


def test_install_redaction_covers_existing_handlers(
    tmp_path: Path, root_logger: logging.Logger
) -> None:
    path = tmp_path / "plain.log"
    handler = logging.FileHandler(path)
    root_logger.addHandler(handler)
    root_logger.setLevel(logging.DEBUG)
    redacting = install_redaction(RedactingFilter([Secret(KEY)]))
    install_redaction(redacting)  # twice is harmless
    assert handler.filters.count(redacting) == 1
    logging.getLogger("httpx").warning("key %s", KEY)
    handler.close()
    assert KEY not in path.read_text()


def test_a_wider_existing_log_file_is_made_private(
    tmp_path: Path, root_logger: logging.Logger
) -> None:
    paths = Paths.under(tmp_path)
    paths.logs.mkdir(parents=True)
    (paths.logs / "debug.log").write_text("old\n")
    (paths.logs / "debug.log").chmod(0o644)
    log = setup_debug_log(paths)
    logging.getLogger("x").debug("hello")
    log.close()
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert log.path.read_text().startswith("old\n")


def test_filter_survives_a_bad_format_string() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items %s", (KEY,), None)
    assert RedactingFilter([Secret(KEY)]).filter(record)
    assert KEY not in record.getMessage()
