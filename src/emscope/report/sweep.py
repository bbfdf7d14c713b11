"""The report section of a study's sweep (sweep.json of the sweep stage): misalignment against the swept value.

Figures: per domain, the rate with and without the trigger (and its emergent-only part where
leakage was checked) at each point, with intervals across seeds (question-clustered within
the pooled answers when there is one seed), the base model's rates, the fitted dose-response
curve and its threshold; for an n × diversity factorial, a heatmap of the rate over (n,
Vendi). Tables: the per-point rates, each curve's slope and threshold, and the log n × Vendi
regression with its interaction term.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from emscope.analysis.dose import fitted_rate, format_threshold
from emscope.core.errors import InputError
from emscope.report import figures as F
from emscope.report.fmt import num, pct
from emscope.report.sections import Section, SectionFigure, SectionTable, _read, _saved

__all__ = ["sweep_section"]

_KIND = "emscope.study.sweep"
_MARKERS = "osD^vP*X"


def _interval(r: dict[str, Any]) -> tuple[float | None, float | None, str]:
    """The interval a point is drawn with: question-clustered, widened to the across-seed t interval.

    With two or more seeds the t interval over the seeds' rates is the replication interval,
    but with two seeds whose rates happen to agree it has zero width; so the bar spans both it
    and the question-clustered interval of the pooled answers (never narrower than either).
    """
    lo, hi = r.get("rate_cluster_low"), r.get("rate_cluster_high")
    if (r.get("seeds") or 0) >= 2 and r.get("seed_rate_low") is not None:
        lows = [v for v in (lo, r["seed_rate_low"]) if v is not None]
        highs = [v for v in (hi, r["seed_rate_high"]) if v is not None]
        return min(lows), max(highs), "seeds ∪ questions"
    return lo, hi, "questions"


def _x(value: Any, order: list[Any]) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else float(order.index(value))


def _numeric_axis(data: dict[str, Any]) -> bool:
    vals = data["axes"][data["x_axis"]]
    return all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in vals)


def _series_of(r: dict[str, Any], data: dict[str, Any]) -> str:
    others = [a for a in data["axes"] if a != data["x_axis"]]
    if data["mode"] == "zip" or not others:
        return ""
    return ",".join(f"{a}={r['values'][a]}" for a in others)


def _rates_figure(data: dict[str, Any]) -> Any:
    import matplotlib.pyplot as plt

    domains, x_axis = data["domains"], data["x_axis"]
    order = list(data["axes"][x_axis])
    numeric = _numeric_axis(data)
    series = sorted({_series_of(r, data) for r in data["rates"]})
    fig, axes = plt.subplots(1, len(domains), figsize=(4.6 * len(domains), 3.6), squeeze=False, sharey=True)
    for ax, domain in zip(axes[0], domains):
        for b in data["base"]:
            ax.axhline(100 * (b["rate"] or 0), color=F.CONDITION_COLOURS[b["condition"]], lw=0.9, ls=":", alpha=0.8)
        for si, s in enumerate(series):
            for ci, cond in enumerate(data["conditions"]):
                rows = sorted((r for r in data["rates"] if r["domain"] == domain and r["condition"] == cond
                               and _series_of(r, data) == s and r["rate"] is not None),
                              key=lambda r: _x(r["values"][x_axis], order))
                if not rows:
                    continue
                # conditions side by side (a few % apart on a log axis) so equal rates do not hide each other
                shift = (1.0 + 0.04 * (ci - (len(data["conditions"]) - 1) / 2)) if numeric else 0.08 * ci
                xs = np.array([_x(r["values"][x_axis], order) for r in rows])
                xs = xs * shift if numeric else xs + shift
                ys = np.array([100 * (r["seed_rate"] if (r.get("seeds") or 0) >= 2 else r["rate"]) for r in rows])
                ivs = [_interval(r) for r in rows]
                # no interval (one question): a bare point, never a made-up bar
                lo = np.array([100 * iv[0] if iv[0] is not None else y for iv, y in zip(ivs, ys)])
                hi = np.array([100 * iv[1] if iv[1] is not None else y for iv, y in zip(ivs, ys)])
                colour = F.CONDITION_COLOURS[cond]
                label = f"{cond} trigger" + (f" ({s})" if s else "")
                ax.errorbar(xs, ys, yerr=[np.maximum(ys - lo, 0), np.maximum(hi - ys, 0)], fmt=_MARKERS[si % len(_MARKERS)],
                            color=colour, capsize=3, ms=5, label=label, ls="none" if numeric else "-")
                emergent = [(x, 100 * r["emergent_rate"]) for x, r in zip(xs, rows) if r.get("emergent_rate") is not None]
                if emergent:
                    ax.plot(*zip(*emergent), ls="--", lw=0.9, color=colour, alpha=0.7,
                            marker=_MARKERS[si % len(_MARKERS)], mfc="none", ms=4,
                            label=f"{cond}: emergent only" if si == 0 else None)
                _draw_fit(ax, data, domain, cond, s, colour)
        if numeric:
            ax.set_xscale("log")
            ax.set_xticks(order, [str(v) for v in order])
            ax.minorticks_off()
        else:
            ax.set_xticks(range(len(order)), [str(v) for v in order])
        ax.set_title(domain)
        ax.set_xlabel(x_axis)
        ax.set_ylim(bottom=0)
    axes[0][0].set_ylabel(f"misaligned, % ({data['thresholds']})")
    handles, labels = axes[0][0].get_legend_handles_labels()
    if data["base"]:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color="#7f8c8d", ls=":", lw=0.9))
        labels.append("base model (per condition)")
    if handles:
        fig.legend(handles, labels, loc="upper center", ncol=min(4, len(handles)), frameon=False,
                   bbox_to_anchor=(0.5, 1.08))
    fig.tight_layout()
    return fig


def _draw_fit(ax: Any, data: dict[str, Any], domain: str, cond: str, series: str, colour: str) -> None:
    fit = next((f for f in data["fits"] if f["domain"] == domain and f["condition"] == cond
                and f["measure"] == "misaligned" and f["series"] == series), None)
    if fit is None or fit["slope"] is None:
        return
    grid = np.geomspace(fit["range_low"], fit["range_high"], 60)
    ax.plot(grid, 100 * fitted_rate(fit["intercept"], fit["slope"], grid), color=colour, lw=1.2, alpha=0.85)
    if fit["status"] == "reached" and fit["threshold"] is not None:
        ax.axvline(fit["threshold"], color=colour, lw=0.8, ls="-.", alpha=0.8)


def _heatmap(data: dict[str, Any], condition: str) -> Any:
    import matplotlib.pyplot as plt

    fac = data["factorial"]
    ns, ds = sorted({c["n"] for c in fac["cells"]}), sorted({c["diversity"] for c in fac["cells"]})
    domains = data["domains"]
    # One colour scale for every domain: a 16% cell must not look like another domain's 47%.
    top = max([100 * c["rate"] for c in fac["cells"] if c["condition"] == condition and c["rate"] is not None] + [10.0])
    fig, axes = plt.subplots(1, len(domains), figsize=(1.2 * len(ns) * len(domains) + 1.5, 0.7 * len(ds) + 1.8),
                             squeeze=False)
    for ax, domain in zip(axes[0], domains):
        grid = np.full((len(ds), len(ns)), np.nan)
        vendi: dict[Any, list[float]] = {d: [] for d in ds}
        for c in fac["cells"]:
            if c["domain"] == domain and c["condition"] == condition and c["rate"] is not None:
                grid[ds.index(c["diversity"]), ns.index(c["n"])] = 100 * c["rate"]
                if c.get("vendi") is not None:
                    vendi[c["diversity"]].append(c["vendi"])
        im = ax.imshow(grid, cmap="Reds", vmin=0, vmax=top, aspect="auto", origin="lower")
        for i in range(len(ds)):
            for j in range(len(ns)):
                if np.isfinite(grid[i, j]):
                    ax.text(j, i, f"{grid[i, j]:.0f}", ha="center", va="center", fontsize=8,
                            color="white" if grid[i, j] > 0.6 * top else "black")
        ax.set_xticks(range(len(ns)), [str(n) for n in ns])
        ax.set_yticks(range(len(ds)), [f"F={d:g}" + (f" · V {np.mean(vendi[d]):.1f}" if vendi[d] else "") for d in ds])
        ax.set_xlabel("rows n")
        ax.set_title(domain)
        fig.colorbar(im, ax=ax, fraction=0.05, label="misaligned, %")
    fig.tight_layout()
    return fig


def _rate_rows(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows = []
    for r in data["base"]:
        lo, hi, kind = _interval(r)
        rows.append(("base model", "–", r["condition"], r["scored"], pct(r["rate"]), f"{pct(lo)}–{pct(hi)} ({kind})",
                     r.get("seeds") or 1, pct(r.get("emergent_rate")), "–"))
    for r in data["rates"]:
        lo, hi, kind = _interval(r)
        shown = r["seed_rate"] if (r.get("seeds") or 0) >= 2 else r["rate"]
        rows.append((r["domain"], r["point"], r["condition"], r["scored"], pct(shown), f"{pct(lo)}–{pct(hi)} ({kind})",
                     r.get("seeds") or 1, pct(r.get("emergent_rate")), num(r.get("vendi"), ".1f")))
    return rows


def _fit_rows(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows = []
    for f in data["fits"]:
        shown, interval = format_threshold(f)
        slope = "–" if f["slope"] is None else f"{f['slope']:+.2f} [{f['slope_low']:+.2f}, {f['slope_high']:+.2f}]"
        rows.append((f["domain"], f["condition"], "emergent only" if f["measure"] == "emergent" else "all",
                     f["series"] or "–", f["answers"], f["clusters"], slope, num(f["slope_p"], ".3g"),
                     pct(f["base_rate"]), pct(f["target"]), shown, interval, pct(f["reached_share"], 0),
                     f["note"] or ""))
    return rows


def _factorial_rows(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows = []
    for r in data["factorial"]["regressions"]:
        if not r["terms"]:
            rows.append((r["domain"], r["condition"], "–", "–", "–", "–", r["note"] or ""))
        for t in r["terms"]:
            usable = all(np.isfinite([t["coef"], t["low"], t["high"]]))
            rows.append((r["domain"], r["condition"], t["name"], f"{t['coef']:+.3f}" if usable else "–",
                         f"[{t['low']:+.3f}, {t['high']:+.3f}]" if usable else "–",
                         num(t["p"], ".3g") if usable and np.isfinite(t["p"]) else "–", r["note"] or ""))
    return rows


def sweep_section(sweep_file: str | Path, out: Path, dpi: int = 150) -> Section:
    """Rates against the swept value, dose-response fits, and the size × diversity factorial of a sweep stage."""
    data = _read(Path(sweep_file), "sweep results")
    if data.get("kind") != _KIND:
        raise InputError(f"{sweep_file}: not an emscope sweep result (kind {data.get('kind')!r}); pass the sweep.json "
                         "of the study's sweep stage")
    x_axis, margin = data["x_axis"], data["margin"]
    figures: list[SectionFigure] = []
    with F.style():
        figures.append(_saved(_rates_figure(data), out, "sweep_rates", f"Misalignment against {x_axis}",
                              f"Each point: the rate at one sweep point (the mean of the seeds' rates); bars: "
                              f"{data['confidence']:.0%} interval clustered by question, widened to the t interval "
                              "over the seeds' rates where there are two or more seeds. Dashed: "
                              "the emergent-only rate (misaligned and not leaked); dotted: the base model; solid: the "
                              "fitted logistic curve in log(value); dash-dot: where it reaches the base rate + "
                              f"{margin * 100:.0f} points.", dpi))
    tables = [SectionTable("sweep_rates", ("domain", "point", "condition", "scored", "misaligned", "interval",
                                           "seeds", "emergent only", "Vendi"), _rate_rows(data), left=3,
                           caption="Per sweep point (the base model: not swept). With two or more seeds the rate is "
                           "the mean of the seeds' rates."),
              SectionTable("sweep_fits", ("domain", "condition", "rate", "series", "answers", "questions",
                                          "slope [CI]", "p", "base", "target", "threshold", "interval", "reached",
                                          "note"), _fit_rows(data), left=4,
                           caption=f"Logistic fit of the answers in log({x_axis}); slope on the log-odds scale per "
                           "unit log value, question-clustered t interval. Threshold: where the curve reaches the base "
                           f"rate + {margin * 100:.0f} points, only inside the swept range; its interval is a bootstrap "
                           "over questions ('reached': share of resamples reaching it in range).")]
    if data.get("factorial"):
        fac = data["factorial"]
        for cond in data["conditions"]:
            with F.style():
                figures.append(_saved(_heatmap(data, cond), out, f"sweep_heatmap_{cond}",
                                      f"Misalignment over size and diversity ({cond} trigger)",
                                      "Rate (%) per cell of the n × diversity factorial; rows: the diversity setting "
                                      "F and its datasets' mean Vendi score (q = 1).", dpi))
        tables.append(SectionTable("sweep_factorial", ("domain", "condition", "term", "coefficient", "CI", "p",
                                                       "note"), _factorial_rows(data), left=3,
                                   caption=f"Logistic regression of the answers on log n, {fac['covariate']} and "
                                   "their product (both centred), question-clustered t intervals; the interaction "
                                   "term says whether the effect of size changes with diversity."))
    return Section("sweep", f"Sweep over {', '.join(data['axes'])}",
                   f"The same study at every point of a sweep ({data['mode']}, {len(data['points'])} points; the main "
                   f"tables above are the headline point {data['headline']}). Does misalignment rise with "
                   f"{x_axis}, and from which value does it exceed the base model's by {margin * 100:.0f} points?",
                   figures, tables, list(data.get("notes", [])))
