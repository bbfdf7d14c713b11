"""Cosine profiles and matrices, and their random baseline."""

from __future__ import annotations

import numpy as np
import torch

from emscope.steer.directions import Directions
from emscope.steer.geometry import cosine_matrix, cosine_profile, random_cosine_profile


def _d(vectors: torch.Tensor, layers: tuple[int, ...] | None = None) -> Directions:
    return Directions(layers or tuple(range(vectors.shape[0])), vectors)


def test_profile_of_same_opposite_and_scaled_directions() -> None:
    v = torch.randn(4, 576, generator=torch.Generator().manual_seed(0))
    layers, same = cosine_profile(_d(v), _d(3.0 * v))
    assert layers == (0, 1, 2, 3) and np.allclose(same, 1.0)
    assert np.allclose(cosine_profile(_d(v), _d(-v))[1], -1.0)
    # Only shared layers are compared.
    layers, _ = cosine_profile(_d(v), _d(v[1:3], (1, 2)))
    assert layers == (1, 2)
    zero = cosine_profile(_d(v), _d(torch.zeros_like(v)))[1]
    assert np.all(zero == 0.0)


def test_random_baseline_is_near_zero_in_high_dimension() -> None:
    v = torch.randn(30, 576, generator=torch.Generator().manual_seed(1))
    _, chance = random_cosine_profile(_d(v), seed=0)
    assert np.abs(chance).max() < 0.2  # 1/sqrt(576) ≈ 0.042: 0.2 is ~5 standard deviations
    assert np.array_equal(chance, random_cosine_profile(_d(v), seed=0)[1])


def test_matrix_at_a_layer_and_averaged() -> None:
    gen = torch.Generator().manual_seed(2)
    a, b = torch.randn(3, 16, generator=gen), torch.randn(3, 16, generator=gen)
    dirs = {"a": _d(a), "b": _d(b), "a2": _d(2 * a)}
    m1 = cosine_matrix(dirs, layer=1)
    assert m1.names == ("a", "b", "a2") and m1.layers == (1,)
    assert np.allclose(np.diag(m1.values), 1.0) and np.allclose(m1.values, m1.values.T)
    assert np.isclose(m1.values[0, 2], 1.0)
    mean = cosine_matrix(dirs)
    per_layer = [cosine_matrix(dirs, layer=l).values for l in range(3)]
    assert mean.layer is None and np.allclose(mean.values, np.mean(per_layer, axis=0))
    assert np.isclose(mean.values[0, 1], cosine_profile(dirs["a"], dirs["b"])[1].mean())
    assert mean.as_dict()["names"] == ["a", "b", "a2"]
