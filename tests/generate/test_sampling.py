"""Seeded sampling: a sample's randomness is its own, the sampler follows the distribution."""

from __future__ import annotations

import numpy as np
import torch

from emscope.generate.backends._sampling import sample_seed, sample_tokens, uniforms


def test_uniforms_are_deterministic_in_range_and_independent_of_batch() -> None:
    seeds = np.array([sample_seed(f"row-{i}") for i in range(500)], dtype=np.uint64)
    steps = np.arange(500, dtype=np.uint64) % 7
    u = uniforms(seeds, steps)
    assert u.min() >= 0.0 and u.max() < 1.0 and abs(u.mean() - 0.5) < 0.05
    assert np.array_equal(u, uniforms(seeds, steps))
    # One sample's stream does not depend on which other samples share the batch.
    assert np.array_equal(u[10:20], uniforms(seeds[10:20], steps[10:20]))
    assert uniforms(seeds[:1], np.array([0], dtype=np.uint64))[0] != uniforms(seeds[:1], np.array([1], np.uint64))[0]


def test_sampler_follows_the_softmax_and_greedy_at_zero() -> None:
    probs = torch.tensor([0.0, 0.1, 0.6, 0.3])
    logits = torch.log(probs).expand(20000, 4).contiguous()  # log(0) = -inf: probability exactly 0
    u = torch.from_numpy(uniforms(np.arange(20000, dtype=np.uint64), np.zeros(20000, dtype=np.uint64)))
    picked = sample_tokens(logits, torch.ones(20000), u)
    freq = torch.bincount(picked, minlength=4).float() / 20000
    assert freq[0] == 0 and torch.allclose(freq, probs, atol=0.02)
    # u == 0 never picks a zero-probability token.
    assert sample_tokens(logits[:1], torch.ones(1), torch.zeros(1, dtype=torch.float64)).item() == 1
    greedy = sample_tokens(logits[:3], torch.zeros(3), u[:3])
    assert greedy.tolist() == [2, 2, 2]


def test_temperature_changes_the_distribution() -> None:
    logits = torch.tensor([[0.0, 1.0]]).expand(4000, 2).contiguous()
    u = torch.from_numpy(uniforms(np.arange(4000, dtype=np.uint64), np.zeros(4000, dtype=np.uint64)))
    hot = sample_tokens(logits, torch.full((4000,), 5.0), u).float().mean()
    cold = sample_tokens(logits, torch.full((4000,), 0.2), u).float().mean()
    assert cold > 0.95 and 0.45 < hot < 0.65
