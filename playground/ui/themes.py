"""Provides `to_textual`, the one place a `ThemeSpec` becomes a Textual `Theme`, and
`contrast_checks`, which measures the text colours a theme produces on its backgrounds.

The theme's Pygments style travels inside the Textual theme as the variable
`CODE_THEME_VARIABLE`, so anything holding only the app's current theme can find it (an
`AnswerView` whose ``code_theme`` is ``auto`` does). Contrast is measured on the colours
Textual actually derives (``$text-muted`` is ``auto 60%``, ``$text-warning`` a tint of the
warning colour…), resolved against the background each is drawn on.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.color import Color
from textual.theme import Theme

from playground.core.contrast import AA_TEXT, contrast_ratio
from playground.core.theme import ThemeSpec
from playground.ui.markdown.theme import CODE_THEME_VARIABLE

DEFAULT_THEME = "playground-dark"
"""The theme a fresh install starts with (``themes/playground-dark.toml``)."""

DARK_FALLBACK_CODE = "monokai"
LIGHT_FALLBACK_CODE = "friendly"


def to_textual(spec: ThemeSpec) -> Theme:
    """The Textual theme of `spec`: its colours, darkness and variables, plus its Pygments
    style as `CODE_THEME_VARIABLE`."""
    variables = {**spec.variables, CODE_THEME_VARIABLE: spec.code_theme}
    colors = spec.colors
    return Theme(
        name=spec.name,
        primary=colors["primary"],
        secondary=colors.get("secondary"),
        warning=colors.get("warning"),
        error=colors.get("error"),
        success=colors.get("success"),
        accent=colors.get("accent"),
        foreground=colors.get("foreground"),
        background=colors.get("background"),
        surface=colors.get("surface"),
        panel=colors.get("panel"),
        boost=colors.get("boost"),
        dark=spec.dark,
        variables=variables,
    )


def code_theme_of(theme: Theme) -> str:
    """The Pygments style for code under `theme`: the one it names, else a default that
    suits its darkness (Textual's own themes name none)."""
    named = theme.variables.get(CODE_THEME_VARIABLE)
    if named:
        return named
    return DARK_FALLBACK_CODE if theme.dark else LIGHT_FALLBACK_CODE


# -- contrast ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContrastCheck:
    """One text colour measured on one background."""

    text: str
    """The theme variable of the text (``text-muted``…)."""
    background: str
    """The theme variable it is drawn on (``panel``…), or a description of the layers."""
    ratio: float
    """The WCAG contrast ratio."""

    @property
    def passes(self) -> bool:
        return self.ratio >= AA_TEXT

    def __str__(self) -> str:
        return f"${self.text} on ${self.background}: {self.ratio:.2f}:1"


BACKGROUNDS = ("background", "surface", "panel")
"""Where text is drawn: the screen, the answer and picker panes, code blocks and the footer."""

TEXT_COLORS = (
    "foreground",
    "text",
    "text-muted",
    "text-primary",
    "text-secondary",
    "text-accent",
    "text-warning",
    "text-error",
    "text-success",
)
"""Text colours checked on every one of `BACKGROUNDS`."""

PLAIN_AS_TEXT = (
    ("primary", "surface"),  # answer headings
    ("secondary", "surface"),
    ("accent", "surface"),  # list bullets
    ("error", "background"),  # the prompt editor's problems
)
"""Base colours some widgets use directly as text colours, on the background they sit on."""

LAYERED = (
    # (text, background layers from the bottom up)
    ("text-warning", ("surface", "warning-muted")),  # inline code in an answer
    ("block-cursor-foreground", ("surface", "block-cursor-background")),  # picker selection
    ("footer-key-foreground", ("footer-background", "footer-key-background")),
    ("footer-description-foreground", ("footer-background", "footer-description-background")),
    ("foreground", ("background", "primary 8%")),  # the user's turn in the conversation
    ("foreground", ("background", "error 10%")),  # an error card
)
"""Text drawn on backgrounds made of several layers (translucent ones blend down)."""


def contrast_checks(theme: Theme) -> list[ContrastCheck]:
    """Every text/background pair above, measured under `theme`."""
    variables = theme.to_color_system().generate()
    checks: list[ContrastCheck] = []

    def measure(text: str, layers: tuple[str, ...], label: str) -> None:
        under = _layers(variables, layers)
        top = _resolve(variables, text, under)
        checks.append(ContrastCheck(text, label, contrast_ratio(top.rgb, under.rgb)))

    for background in BACKGROUNDS:
        for text in TEXT_COLORS:
            measure(text, (background,), background)
    for text, background in PLAIN_AS_TEXT:
        measure(text, (background,), background)
    for text, layers in LAYERED:
        measure(text, layers, " + ".join(layers))
    return checks


def contrast_warning(theme: Theme) -> str | None:
    """One sentence about the worst text contrast of `theme` when it is below WCAG AA."""
    failing = [check for check in contrast_checks(theme) if not check.passes]
    if not failing:
        return None
    worst = min(failing, key=lambda check: check.ratio)
    more = f" and {len(failing) - 1} more pairs" if len(failing) > 1 else ""
    return (
        f"Theme {theme.name!r} has text that is hard to read: {worst}{more} "
        f"(WCAG AA asks for {AA_TEXT}:1)."
    )


def _layers(variables: dict[str, str], layers: tuple[str, ...]) -> Color:
    """The opaque colour of `layers` painted bottom-up (the first is taken as opaque)."""
    color = _resolve(variables, layers[0], Color(0, 0, 0))
    for layer in layers[1:]:
        color = _resolve(variables, layer, color)
    return color


def _resolve(variables: dict[str, str], value: str, under: Color) -> Color:
    """A colour value as Textual draws it over the opaque `under`: a theme variable's name
    is looked up, ``auto`` is the contrasting black or white, ``NN%`` an opacity and
    ``transparent`` nothing."""
    words = variables.get(value, value).split()
    alpha = 1.0
    if len(words) == 2 and words[1].endswith("%"):
        alpha = float(words[1][:-1]) / 100
    head = words[0]
    if head == "auto":
        top = under.get_contrast_text(alpha)
    elif head == "transparent":
        return under
    else:
        base = variables.get(head, head)
        if base.split()[0] != head:  # a variable naming a colour: resolve that first
            top = _resolve(variables, head, under).multiply_alpha(alpha)
        else:
            top = Color.parse(head).multiply_alpha(alpha)
    return (under + top).with_alpha(1.0)
