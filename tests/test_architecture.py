"""The layering of DESIGN.md, checked at run time (import-linter checks it statically).

Static import graphs miss deferred imports, so this imports the lower layers in a fresh
interpreter and looks at ``sys.modules`` (harlequin's import-hygiene test).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import playground

LOWER_LAYERS = ("core", "gateway", "store", "sim")


def _modules_of(package: str) -> list[str]:
    """Every module under ``playground.<package>``, subpackages included."""
    root = Path(playground.__file__).parent
    names = []
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _import_in_fresh_interpreter(modules: list[str], env: dict[str, str]) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    loaded: list[str] = json.loads(out.stdout)
    return loaded


def test_lower_layers_never_load_textual_or_rich(tmp_path: Path) -> None:
    modules = [m for layer in LOWER_LAYERS for m in _modules_of(layer)] + ["playground.services"]
    loaded = _import_in_fresh_interpreter(modules, dict(os.environ))
    ui = [m for m in loaded if m.split(".")[0] in {"textual", "rich"}]
    assert ui == [], f"lower layers loaded {ui[:5]}"


def test_importing_has_no_side_effects(tmp_path: Path) -> None:
    """Importing every module creates no folder and writes no file (DESIGN.md)."""
    home = tmp_path / "fresh-home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = str(home)
    modules = [m for layer in (*LOWER_LAYERS, "ui", "cli") for m in _modules_of(layer)]
    modules.append("playground.services")
    _import_in_fresh_interpreter(modules, env)
    assert list(home.rglob("*")) == []
