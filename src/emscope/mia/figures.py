"""Figures of the MIA predictors, as matplotlib Figures the report can save and embed.

Built on `matplotlib.figure.Figure` directly (no pyplot state, Agg canvas), so they are safe
in threads and servers; `emscope.report.figures.save(fig, out_dir, name)` writes them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from emscope.mia.predict import Predictor
from emscope.report.labels import label_points

__all__ = ["roc_figure", "scatter_figure", "roc_points"]

_ABOVE, _BELOW = "#c0392b", "#2e86c1"


def roc_points(scores: Sequence[float], labels: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    """(false-positive rate, true-positive rate) of every threshold, higher score = positive."""
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(np.asarray(labels, dtype=bool), np.asarray(scores, dtype=np.float64))
    return fpr, tpr


def _new(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _auc_label(p: Predictor) -> str:
    if p.auc is None:
        return f"{p.column}: AUC n/a"
    ci = "" if p.auc_low is None else f" [{p.auc_low:.2f}, {p.auc_high:.2f}]"
    return f"{p.column} ({p.stat}): AUC {p.auc:.3f}{ci}"


# One colour per metric, one line style per form (target, reference, target − reference): a
# dozen curves stay tellable apart, and a metric's three forms read as one family.
_METRIC_COLOURS = {"loss": "#1f77b4", "zlib": "#ff7f0e", "mink": "#2ca02c", "minkpp": "#d62728"}
_FORM_STYLES = {"": "-", "ref_": ":", "adj_": "--"}


def _line_style(column: str) -> tuple[str | None, str]:
    for prefix in ("ref_", "adj_", ""):
        if column.startswith(prefix) and column[len(prefix):] in _METRIC_COLOURS:
            return _METRIC_COLOURS[column[len(prefix):]], _FORM_STYLES[prefix]
    return None, "-"  # a column outside the four metrics: matplotlib's next colour


def roc_figure(predictors: Sequence[Predictor], title: str = "MIA score → above-median misalignment") -> Figure:
    """ROC curves of domain-level predictors for 'above-median misalignment', AUC and CI in the legend."""
    fig = _new(8.4, 4.6)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 1], [0, 1], ls="--", color="#999", lw=1, label="chance (AUC 0.5)")
    for p in predictors:
        if p.auc is None:
            continue
        fpr, tpr = roc_points([q.score for q in p.points], [q.above_median for q in p.points])
        colour, style = _line_style(p.column)
        ax.plot(fpr, tpr, drawstyle="steps-post", lw=1.6, color=colour, ls=style, label=_auc_label(p))
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("false-positive rate")
    ax.set_ylabel("true-positive rate")
    n = max((p.n for p in predictors), default=0)
    ax.set_title(f"{title}\n({n} domains; higher score = predicted misaligned)", fontsize=9)
    # Beside the axes: with a dozen curves a legend inside would hide them.
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def _stats_text(p: Predictor) -> str:
    rho = "ρ n/a" if p.spearman_rho is None else f"Spearman ρ = {p.spearman_rho:.2f} (p = {p.spearman_p:.3g})"
    auc = "AUC n/a" if p.auc is None else f"AUC = {p.auc:.2f}" + (
        "" if p.auc_low is None else f" [{p.auc_low:.2f}, {p.auc_high:.2f}]")
    lodo = "" if p.lodo_auc is None else f"\nleave-one-domain-out AUC = {p.lodo_auc:.2f}"
    return f"{rho}\n{auc}{lodo}\nn = {p.n} domains"


def scatter_figure(p: Predictor) -> Figure:
    """Per-domain MIA score against misalignment rate; red = above the median rate."""
    fig = _new(7.0, 4.4)
    ax = fig.add_subplot(1, 1, 1)
    xs = np.array([q.score for q in p.points])
    ys = np.array([q.rate * 100 for q in p.points])
    colours = [_ABOVE if q.above_median else _BELOW for q in p.points]
    ax.scatter(xs, ys, s=40, c=colours, edgecolors="#333", linewidths=0.5, zorder=3)
    if p.median_rate is not None:
        ax.axhline(p.median_rate * 100, color="#999", ls=":", lw=1, label="median rate")
        ax.legend(fontsize=7, loc="upper left")
    ax.text(1.02, 1.0, _stats_text(p), transform=ax.transAxes, va="top", ha="left", fontsize=8,
            bbox={"boxstyle": "round", "fc": "white", "ec": "#ccc"})
    ax.set_xlabel(f"{p.column} ({p.stat} over the domain's rows)")
    ax.set_ylabel("misalignment rate, %")
    ax.set_title(f"{p.column} vs misalignment", fontsize=10)
    ax.grid(alpha=0.3)
    ax.margins(x=0.15, y=0.15)
    fig.tight_layout()
    # Placed in pixels, so after the layout has settled the axes.
    label_points(ax, xs, ys, [q.domain.replace("_", " ") for q in p.points])
    return fig
