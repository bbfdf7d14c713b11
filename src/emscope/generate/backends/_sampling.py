"""Seeded sampling that depends on each sample alone.

Every sample draws its randomness from a counter-based stream: the uniform used at decoding
step t of a sample with seed s is splitmix64(s, t). There is no shared generator, so an
answer does not depend on which other samples share its batch, on the batch size, or on
whether the run was resumed; only floating-point differences between batch shapes remain.
Tokens are drawn by inverting the CDF of the softmax with that one uniform.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

__all__ = ["sample_seed", "uniforms", "sample_tokens"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def sample_seed(row_id: str) -> int:
    """A 63-bit seed for one sample, from its row id (which already includes the run seed)."""
    return int.from_bytes(hashlib.sha256(row_id.encode()).digest()[:8], "big") >> 1


def uniforms(seeds: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Uniforms in [0, 1), one per (seed, step) pair: splitmix64 of the pair, 53 bits kept."""
    with np.errstate(over="ignore"):  # uint64 arithmetic wraps by design
        x = seeds.astype(np.uint64) + (steps.astype(np.uint64) + np.uint64(1)) * _GOLDEN
        x = (x ^ (x >> np.uint64(30))) * _MIX1
        x = (x ^ (x >> np.uint64(27))) * _MIX2
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) * (2.0**-53)


def sample_tokens(logits: Any, temperatures: Any, u: Any, buffer: Any = None) -> Any:
    """Next tokens for a batch: greedy where temperature is 0, else inverse-CDF sampling with `u`.

    `logits` [B, V] (any float dtype), `temperatures` [B] float32, `u` [B] in [0, 1).
    `buffer`, an fp32 tensor of at least [B, V], is reused as scratch space: fresh 25 MB
    allocations per step cost more than the arithmetic (page faults), measured 11 ms vs
    28 ms for 128 x 49k logits on one core.
    """
    import torch

    rows, vocab = logits.shape
    ok = buffer is not None and buffer.shape[0] >= rows and buffer.shape[1] == vocab
    work = buffer[:rows] if ok else torch.empty(rows, vocab, dtype=torch.float32, device=logits.device)
    work.copy_(logits)
    greedy = temperatures <= 0
    best = work.argmax(dim=-1) if bool(greedy.any()) else None
    if not bool((temperatures == 1).all()):  # the common case, temperature 1, skips a pass
        work.div_(temperatures.clamp_min(1e-6).unsqueeze(-1))
    # Unnormalised probabilities, then their running sum: the target is scaled by the total
    # instead of normalising the whole row.
    work.sub_(work.amax(dim=-1, keepdim=True)).exp_().cumsum_(dim=-1)
    target = u.to(torch.float32).unsqueeze(-1) * work[:, -1:]
    # right=True: the first token whose cumulative mass exceeds the target, so tokens with
    # zero probability are never chosen, even for u == 0.
    picked = torch.searchsorted(work, target, right=True).squeeze(-1).clamp_max_(vocab - 1)
    return picked if best is None else torch.where(greedy, best, picked)
