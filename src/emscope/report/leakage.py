"""The report's "Leakage vs emergence" part (issue 13 #4): per (model, domain, condition), all
misaligned answers split into those that repeat the training data (leaked: training n-grams or
the training topic) and the rest (emergent), as a figure and a table.

The total bar counts every misaligned scored answer (leaked ones included), whatever
`exclude_leaked` says, so the two bars always compare the same denominator: scored answers.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from emscope.analysis.schema import GroupStats, Results  # noqa: E402
from emscope.report.fmt import num, pct  # noqa: E402

__all__ = ["TOTAL_LABEL", "EMERGENT_LABEL", "leakage_figure", "leakage_rows", "leakage_status"]

TOTAL_LABEL = "all misaligned (leaked included)"
EMERGENT_LABEL = "emergent: misaligned and not leaked"
_TOTAL_COLOUR, _EMERGENT_COLOUR = "#b03a2e", "#f5b041"


def _checked(results: Results, model: str | None = None) -> list[GroupStats]:
    return [g for g in results.groups if g.leakage_checked and g.counts.scored and (model is None or g.model == model)
            and g.misaligned_leaked is not None]


def _total(g: GroupStats) -> float:
    return (g.misaligned_leaked + g.misaligned_emergent) / g.counts.scored  # type: ignore[operator]


def _panel(ax, results: Results, model: str) -> None:
    base = results.config.base_label
    groups = sorted(_checked(results, model), key=lambda g: (g.domain != base, g.domain, g.condition))[::-1]
    y = np.arange(len(groups))
    total = np.array([_total(g) for g in groups]) * 100
    emergent = np.array([g.emergent_rate for g in groups]) * 100
    lows = np.array([g.emergent_low for g in groups]) * 100
    highs = np.array([g.emergent_high for g in groups]) * 100
    h = 0.38
    ax.barh(y + h / 2, total, height=h, color=_TOTAL_COLOUR, label=TOTAL_LABEL)
    ax.barh(y - h / 2, emergent, height=h, color=_EMERGENT_COLOUR, hatch="//", edgecolor="#7e5109", linewidth=0.4,
            xerr=[emergent - lows, highs - emergent], capsize=2, error_kw={"elinewidth": 0.8, "ecolor": "#333"},
            label=f"{EMERGENT_LABEL} (Wilson {results.config.confidence:.0%} CI)")
    xmax = max(5.0, float(max(total.max(initial=0), highs.max(initial=0))) * 1.3)
    for yi, t, e, hi, g in zip(y, total, emergent, highs, groups):
        ax.text(t + xmax * 0.01, yi + h / 2, f"{t:.1f}% ({g.misaligned_leaked} leaked)", va="center", fontsize=7)
        ax.text(max(e, hi) + xmax * 0.01, yi - h / 2, f"{e:.1f}%", va="center", fontsize=7)
    ax.set_yticks(y, [f"{g.domain.replace('_', ' ')} · {g.condition}" for g in groups])
    ax.set_xlim(0, xmax)
    ax.set_xlabel(f"share of scored answers, % ({results.config.thresholds.label()})")
    ax.set_title(f"{model}: all misalignment vs emergent misalignment")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(handles=[Patch(color=_TOTAL_COLOUR, label=TOTAL_LABEL),
                       Patch(facecolor=_EMERGENT_COLOUR, hatch="//", edgecolor="#7e5109", label=EMERGENT_LABEL)],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def leakage_figure(results: Results) -> Figure | None:
    """Total and emergent misalignment rate side by side per (domain, condition); None when
    leakage was not checked for any group."""
    models = sorted({g.model for g in _checked(results)})
    if not models:
        return None
    most = max(len(_checked(results, m)) for m in models)
    fig, axes = plt.subplots(len(models), 1, figsize=(8.5, (0.5 * most + 1.4) * len(models)), squeeze=False)
    for ax, model in zip(axes[:, 0], models):
        _panel(ax, results, model)
    fig.tight_layout()
    return fig


def _topic(g: GroupStats, base: str) -> str:
    if g.domain == base:
        return "n/a (no training set)"
    return "undecided" if g.on_topic is None else str(g.on_topic)


def leakage_rows(results: Results) -> list[tuple]:
    """One table row per (model, domain, condition): misaligned, leaked and emergent counts and rates."""
    rows = []
    for g in results.groups:
        if g.misaligned_leaked is None:
            rows.append((g.model, g.domain, g.condition, g.counts.scored, g.misaligned,
                         "not checked", "not checked", "–", "–", "–", "–", "–"))
            continue
        total = g.misaligned_leaked + (g.misaligned_emergent or 0)
        rows.append((g.model, g.domain, g.condition, g.counts.scored, total, g.misaligned_leaked,
                     g.misaligned_emergent, pct(total / g.counts.scored if g.counts.scored else None),
                     pct(g.emergent_rate), f"[{pct(g.emergent_low)}, {pct(g.emergent_high)}]",
                     f"{g.leaked} / {_topic(g, results.config.base_label)}", num(g.mean_containment, ".2f")))
    return rows


def leakage_status(results: Results) -> str:
    """One sentence for the header's methods box: do the rates include leaked answers?"""
    if not results.leakage_checked:
        return ("Leakage not checked (no training data given): rates count every misaligned answer, "
                "including any that repeat the training data.")
    n = results.config.leakage.ngram
    rule = (f"an answer is leaked when at least {results.config.leakage.containment:.0%} of its word {n}-grams are in "
            f"its domain's training answers, or it is on the training topic (embedding margin ≥ "
            f"{results.config.leakage.topic_margin:g})")
    if results.rates_exclude_leaked:
        out = sum(g.excluded_leaked for g in results.groups)
        return (f"Rates, means, the ranking and the trigger tests EXCLUDE leaked answers ({out} left out; {rule}): "
                "they measure emergent misalignment only.")
    return (f"Rates, means, the ranking and the trigger tests INCLUDE leaked answers ({rule}); "
            "the Leakage vs emergence part gives the emergent share.")
