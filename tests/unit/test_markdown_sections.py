"""Stacking the answer view's parts into one line space."""

from __future__ import annotations

from playground.ui.markdown.sections import Sections


def test_parts_stack_with_one_gap_between_groups_and_none_for_empty_parts() -> None:
    sections = Sections([("reasoning-header", 1), ("reasoning", 3), ("answer", 5), ("tools", 0)])
    assert sections.height == 1 + 3 + 1 + 5
    assert [sections.find(y) for y in (0, 1, 3, 4, 5, 9)] == [
        ("reasoning-header", 0), ("reasoning", 0), ("reasoning", 2), ("gap", 0), ("answer", 0),
        ("answer", 4),
    ]  # fmt: skip
    assert sections.find(10) is None and sections.find(-1) is None
    assert sections.start("answer") == 5 and sections.start("tools") == 0


def test_key_tells_whether_anything_moved() -> None:
    a = Sections([("answer", 5), ("tools", 3)])
    assert a.key == Sections([("answer", 5), ("tools", 3)]).key
    assert a.key != Sections([("answer", 6), ("tools", 3)]).key
    assert [a.find(y) for y in (4, 5, 6)] == [("answer", 4), ("gap", 0), ("tools", 0)]
    assert Sections([]).height == 0
