"""Issue 12 #4: every pinned dependency is used (trl was pinned but never imported)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "emscope"
# Distribution name -> the module it is imported as, where they differ.
MODULE = {"scikit-learn": "sklearn", "pyyaml": "yaml", "sentence-transformers": "sentence_transformers"}
# Needed at runtime without an import of ours: the pin says why (a comment in pyproject.toml).
INDIRECT = {"accelerate": "peft imports it", "gguf": "transformers reads the bundled GGUF model with it"}


def _pins() -> dict[str, str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = {}
    for dep in deps:
        name, sep, version = dep.partition("==")
        assert sep and re.fullmatch(r"[0-9][0-9A-Za-z.+]*", version), f"{dep}: pins stay exact (name==version)"
        pins[name] = version
    return pins


def _imported_modules() -> set[str]:
    found: set[str] = set()
    pattern = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)
    for path in SRC.rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_pinned_dependency_is_imported_or_needed_at_runtime() -> None:
    imported = _imported_modules()
    unused = [name for name in _pins()
              if name not in INDIRECT and MODULE.get(name, name.replace("-", "_")) not in imported]
    assert not unused, f"pinned in pyproject.toml but never imported by src/emscope: {unused}"


def test_indirect_pins_are_still_needed_and_commented() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    pins = _pins()
    for name in INDIRECT:
        assert name in pins and re.search(rf'"{name}==[^"]+",\s*# runtime:', text), name
    assert "trl" not in pins and "datasets" not in pins
