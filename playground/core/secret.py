"""A secret string that cannot leak through repr, str, logs, pickles or tracebacks.

Textual prints the locals of every frame when it crashes (RELIABILITY.md §5), so an API key
held in a plain `str` ends up on the screen. Keys live in `Secret` from the moment they are
read until the one place the Authorization header is built, which calls `reveal()`.
"""

from __future__ import annotations

import hmac
from typing import NoReturn


class Secret:
    """An API key. `repr`/`str` show ``Secret('****')``; `reveal()` gives the value."""

    __slots__ = ("__value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret holds a str")
        self.__value = value

    def reveal(self) -> str:
        """The secret itself. Call it only where the request header is built."""
        return self.__value

    @property
    def last4(self) -> str:
        """``…9f2c``: enough to tell two keys apart, too little to use one."""
        value = self.__value
        return "…" + value[-4:] if len(value) >= 12 else "…"

    def __bool__(self) -> bool:
        return bool(self.__value)

    def __repr__(self) -> str:
        return "Secret('****')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self.__value.encode(), other.reveal().encode())

    def __hash__(self) -> int:
        return hash(("Secret", len(self.__value)))

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")

    def __getstate__(self) -> NoReturn:
        raise TypeError("a Secret cannot be serialized")
