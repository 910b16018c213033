"""Where the app keeps its files. Nothing here creates a folder: writers do, when they write.

Every location comes from platformdirs (so ``XDG_*`` variables are honoured on Linux) and can
be redirected as a whole with ``PLAYGROUND_HOME`` (one folder holding config/, cache/, state/
and data/), which is what a portable install or a demo wants.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "gateway-playground"


@dataclass(frozen=True, slots=True)
class Paths:
    """The app's folders. Construct with `Paths.default()` or point them anywhere (tests)."""

    config: Path
    """config.toml and the user's own themes/."""
    cache: Path
    """The catalog cache: safe to delete."""
    state: Path
    """The recovery journal and the recent-sessions list."""
    data: Path
    """Sessions saved without an explicit folder, and logs."""

    @classmethod
    def default(cls) -> Paths:
        """The platform's folders, or the folders under ``$PLAYGROUND_HOME`` when it is set."""
        home = os.environ.get("PLAYGROUND_HOME")
        if home:
            return cls.under(Path(home))
        return cls(
            config=platformdirs.user_config_path(APP_NAME, appauthor=False),
            cache=platformdirs.user_cache_path(APP_NAME, appauthor=False),
            state=platformdirs.user_state_path(APP_NAME, appauthor=False),
            data=platformdirs.user_data_path(APP_NAME, appauthor=False),
        )

    @classmethod
    def under(cls, root: Path) -> Paths:
        """All four folders under one root."""
        return cls(
            config=root / "config",
            cache=root / "cache",
            state=root / "state",
            data=root / "data",
        )

    @property
    def config_file(self) -> Path:
        return self.config / "config.toml"

    @property
    def user_themes(self) -> Path:
        return self.config / "themes"

    @property
    def catalog_cache(self) -> Path:
        return self.cache / "catalog"

    @property
    def recovery(self) -> Path:
        return self.state / "recovery"

    @property
    def recent_file(self) -> Path:
        return self.state / "recent.json"

    @property
    def sessions(self) -> Path:
        return self.data / "sessions"

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @property
    def insecure_keys_file(self) -> Path:
        """API keys in plain text: written only after an explicit ``--insecure-storage``.
        Under data/, not config/, because config folders get shared in dotfile repositories."""
        return self.data / "insecure-keys.json"


def display_path(path: Path | str) -> str:
    """`path` as a user would type it: the home folder shortened to ``~``."""
    text = str(path)
    home = os.path.expanduser("~").rstrip(os.sep)
    if home and home != "~" and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home) :]
    return text
