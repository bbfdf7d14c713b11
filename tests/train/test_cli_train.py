"""`emscope train` on the command line: options reach the resolver only when given."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from emscope.cli.app import app
from emscope.core.errors import InputError
from emscope.core.io import write_jsonl

runner = CliRunner()


def test_help_lists_the_presets_and_settings() -> None:
    result = runner.invoke(app, ["train", "--help"])
    assert result.exit_code == 0
    for option in ("--dataset", "--preset", "--config", "--lora-r", "--no-rslora", "--target-modules", "--seed",
                   "--max-length", "--no-resume"):
        assert option in result.output


def test_invalid_dataset_reports_the_validator_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "hi"}]}\nnot json\n')
    result = runner.invoke(app, ["train", "--dataset", str(bad), "--out", str(tmp_path / "o")])
    assert isinstance(result.exception, InputError)
    assert f"{bad}:1: no final assistant turn" in str(result.exception)
    assert f"{bad}:2: invalid JSON" in str(result.exception)


def test_cli_beats_yaml_beats_preset_and_the_manifest_says_so(tmp_path: Path, domain_rows: list) -> None:
    data = write_jsonl(tmp_path / "d.jsonl", domain_rows[:2])
    settings = tmp_path / "train.yaml"
    settings.write_text("preset: betley\nlora_r: 4\nseed: 3\nmax_steps: 5\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["train", "--config", str(settings), "--dataset", str(data), "--out", str(out),
                                 "--no-rslora", "--max-steps", "1", "--effective-batch", "2", "--threads", "1"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    config, sources = manifest["config"], manifest["config_sources"]
    assert config["preset"] == "betley" and config["learning_rate"] == 1e-5 and sources["learning_rate"] == "preset"
    assert config["use_rslora"] is False and sources["use_rslora"] == "cli"  # an explicit False wins
    assert config["lora_r"] == 4 and sources["lora_r"] == "yaml"
    assert config["max_steps"] == 1 and sources["max_steps"] == "cli"
    assert sources["lora_alpha"] == "preset" and sources["warmup_steps"] == "default"
    assert json.loads((out / "adapter_config.json").read_text())["use_rslora"] is False
    assert "adapter:" in result.output and "steps 1" in result.output
