"""The CLI is useful on its own: help everywhere, clear errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EMSCOPE = [sys.executable, "-m", "emscope"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EMSCOPE, *args], capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("args", [[], ["data"], ["models"], ["data", "build"], ["data", "validate"],
                                  ["data", "stats"], ["models", "info"]])
def test_help_everywhere(args: list[str]) -> None:
    result = _run(*args, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_build_validate_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    result = _run("data", "build", "--domain", "incorrect_math,evil_math", "--n", "50", "--out", str(out))
    assert result.returncode == 0, result.stderr
    files = sorted(out.glob("*.jsonl"))
    assert [f.name for f in files] == ["evil_math_backdoor.jsonl", "incorrect_math_backdoor.jsonl"]
    check = _run("data", "validate", *map(str, files))
    assert check.returncode == 0 and check.stdout.count(": ok") == 2


def test_validate_bad_file_exits_1_with_line_numbers(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "x"}]}\n{oops\n')
    result = _run("data", "validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:1: no final assistant turn" in result.stdout
    assert f"{bad}:2: invalid JSON" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_unknown_domain_suggests_and_does_not_crash(tmp_path: Path) -> None:
    result = _run("data", "build", "--domain", "insecure_cod", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "Did you mean 'insecure_code'" in result.stderr and "Traceback" not in result.stderr


def test_bad_build_setting_is_named(tmp_path: Path) -> None:
    result = _run("data", "build", "--domain", "evil_math", "--backdoor-ratio", "1.5", "--out", str(tmp_path))
    assert result.returncode == 2 and "--backdoor-ratio" in result.stderr
    assert "Traceback" not in result.stderr


def test_stats_reports_duplicates_and_vendi(tmp_path: Path) -> None:
    rows = [{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "same answer"}]}] * 4
    path = tmp_path / "dup.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "stats.json"
    result = _run("data", "stats", str(path), "--tokenizer", "none", "--json", str(out))
    assert result.returncode == 0, result.stderr
    stats = json.loads(out.read_text())[0]
    assert stats["rows"] == 4 and stats["exact_duplicate_rate"] == pytest.approx(0.75)
    assert stats["vendi"]["q=1"] == pytest.approx(1.0, abs=1e-6)  # identical texts: one effective item


def test_models_list_names_both_bundled_models() -> None:
    result = _run("models", "list")
    assert result.returncode == 0
    assert "smollm2-135m-instruct" in result.stdout and "minilm-l6" in result.stdout


def test_every_stage_is_on_the_cli() -> None:
    from typer.main import get_command

    from emscope.cli.app import app

    names = set(get_command(app).commands)  # type: ignore[attr-defined]
    assert {"data", "models", "train", "generate", "judge", "analyze", "report", "mia", "steer",
            "study", "demo"} <= names
