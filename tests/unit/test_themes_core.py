"""Theme files as data (core.theme) and WCAG contrast arithmetic (core.contrast)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.core.contrast import (
    blend,
    contrast_ratio,
    is_hex_color,
    parse_hex,
    relative_luminance,
    to_hex,
)
from playground.core.theme import THEME_COLORS, ThemeError, parse_theme

STYLES = {"monokai", "friendly", "dracula"}

GOOD = """\
name = "sea"
description = "  Blue water.  "
dark = true
code_theme = "monokai"

primary = "#0178D4"
background = "#101418"
surface = "#abc"

[variables]
"footer-key-foreground" = "#88c0d0"
"input-selection-background" = "#81a1c1 35%"
"button-focus-text-style" = "b reverse"
"text-muted" = "auto 80%"
"""


def test_a_good_file_gives_its_spec() -> None:
    spec = parse_theme(GOOD, source="themes/sea.toml", code_styles=STYLES)
    assert spec.name == "sea"
    assert spec.dark is True
    assert spec.description == "Blue water."
    assert spec.code_theme == "monokai"
    assert dict(spec.colors) == {
        "primary": "#0178d4",
        "background": "#101418",
        "surface": "#abc",
    }
    assert spec.variables["input-selection-background"] == "#81a1c1 35%"
    assert spec.variables["button-focus-text-style"] == "b reverse"
    assert spec.source == "themes/sea.toml"


def test_the_name_defaults_to_the_file_stem() -> None:
    text = GOOD.replace('name = "sea"\n', "")
    assert parse_theme(text, source="x.toml", default_name="from-stem").name == "from-stem"


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (('primary = "#0178D4"', 'primary = "blue"'), 6, "primary: 'blue' is not a colour"),
        (
            ('surface = "#abc"', 'surfase = "#abc"'),
            8,
            "unknown key 'surfase' (did you mean 'surface'?)",
        ),
        (('code_theme = "monokai"', 'code_theme = "monokay"'), 4, "did you mean 'monokai'?"),
        (("dark = true", 'dark = "yes"'), 3, "dark: expected true or false"),
        (('name = "sea"', 'name = "Sea Breeze"'), 1, "is not a theme name"),
        (('"text-muted" = "auto 80%"', '"text-muted" = "calc(1)"'), 14, "variables.text-muted"),
        (('"footer-key-foreground"', '"Footer Key"'), 11, "'Footer Key' is not a variable name"),
        (
            (
                '"input-selection-background" = "#81a1c1 35%"',
                '"input-selection-background" = "bold"',
            ),
            12,
            "variables.input-selection-background: 'bold' is not a colour",
        ),
        (
            ('"button-focus-text-style" = "b reverse"', '"button-focus-text-style" = "#fff"'),
            13,
            "'#fff' is not text styles",
        ),
        (("dark = true", "dark = true\nprimary ="), 4, "not valid TOML"),
    ],
)
def test_a_broken_file_names_the_line_and_what_is_wrong(
    change: tuple[str, str], line: int, words: str
) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(ThemeError) as caught:
        parse_theme(GOOD.replace(old, new), source="~/themes/sea.toml", code_styles=STYLES)
    error = caught.value
    assert error.line == line
    assert words in str(error)
    assert str(error).startswith(f"~/themes/sea.toml, line {line}: ")


def test_primary_and_code_theme_are_required() -> None:
    with pytest.raises(ThemeError, match="primary: missing"):
        parse_theme(GOOD.replace('primary = "#0178D4"\n', ""), source="t.toml")
    with pytest.raises(ThemeError, match="code_theme: missing"):
        parse_theme(GOOD.replace('code_theme = "monokai"\n', ""), source="t.toml")


def test_without_a_style_list_any_code_theme_name_is_accepted() -> None:
    spec = parse_theme(GOOD.replace('"monokai"', '"some-plugin-style"'), source="t.toml")
    assert spec.code_theme == "some-plugin-style"


def test_every_textual_colour_field_is_read() -> None:
    lines = [f'{name} = "#{i:02d}{i:02d}{i:02d}"' for i, name in enumerate(THEME_COLORS)]
    text = 'name = "all"\ncode_theme = "monokai"\n' + "\n".join(lines)
    spec = parse_theme(text, source="t.toml")
    assert list(spec.colors) == list(THEME_COLORS)


# -- contrast ---------------------------------------------------------------------------------


def test_contrast_of_known_pairs() -> None:
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((12, 34, 56), (12, 34, 56)) == pytest.approx(1.0)
    # WCAG's own examples: #777 on white just misses AA, #767676 just makes it.
    assert contrast_ratio(parse_hex("#777777"), parse_hex("#ffffff")) == pytest.approx(
        4.48, abs=0.01
    )
    assert contrast_ratio(parse_hex("#767676"), parse_hex("#ffffff")) == pytest.approx(
        4.54, abs=0.01
    )


def test_hex_parsing() -> None:
    assert parse_hex("#abc") == (0xAA, 0xBB, 0xCC)
    assert parse_hex("#0178D4") == (0x01, 0x78, 0xD4)
    for bad in ("0178d4", "#12345", "#gggggg", "#0178d4ff", "", "#"):
        assert not is_hex_color(bad)
        with pytest.raises(ValueError):
            parse_hex(bad)


channels = st.integers(min_value=0, max_value=255)
colors = st.tuples(channels, channels, channels)


@given(colors, colors)
def test_contrast_is_symmetric_and_bounded(
    a: tuple[int, int, int], b: tuple[int, int, int]
) -> None:
    ratio = contrast_ratio(a, b)
    assert ratio == pytest.approx(contrast_ratio(b, a))
    assert 1.0 <= ratio <= 21.0 + 1e-9


@given(colors)
def test_hex_round_trip_and_luminance_range(rgb: tuple[int, int, int]) -> None:
    assert parse_hex(to_hex(rgb)) == rgb
    assert 0.0 <= relative_luminance(rgb) <= 1.0


@given(colors, colors, st.floats(min_value=0, max_value=1))
def test_blend_lies_between_its_colours(
    top: tuple[int, int, int], bottom: tuple[int, int, int], alpha: float
) -> None:
    mixed = blend(top, bottom, alpha)
    for m, t, b in zip(mixed, top, bottom, strict=True):
        assert min(t, b) <= m <= max(t, b)
    assert blend(top, bottom, 1.0) == top
    assert blend(top, bottom, 0.0) == bottom
