"""Reading theme folders (store.themes) and the saved choice (services.themes)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from playground.core.theme import ThemeError
from playground.services.themes import code_styles, save_theme, theme_setup
from playground.store.config import ConfigError, ConfigStore
from playground.store.paths import Paths
from playground.store.themes import load_themes, read_theme, shipped_themes_dir

SHIPPED = {"playground-dark", "playground-light", "playground-high-contrast", "playground-dusk"}


def _theme(name: str, primary: str = "#336699", code: str = "monokai") -> str:
    return f'name = "{name}"\ndark = true\ncode_theme = "{code}"\nprimary = "{primary}"\n'


def test_the_shipped_themes_are_found_in_this_checkout() -> None:
    folder = shipped_themes_dir()
    assert folder is not None and folder.is_dir()
    load = load_themes(None, code_styles=code_styles())
    assert load.problems == ()
    assert {spec.name for spec in load.themes} >= SHIPPED
    assert [spec.name for spec in load.themes][:1] == ["playground-dark"]


def test_every_shipped_theme_names_a_pygments_style_and_all_its_colours() -> None:
    for spec in load_themes(None, code_styles=code_styles()).themes:
        assert spec.code_theme in code_styles()
        assert set(spec.colors) >= {
            "primary", "secondary", "accent", "foreground", "background", "surface", "panel",
            "warning", "error", "success",
        }  # fmt: skip
        assert spec.description


def test_user_themes_load_after_the_shipped_ones_and_replace_by_name(tmp_path: Path) -> None:
    user = tmp_path / "themes"
    user.mkdir()
    (user / "mine.toml").write_text(_theme("mine"))
    (user / "playground-light.toml").write_text(_theme("playground-light", "#111111"))
    (user / "notes.txt").write_text("not a theme")
    load = load_themes(user, code_styles=code_styles())
    names = [spec.name for spec in load.themes]
    assert names.count("playground-light") == 1
    assert names[-1] == "mine"
    light = next(spec for spec in load.themes if spec.name == "playground-light")
    assert light.colors["primary"] == "#111111"
    assert load.problems == ()


def test_a_broken_user_theme_is_skipped_with_its_file_and_line(tmp_path: Path) -> None:
    user = tmp_path / "themes"
    user.mkdir()
    (user / "good.toml").write_text(_theme("good"))
    (user / "bad.toml").write_text(_theme("bad") + 'accent = "#12"\n')
    (user / "worse.toml").write_text("name = \n")
    (user / "latin1.toml").write_bytes(b'name = "caf\xe9"\n')
    (user / "typo.toml").write_text(_theme("typo", code="monokay"))
    load = load_themes(user, code_styles=code_styles())
    assert "good" in {spec.name for spec in load.themes}
    assert {"bad", "worse", "typo"}.isdisjoint(spec.name for spec in load.themes)
    problems = "\n".join(load.problems)
    assert len(load.problems) == 4
    assert "bad.toml, line 5: accent: '#12' is not a colour" in problems
    assert "worse.toml, line 1: not valid TOML" in problems
    assert "latin1.toml: not UTF-8 text" in problems
    assert "typo.toml, line 3: code_theme: 'monokay' is not a Pygments style" in problems
    assert "(did you mean 'monokai'?)" in problems
    assert all(p.startswith("Skipped theme ") for p in load.problems)


def test_a_missing_user_folder_is_fine_and_nothing_is_created(tmp_path: Path) -> None:
    load = load_themes(tmp_path / "nope", code_styles=code_styles())
    assert load.problems == ()
    assert not (tmp_path / "nope").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_theme_says_why(tmp_path: Path) -> None:
    path = tmp_path / "locked.toml"
    path.write_text(_theme("locked"))
    path.chmod(0)
    with pytest.raises(ThemeError, match="couldn't read it"):
        read_theme(path)


def test_an_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(_theme("huge") + "# " + "x" * 70_000 + "\n")
    with pytest.raises(ThemeError, match="too large"):
        read_theme(path)


def test_the_choice_is_saved_and_read_back_keeping_the_rest_of_the_config(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path / "pg")
    assert theme_setup(paths).saved is None
    paths.config.mkdir(parents=True)
    paths.config_file.write_text('stall_threshold_s = 5.0\n[defaults]\nmodel = "x/y"\n')
    save_theme(paths, "playground-light")
    setup = theme_setup(paths)
    assert setup.saved == "playground-light"
    config = ConfigStore(paths).load().config
    assert config.stall_threshold_s == 5.0
    assert config.defaults.model == "x/y"
    assert (paths.config_file.stat().st_mode & 0o777) == 0o600


def test_saving_into_a_broken_config_is_refused_and_the_file_left_alone(tmp_path: Path) -> None:
    paths = Paths.under(tmp_path / "pg")
    paths.config.mkdir(parents=True)
    paths.config_file.write_text("theme = [unclosed\n")
    with pytest.raises(ConfigError, match="not saved"):
        save_theme(paths, "playground-light")
    assert paths.config_file.read_text() == "theme = [unclosed\n"


def test_the_wheel_installs_the_themes_inside_the_package() -> None:
    """pyproject's hatch config copies the top-level themes/ to playground/themes."""
    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text())
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"]["themes"] == "playground/themes"
    assert "themes" in config["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]


def test_in_an_installed_layout_the_themes_are_found_inside_the_package(tmp_path: Path) -> None:
    """The package as a wheel lays it out (themes under playground/, no checkout around it),
    imported in a fresh interpreter."""
    import shutil
    import subprocess
    import sys

    import playground

    source = Path(playground.__file__).resolve().parent
    site = tmp_path / "site-packages"
    shutil.copytree(source, site / "playground", ignore=shutil.ignore_patterns("__pycache__"))
    shipped = shipped_themes_dir()
    assert shipped is not None
    shutil.copytree(shipped, site / "playground" / "themes", dirs_exist_ok=True)
    code = (
        "import playground, json\n"
        "from playground.store.themes import shipped_themes_dir, load_themes\n"
        "print(json.dumps([playground.__file__, str(shipped_themes_dir()),"
        " sorted(t.name for t in load_themes(None).themes)]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,  # not the checkout: "-c" puts the working folder first on the path
    )
    import json

    package_file, folder, names = json.loads(out.stdout)
    assert package_file.startswith(str(site))
    assert folder == str(site / "playground" / "themes")
    assert set(names) == SHIPPED
