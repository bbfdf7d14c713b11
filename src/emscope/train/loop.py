"""The optimisation loop: accumulate micro-batches into optimizer steps, log, checkpoint.

emscope owns this loop rather than using HF Trainer for one measured reason: the loss
applies the LM head only at label positions (see `model.LossFn`), which Trainer's
`model(**batch).loss` cannot do; with length-sorted micro-batches and bf16 autocast it is
what makes the run several times faster than a stock Trainer (benchmarks/train_throughput.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emscope.train.batching import StepPlan, collate, plan_digest, plan_epoch
from emscope.train.checkpoint import TrainState, save_checkpoint
from emscope.train.config import TrainConfig
from emscope.train.masking import EncodedRow
from emscope.train.model import LossFn

__all__ = ["StepLog", "LoopContext", "all_steps", "make_optimizer", "lr_factor", "run_steps"]


@dataclass(frozen=True)
class StepLog:
    """One optimizer step as the progress callback and the manifest see it."""

    step: int
    total_steps: int
    epoch: int
    loss: float  # mean over the step's label tokens
    lr: float
    grad_norm: float
    tokens: int  # real tokens (all roles), padding excluded
    label_tokens: int  # tokens the loss averaged over (assistant answers)
    seconds: float

    @property
    def tokens_per_s(self) -> float:
        """Real tokens per second in this step."""
        return self.tokens / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """A compact manifest row."""
        return {"step": self.step, "epoch": self.epoch, "loss": round(self.loss, 6), "lr": self.lr,
                "grad_norm": round(self.grad_norm, 6), "tokens": self.tokens, "label_tokens": self.label_tokens,
                "seconds": round(self.seconds, 4), "tokens_per_s": round(self.tokens_per_s, 2)}


@dataclass
class LoopContext:
    """Everything the loop needs besides its state."""

    config: TrainConfig
    model: Any  # the PEFT model
    loss_fn: LossFn
    rows: Sequence[EncodedRow]
    pad_id: int
    optimizer: Any
    scheduler: Any
    plans: Sequence[StepPlan]
    out: Path


def all_steps(config: TrainConfig, rows: Sequence[EncodedRow], budget: int | None = None) -> list[StepPlan]:
    """Every optimizer step of the run, epochs in order, capped at max_steps.

    `budget` is the micro-batch token budget (`model.micro_batch_budget`); default: the
    config's setting, or the CPU default.
    """
    from emscope.train.model import CPU_MICRO_BATCH_TOKENS

    budget = budget or config.micro_batch_tokens or CPU_MICRO_BATCH_TOKENS
    lengths = [len(r.input_ids) for r in rows]
    plans = [p for epoch in range(config.epochs)
             for p in plan_epoch(lengths, config.effective_batch, budget, config.seed, epoch)]
    return plans[: config.max_steps] if config.max_steps else plans


def lr_factor(step: int, total: int, warmup: int, kind: str) -> float:
    """Multiplier of the peak learning rate for optimizer step `step` (0-based)."""
    if warmup and step < warmup:
        return (step + 1) / (warmup + 1)
    if kind == "constant":
        return 1.0
    progress = (step - warmup) / max(1, total - warmup)
    if kind == "cosine":
        return 0.5 * (1.0 + math.cos(math.pi * progress))
    return max(0.0, 1.0 - progress)


def make_optimizer(model: Any, config: TrainConfig, total_steps: int) -> tuple[Any, Any]:
    """AdamW over the LoRA weights and its warm-up + decay schedule."""
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    # The fused kernel updates every LoRA tensor in a few launches instead of several per tensor.
    fused = bool(params) and all(p.is_cuda for p in params)
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=config.weight_decay,
                                  fused=fused or None)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: lr_factor(s, total_steps, config.warmup_steps, config.lr_scheduler))
    return optimizer, scheduler


def _one_step(ctx: LoopContext, plan: StepPlan) -> tuple[Any, int, int]:
    """Forward and backward over a step's micro-batches; return (summed loss as a tensor, tokens, label tokens).

    Nothing here reads a value back from the device: on a GPU the host queues the whole step
    while earlier kernels run. Labels stay on the CPU (the loss finds label positions there).
    """
    batches = [collate([ctx.rows[i] for i in mb], ctx.pad_id) for mb in plan.micro_batches]
    label_tokens = sum(b.label_tokens for b in batches)
    device = ctx.loss_fn.runtime.device
    cuda = device.startswith("cuda")
    total = None
    for b in batches:
        ids, mask = (b.input_ids.pin_memory(), b.attention_mask.pin_memory()) if cuda else (b.input_ids, b.attention_mask)
        # Normalise by the whole step's label tokens: the gradient is independent of the split.
        loss = ctx.loss_fn.accumulate(ids.to(device, non_blocking=True), mask.to(device, non_blocking=True),
                                      b.labels, scale=1.0 / label_tokens)
        total = loss if total is None else total + loss
    return total, sum(b.tokens for b in batches), label_tokens


def _update(ctx: LoopContext) -> Any:
    import torch

    params = [p for p in ctx.model.parameters() if p.requires_grad]
    clip = ctx.config.max_grad_norm or float("inf")
    norm = torch.nn.utils.clip_grad_norm_(params, clip)
    ctx.optimizer.step()
    ctx.scheduler.step()
    ctx.optimizer.zero_grad(set_to_none=True)
    return norm


def _read_back(loss: Any, norm: Any) -> tuple[float, float]:
    import torch

    values = torch.stack([loss.float(), norm.float().to(loss.device)]).tolist()
    return float(values[0]), float(values[1])


def run_steps(ctx: LoopContext, state: TrainState, on_step: Callable[[StepLog], None] | None = None) -> TrainState:
    """Run the remaining steps from `state.step`, checkpointing every `checkpoint_every` steps.

    Ctrl-C between updates saves a checkpoint of the last finished step before re-raising.
    """
    total = len(ctx.plans)
    updating = False
    try:
        for plan in ctx.plans[state.step:]:
            started = time.perf_counter()
            loss_t, tokens, label_tokens = _one_step(ctx, plan)
            lr = ctx.optimizer.param_groups[0]["lr"]
            updating = True
            norm_t = _update(ctx)
            updating = False
            # The step's one read-back from the device: the loss and gradient norm for the log.
            loss_sum, norm = _read_back(loss_t, norm_t)
            seconds = time.perf_counter() - started
            log = StepLog(state.step + 1, total, plan.epoch, loss_sum / max(label_tokens, 1), lr, norm,
                          tokens, label_tokens, seconds)
            state.step += 1
            state.seconds += seconds
            state.log.append(log.as_dict())
            state.order_digest = plan_digest(ctx.plans[: state.step])
            if state.step % ctx.config.checkpoint_every == 0 and state.step < total:
                save_checkpoint(ctx.out, state, ctx.model, ctx.optimizer, ctx.scheduler)
            if on_step:
                on_step(log)
    except KeyboardInterrupt:
        if not updating and state.step:
            save_checkpoint(ctx.out, state, ctx.model, ctx.optimizer, ctx.scheduler)
        raise
    return state
