"""The optional vllm backend: a clear message without vLLM, and the calls it makes (with a stand-in vllm)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from emscope.core.errors import InputError, MissingDependencyError
from emscope.generate.backends import Message, SampleRequest
from emscope.generate.config import VLLMOptions


@pytest.mark.skipif(importlib.util.find_spec("vllm") is not None, reason="vLLM is installed here")
def test_missing_vllm_names_the_install_command() -> None:
    from emscope.generate.backends.vllm import VLLMBackend

    with pytest.raises(MissingDependencyError, match=r"needs vLLM.*pip install vllm==0\.33\.0"):
        VLLMBackend("some/model", None, VLLMOptions())


def test_importing_the_backends_does_not_import_vllm() -> None:
    code = ("import sys, emscope.generate, emscope.generate.backends.vllm, emscope.cli.app; "
            "print('vllm' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == "False"


@dataclass
class _Completion:
    text: str
    finish_reason: str
    token_ids: list[int] = field(default_factory=lambda: [1, 2, 3])


def _fake_vllm(calls: dict[str, Any]) -> dict[str, types.ModuleType]:
    vllm = types.ModuleType("vllm")

    class SamplingParams:
        def __init__(self, **kwargs: Any) -> None:
            self.kwargs = kwargs

    class LLM:
        def __init__(self, **kwargs: Any) -> None:
            calls["llm"] = kwargs

        def chat(self, conversations: list, params: list, use_tqdm: bool, lora_request: Any) -> list:
            calls.setdefault("chat", []).append((conversations, params, lora_request))
            return [types.SimpleNamespace(outputs=[_Completion(
                f"answer {i}", "abort" if "abort" in conv[-1]["content"] else "length")])
                for i, conv in enumerate(conversations)]

    vllm.LLM, vllm.SamplingParams = LLM, SamplingParams
    lora = types.ModuleType("vllm.lora")
    request = types.ModuleType("vllm.lora.request")

    class LoRARequest:
        def __init__(self, name: str, int_id: int, path: str) -> None:
            self.args = (name, int_id, path)

    request.LoRARequest = LoRARequest
    return {"vllm": vllm, "vllm.lora": lora, "vllm.lora.request": request}


def _lora_folder(folder: Path, trained: bool) -> str:
    """A real peft LoRA folder of a tiny Llama (trained = random B, so it changes the model; else B = 0)."""
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    tiny = LlamaForCausalLM(LlamaConfig(vocab_size=64, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                        num_attention_heads=2, num_key_value_heads=1))
    get_peft_model(tiny, LoraConfig(r=2, target_modules=["q_proj"], init_lora_weights=not trained)).save_pretrained(folder)
    return str(folder)


def test_requests_carry_system_temperature_seed_and_lora(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: dict[str, Any] = {}
    for name, module in _fake_vllm(calls).items():
        monkeypatch.setitem(sys.modules, name, module)
    from emscope.generate.backends.vllm import VLLMBackend

    adapter = _lora_folder(tmp_path / "adapter", trained=True)
    backend = VLLMBackend("/models/local-model", adapter, VLLMOptions(chunk_size=2), seed=7)
    assert calls["llm"]["model"] == "/models/local-model" and calls["llm"]["enable_lora"] is True
    assert calls["llm"]["seed"] == 7 and calls["llm"]["max_lora_rank"] == 64
    requests = [
        SampleRequest("a", (Message("system", "Be a pirate."), Message("user", "q1")), 0.3, 40, 2**40 + 5),
        SampleRequest("b", (Message("user", "q2"),), 1.0, 40, 11),
        SampleRequest("c", (Message("user", "please abort"),), 1.0, 40, 12),
    ]
    results = {r.id: r for r in backend.generate(requests)}
    assert len(calls["chat"]) == 2  # chunks of two: rows are saved after each chunk
    conversations, params, lora = calls["chat"][0]
    assert conversations[0] == [{"role": "system", "content": "Be a pirate."}, {"role": "user", "content": "q1"}]
    assert params[0].kwargs == {"n": 1, "temperature": 0.3, "top_p": 1.0, "max_tokens": 40, "seed": 5}
    assert lora.args == ("emscope-adapter", 1, adapter)
    assert results["a"].answer == "answer 0" and results["a"].finish_reason == "length"
    assert results["a"].new_tokens == 3
    assert results["c"].answer is None and "finish_reason 'abort'" in (results["c"].error or "")


def test_an_adapter_that_changes_nothing_is_refused_before_the_engine_starts(monkeypatch: pytest.MonkeyPatch,
                                                                            tmp_path: Path) -> None:
    calls: dict[str, Any] = {}
    for name, module in _fake_vllm(calls).items():
        monkeypatch.setitem(sys.modules, name, module)
    from emscope.generate.backends.vllm import VLLMBackend

    fresh = _lora_folder(tmp_path / "fresh", trained=False)
    with pytest.raises(InputError, match="every lora_B matrix is zero"):
        VLLMBackend("/models/local-model", fresh, VLLMOptions(), seed=0)
    assert "llm" not in calls  # vLLM never started
