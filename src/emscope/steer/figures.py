"""Figures of the steer stage, as matplotlib `Figure` objects (the report saves/embeds them).

`matplotlib.figure.Figure` is used directly rather than pyplot: no global figure state, so
figures can be made from any thread and never pile up in pyplot's registry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from emscope.steer.baseline import random_band
from emscope.steer.geometry import CosineMatrix
from emscope.steer.sweep import CrossDomainResult, RatePoint

__all__ = ["cosine_profile_figure", "cosine_heatmap_figure", "alpha_curve_figure", "cross_domain_figure",
           "parameter_curve_figure"]


def _rates(points: Sequence[RatePoint]) -> tuple[np.ndarray, np.ndarray]:
    ordered = sorted(points, key=lambda p: p.x)
    return (np.array([p.x for p in ordered]),
            np.array([np.nan if p.rate is None else p.rate for p in ordered], dtype=float))


def cosine_profile_figure(profiles: Mapping[str, tuple[Sequence[int], Sequence[float]]],
                          baseline: tuple[Sequence[int], Sequence[float] | np.ndarray] | None = None,
                          title: str = "Cosine between directions, per layer") -> Figure:
    """One line per pair of directions (label → (layers, cosines)); the random baseline dashed.

    `baseline` is (layers, cosines) of one random direction, or (layers, [directions, layers])
    of several: then their mean is drawn with a min–max band.
    """
    fig = Figure(figsize=(7, 3.8), layout="constrained")
    ax = fig.add_subplot()
    for label, (layers, values) in profiles.items():
        ax.plot(list(layers), list(values), marker="o", markersize=3, label=label)
    if baseline is not None:
        chance = np.atleast_2d(np.asarray(baseline[1], dtype=float))  # [random directions, layers]
        n = chance.shape[0]
        ax.plot(list(baseline[0]), chance.mean(axis=0), linestyle="--", color="grey",
                label=f"random (equal norm): mean of {n}" if n > 1 else "random (equal norm)")
        if n > 1:
            ax.fill_between(list(baseline[0]), chance.min(axis=0), chance.max(axis=0), color="grey", alpha=0.2,
                            label=f"random: min–max over {n} directions")
    ax.axhline(0.0, color="black", linewidth=0.5)
    ax.set(xlabel="layer", ylabel="cosine", title=title, ylim=(-1.05, 1.05))
    ax.legend(fontsize="small")
    return fig


def cosine_heatmap_figure(matrix: CosineMatrix, title: str | None = None) -> Figure:
    """The domain × domain cosine matrix, annotated, on a diverging scale fixed to [−1, 1]."""
    n = len(matrix.names)
    fig = Figure(figsize=(max(4.8, 1.6 + 0.6 * n), max(4.0, 1.4 + 0.55 * n)), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(matrix.values, cmap="RdBu_r", vmin=-1.0, vmax=1.0)
    ax.set_xticks(range(n), matrix.names, rotation=60, ha="right", fontsize="small")
    ax.set_yticks(range(n), matrix.names, fontsize="small")
    for i in range(n):
        for j in range(n):
            v = matrix.values[i, j]
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize="x-small",
                    color="white" if abs(v) > 0.6 else "black")
    where = f"layer {matrix.layer}" if matrix.layer is not None else f"mean over {len(matrix.layers)} layers"
    ax.set_title(title or f"Cosine of misalignment directions\n({where})", fontsize="medium")
    fig.colorbar(image, ax=ax, shrink=0.8, label="cosine")
    return fig


def alpha_curve_figure(points: Sequence[RatePoint], title: str = "Misalignment rate under steering") -> Figure:
    """Rate against α: the direction with its per-point Wilson 95% bars, and the random baseline over
    seeds ("random:<seed>" curves) as their mean with a min–max band (`baseline.random_band`)."""
    fig = Figure(figsize=(6, 3.8), layout="constrained")
    ax = fig.add_subplot()
    direction = [p for p in points if p.label == "direction"]
    if direction:
        x, y = _rates(direction)
        ax.plot(x, y, marker="o", label="misalignment direction")
        bars = [(p.x, p.rate, p.low, p.high) for p in sorted(direction, key=lambda p: p.x)
                if p.rate is not None and p.low is not None]
        if bars:  # per-point interval over that point's answers
            bx, by, bl, bh = (np.array(v, dtype=float) for v in zip(*bars))
            ax.errorbar(bx, by, yerr=[by - bl, bh - by], fmt="none", ecolor="C0", capsize=3,
                        label="direction: Wilson 95% over answers")
    band = random_band(points)
    n = max((b.n for b in band), default=0)
    if n:
        x = np.array([b.x for b in band])
        value = lambda v: np.nan if v is None else v  # noqa: E731 - an α where nothing was scored is a gap
        ax.plot(x, [value(b.mean) for b in band], linestyle="--", color="grey", marker="s", markersize=3,
                label=f"random, equal norm: mean of {n}" if n > 1 else "random, equal norm (1 direction)")
        if n > 1:  # the spread of the random directions themselves, not an interval of their mean
            ax.fill_between(x, [value(b.min) for b in band], [value(b.max) for b in band], color="grey", alpha=0.2,
                            label=f"random: min–max over {n} directions")
    ax.set(xlabel="α", ylabel="misalignment rate", title=title, ylim=(-0.02, 1.02))
    ax.legend(fontsize="small")
    return fig


def cross_domain_figure(result: CrossDomainResult, title: str | None = None) -> Figure:
    """Targets × sources matrix of the change in misalignment rate (steered − unsteered)."""
    values = result.delta
    fig = Figure(figsize=(max(5.0, 2.2 + 0.65 * len(result.sources)), max(3.8, 1.8 + 0.5 * len(result.targets))),
                 layout="constrained")
    ax = fig.add_subplot()
    finite = np.abs(values[np.isfinite(values)])
    limit = max(float(finite.max()) if finite.size else 0.0, 0.05)
    image = ax.imshow(np.ma.masked_invalid(values), cmap="RdBu_r", vmin=-limit, vmax=limit)
    seeds = len(result.random_seeds)
    names = [f"random (mean of {seeds})" if s == "random" and seeds > 1 else s for s in result.sources]
    ax.set_xticks(range(len(result.sources)), names, rotation=60, ha="right", fontsize="small")
    ax.set_yticks(range(len(result.targets)), result.targets, fontsize="small")
    for i in range(len(result.targets)):
        for j in range(len(result.sources)):
            v = values[i, j]
            dark = not np.isnan(v) and abs(v) > 0.6 * limit
            ax.text(j, i, "–" if np.isnan(v) else f"{v:+.2f}", ha="center", va="center", fontsize="x-small",
                    color="white" if dark else "black")
    ax.set(xlabel="direction from (source)", ylabel="model (target)")
    ax.set_title(title or f"Change in misalignment rate\n(steering at α = {result.alpha:g})", fontsize="medium")
    fig.colorbar(image, ax=ax, shrink=0.8, label="Δ rate")
    return fig


def parameter_curve_figure(curves: Mapping[str, Sequence[RatePoint]], xlabel: str = "λ (LoRA scale) or t (mix)",
                           title: str = "Misalignment rate along a parameter path") -> Figure:
    """One line per path (label → points), e.g. 'scale A' over λ and 'A → B' over t."""
    fig = Figure(figsize=(6, 3.8), layout="constrained")
    ax = fig.add_subplot()
    for label, points in curves.items():
        x, y = _rates(points)
        ax.plot(x, y, marker="o", label=label)
    ax.set(xlabel=xlabel, ylabel="misalignment rate", title=title, ylim=(-0.02, 1.02))
    if curves:
        ax.legend(fontsize="small")
    return fig
