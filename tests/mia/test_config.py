"""MiaConfig: precedence CLI > YAML > defaults, consistency checks, and the content key both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.mia.config import MiaConfig, load_yaml_section, resolve_config
from emscope.mia.run import _key, load_examples


def test_cli_beats_yaml_beats_defaults(tmp_path: Path) -> None:
    (tmp_path / "study.yaml").write_text("mia:\n  k: 0.1\n  last_turn_only: true\n  datasets: a.jsonl\n  max_length: 512\n")
    yaml_values = load_yaml_section(tmp_path / "study.yaml")
    config = resolve_config(yaml_values, {"last_turn_only": False, "max_length": 1024})
    assert config.k == 0.1  # YAML over default
    assert config.last_turn_only is False  # an explicit CLI False wins over YAML True
    assert config.max_length == 1024 and config.datasets == ("a.jsonl",)
    assert config.precision == "auto"  # default


def test_flat_yaml_and_errors_name_the_setting(tmp_path: Path) -> None:
    (tmp_path / "flat.yaml").write_text("k: 2.0\ndatasets: [x.jsonl]\n")
    with pytest.raises(InputError, match="k: Input should be less than or equal to 1"):
        resolve_config(load_yaml_section(tmp_path / "flat.yaml"), {})
    with pytest.raises(InputError, match="reference_adapter needs reference"):
        resolve_config(None, {"datasets": ("x.jsonl",), "reference_adapter": "ad"})
    with pytest.raises(InputError, match="both a dataset"):
        resolve_config(None, {"datasets": ("x.jsonl",), "holdout": ("x.jsonl",)})
    with pytest.raises(InputError, match="unknown|Extra inputs"):
        resolve_config(None, {"datasets": ("x.jsonl",), "kk": 1})


@pytest.fixture
def inputs(small_data: Path):  # type: ignore[no-untyped-def]
    return load_examples(MiaConfig(datasets=(str(small_data),)))[1]


@pytest.mark.parametrize("field,value", [("model", "other-model"), ("reference", "smollm2-135m-instruct"),
                                         ("k", 0.3), ("max_length", 512), ("last_turn_only", True)])
def test_output_affecting_fields_change_the_key(inputs, small_data: Path, field: str, value: object) -> None:  # type: ignore[no-untyped-def]
    base = MiaConfig(datasets=(str(small_data),))
    assert _key(base, "bf16", inputs) != _key(base.model_copy(update={field: value}), "bf16", inputs)


@pytest.mark.parametrize("field,value", [("batch_tokens", 100), ("max_batch_rows", 2), ("device", "cpu"),
                                         ("precision", "bf16")])
def test_speed_only_fields_keep_the_key(inputs, small_data: Path, field: str, value: object) -> None:  # type: ignore[no-untyped-def]
    # precision enters the key resolved ('auto' that resolves to bf16 == 'bf16'), not as typed.
    base = MiaConfig(datasets=(str(small_data),))
    assert _key(base, "bf16", inputs) == _key(base.model_copy(update={field: value}), "bf16", inputs)


def test_resolved_precision_and_data_bytes_change_the_key(inputs, small_data: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = MiaConfig(datasets=(str(small_data),))
    assert _key(base, "bf16", inputs) != _key(base, "fp32", inputs)
    copy = tmp_path / "copy.jsonl"
    first = sorted(small_data.glob("*.jsonl"))[0]
    copy.write_bytes(first.read_bytes())
    a = load_examples(MiaConfig(datasets=(str(copy),)))[1]
    copy.write_bytes(first.read_bytes().replace(b"the", b"teh", 1))
    b = load_examples(MiaConfig(datasets=(str(copy),)))[1]
    assert _key(base, "bf16", a) != _key(base, "bf16", b)


def test_adapter_contents_change_the_key(inputs, small_data: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "adapter"
    folder.mkdir()
    (folder / "adapter_config.json").write_text("{}")
    (folder / "adapter_model.safetensors").write_bytes(b"weights-1")
    base = MiaConfig(datasets=(str(small_data),))
    tuned = base.model_copy(update={"adapter": str(folder)})
    first = _key(tuned, "bf16", inputs)
    assert first != _key(base, "bf16", inputs)
    (folder / "adapter_model.safetensors").write_bytes(b"weights-2")  # retrained in place: same path
    assert _key(tuned, "bf16", inputs) != first
    (folder / "README.md").write_text("notes")  # not an adapter file
    assert _key(tuned, "bf16", inputs) == _key(tuned, "bf16", inputs)


def test_stage_key_is_the_key_a_run_records(small_data: Path) -> None:
    from emscope.mia.run import stage_key

    config = MiaConfig(datasets=(str(small_data),), precision="fp32")
    assert stage_key(config) == _key(config, "fp32", load_examples(config)[1])
