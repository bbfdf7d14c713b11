"""Geometry of directions: cross-layer cosine profiles and domain × domain cosine matrices.

Baseline: two independent random directions in d dimensions have cosine ≈ N(0, 1/d)
(|cos| ≈ 0.03 at d = 576), so a cosine of 0.3 between two domains' directions is far
from chance; `random_cosine_profile` measures it with the same seeded random
directions the steering baseline uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from emscope.steer.directions import Directions, random_directions

__all__ = ["CosineMatrix", "cosine_profile", "cosine_matrix", "random_cosine_profile", "common_layers"]


def common_layers(*directions: Directions) -> tuple[int, ...]:
    """Layers every one of `directions` has, in order."""
    layers = set(directions[0].layers)
    for d in directions[1:]:
        layers &= set(d.layers)
    if not layers:
        raise ValueError("the directions share no layer")
    return tuple(sorted(layers))


def _stack(d: Directions, layers: tuple[int, ...]) -> np.ndarray:
    idx = [d.layers.index(l) for l in layers]
    return d.vectors[idx].detach().cpu().double().numpy()


def cosine_profile(a: Directions, b: Directions) -> tuple[tuple[int, ...], np.ndarray]:
    """Per shared layer, cos(a_l, b_l); a zero vector gives 0."""
    layers = common_layers(a, b)
    x, y = _stack(a, layers), _stack(b, layers)
    denom = np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1)
    return layers, np.where(denom > 0, (x * y).sum(axis=1) / np.maximum(denom, 1e-300), 0.0)


def random_cosine_profile(a: Directions, seed: int = 0) -> tuple[tuple[int, ...], np.ndarray]:
    """Cosine profile of `a` against a seeded random direction of equal norm (chance level)."""
    return cosine_profile(a, random_directions(a, seed))


@dataclass(frozen=True)
class CosineMatrix:
    """Symmetric matrix of cosines between named directions at one layer or averaged over layers."""

    names: tuple[str, ...]
    values: np.ndarray  # [n, n]
    layer: int | None  # None: mean over `layers` of the per-layer cosine matrices
    layers: tuple[int, ...]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"names": list(self.names), "values": self.values.round(6).tolist(),
                "layer": self.layer, "layers": list(self.layers)}


def cosine_matrix(directions: Mapping[str, Directions], layer: int | None = None) -> CosineMatrix:
    """The name × name cosine matrix at `layer`, or averaged over all shared layers."""
    names = tuple(directions)
    layers = common_layers(*directions.values()) if layer is None else (layer,)
    stacked = np.stack([_stack(directions[n], layers) for n in names])  # [n, L, d]
    norms = np.linalg.norm(stacked, axis=2, keepdims=True)
    unit = np.divide(stacked, norms, out=np.zeros_like(stacked), where=norms > 0)
    per_layer = np.einsum("ild,jld->lij", unit, unit)  # [L, n, n]
    return CosineMatrix(names, per_layer.mean(axis=0), layer, layers)
