"""Presets, precedence (CLI > YAML > preset > defaults) and the run key, both ways."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emscope.core.errors import InputError
from emscope.train.config import ALL_PROJECTIONS, KEY_EXCLUDED, PRESETS, TrainConfig, default_preset, resolve_config
from emscope.train.model import Runtime
from emscope.train.run import run_key

BASE = {"dataset": "d.jsonl", "out": "out"}


def test_presets_match_the_issue() -> None:
    paper, betley, small = PRESETS["paper"], PRESETS["betley"], PRESETS["small"]
    assert (paper["lora_r"], paper["lora_alpha"], paper["lora_dropout"]) == (8, 16, 0.05)
    assert paper["target_modules"] == ("q_proj", "v_proj")
    assert (paper["learning_rate"], paper["epochs"], paper["effective_batch"], paper["max_length"]) == (2e-4, 3, 16, 512)
    assert betley["use_rslora"] and (betley["lora_r"], betley["lora_alpha"]) == (32, 64)
    assert betley["target_modules"] == ALL_PROJECTIONS and len(ALL_PROJECTIONS) == 7
    assert (betley["learning_rate"], betley["epochs"], betley["effective_batch"]) == (1e-5, 1, 16)
    assert (small["lora_r"], small["learning_rate"], small["epochs"], small["effective_batch"]) == (16, 5e-3, 3, 8)
    assert small["target_modules"] == ALL_PROJECTIONS


def test_default_preset_depends_on_model_size(tmp_path: Path) -> None:
    assert default_preset("smollm2-135m-instruct") == "small"
    assert default_preset("Qwen/Qwen2.5-Coder-7B-Instruct") == "paper"
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    (tiny / "config.json").write_text(json.dumps({"hidden_size": 64, "num_hidden_layers": 2, "vocab_size": 100}))
    assert default_preset(str(tiny)) == "small"
    big = tmp_path / "big"
    big.mkdir()
    (big / "config.json").write_text(json.dumps({"hidden_size": 4096, "num_hidden_layers": 32, "vocab_size": 32000,
                                                 "intermediate_size": 11008}))
    assert default_preset(str(big)) == "paper"


def test_preset_values_apply_and_sources_are_recorded() -> None:
    config, sources = resolve_config({**BASE, "preset": "betley"})
    assert config.use_rslora and config.lora_r == 32 and config.learning_rate == 1e-5
    assert sources["lora_r"] == "preset" and sources["dataset"] == "cli" and sources["seed"] == "default"


def test_precedence_cli_over_yaml_over_preset(tmp_path: Path) -> None:
    yaml_file = tmp_path / "train.yaml"
    yaml_file.write_text("preset: paper\nlora_r: 4\nlearning_rate: 0.01\nseed: 5\nlora-dropout: 0.1\n")
    config, sources = resolve_config({**BASE, "learning_rate": 0.02}, yaml_file)
    assert config.preset == "paper" and config.effective_batch == 16 and sources["epochs"] == "preset"  # YAML-chosen preset
    assert config.lora_r == 4 and sources["lora_r"] == "yaml"  # YAML over preset
    assert config.learning_rate == 0.02 and sources["learning_rate"] == "cli"  # CLI over YAML
    assert config.lora_dropout == 0.1 and config.seed == 5


def test_explicit_false_and_zero_win_over_lower_layers(tmp_path: Path) -> None:
    yaml_file = tmp_path / "train.yaml"
    yaml_file.write_text("use_rslora: true\nweight_decay: 0.5\n")
    config, _ = resolve_config({**BASE, "preset": "betley", "use_rslora": False, "weight_decay": 0.0}, yaml_file)
    assert config.use_rslora is False and config.weight_decay == 0.0
    config, _ = resolve_config({**BASE, "preset": "paper", "lora_dropout": 0.0, "seed": 0})
    assert config.lora_dropout == 0.0


def test_target_modules_accepts_a_comma_list() -> None:
    config, _ = resolve_config({**BASE, "target_modules": "q_proj, v_proj,q_proj"})
    assert config.target_modules == ("q_proj", "v_proj")


@pytest.mark.parametrize("bad, match", [
    ({"lora_rank": 8}, "lora_rank'.*Did you mean 'lora_r'"),
    ({"preset": "tiny"}, "unknown preset"),
    ({"learning_rate": -1}, "learning_rate"),
    ({"device": "tpu"}, "device must be"),
])
def test_bad_settings_are_clear_errors(bad: dict[str, Any], match: str) -> None:
    with pytest.raises(InputError, match=match):
        resolve_config({**BASE, **bad})


def test_yaml_errors_name_the_file(tmp_path: Path) -> None:
    yaml_file = tmp_path / "bad.yaml"
    yaml_file.write_text("epochs: [1\n")
    with pytest.raises(InputError, match="bad.yaml is not valid YAML"):
        resolve_config(BASE, yaml_file)
    with pytest.raises(InputError, match="not found"):
        resolve_config(BASE, tmp_path / "missing.yaml")


def test_missing_dataset_is_reported() -> None:
    with pytest.raises(InputError, match="dataset"):
        resolve_config({"out": "x"})


def test_config_is_frozen_and_forbids_extra() -> None:
    config = TrainConfig(**BASE)
    with pytest.raises(Exception):
        config.seed = 3  # type: ignore[misc]
    with pytest.raises(Exception):
        TrainConfig(**BASE, bogus=1)


_CHANGED: dict[str, Any] = {
    "dataset": "other.jsonl", "out": "elsewhere", "model": "other-model", "preset": "paper", "seed": 9,
    "lora_r": 4, "lora_alpha": 7.0, "lora_dropout": 0.2, "use_rslora": True, "target_modules": ("q_proj",),
    "learning_rate": 0.5, "epochs": 5, "effective_batch": 3, "max_length": 77, "warmup_steps": 9,
    "lr_scheduler": "cosine", "weight_decay": 0.3, "max_grad_norm": 0.0, "max_steps": 5, "precision": "fp32",
    "device": "cpu", "threads": 1, "micro_batch_tokens": 99, "checkpoint_every": 3, "resume": False,
    "overwrite": True, "compile": True,
}


@pytest.mark.parametrize("field", sorted(TrainConfig.model_fields))
def test_each_field_changes_the_key_or_is_declared_not_to(field: str) -> None:
    runtime = Runtime("cpu", "bf16")
    base = TrainConfig(**BASE)
    changed = TrainConfig(**{**BASE, field: _CHANGED[field]})
    same = run_key(base, "sha", runtime) == run_key(changed, "sha", runtime)
    # The dataset enters the key by its content hash, not its path.
    assert same == (field in KEY_EXCLUDED or field == "dataset"), field


def test_data_hash_and_precision_change_the_key() -> None:
    config = TrainConfig(**BASE)
    assert run_key(config, "a", Runtime("cpu", "bf16")) != run_key(config, "b", Runtime("cpu", "bf16"))
    assert run_key(config, "a", Runtime("cpu", "bf16")) != run_key(config, "a", Runtime("cpu", "fp32"))
    assert run_key(config, "a", Runtime("cpu", "bf16")) == run_key(config, "a", Runtime("cuda", "bf16"))


def test_field_defaults_are_the_small_preset() -> None:
    """A TrainConfig built directly (no resolver) trains like the bundled model's default preset."""
    for name, value in PRESETS["small"].items():
        assert TrainConfig.model_fields[name].default == value, name
