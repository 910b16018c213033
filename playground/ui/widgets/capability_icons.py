"""One narrow glyph per model capability, in fixed slots, and the legend that explains them.

Every glyph is a single terminal cell in common fonts (no emoji presentation), so a column of
icons stays aligned: ``◉▤⚒✦ ⟳`` reads as vision, files, tools, reasoning, (no web search),
caching. Tags without a glyph (a new capability the gateway invents) are left to the catalog
browser's text column, which shows `playground.core.catalog.capability_label` for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from playground.core.catalog import IMPLICIT_CACHING


@dataclass(frozen=True, slots=True)
class IconSlot:
    """One column of the icon strip: a glyph and the tags that light it."""

    glyph: str
    """A single-cell character."""
    label: str
    """What the glyph means, for the legend."""
    tags: frozenset[str]
    """Capability tags (as the gateway spells them) shown by this glyph."""
    short: str
    """A one-word label, for toggles."""


ICON_SLOTS: tuple[IconSlot, ...] = (
    IconSlot("◉", "vision", frozenset({"vision"}), "vision"),
    IconSlot("▤", "file input", frozenset({"file-input"}), "files"),
    IconSlot("⚒", "tool use", frozenset({"tool-use"}), "tools"),
    IconSlot("✦", "reasoning", frozenset({"reasoning"}), "reasoning"),
    IconSlot("⌕", "web search", frozenset({"web-search"}), "web"),
    IconSlot("⟳", "prompt caching", frozenset({"explicit-caching", IMPLICIT_CACHING}), "cache"),
    IconSlot("▣", "image output", frozenset({"image-generation"}), "images"),
)
"""The icon columns, in display order. Explicit and implicit caching share a glyph: for
someone picking a model, either means a repeated prompt costs less."""

LEGEND = "  ".join(f"{slot.glyph} {slot.label}" for slot in ICON_SLOTS)
"""``◉ vision  ▤ file input  ⚒ tool use …``: for tooltips and help."""


def slots_in_use(tag_sets: Iterable[Iterable[str]]) -> tuple[IconSlot, ...]:
    """The slots that at least one of `tag_sets` lights, in display order: a catalog without
    web-search models needs no web-search column."""
    seen: set[str] = set()
    for tags in tag_sets:
        seen.update(tags)
    return tuple(slot for slot in ICON_SLOTS if slot.tags & seen)


def icon_strip(tags: Iterable[str], slots: tuple[IconSlot, ...] = ICON_SLOTS) -> str:
    """One cell per slot in `slots`: the glyph when `tags` has the capability, a space when
    not, so strips line up in a column. Trailing spaces are kept (the caller aligns)."""
    present = set(tags)
    return "".join(slot.glyph if slot.tags & present else " " for slot in slots)


def icons(tags: Iterable[str]) -> str:
    """Only the glyphs the model has, packed: ``◉▤⚒``."""
    return icon_strip(tags).replace(" ", "")


def describe(tags: Iterable[str]) -> str:
    """The labels of the capabilities that have a glyph: ``vision, tool use``."""
    present = set(tags)
    return ", ".join(slot.label for slot in ICON_SLOTS if slot.tags & present)
