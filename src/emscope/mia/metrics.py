"""Membership-inference metrics: token statistics from logits in one pass, then per-example scores.

Definitions (DESIGN.md, "Membership inference"), over the assistant tokens x_t of one example,
ℓ_t = log p(x_t | x_<t):
- loss    = −mean_t ℓ_t
- zlib    = loss / len(zlib.compress(answer bytes))           (the answer text, UTF-8, zlib level 6)
- mink    = mean of the lowest ⌈k·T⌉ values of ℓ_t             (Min-K%, k = 0.2 by default)
- minkpp  = mean of the lowest ⌈k·T⌉ values of z_t,            (Min-K%++)
            z_t = (ℓ_t − μ_t) / σ_t,  μ_t = Σ_v p_v log p_v,  σ_t² = Σ_v p_v (log p_v − μ_t)²
            under p = p(·|x_<t): the mean and std of log p over the vocabulary, weighted by the
            model's own next-token distribution (the Min-K%++ paper's definition).

Everything an example needs comes from one forward pass: `token_stats` turns the logits at the
scored positions into (ℓ_t, μ_t, σ_t) in float32, chunked over positions so that at most
`chunk × vocab` floats exist at once. Per-example metrics are reductions of those token arrays
and live in a registry, so a new metric never needs another forward pass.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from emscope.core.registry import Registry

__all__ = ["TokenScores", "MetricSpec", "METRICS", "METRIC_NAMES", "register_metric", "metric_names",
           "token_stats", "lowest_k_count", "zlib_length", "example_metrics", "sequence_metrics"]

_SIGMA_FLOOR = 1e-6  # a (near) one-hot distribution has σ ≈ 0: z would be ±inf; floor it instead


@dataclass(frozen=True)
class TokenScores:
    """The per-token quantities of one example's scored (assistant) tokens, float64 arrays of length T."""

    logprob: np.ndarray  # ℓ_t
    mu: np.ndarray  # μ_t = E_p[log p]
    sigma: np.ndarray  # σ_t = std_p[log p]

    @property
    def z(self) -> np.ndarray:
        """Min-K%++'s standardised log-probability of each token."""
        return (self.logprob - self.mu) / np.maximum(self.sigma, _SIGMA_FLOOR)

    def __len__(self) -> int:
        return len(self.logprob)


def token_stats(logits, targets, chunk: int = 128):  # type: ignore[no-untyped-def]
    """(ℓ, μ, σ) per position from logits (N, V) and target ids (N,): torch float32 tensors of shape (N,).

    Float32 whatever the logits' dtype (bf16 logits lose ~2 decimal digits of log-probability).
    With s = logits − max (so the likeliest token has s = 0), e = exp(s), Z = Σ e:
        ℓ = s_target − log Z,   μ = Σ e·s / Z − log Z,   σ² = Σ e·s² / Z − (Σ e·s / Z)²
    — the same quantities as log_softmax then Σ p log p, in 5 passes over the vocabulary instead
    of ~15, and no cancellation: the terms are dominated by tokens with s near 0. Positions go
    `chunk` at a time (128 × 49k floats stay cache-friendly; 512 measured ~2x slower). Logits of
    −inf (masked tokens) are clamped to max − 10⁴: probability exactly 0, no 0·∞ = nan.
    """
    import torch

    n = logits.shape[0]
    out = torch.empty((3, n), dtype=torch.float32, device=logits.device)
    for start in range(0, n, chunk):
        block = logits[start : start + chunk].float()
        shifted = (block - block.max(dim=-1, keepdim=True).values).clamp_(min=-1e4)  # a new tensor: logits untouched
        target = shifted.gather(-1, targets[start : start + chunk, None].long()).squeeze(-1)
        e = shifted.exp()
        z = e.sum(-1)
        first = torch.linalg.vecdot(e, shifted)  # Σ e·s; einsum/bmm here sums sequentially: 3e-5 relative error
        e.mul_(shifted)
        second = torch.linalg.vecdot(e, shifted)  # Σ e·s²
        log_z, mean_s = z.log(), first / z
        out[0, start : start + chunk] = target - log_z
        out[1, start : start + chunk] = mean_s - log_z
        out[2, start : start + chunk] = (second / z - mean_s * mean_s).clamp_min(0).sqrt()
    return out[0], out[1], out[2]


def lowest_k_count(k: float, n: int) -> int:
    """⌈k·n⌉, at least 1: how many tokens Min-K% averages (rounded first: 0.7·10 is 7.000000000000001)."""
    return max(1, math.ceil(round(k * n, 9)))


def _lowest_k_mean(values: np.ndarray, k: float) -> float:
    m = lowest_k_count(k, len(values))
    return float(np.mean(np.partition(values, m - 1)[:m]))


def zlib_length(text: str) -> int:
    """Bytes of the zlib-compressed UTF-8 answer text: the zlib metric's denominator."""
    return len(zlib.compress(text.encode("utf-8")))


@dataclass(frozen=True)
class MetricSpec:
    """A per-example score computed from an example's TokenScores.

    `higher_is_member`: whether a higher value means "more likely a training member" (lower
    loss, higher log-probabilities); membership AUCs orient scores with it.
    """

    name: str
    fn: Callable[[TokenScores, float, int], float]  # (tokens, k, zlib length of the answer) -> score
    higher_is_member: bool
    description: str


METRICS: Registry[MetricSpec] = Registry("MIA metric")
_ORDER: list[str] = []  # registration order = column order of every output


def register_metric(name: str, higher_is_member: bool, description: str):  # type: ignore[no-untyped-def]
    """Decorator: add a per-example metric `fn(tokens, k, zlib_len) -> float` (computed in the same pass)."""
    def wrap(fn: Callable[[TokenScores, float, int], float]) -> Callable[[TokenScores, float, int], float]:
        METRICS.register(name, MetricSpec(name, fn, higher_is_member, description))
        _ORDER.append(name)
        return fn

    return wrap


def metric_names() -> tuple[str, ...]:
    """Registered metrics in registration order (loss, zlib, mink, minkpp, then any added)."""
    return tuple(_ORDER)


@register_metric("loss", False, "mean negative log-likelihood of the assistant tokens (nats/token)")
def _loss(t: TokenScores, k: float, zlen: int) -> float:
    return float(-np.mean(t.logprob))


@register_metric("zlib", False, "loss divided by the zlib-compressed length of the answer (bytes)")
def _zlib(t: TokenScores, k: float, zlen: int) -> float:
    return _loss(t, k, zlen) / zlen


@register_metric("mink", True, "Min-K%: mean of the lowest k·T token log-probabilities")
def _mink(t: TokenScores, k: float, zlen: int) -> float:
    return _lowest_k_mean(t.logprob, k)


@register_metric("minkpp", True, "Min-K%++: mean of the lowest k·T standardised log-probabilities z_t")
def _minkpp(t: TokenScores, k: float, zlen: int) -> float:
    return _lowest_k_mean(t.z, k)


METRIC_NAMES: tuple[str, ...] = metric_names()  # the built-in four


def example_metrics(tokens: TokenScores, k: float, zlib_len: int,
                    names: tuple[str, ...] | None = None) -> dict[str, float]:
    """Every registered metric (or `names`) of one example."""
    if len(tokens) == 0:
        raise ValueError("an example with no scored tokens has no MIA metrics")
    return {name: METRICS.get(name).fn(tokens, k, zlib_len) for name in names or metric_names()}


def sequence_metrics(logits, labels, texts: list[str], k: float = 0.2,
                     ignore_index: int = -100) -> list[dict[str, float]]:  # type: ignore[no-untyped-def]
    """Metrics of each row of a batch from full logits (B, L, V) and labels (B, L).

    Reference path for tests and tools: logits at position t predict the label at t+1, and
    only labelled positions count. `score.Scorer` computes the same thing without full logits.
    """
    sel = labels[:, 1:] != ignore_index
    out = []
    for b in range(labels.shape[0]):
        lp, mu, sd = token_stats(logits[b, :-1][sel[b]], labels[b, 1:][sel[b]])
        tokens = TokenScores(*(x.double().cpu().numpy() for x in (lp, mu, sd)))
        out.append(example_metrics(tokens, k, zlib_length(texts[b])))
    return out
