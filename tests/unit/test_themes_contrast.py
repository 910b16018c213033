"""WCAG AA (4.5:1) for the text of every shipped theme, measured on the colours Textual
derives from it (``$text-muted`` is ``auto 60%`` of the background's contrasting colour, the
status texts are tints, the footer keys sit on the panel…)."""

from __future__ import annotations

import pytest
from textual.theme import BUILTIN_THEMES, Theme

from playground.core.contrast import AA_TEXT
from playground.core.theme import ThemeSpec
from playground.services.themes import code_styles
from playground.store.themes import load_themes
from playground.ui.markdown.theme import CODE_THEME_VARIABLE
from playground.ui.themes import (
    BACKGROUNDS,
    TEXT_COLORS,
    code_theme_of,
    contrast_checks,
    contrast_warning,
    to_textual,
)

SHIPPED = load_themes(None, code_styles=code_styles()).themes


@pytest.mark.parametrize("spec", SHIPPED, ids=[spec.name for spec in SHIPPED])
def test_every_text_colour_meets_wcag_aa(spec: ThemeSpec) -> None:
    checks = contrast_checks(to_textual(spec))
    # Every text colour on every background, plus the layered and plain-colour cases.
    assert len(checks) >= len(BACKGROUNDS) * len(TEXT_COLORS) + 6
    failing = [str(check) for check in checks if check.ratio < AA_TEXT]
    assert failing == [], f"{spec.name}: {failing}"


def test_the_high_contrast_theme_reaches_aaa_for_body_and_muted_text() -> None:
    spec = next(s for s in SHIPPED if s.name == "playground-high-contrast")
    checks = contrast_checks(to_textual(spec))
    body = [c for c in checks if c.text in ("foreground", "text", "text-muted")]
    assert body and min(c.ratio for c in body) >= 7.0


def test_the_check_does_fail_a_hard_to_read_theme() -> None:
    grey = Theme(
        name="grey-on-grey",
        primary="#777777",
        foreground="#8a8a8a",
        background="#666666",
        surface="#6a6a6a",
        panel="#707070",
    )
    checks = contrast_checks(grey)
    assert any(not check.passes for check in checks)
    warning = contrast_warning(grey)
    assert warning is not None and "grey-on-grey" in warning and "4.5:1" in warning
    # Textual's own default theme uses $secondary (#004578) as heading text on a dark
    # surface: measurably below AA, which is why we ship our own.
    assert any(
        c.text == "secondary" and not c.passes
        for c in contrast_checks(BUILTIN_THEMES["textual-dark"])
    )


def test_conversion_keeps_every_field_and_names_the_code_style() -> None:
    for spec in SHIPPED:
        theme = to_textual(spec)
        assert theme.name == spec.name
        assert theme.dark is spec.dark
        for field, value in spec.colors.items():
            assert getattr(theme, field) == value
        for key, value in spec.variables.items():
            assert theme.variables[key] == value
        assert theme.variables[CODE_THEME_VARIABLE] == spec.code_theme
        assert code_theme_of(theme) == spec.code_theme
        theme.to_color_system().generate()  # Textual accepts every value


def test_textual_themes_get_a_code_style_for_their_darkness() -> None:
    assert code_theme_of(BUILTIN_THEMES["textual-dark"]) == "monokai"
    assert code_theme_of(BUILTIN_THEMES["textual-light"]) == "friendly"
