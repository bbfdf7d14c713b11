"""Issue 12 #1 and #13: piped output never hard-wraps, and user strings print verbatim.

Each test runs the real `emscope` in a subprocess with stdout/stderr piped and a narrow
COLUMNS, as CI and `| grep` do; nothing depends on the terminal the tests run in or on
the length of pytest's tmp path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROW = {"messages": [{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4."}]}
HOSTILE = "[red]a[/x]b:100:c[bold]"  # rich markup, a closing tag with no opener, an emoji code


def _emscope(*args: str, columns: int = 40) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "20"}
    env.pop("TERMINAL_WIDTH", None)
    return subprocess.run([sys.executable, "-m", "emscope", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def _long_dir(root: Path) -> Path:
    # 170+ characters whatever the tmp root: far past 40 and 80 columns.
    return root / ("a-long-folder-name-" * 5) / ("another-long-folder-" * 4)


@pytest.mark.parametrize("columns", [40, 300])
def test_a_long_output_path_is_printed_unbroken_on_one_line(tmp_path: Path, columns: int) -> None:
    folder = _long_dir(tmp_path)
    folder.mkdir(parents=True)
    data = folder / "rows.jsonl"
    data.write_text(json.dumps(ROW) + "\n")
    done = _emscope("data", "validate", str(data), columns=columns)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{data}: ok" in done.stdout.splitlines()


def test_an_error_naming_a_long_path_is_one_line(tmp_path: Path) -> None:
    missing = _long_dir(tmp_path) / "results"
    done = _emscope("report", str(missing))
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and str(missing) in lines[0], done.stderr


def test_markup_in_a_path_prints_verbatim_in_an_error(tmp_path: Path) -> None:
    missing = tmp_path / HOSTILE
    done = _emscope("report", str(missing))
    assert done.returncode == 2, done.stderr
    assert "MarkupError" not in done.stderr and "Traceback" not in done.stderr
    assert f"error: {missing}: not a readable results.json" in done.stderr


def test_markup_in_a_model_path_prints_verbatim_in_a_table(tmp_path: Path) -> None:
    folder = tmp_path / HOSTILE  # "[/x]" makes it two folders: the path still holds every tag
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "llama", "num_hidden_layers": 2}))
    done = _emscope("models", "info", str(folder))
    assert done.returncode == 0, done.stderr
    assert HOSTILE in done.stdout


def test_help_lists_every_option_whole_when_piped() -> None:
    done = _emscope("generate", "--help", columns=40)
    assert done.returncode == 0, done.stderr
    for option in ("--max-new-tokens", "--trigger-position", "--api-key-env", "--no-progress"):
        assert option in done.stdout
