"""The offline judge's classifier heads as plain numpy (no scikit-learn at inference)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Linear", "Mlp", "logit", "sigmoid"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, safe for large |z|."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))


def logit(p: np.ndarray) -> np.ndarray:
    """Inverse of `sigmoid`, clipped away from 0 and 1."""
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


@dataclass(frozen=True)
class Linear:
    """Standardised logistic regression: logit = ((x - mean) / scale) . coef + intercept."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logit(self, x: np.ndarray) -> np.ndarray:
        """Log-odds of the positive class for rows of x."""
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        """Named arrays for saving."""
        return {f"{name}_mean": self.mean, f"{name}_scale": self.scale, f"{name}_coef": self.coef,
                f"{name}_intercept": np.array([self.intercept])}

    @classmethod
    def load(cls, data: dict[str, np.ndarray], name: str) -> Linear:
        """Rebuild from `arrays(name)`."""
        g = lambda k: np.asarray(data[f"{name}_{k}"], dtype=np.float64)  # noqa: E731
        return cls(g("mean"), g("scale"), g("coef"), float(g("intercept")[0]))


@dataclass(frozen=True)
class Mlp:
    """One ReLU hidden layer on standardised features; logit output."""

    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: float

    def logit(self, x: np.ndarray) -> np.ndarray:
        """Log-odds of the positive class for rows of x."""
        hidden = np.maximum(((x - self.mean) / self.scale) @ self.w1 + self.b1, 0.0)
        return hidden @ self.w2 + self.b2

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        """Named arrays for saving."""
        return {f"{name}_mean": self.mean, f"{name}_scale": self.scale, f"{name}_w1": self.w1,
                f"{name}_b1": self.b1, f"{name}_w2": self.w2, f"{name}_b2": np.array([self.b2])}

    @classmethod
    def load(cls, data: dict[str, np.ndarray], name: str) -> Mlp:
        """Rebuild from `arrays(name)`."""
        g = lambda k: np.asarray(data[f"{name}_{k}"], dtype=np.float64)  # noqa: E731
        return cls(g("mean"), g("scale"), g("w1"), g("b1"), g("w2"), float(g("b2")[0]))
