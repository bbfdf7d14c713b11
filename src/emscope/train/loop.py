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


def all_steps(config: TrainConfig, rows: Sequence[EncodedRow]) -> list[StepPlan]:
    """Every optimizer step of the run, epochs in order, capped at max_steps."""
    lengths = [len(r.input_ids) for r in rows]
    plans = [p for epoch in range(config.epochs)
             for p in plan_epoch(lengths, config.effective_batch, config.micro_batch_tokens, config.seed, epoch)]
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
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=config.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: lr_factor(s, total_steps, config.warmup_steps, config.lr_scheduler))
    return optimizer, scheduler


def _one_step(ctx: LoopContext, plan: StepPlan) -> tuple[float, int, int]:
    """Forward and backward over a step's micro-batches; return (summed loss, tokens, label tokens)."""
    batches = [collate([ctx.rows[i] for i in mb], ctx.pad_id) for mb in plan.micro_batches]
    label_tokens = sum(b.label_tokens for b in batches)
    device = ctx.loss_fn.runtime.device
    total = 0.0
    for b in batches:
        # Normalise by the whole step's label tokens: the gradient is independent of the split.
        total += ctx.loss_fn.forward_backward(b.input_ids.to(device), b.attention_mask.to(device),
                                              b.labels.to(device), scale=1.0 / label_tokens)
    return total, sum(b.tokens for b in batches), label_tokens


def _update(ctx: LoopContext) -> float:
    import torch

    params = [p for p in ctx.model.parameters() if p.requires_grad]
    clip = ctx.config.max_grad_norm or float("inf")
    norm = float(torch.nn.utils.clip_grad_norm_(params, clip))
    ctx.optimizer.step()
    ctx.scheduler.step()
    ctx.optimizer.zero_grad(set_to_none=True)
    return norm


def run_steps(ctx: LoopContext, state: TrainState, on_step: Callable[[StepLog], None] | None = None) -> TrainState:
    """Run the remaining steps from `state.step`, checkpointing every `checkpoint_every` steps.

    Ctrl-C between updates saves a checkpoint of the last finished step before re-raising.
    """
    total = len(ctx.plans)
    updating = False
    try:
        for plan in ctx.plans[state.step:]:
            started = time.perf_counter()
            loss_sum, tokens, label_tokens = _one_step(ctx, plan)
            lr = ctx.optimizer.param_groups[0]["lr"]
            updating = True
            norm = _update(ctx)
            updating = False
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
