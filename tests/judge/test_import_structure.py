"""Issue 13 #5 / CONVENTIONS 11: the judge contract (`judge/base.py`) is apart from the
registry (`judge/registry.py`), and no import cycle (module-level or lazy) joins the judge
modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

JUDGE_DIR = Path(__file__).resolve().parents[2] / "src" / "emscope" / "judge"
PACKAGE = "emscope.judge"


def _module_name(path: Path) -> str:
    rel = path.relative_to(JUDGE_DIR).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([PACKAGE, *parts])


def _imports(path: Path, modules: set[str]) -> set[str]:
    """emscope.judge modules that `path` imports, at module level or lazily inside functions
    (a lazy import is still a dependency: the old base.py's factories imported every judge,
    and every judge imported base.py); only `if TYPE_CHECKING:` blocks are left out."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.ImportFrom) and sub.module and sub.level == 0:
                names = [sub.module] + [f"{sub.module}.{a.name}" for a in sub.names]
                found.update(n for n in names if n in modules)
            elif isinstance(sub, ast.Import):
                found.update(a.name for a in sub.names if a.name in modules)
    return found


def _graph() -> dict[str, set[str]]:
    paths = sorted(JUDGE_DIR.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(p, modules) - {_module_name(p)} for p in paths}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of module names, or None (depth-first search)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_base_imports_no_judge_module() -> None:
    graph = _graph()
    assert graph[f"{PACKAGE}.base"] == set(), "the contract must not import the judges or the registry"


def test_no_import_cycle_in_the_judge_package() -> None:
    assert _cycle(_graph()) is None


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_registry_loads_no_judge_implementation_and_public_names_still_work() -> None:
    code = (
        "import sys\n"
        "import emscope.judge.registry as r\n"
        "from emscope.judge import JUDGES, make_judge, open_cache, Judge, JudgeInput, Judgement\n"
        "assert JUDGES is r.JUDGES and make_judge is r.make_judge\n"
        "assert {'offline', 'openai', 'hf'} <= set(JUDGES.names())\n"
        "heavy = [m for m in sys.modules if m.startswith(('emscope.judge.offline', 'emscope.judge.hf_judge',"
        " 'emscope.judge.openai_judge', 'torch', 'transformers'))]\n"
        "print(heavy)\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
