"""Adapter folders: damaged ones are refused with a message, and an adapter that changes nothing is caught."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from emscope.core.errors import InputError
from emscope.core.io import write_jsonl
from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.models.adapters import (
    adapter_effect,
    check_adapter_names,
    load_adapter,
    read_adapter_folder,
    verify_adapter_applied,
)

BUNDLED = "smollm2-135m-instruct"


def _tiny(seed: int = 0) -> Any:
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=49152, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                         tie_word_embeddings=True, pad_token_id=2, bos_token_id=1, eos_token_id=2)
    return LlamaForCausalLM(config).eval()


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    from emscope.models import load_tokenizer

    return load_tokenizer(BUNDLED)


def _save_lora(folder: Path, init_lora_weights: bool, seed: int = 0, **lora: Any) -> Path:
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)
    wrapped = get_peft_model(_tiny(), LoraConfig(r=2, lora_alpha=4, target_modules=["q_proj", "v_proj"],
                                                 init_lora_weights=init_lora_weights, **lora))
    wrapped.save_pretrained(folder)
    return folder


def test_a_freshly_initialised_adapter_is_refused_before_the_model_loads(tmp_path):
    fresh = _save_lora(tmp_path / "fresh", init_lora_weights=True)  # B = 0, as peft initialises it
    with pytest.raises(InputError, match="every lora_B matrix is zero"):
        read_adapter_folder(fresh)
    with pytest.raises(InputError, match=str(fresh.name)):
        load_adapter(_tiny(), fresh)


def test_an_adapter_whose_names_match_no_module_is_refused(tmp_path, tokenizer):
    from safetensors.torch import load_file, save_file

    folder = _save_lora(tmp_path / "renamed", init_lora_weights=False)
    weights = folder / "adapter_model.safetensors"
    tensors = load_file(str(weights))
    # A module prefix this model does not have: peft loads none of the tensors.
    save_file({k.replace("model.layers.", "model.blocks."): v for k, v in tensors.items()}, str(weights))
    read_adapter_folder(folder)  # the folder itself looks fine
    with pytest.raises(InputError) as info:
        load_adapter(_tiny(), folder, tokenizer=tokenizer)
    message = str(info.value)
    assert "do not fit this model's modules" in message and "module prefix" in message and "renamed" in message


def test_the_logit_check_refuses_an_attached_adapter_that_changes_nothing(tokenizer):
    from peft import LoraConfig, get_peft_model

    fresh = get_peft_model(_tiny(), LoraConfig(r=2, target_modules=["q_proj"])).eval()  # B = 0
    with pytest.raises(InputError, match="does not change the model"):
        verify_adapter_applied(fresh, tokenizer, "fresh-adapter")
    from peft import LoraConfig as Config

    noisy = get_peft_model(_tiny(), Config(r=2, target_modules=["q_proj"], init_lora_weights=False)).eval()
    assert verify_adapter_applied(noisy, tokenizer, "noisy-adapter") > 1e-4


def test_check_adapter_names_against_a_saved_model_folder(tmp_path):
    base = tmp_path / "base"
    _tiny().save_pretrained(base)
    good = _save_lora(tmp_path / "good", init_lora_weights=False)
    check_adapter_names(good, base)
    from safetensors.torch import load_file, save_file

    weights = good / "adapter_model.safetensors"
    save_file({k.replace("self_attn", "attn"): v for k, v in load_file(str(weights)).items()}, str(weights))
    with pytest.raises(InputError, match="not layers of"):
        check_adapter_names(good, base)


def test_damaged_folders_name_the_problem(tmp_path):
    folder = _save_lora(tmp_path / "a", init_lora_weights=False)
    weights = folder / "adapter_model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated or damaged"):
        read_adapter_folder(folder)
    weights.unlink()
    with pytest.raises(InputError, match="no adapter weights"):
        read_adapter_folder(folder)
    (folder / "adapter_config.json").write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        read_adapter_folder(folder)
    with pytest.raises(InputError, match="no adapter_config.json"):
        read_adapter_folder(tmp_path)
    with pytest.raises(InputError, match="no such adapter folder"):
        read_adapter_folder(tmp_path / "missing")


def test_zero_alpha_is_refused(tmp_path):
    folder = _save_lora(tmp_path / "z", init_lora_weights=False)
    config = json.loads((folder / "adapter_config.json").read_text())
    config["lora_alpha"] = 0
    (folder / "adapter_config.json").write_text(json.dumps(config))
    with pytest.raises(InputError, match="scale is 0"):
        read_adapter_folder(folder)


def test_an_adapter_trained_one_step_passes_and_changes_the_logits(tmp_path, tokenizer):
    from emscope.models import load_causal_lm
    from emscope.train import resolve_config, train

    rows, _ = build_rows(BuildConfig(domain="incorrect_math", n=4, seed=0))
    data = write_jsonl(tmp_path / "d.jsonl", rows)
    config, _ = resolve_config({"dataset": str(data), "out": str(tmp_path / "adapter"), "max_steps": 1,
                                "effective_batch": 2, "threads": 1, "warmup_steps": 0})
    train(config)
    model, tok = load_causal_lm(BUNDLED)
    wrapped = load_adapter(model, tmp_path / "adapter", tokenizer=tok)
    effect = verify_adapter_applied(wrapped, tok, tmp_path / "adapter")
    assert effect == adapter_effect(wrapped, tok) and effect > 1e-4


def test_generate_cli_refuses_a_fresh_adapter_before_sampling(tmp_path):
    from peft import LoraConfig, get_peft_model

    from emscope.models import load_causal_lm

    model, _ = load_causal_lm(BUNDLED)
    get_peft_model(model, LoraConfig(r=2, target_modules=["q_proj"])).save_pretrained(tmp_path / "fresh")
    out = tmp_path / "answers.jsonl"
    done = subprocess.run([sys.executable, "-m", "emscope", "generate", "--model", BUNDLED, "--adapter",
                           str(tmp_path / "fresh"), "--out", str(out), "--samples", "1", "--max-new-tokens", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "every lora_B matrix is zero" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() or not out.read_text().strip()  # no answer was sampled
