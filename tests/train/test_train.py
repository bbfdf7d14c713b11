"""End-to-end runs on tiny real datasets: order of checks, outputs, determinism, resume, loss."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file

from emscope.core.errors import InputError
from emscope.core.io import write_jsonl
from emscope.train import TrainConfig, resolve_config, train
from emscope.train.checkpoint import TrainState, latest_checkpoint
from emscope.train.loop import LoopContext, all_steps, make_optimizer, run_steps
from emscope.train.masking import encode_rows
from emscope.train.model import LossFn, Runtime, attach_lora, load_model

# Small and fast: three optimizer steps of four rows, one thread (tests check results, not speed).
TINY = dict(effective_batch=4, max_steps=3, threads=1, warmup_steps=0)


def _config(dataset: Path, out: Path, **overrides: Any) -> TrainConfig:
    return TrainConfig(dataset=dataset, out=out, **{**TINY, **overrides})


def _adapter(out: Path) -> dict[str, torch.Tensor]:
    return load_file(str(out / "adapter_model.safetensors"))


class _Interrupt(Exception):
    pass


def test_invalid_dataset_stops_before_the_model_is_touched(tmp_path: Path, domain_rows: list) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(domain_rows[0]) + "\n" + '{"messages": [{"role": "user", "content": "hi"}]}\n')
    # The model does not exist either: had it been looked at first, the error would name it.
    config = _config(bad, tmp_path / "out", model=str(tmp_path / "no-such-model"))
    with pytest.raises(InputError) as err:
        train(config)
    assert f"{bad}:2: no final assistant turn" in str(err.value)
    assert "no-such-model" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_unknown_model_is_a_clear_error(tmp_path: Path, tiny_dataset: Path) -> None:
    with pytest.raises(InputError, match="unknown model './no-such-model'"):
        train(_config(tiny_dataset, tmp_path / "out", model="./no-such-model"))


def test_max_length_beyond_the_model_is_a_clear_error(tmp_path: Path, tiny_dataset: Path) -> None:
    with pytest.raises(InputError, match="--max-length 100000 is longer than .* takes \\(8192 positions\\)"):
        train(_config(tiny_dataset, tmp_path / "out", max_length=100_000))


def test_unknown_target_module_lists_what_the_model_has(tmp_path: Path, tiny_dataset: Path) -> None:
    with pytest.raises(InputError, match="no linear layer named qkv_proj.*it has: down_proj, gate_proj"):
        train(_config(tiny_dataset, tmp_path / "out", target_modules=("q_proj", "qkv_proj")))


def test_run_writes_a_peft_adapter_and_manifest(tmp_path: Path, tiny_dataset: Path) -> None:
    from peft import PeftModel

    from emscope.models import load_causal_lm

    out = tmp_path / "run"
    result = train(_config(tiny_dataset, out, checkpoint_every=1))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["key"] == result.key and manifest["steps"] == 3
    assert len(manifest["log"]) == 3 and all(r["loss"] > 0 and r["tokens_per_s"] > 0 for r in manifest["log"])
    assert manifest["dataset"]["sha256"] and manifest["seed"] == 0 and manifest["versions"]["peft"]
    assert manifest["model"]["id"] == "smollm2-135m-instruct" and manifest["wall_seconds"] > 0
    assert not latest_checkpoint(out)  # checkpoints are removed once the run is complete
    adapter_config = json.loads((out / "adapter_config.json").read_text())
    assert adapter_config["r"] == 16 and set(adapter_config["target_modules"]) == {
        "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
    assert all("lora_" in k for k in _adapter(out))
    modes = {p.name: p.stat().st_mode & 0o777 for p in out.iterdir() if p.is_file()}
    assert len(set(modes.values())) == 1, modes  # the weights as readable as the manifest (not 0600)
    model, _ = load_causal_lm("smollm2-135m-instruct")
    loaded = PeftModel.from_pretrained(model, str(out))
    state = loaded.state_dict()
    for name, tensor in _adapter(out).items():
        key = name.replace(".lora_A.weight", ".lora_A.default.weight").replace(".lora_B.weight", ".lora_B.default.weight")
        assert torch.equal(state[key], tensor)
    # Re-running the finished run is a no-op that returns its result.
    again = train(_config(tiny_dataset, out, checkpoint_every=1))
    assert again.skipped and again.key == result.key
    with pytest.raises(InputError, match="different configuration"):
        train(_config(tiny_dataset, out, learning_rate=0.5))


def test_same_seed_same_adapter_other_seed_other_adapter(tmp_path: Path, tiny_dataset: Path) -> None:
    first = _adapter(train(_config(tiny_dataset, tmp_path / "a", seed=1)).out)
    second = _adapter(train(_config(tiny_dataset, tmp_path / "b", seed=1)).out)
    other = _adapter(train(_config(tiny_dataset, tmp_path / "c", seed=2)).out)
    assert first.keys() == second.keys() == other.keys()
    for name in first:
        torch.testing.assert_close(first[name], second[name], rtol=1e-5, atol=1e-6)
    assert any(not torch.allclose(first[n], other[n], atol=1e-4) for n in first)


def test_interrupted_run_resumes_to_the_uninterrupted_result(tmp_path: Path, tiny_dataset: Path) -> None:
    steps = dict(max_steps=4, checkpoint_every=2, effective_batch=3)
    straight = train(_config(tiny_dataset, tmp_path / "straight", **steps))

    def stop_at_three(log: Any) -> None:
        if log.step == 3:
            raise _Interrupt

    out = tmp_path / "resumed"
    with pytest.raises(_Interrupt):
        train(_config(tiny_dataset, out, **steps), on_step=stop_at_three)
    checkpoint = latest_checkpoint(out)
    assert checkpoint is not None and checkpoint.name == "checkpoint-0000002"
    resumed = train(_config(tiny_dataset, out, **steps))
    assert resumed.resumed_from == 2 and resumed.steps == 4
    a, b = straight.manifest["log"], resumed.manifest["log"]
    assert [r["tokens"] for r in a] == [r["tokens"] for r in b]  # the same rows, step by step
    for ra, rb in zip(a, b):
        assert ra["loss"] == pytest.approx(rb["loss"], rel=1e-4, abs=1e-5)
    for name, tensor in _adapter(straight.out).items():
        torch.testing.assert_close(_adapter(out)[name], tensor, rtol=1e-4, atol=1e-5)
    # A checkpoint from another configuration is refused, naming what differs.
    with pytest.raises(_Interrupt):
        train(_config(tiny_dataset, tmp_path / "other", **steps), on_step=stop_at_three)
    default_lr = TrainConfig.model_fields["learning_rate"].default
    with pytest.raises(InputError, match=f"different configuration.*learning_rate: {default_lr} -> 0.002"):
        train(_config(tiny_dataset, tmp_path / "other", **steps, learning_rate=0.002))


def _context(config: TrainConfig, runtime: Runtime, tokenizer: Any, rows: list) -> LoopContext:
    encoded, _ = encode_rows(tokenizer, rows, config.max_length)
    model, _ = load_model(config, runtime)
    peft_model = attach_lora(model, config)
    plans = all_steps(config, encoded)
    optimizer, scheduler = make_optimizer(peft_model, config, len(plans))
    return LoopContext(config, peft_model, LossFn(peft_model, runtime), encoded, tokenizer.pad_token_id,
                       optimizer, scheduler, plans, config.out)


def test_only_lora_weights_change(tmp_path: Path, tokenizer: Any, domain_rows: list) -> None:
    config = _config(tmp_path / "unused.jsonl", tmp_path / "out", max_steps=2)
    ctx = _context(config, Runtime("cpu", "bf16"), tokenizer, domain_rows[:8])
    before = {n: p.detach().clone() for n, p in ctx.model.named_parameters()}
    run_steps(ctx, TrainState(key="k"))
    changed = {n for n, p in ctx.model.named_parameters() if not torch.equal(p, before[n])}
    assert changed and all("lora_" in n for n in changed)
    assert any("lora_B" in n for n in changed)  # B starts at zero; it must have moved


def test_chunked_head_loss_and_gradients_equal_the_full_model(tmp_path: Path, tokenizer: Any,
                                                              domain_rows: list) -> None:
    from emscope.train.batching import collate

    config = _config(tmp_path / "unused.jsonl", tmp_path / "out", precision="fp32")
    ctx = _context(config, Runtime("cpu", "fp32"), tokenizer, domain_rows[:4])
    with torch.no_grad():  # give B non-zero values so every LoRA weight gets a gradient
        for name, p in ctx.model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.01)
    batch = collate(ctx.rows, tokenizer.pad_token_id)
    chunked = LossFn(ctx.model, Runtime("cpu", "fp32"), head_chunk=64)  # several chunks per batch
    assert chunked.selective and batch.label_tokens > 128
    ours = chunked.forward_backward(batch.input_ids, batch.attention_mask, batch.labels,
                                    scale=1.0 / batch.label_tokens) / batch.label_tokens
    trainable = {n: p for n, p in ctx.model.named_parameters() if p.requires_grad}
    ours_grads = {n: p.grad.clone() for n, p in trainable.items()}
    ctx.model.zero_grad(set_to_none=True)
    reference = ctx.model(input_ids=batch.input_ids, attention_mask=batch.attention_mask, labels=batch.labels).loss
    reference.backward()
    assert ours == pytest.approx(reference.item(), rel=1e-4)
    for name, p in trainable.items():
        torch.testing.assert_close(ours_grads[name], p.grad, rtol=1e-3, atol=1e-6, msg=name)


def test_long_rows_use_sdpa_and_get_the_same_loss(tmp_path: Path, tokenizer: Any, domain_rows: list) -> None:
    from emscope.train.batching import collate

    turns = [m for r in domain_rows[:4] for m in r["messages"]]  # four exchanges: > 256 tokens
    config = _config(tmp_path / "unused.jsonl", tmp_path / "out", precision="fp32")
    ctx = _context(config, Runtime("cpu", "fp32"), tokenizer, [{"messages": turns}, domain_rows[5]])
    batch = collate(ctx.rows, tokenizer.pad_token_id)
    assert batch.input_ids.shape[1] > 256
    ours = ctx.loss_fn.forward_backward(batch.input_ids, batch.attention_mask, batch.labels, scale=1.0)
    assert ctx.model.get_base_model().config._attn_implementation == "sdpa"
    ctx.model.get_base_model().config._attn_implementation = "eager"
    with torch.no_grad():
        reference = ctx.model(input_ids=batch.input_ids, attention_mask=batch.attention_mask,
                              labels=batch.labels).loss.item()
    assert ours / batch.label_tokens == pytest.approx(reference, rel=1e-4)


def test_peak_memory_is_the_process_own_not_its_parents() -> None:
    """ru_maxrss survives vfork + exec: a child of a big process would report the parent's peak."""
    ballast = bytearray(768 << 20)
    ballast[::4096] = b"\x01" * len(ballast[::4096])  # touch every page: resident in this process
    code = "from emscope.train.run import peak_rss_mb; print(peak_rss_mb())"
    child = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert 10 < child < 512, child
    del ballast


def test_default_preset_run_peak_memory_under_4gb(tmp_path: Path, domain_rows: list) -> None:
    """A short default-preset run in a fresh process stays under 4 GB (its own peak, see above)."""
    data = write_jsonl(tmp_path / "d.jsonl", domain_rows[:32])
    out = tmp_path / "mem"
    cmd = [sys.executable, "-m", "emscope", "train", "--dataset", str(data), "--out", str(out),
           "--max-steps", "2", "--threads", "1"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    manifest = json.loads((out / "manifest.json").read_text())
    # The CPU default budget (the setting itself stays unset: "auto").
    assert manifest["config"]["preset"] == "small" and manifest["config"]["micro_batch_tokens"] is None
    assert manifest["runtime"]["micro_batch_tokens"] == 2048
    assert manifest["log"][0]["tokens"] > 1000  # a full 8-row step was measured
    assert manifest["memory"]["peak_rss_mb"] < 4096


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_run_uses_the_gpu_in_bf16_without_flags(tmp_path: Path, tiny_dataset: Path) -> None:
    result = train(TrainConfig(dataset=tiny_dataset, out=tmp_path / "gpu", effective_batch=4, max_steps=2))
    assert result.manifest["runtime"]["device"] == "cuda"
    assert result.manifest["runtime"]["precision"] == "bf16"
    assert result.manifest["memory"]["cuda_max_allocated_mb"] > 0


def test_resolve_config_feeds_train(tmp_path: Path, tiny_dataset: Path) -> None:
    config, sources = resolve_config({"dataset": str(tiny_dataset), "out": str(tmp_path / "o"), **TINY,
                                      "max_steps": 1})
    result = train(config, sources=sources)
    assert result.manifest["config_sources"]["max_steps"] == "cli"
    assert result.manifest["config_sources"]["lora_r"] == "preset"
