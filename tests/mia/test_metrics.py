"""Each metric by hand on fixed logits (tiny vocabulary, numpy float64), and Min-K%++ vs the full softmax."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
import torch

from emscope.core.errors import InputError
from emscope.mia.metrics import (
    METRICS, TokenScores, example_metrics, lowest_k_count, metric_names, sequence_metrics, token_stats, zlib_length,
)

# One conversation of 6 positions over a 5-token vocabulary; labels mark tokens 3..5 as the answer.
LOGITS = np.array([
    [0.1, 0.2, 0.3, 0.4, 0.5],
    [2.0, -1.0, 0.5, 0.0, 1.0],
    [0.0, 3.0, -2.0, 1.0, 0.5],
    [1.5, 1.5, -0.5, 2.5, -3.0],
    [-1.0, 0.0, 4.0, 0.2, 0.1],
    [9.0, 9.0, 9.0, 9.0, 9.0],  # the last position predicts nothing (no next token)
])
IDS = [4, 1, 0, 3, 2, 1]
LABELS = [-100, -100, -100, 3, 2, 1]
TEXT = "an answer"


def _np_log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def _by_hand(k: float = 0.2) -> dict[str, float]:
    # Position t predicts token t+1: answer tokens at 3, 4, 5 are predicted by rows 2, 3, 4.
    rows, targets = LOGITS[2:5], np.array(IDS[3:6])
    logp = _np_log_softmax(rows)
    ell = logp[np.arange(3), targets]
    p = np.exp(logp)
    mu = (p * logp).sum(-1)
    sigma = np.sqrt((p * logp**2).sum(-1) - mu**2)
    z = (ell - mu) / sigma
    m = math.ceil(k * 3)
    loss = -ell.mean()
    return {"loss": loss, "zlib": loss / len(zlib.compress(TEXT.encode())), "mink": np.sort(ell)[:m].mean(),
            "minkpp": np.sort(z)[:m].mean()}


@pytest.mark.parametrize("k", [0.2, 0.5, 1.0])
def test_every_metric_matches_a_hand_computation(k: float) -> None:
    got = sequence_metrics(torch.tensor(LOGITS, dtype=torch.float32)[None], torch.tensor([LABELS]), [TEXT], k=k)[0]
    want = _by_hand(k)
    assert list(got) == ["loss", "zlib", "mink", "minkpp"]
    for name in want:
        assert got[name] == pytest.approx(want[name], rel=1e-5, abs=1e-6), name


def test_prompt_positions_never_count() -> None:
    # Changing the prompt rows' logits (rows 0, 1) and the final row changes nothing.
    other = LOGITS.copy()
    other[[0, 1, 5]] = np.random.default_rng(0).normal(size=(3, 5)) * 10
    a = sequence_metrics(torch.tensor(LOGITS)[None], torch.tensor([LABELS]), [TEXT])[0]
    b = sequence_metrics(torch.tensor(other)[None], torch.tensor([LABELS]), [TEXT])[0]
    assert a == pytest.approx(b, rel=1e-12)


def test_minkpp_statistics_match_the_full_softmax_on_a_large_vocabulary() -> None:
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(37, 5000)) * 4  # chunked below: 37 positions in blocks of 8
    targets = rng.integers(0, 5000, size=37)
    lp, mu, sd = token_stats(torch.tensor(logits, dtype=torch.float32), torch.tensor(targets), chunk=8)
    p = np.exp(_np_log_softmax(logits))
    logp = np.log(p)
    want_mu = (p * logp).sum(-1)
    want_sd = np.sqrt((p * (logp - want_mu[:, None]) ** 2).sum(-1))
    np.testing.assert_allclose(lp.numpy(), logp[np.arange(37), targets], rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(mu.numpy(), want_mu, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(sd.numpy(), want_sd, rtol=1e-5, atol=1e-4)
    tokens = TokenScores(lp.double().numpy(), mu.double().numpy(), sd.double().numpy())
    z = (logp[np.arange(37), targets] - want_mu) / want_sd
    m = math.ceil(0.2 * 37)
    assert example_metrics(tokens, 0.2, 100)["minkpp"] == pytest.approx(np.sort(z)[:m].mean(), rel=1e-4)


def test_bf16_logits_are_scored_in_float32() -> None:
    logits = torch.tensor(LOGITS[2:5], dtype=torch.bfloat16)
    lp, mu, sd = token_stats(logits, torch.tensor(IDS[3:6]))
    assert lp.dtype == mu.dtype == sd.dtype == torch.float32
    want = _np_log_softmax(logits.float().numpy().astype(np.float64))[np.arange(3), IDS[3:6]]
    np.testing.assert_allclose(lp.numpy(), want, rtol=1e-6)


def test_masked_vocabulary_entries_do_not_make_nan() -> None:
    logits = torch.tensor([[0.0, 1.0, float("-inf"), 2.0]])
    lp, mu, sd = token_stats(logits, torch.tensor([1]))
    assert torch.isfinite(torch.stack([lp, mu, sd])).all()
    p = np.exp(_np_log_softmax(np.array([0.0, 1.0, 2.0])))
    assert mu.item() == pytest.approx(float((p * np.log(p)).sum()), rel=1e-6)


def test_lowest_k_count_rounds_before_the_ceiling() -> None:
    assert lowest_k_count(0.7, 10) == 7  # 0.7 * 10 == 7.000000000000001 in floating point
    assert lowest_k_count(0.2, 5) == 1 and lowest_k_count(0.2, 6) == 2
    assert lowest_k_count(0.01, 3) == 1 and lowest_k_count(1.0, 9) == 9


def test_zlib_denominator_is_the_compressed_answer_length() -> None:
    text = "ünïcode answer " * 20
    assert zlib_length(text) == len(zlib.compress(text.encode("utf-8")))


def test_registry_order_unknown_name_and_orientation() -> None:
    assert metric_names()[:4] == ("loss", "zlib", "mink", "minkpp")
    assert not METRICS.get("loss").higher_is_member and METRICS.get("minkpp").higher_is_member
    with pytest.raises(InputError, match="Did you mean 'mink'"):
        METRICS.get("minkk")


def test_an_example_without_tokens_is_refused() -> None:
    empty = np.zeros(0)
    with pytest.raises(ValueError, match="no scored tokens"):
        example_metrics(TokenScores(empty, empty, empty), 0.2, 10)


def test_peaked_distributions_keep_z_accurate() -> None:
    # σ_t is small when one token dominates, so z = (ℓ − μ)/σ amplifies any summation error.
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(64, 49152)) * 2  # SmolLM2's vocabulary size: long sums
    logits[np.arange(64), rng.integers(0, 49152, 64)] += rng.uniform(8, 25, 64)
    targets = rng.integers(0, 49152, size=64)
    lp, mu, sd = token_stats(torch.tensor(logits, dtype=torch.float32), torch.tensor(targets))
    logp = _np_log_softmax(logits)
    p = np.exp(logp)
    want_mu = (p * logp).sum(-1)
    want_sd = np.sqrt((p * (logp - want_mu[:, None]) ** 2).sum(-1))
    assert want_sd.min() < 0.05  # the case is really peaked
    z = (lp.double().numpy() - mu.double().numpy()) / sd.double().numpy()
    want_z = (logp[np.arange(64), targets] - want_mu) / want_sd
    # float32 with pairwise sums reaches ~1e-6; a sequential float32 dot product (einsum/bmm) does not.
    np.testing.assert_allclose(mu.numpy(), want_mu, atol=1e-5)
    np.testing.assert_allclose(sd.numpy(), want_sd, atol=1e-5)
    np.testing.assert_allclose(z, want_z, rtol=1e-5)
