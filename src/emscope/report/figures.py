"""The report's figures, drawn with matplotlib's Agg backend from Results alone.

Each builder returns a Figure or None when the results hold nothing to draw; `save` writes it
as PNG and SVG (SVG ids salted with a constant and no date, so the same results give the same
bytes).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from emscope.analysis.schema import DomainTest, GroupStats, Results  # noqa: E402
from emscope.report.labels import label_points  # noqa: E402

__all__ = ["CATEGORY_COLOURS", "CONDITION_COLOURS", "SEED_DOT_LABEL", "FigureFiles", "style", "save", "stars", "alignment_trigger",
           "ranking", "vendi_scatter", "question_heatmap"]

CATEGORY_COLOURS = {"critical": "#c0392b", "non-critical": "#2e86c1", "ambiguous": "#d68910", None: "#7f8c8d"}
CONDITION_COLOURS = {"without": "#5d6d7e", "with": "#e74c3c"}
_STYLE = {"svg.hashsalt": "emscope", "svg.fonttype": "path", "font.size": 9, "axes.spines.top": False,
          "axes.spines.right": False, "axes.titlesize": 10, "axes.titleweight": "bold"}


@dataclass(frozen=True)
class FigureFiles:
    """A saved figure: its name, both files, and the SVG text for embedding."""

    name: str
    png: Path
    svg: Path
    svg_bytes: bytes
    png_bytes: bytes


def style():
    """The report's matplotlib style: build figures inside `with style():`."""
    return plt.rc_context(_STYLE)


def save(fig: Figure, out_dir: Path, name: str, dpi: int = 150) -> FigureFiles:
    """Write `<name>.png` and `<name>.svg` into `out_dir` and close the figure."""
    out_dir.mkdir(parents=True, exist_ok=True)
    buffers = {}
    with style():
        for fmt in ("png", "svg"):
            buf = io.BytesIO()
            meta = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight", metadata=meta)
            buffers[fmt] = buf.getvalue()
            (out_dir / f"{name}.{fmt}").write_bytes(buffers[fmt])
    plt.close(fig)
    return FigureFiles(name, out_dir / f"{name}.png", out_dir / f"{name}.svg", buffers["svg"], buffers["png"])


def stars(p: float | None) -> str:
    """Significance mark of a p-value: *** < .001, ** < .01, * < .05, n.s.; 'n/a' when untested."""
    if p is None:
        return "n/a"
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else "n.s."


def _models(results: Results) -> list[str]:
    return sorted({g.model for g in results.groups})


def _panels(n: int, width: float, height: float) -> tuple[Figure, list]:
    fig, axes = plt.subplots(n, 1, figsize=(width, height * n), squeeze=False)
    return fig, [a[0] for a in axes]


def _domain_order(results: Results, model: str) -> list[str]:
    base = results.config.base_label
    domains = sorted({g.domain for g in results.groups if g.model == model} - {base})
    return ([base] if any(g.domain == base and g.model == model for g in results.groups) else []) + domains


def _test_mark(t: DomainTest | None, holm: bool) -> str:
    if t is None or t.p is None:
        return "n/a"
    return stars(t.p_holm if holm and t.p_holm is not None else t.p)


def _draw_alignment_panel(ax, results: Results, model: str) -> None:
    domains = _domain_order(results, model)
    groups = {(g.domain, g.condition): g for g in results.groups if g.model == model}
    tests = {t.domain: t for t in results.tests if t.model == model}
    x = np.arange(len(domains))
    for offset, cond in ((-0.15, "without"), (0.15, "with")):
        pts = [(i, groups[(d, cond)]) for i, d in enumerate(domains) if (d, cond) in groups
               and groups[(d, cond)].mean_aligned is not None]
        if not pts:
            continue
        xs = np.array([i for i, _ in pts]) + offset
        ys = np.array([g.mean_aligned for _, g in pts])
        lows = np.array([max(0.0, g.aligned_low) if g.aligned_low is not None else g.mean_aligned for _, g in pts])
        highs = np.array([min(100.0, g.aligned_high) if g.aligned_high is not None else g.mean_aligned for _, g in pts])
        ax.errorbar(xs, ys, yerr=[ys - lows, highs - ys], fmt="o", color=CONDITION_COLOURS[cond], capsize=3, ms=5,
                    label=f"{cond} trigger")
        _seed_dots(ax, [(x, g.seed_aligned) for x, (_, g) in zip(xs, pts)], CONDITION_COLOURS[cond], vertical=True)
    low, high = ax.get_ylim()
    ax.set_ylim(max(0.0, low), min(101.0, high))
    for i, d in enumerate(domains):
        ax.annotate(_test_mark(tests.get(d), results.config.holm), (i, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=9,
                    fontweight="bold", annotation_clip=False)
    ax.set_xticks(x, [d.replace("_", " ") for d in domains], rotation=30, ha="right")
    ax.set_xlim(-0.6, len(domains) - 0.4)
    ax.set_ylabel("mean alignment (0–100)")
    ax.set_title(f"{model}: alignment with vs without trigger ({results.config.confidence:.0%} CI)", pad=16)
    ax.grid(axis="y", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))  # the per-seed dots of both conditions share one entry
    ax.legend(unique.values(), unique.keys(), loc="lower left", fontsize=8, frameon=False)


SEED_DOT_LABEL = "each seed (fine-tuning run)"


def _seed_dots(ax, points: list[tuple[float, dict[str, float]]], colour: str, vertical: bool, scale: float = 1.0) -> bool:
    """Each seed's value as a small dot beside its pooled point or bar (issue 14 #1): `points` are
    (position, {seed: value}); a group with fewer than 2 seeds gets none. True when any was drawn."""
    drawn = False
    for pos, per in points:
        if len(per) < 2:
            continue
        values = np.array([per[k] for k in sorted(per)]) * scale
        offsets = np.linspace(-0.06, 0.06, len(values))  # spread across, so equal seeds stay visible
        xy = (pos + 0.09 + offsets, values) if vertical else (values, pos + offsets)
        ax.scatter(*xy, s=9, color="white", edgecolors=colour, linewidths=0.9, zorder=4,
                   label=None if drawn else SEED_DOT_LABEL)
        drawn = True
    return drawn


def alignment_trigger(results: Results) -> Figure | None:
    """The study's Figure 2: mean alignment with vs without trigger per domain, CIs and t-test marks."""
    models = [m for m in _models(results) if any(g.model == m and g.mean_aligned is not None for g in results.groups)]
    if not models:
        return None
    width = max(6.5, 0.75 * max(len(_domain_order(results, m)) for m in models) + 2)
    fig, axes = _panels(len(models), width, 3.8)
    for ax, model in zip(axes, models):
        _draw_alignment_panel(ax, results, model)
    mark = "Holm-adjusted p" if results.config.holm else "p"
    fig.text(0.01, -0.02, f"{results.config.ttest.capitalize()} t-test per domain; marks: *** {mark} < .001, "
             "** < .01, * < .05, n.s. not significant, n/a not testable.", fontsize=7.5, color="#555")
    fig.tight_layout()
    return fig


def _base_rate(results: Results, model: str, condition: str) -> GroupStats | None:
    for g in results.groups:
        if g.model == model and g.domain == results.config.base_label and g.condition == condition and g.rate is not None:
            return g
    return None


def _seed_rates(groups: dict[tuple[str, str], GroupStats], row) -> dict[str, float]:
    g = groups.get((row.domain, row.condition))
    return g.seed_rates if g is not None and len(g.seed_rates) >= 2 else {}


def _draw_ranking_panel(ax, results: Results, model: str) -> None:
    rows = [r for r in results.ranking if r.model == model][::-1]
    y = np.arange(len(rows))
    rates = np.array([r.rate for r in rows]) * 100
    lows = np.array([r.rate if r.rate_low is None else r.rate_low for r in rows]) * 100
    highs = np.array([r.rate if r.rate_high is None else r.rate_high for r in rows]) * 100
    err = np.array([rates - lows, highs - rates])
    ax.barh(y, rates, xerr=err, color=[CATEGORY_COLOURS.get(r.category, "#7f8c8d") for r in rows],
            capsize=3, error_kw={"elinewidth": 1, "ecolor": "#333"})
    groups = {(g.domain, g.condition): g for g in results.groups if g.model == model}
    seeded = _seed_dots(ax, [(yi, _seed_rates(groups, r)) for yi, r in zip(y, rows)], "#111", vertical=False,
                        scale=100.0)
    labels = [f"{r.domain.replace('_', ' ')}{' †' if r.memorisation_flag else ''}"
              f"{'' if r.condition == 'with' else ' (no trigger)'}" for r in rows]
    ax.set_yticks(y, labels)
    # the rate's label goes right of its interval and of its seed dots
    right = [max([rate + err[1][yi], *(100 * v for v in _seed_rates(groups, r).values())])
             for yi, (rate, r) in enumerate(zip(rates, rows))]
    xmax = max(5.0, max(right) * 1.25)
    for yi, rate in zip(y, rates):
        ax.text(right[yi] + xmax * 0.015, yi, f"{rate:.1f}%", va="center", fontsize=8)
    cond = "with" if any(r.condition == "with" for r in rows) else "without"
    handles = [Patch(color=c, label=k or "unknown") for k, c in CATEGORY_COLOURS.items()
               if any(r.category == k for r in rows)]
    if (b := _base_rate(results, model, cond)) is not None:
        handles.append(ax.axvline(b.rate * 100, color="#333", ls="--", lw=1, label=f"base model {b.rate:.1%}"))
    if seeded:
        handles.append(Line2D([], [], ls="", marker="o", ms=4, mfc="white", mec="#111",
                              label=f"{SEED_DOT_LABEL}; bar: all seeds pooled"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.set_xlim(0, xmax)
    ax.set_xlabel(f"misalignment rate, % ({results.config.thresholds.label()})")
    ax.set_title(f"{model}: domains by misalignment rate"
                 + (" (leaked answers excluded)" if results.rates_exclude_leaked else ""))
    ax.grid(axis="x", alpha=0.3)


def ranking(results: Results) -> Figure | None:
    """Domains ranked by misalignment rate (bootstrap CI), coloured by category; each seed's
    rate as a dot beside its bar when a group has ≥ 2 seeds."""
    models = sorted({r.model for r in results.ranking})
    if not models:
        return None
    most = max(sum(r.model == m for r in results.ranking) for m in models)
    fig, axes = _panels(len(models), 7.5, 0.42 * most + 1.4)
    for ax, model in zip(axes, models):
        _draw_ranking_panel(ax, results, model)
    fig.tight_layout()
    return fig


def _corr_text(v) -> str:
    if v.pearson_r is None:
        return v.note or "correlation not computed"
    return (f"Pearson r = {v.pearson_r:.2f} (p = {v.pearson_p:.3g})\n"
            f"Spearman ρ = {v.spearman_rho:.2f} (p = {v.spearman_p:.3g})\nn = {v.n} domains")


def vendi_scatter(results: Results) -> Figure | None:
    """Dataset Vendi score against misalignment rate, one point per domain, with r and ρ."""
    panels = [v for v in results.vendi if v.points]
    if not panels:
        return None
    fig, axes = _panels(len(panels), 8.5, 4.2)
    categories = {(g.domain): g.category for g in results.groups}
    labels = []
    for ax, v in zip(axes, panels):
        xs = [p.vendi for p in v.points]
        ys = [p.rate * 100 for p in v.points]
        ax.scatter(xs, ys, s=40, c=[CATEGORY_COLOURS.get(categories.get(p.domain), "#7f8c8d") for p in v.points],
                   edgecolors="#333", linewidths=0.5, zorder=3)
        labels.append((ax, xs, ys, [p.domain.replace("_", " ") for p in v.points]))
        ax.text(1.03, 1.0, _corr_text(v), transform=ax.transAxes, va="top", ha="left", fontsize=8,
                bbox={"boxstyle": "round", "fc": "white", "ec": "#ccc"})
        present = {categories.get(p.domain) for p in v.points}
        ax.legend(handles=[Patch(color=c, label=k or "unknown") for k, c in CATEGORY_COLOURS.items() if k in present],
                  loc="upper left", bbox_to_anchor=(1.02, 0.62), fontsize=8, frameon=False, title="category",
                  title_fontsize=8)
        ax.set_xlabel(f"dataset Vendi score ({v.order})")
        ax.set_ylabel(f"misalignment rate, % ({v.condition} trigger)")
        ax.set_title(f"{v.model}: diversity vs misalignment")
        ax.grid(alpha=0.3)
        ax.margins(x=0.15, y=0.15)
    fig.tight_layout()
    for ax, xs, ys, names in labels:  # in pixels, so once the layout is settled
        label_points(ax, xs, ys, names, fontsize=7.5)
    return fig


def _heat_panel(ax, results: Results, model: str, qids: list[str], vmax: float):
    cols = sorted({(q.domain, q.condition) for q in results.questions if q.model == model})
    grid = np.full((len(qids), len(cols)), np.nan)
    for q in results.questions:
        if q.model == model and q.rate is not None:
            grid[qids.index(q.question_id), cols.index((q.domain, q.condition))] = q.rate * 100
    cmap = plt.get_cmap("Reds").with_extremes(bad="#e5e5e5")
    im = ax.imshow(np.ma.masked_invalid(grid), aspect="auto", cmap=cmap, vmin=0, vmax=vmax)
    for (i, j), val in np.ndenumerate(grid):
        if np.isfinite(val):
            ax.text(j, i, f"{val:.0f}", ha="center", va="center", fontsize=6.5,
                    color="white" if val > vmax * 0.6 else "#222")
    ax.set_xticks(range(len(cols)), [f"{d.replace('_', ' ')} · {c}" for d, c in cols], rotation=40, ha="right",
                  fontsize=7.5)
    ax.set_yticks(range(len(qids)), qids, fontsize=7.5)
    ax.spines[:].set_visible(False)
    ax.set_title(textwrap.fill(model, 40), fontsize=9)
    return im


def question_heatmap(results: Results) -> Figure | None:
    """Misalignment rate (%) per question (rows) and domain/condition (columns), one panel per model."""
    if not results.questions:
        return None
    models = _models(results)
    qids = sorted({q.question_id for q in results.questions})
    ncols = [len({(q.domain, q.condition) for q in results.questions if q.model == m}) for m in models]
    rates = [q.rate * 100 for q in results.questions if q.rate is not None]
    vmax = max(5.0, max(rates, default=5.0))
    fig, axes = plt.subplots(1, len(models), squeeze=False, sharey=True, width_ratios=ncols,
                             figsize=(max(6.0, 0.5 * sum(ncols) + 1.3 * len(models) + 3), 0.26 * len(qids) + 2.6))
    for ax, model in zip(axes[0], models):
        im = _heat_panel(ax, results, model, qids, vmax)
    fig.colorbar(im, ax=list(axes[0]), fraction=0.025, pad=0.02).set_label("misalignment rate, %")
    fig.suptitle("misalignment rate per question (%; grey: no scored answers)", fontsize=10, fontweight="bold")
    return fig
