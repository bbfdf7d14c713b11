"""`train(config)`: validate the data, check the model, fine-tune, save the adapter and manifest.

The order is the contract: the dataset is validated first (a bad file stops before any
model work), then the model is checked from its config alone (unknown model, too-long
max_length), then the data is tokenised, and only then are the weights loaded.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text, plain_permissions
from emscope.core.keys import content_key, sha256_file
from emscope.core.lock import output_lock
from emscope.data.validate import load_dataset
from emscope.models import load_tokenizer, resolve_model_dir
from emscope.train._provenance import git_state, package_versions
from emscope.train.batching import plan_digest
from emscope.train.checkpoint import TrainState, clear_checkpoints, latest_checkpoint, load_checkpoint
from emscope.train.config import TrainConfig, config_sources
from emscope.train.loop import LoopContext, StepLog, all_steps, make_optimizer, run_steps
from emscope.train.masking import EncodeStats, encode_rows
from emscope.train.model import (LossFn, Runtime, attach_lora, check_model, load_model, micro_batch_budget,
                                 resolve_runtime)

__all__ = ["TrainResult", "train", "run_key", "MANIFEST", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
_ADAPTER_FILES = ("adapter_model.safetensors", "adapter_config.json", "README.md")


@dataclass(frozen=True)
class TrainResult:
    """What a run produced (or found already finished)."""

    out: Path
    key: str
    steps: int
    final_loss: float | None
    tokens_per_s: float
    seconds: float
    resumed_from: int
    skipped: bool  # True when `out` already held this finished run
    manifest: dict[str, Any]


def run_key(config: TrainConfig, dataset_sha256: str, runtime: Runtime) -> str:
    """Content key of the run: every output-affecting setting, the data's hash and the precision."""
    return content_key({"config": config.key_fields(), "dataset": dataset_sha256,
                        "precision": runtime.precision}, SCHEMA_VERSION)


@contextmanager
def _threads(count: int | None) -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    if count:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _finished(out: Path, key: str, overwrite: bool) -> dict[str, Any] | None:
    """The manifest of a finished identical run in `out`; refuse a different finished run."""
    path = out / MANIFEST
    if not path.is_file():
        return None
    manifest = json.loads(path.read_text())
    if overwrite:
        for name in (*_ADAPTER_FILES, MANIFEST):
            (out / name).unlink(missing_ok=True)
        clear_checkpoints(out)
        return None
    if manifest.get("key") == key and manifest.get("status") == "complete":
        return manifest
    raise InputError(f"{out} already holds a finished run with a different configuration "
                     f"(key {manifest.get('key')}, this run {key}); use another --out or --overwrite")


def _git() -> dict[str, Any]:
    return git_state()


def _versions() -> dict[str, str | None]:
    return package_versions(("torch", "transformers", "peft", "safetensors"))


def peak_rss_mb() -> float:
    """Peak resident memory of this process's own address space so far, in MB.

    Linux: VmHWM from /proc/self/status. Not ru_maxrss: the kernel carries it across execve,
    so a process spawned by a large one (subprocess uses vfork + exec) reports its parent's
    peak (measured: a 3 GB parent, a 13 MB child reading 3,086 MB). Elsewhere ru_maxrss
    (macOS reports bytes).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if platform.system() == "Darwin" else peak / 1024


def _resume(ctx: LoopContext, key: str, resume: bool) -> TrainState:
    fresh = TrainState(key=key, key_fields=ctx.config.key_fields())
    checkpoint = latest_checkpoint(ctx.out)
    if checkpoint is None:
        return fresh
    if not resume:
        clear_checkpoints(ctx.out)
        return fresh
    state = load_checkpoint(checkpoint, key, ctx.config.key_fields(), ctx.model, ctx.optimizer, ctx.scheduler)
    if state.order_digest != plan_digest(ctx.plans[: state.step]):
        raise InputError(f"{checkpoint} was trained on a different data order than this run would use; "
                         "use --no-resume to start over")
    return state


def _save_adapter(model: Any, out: Path) -> None:
    """Write the PEFT adapter folder files atomically (a temporary folder, then renames)."""
    tmp = out / f".adapter.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp), safe_serialization=True)
    plain_permissions(tmp)
    for item in tmp.iterdir():
        os.replace(item, out / item.name)
    shutil.rmtree(tmp, ignore_errors=True)


def _manifest(config: TrainConfig, sources: dict[str, str], key: str, dataset_sha: str, stats: EncodeStats,
              ctx: LoopContext, state: TrainState, runtime: Runtime, resumed_from: int,
              wall: float) -> dict[str, Any]:
    import torch

    log = state.log
    tokens = sum(r["tokens"] for r in log)
    label_tokens = sum(r["label_tokens"] for r in log)
    seconds = sum(r["seconds"] for r in log)
    params = sum(p.numel() for p in ctx.model.parameters())
    trainable = sum(p.numel() for p in ctx.model.parameters() if p.requires_grad)
    memory: dict[str, Any] = {"peak_rss_mb": round(peak_rss_mb(), 1)}
    if runtime.device.startswith("cuda"):
        memory["cuda_max_allocated_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return {
        "schema_version": SCHEMA_VERSION, "status": "complete", "key": key, "git": _git(),
        "versions": _versions(), "seed": config.seed,
        "config": config.model_dump(mode="json"), "config_sources": sources,
        "dataset": {"path": str(config.dataset), "sha256": dataset_sha, "rows_used": stats.rows,
                    "tokens": stats.tokens, "label_tokens": stats.label_tokens,
                    "truncated_rows": stats.truncated, "dropped_rows": stats.dropped},
        "model": {"id": config.model, "source": resolve_model_dir(config.model), "parameters": params,
                  "trainable_parameters": trainable},
        "runtime": {"device": runtime.device, "precision": runtime.precision,
                    "threads": torch.get_num_threads(), "platform": platform.platform()},
        "steps": state.step, "resumed_from_step": resumed_from,
        "final_loss": log[-1]["loss"] if log else None,
        "train_seconds": round(seconds, 3), "wall_seconds": round(wall, 3),
        "tokens": tokens, "label_tokens": label_tokens,
        "tokens_per_s": round(tokens / seconds, 2) if seconds else None,
        "label_tokens_per_s": round(label_tokens / seconds, 2) if seconds else None,
        "memory": memory, "log": log,
    }


def train(config: TrainConfig, on_step: Callable[[StepLog], None] | None = None,
          sources: dict[str, str] | None = None,
          on_ready: Callable[[int, int], None] | None = None) -> TrainResult:
    """Fine-tune `config.model` with LoRA on `config.dataset`; write the adapter and manifest to `config.out`.

    `on_step` is called after every optimizer step; `on_ready(done, total)` once the run is
    about to start (done > 0 when resuming). Re-running a finished run returns its result.
    A second process training into the same `out` stops at once (`core.lock`).
    """
    with output_lock(config.out):
        return _train(config, on_step, sources, on_ready)


def _train(config: TrainConfig, on_step: Callable[[StepLog], None] | None, sources: dict[str, str] | None,
           on_ready: Callable[[int, int], None] | None) -> TrainResult:
    started = time.perf_counter()
    rows = load_dataset(config.dataset)  # validation first: a bad file never reaches the model
    dataset_sha = sha256_file(str(config.dataset))
    model_config = check_model(config)
    runtime = resolve_runtime(config)
    key = run_key(config, dataset_sha, runtime)
    done = _finished(config.out, key, config.overwrite)
    if done is not None:
        return TrainResult(config.out, key, done["steps"], done["final_loss"], done["tokens_per_s"] or 0.0,
                           done["train_seconds"], done["resumed_from_step"], True, done)
    tokenizer = load_tokenizer(config.model)
    encoded, stats = encode_rows(tokenizer, rows, config.max_length)
    with _threads(config.threads):
        model, tokenizer = load_model(config, runtime)
        peft_model = attach_lora(model, config)
        budget = micro_batch_budget(config, runtime, model_config)
        plans = all_steps(config, encoded, budget)
        optimizer, scheduler = make_optimizer(peft_model, config, len(plans))
        config.out.mkdir(parents=True, exist_ok=True)
        ctx = LoopContext(config, peft_model, LossFn(peft_model, runtime, compile=config.compile), encoded, tokenizer.pad_token_id,
                          optimizer, scheduler, plans, config.out)
        state = _resume(ctx, key, config.resume)
        resumed_from = state.step
        if on_ready:
            on_ready(state.step, len(plans))
        state = run_steps(ctx, state, on_step)
        _save_adapter(peft_model, config.out)
        manifest = _manifest(config, sources or config_sources(config), key, dataset_sha, stats, ctx, state,
                             runtime, resumed_from, time.perf_counter() - started)
        manifest["runtime"]["micro_batch_tokens"] = budget
    atomic_write_text(config.out / MANIFEST, json.dumps(manifest, indent=1) + "\n")
    clear_checkpoints(config.out)
    return TrainResult(config.out, key, state.step, manifest["final_loss"], manifest["tokens_per_s"] or 0.0,
                       manifest["train_seconds"], resumed_from, False, manifest)
