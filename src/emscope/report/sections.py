"""Optional report sections from the stages beyond the core analysis: membership-inference
predictors (`predictors.json` of the study's predict stage) and steering (`results.json` and
figures of the steer stage).

A section is plain data (title, figures as PNG/SVG bytes, tables as rows) rendered by html.py
like the core sections: `<figure data-figure=NAME>`, `<table data-table=NAME>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.report import figures as F
from emscope.report.fmt import num, pct

__all__ = ["Section", "SectionFigure", "SectionTable", "mia_section", "steer_section"]


@dataclass(frozen=True)
class SectionFigure:
    """A figure: its name (data-figure), caption and image bytes (SVG preferred)."""

    name: str
    title: str
    caption: str
    data: bytes
    mime: str  # "image/svg+xml" | "image/png"
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionTable:
    """A table: name (data-table), headers, rows; `left` leading columns are text."""

    name: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    left: int = 1
    caption: str = ""


@dataclass(frozen=True)
class Section:
    """A titled block of the report."""

    anchor: str
    title: str
    intro: str
    figures: list[SectionFigure] = field(default_factory=list)
    tables: list[SectionTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _read(path: Path, kind: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {kind} {path}: {exc}; pass the file the stage wrote") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object ({kind}), got {type(data).__name__}; "
                         "pass the file the stage wrote")
    return data


def _saved(fig: Any, out: Path, name: str, title: str, caption: str, dpi: int) -> SectionFigure:
    files = F.save(fig, out, name, dpi)
    return SectionFigure(name, title, caption, files.svg_bytes, "image/svg+xml", (files.png.name, files.svg.name))


def mia_section(predictors_file: str | Path, out: Path, dpi: int = 150) -> Section:
    """Per-domain MIA scores, member-vs-held-out AUCs, and each score as a misalignment predictor."""
    from emscope.mia import roc_figure, scatter_figure
    from emscope.mia.predictors import read_predictors

    # The one predictors format: `emscope mia predict --json` and the study's predict stage write it.
    data = read_predictors(predictors_file)
    predictors = data["predictors"]
    figures: list[SectionFigure] = []
    drawable = [p for p in predictors if p.auc is not None]
    if drawable:
        with F.style():
            figures.append(_saved(roc_figure(drawable), out, "mia_roc", "MIA scores as predictors: ROC",
                                  "Each MIA column's per-domain mean as a score for 'above-median misalignment'; "
                                  "AUC with bootstrap interval in the legend.", dpi))
        best = max(drawable, key=lambda p: abs((p.auc or 0.5) - 0.5))
        with F.style():
            figures.append(_saved(scatter_figure(best), out, "mia_scatter", f"MIA {best.column} vs misalignment",
                                  f"Each point is a domain: mean {best.column} of its training rows against its "
                                  "misalignment rate (the column whose AUC is furthest from chance).", dpi))
    cols = ("loss", "adj_loss", "minkpp", "adj_minkpp", "zlib", "adj_zlib")
    domain_rows = [(d["domain"], d["split"], d["rows"], d["tokens"],
                    # Significant digits: zlib ratios are ~1e-3, losses ~1 (fixed decimals showed 0.001 for all).
                    *(num((d["stats"].get(c) or {}).get("mean"), ".3g") for c in cols)) for d in data.get("domains", [])]
    pred_rows = [(p.column, p.n, num(p.spearman_rho, ".3f"), num(p.spearman_p, ".3f"), num(p.auc, ".3f"),
                  "–" if p.auc_low is None else f"{p.auc_low:.2f}–{p.auc_high:.2f}", num(p.lodo_auc, ".3f"), p.note or "")
                 for p in predictors]
    member_rows = [(m["domain"], m["column"], num(m["auc"], ".3f"), m["n_member"], m["n_nonmember"])
                   for m in data.get("membership", []) if m["column"] in cols]
    tables = [SectionTable("mia_domains", ("domain", "split", "rows", "tokens", *(f"mean {c}" for c in cols)),
                           domain_rows, left=2, caption="Per domain, the fine-tuned model's scores of its training "
                           "rows (members) and held-out rows; adj_* = target − base model."),
              SectionTable("mia_predictors", ("column", "domains", "Spearman ρ", "p", "AUC", "AUC CI", "LODO AUC",
                                              "note"), pred_rows, left=1,
                           caption="Domain-level mean of each column against measured misalignment rates.")]
    if member_rows:
        tables.append(SectionTable("mia_membership", ("domain", "column", "member AUC", "members", "held out"),
                                   member_rows, left=2, caption="Training rows vs held-out rows of the same domain."))
    return Section("mia", "Membership inference as a predictor of misalignment",
                   "Do memorisation signals of a domain's training rows predict how misaligned its fine-tuned "
                   "model becomes?", figures, tables, list(data.get("notes", [])))


_STEER_TITLES = {
    "cosine_heatmap": ("Cosine of misalignment directions, domain × domain (mean over layers)",
                       "Cosine similarity of the per-layer directions mean(misaligned) − mean(aligned)."),
    "cosine_profile": ("Cosine across layers for each pair of domains",
                       "Per-layer cosine of two domains' directions; grey: mean and min–max band of several random "
                       "directions of equal norm."),
    "cross_domain": ("Cross-domain steering: change in misalignment rate",
                     "Rows: the model steered (fine-tuned domain, or base); columns: whose direction is added; "
                     "random: the mean over the random directions (each in results.json cross_domain.random)."),
    "parameter_paths": ("Parameter space: LoRA scaled by λ and interpolated between adapters",
                        "Misalignment rate along each path of adapter weights."),
}


def _steer_caption(name: str) -> tuple[str, str]:
    if name in _STEER_TITLES:
        return _STEER_TITLES[name]
    if name.startswith("alpha_"):
        return (f"α sweep: {name[6:]} direction on the {name[6:]} model",
                "Misalignment rate against α; grey: mean (dashed) and min–max band of the random directions of "
                "equal norm; bars: Wilson 95% over each point's answers.")
    if name.startswith("cosine_heatmap_layer"):
        return (f"Cosine of misalignment directions at layer {name[20:]}", "As the mean heatmap, at one layer.")
    return name, ""


def steer_section(steer_dir: str | Path, out: Path) -> Section:
    """Figures and tables of a steer stage's output folder (its PNGs copied into `out`)."""
    root = Path(steer_dir)
    data = _read(root / "results.json", "steer results")
    figures = []
    for name, rel in sorted(data.get("manifest", {}).get("figures", {}).items()):
        title, caption = _steer_caption(name)
        png = root / rel
        if not png.is_file():
            raise InputError(f"steer figure {png} named in {root / 'results.json'} is missing; pass a complete "
                             "steer output folder (re-run the steer stage if files were removed)")
        image = png.read_bytes()
        copy = out / f"steer_{name}.png"  # beside the report's own figures
        copy.write_bytes(image)
        figures.append(SectionFigure(name, title, caption, image, "image/png", (copy.name,)))
    tables = []
    cross = data.get("cross_domain")
    if cross:
        rows = [(t, pct(cross["baseline"][i]), *(num(v, "+.3f") for v in cross["delta"][i]))
                for i, t in enumerate(cross["targets"])]
        tables.append(SectionTable("steer_cross_domain", ("model", "unsteered", *(f"+{s}" for s in cross["sources"])),
                                   rows, caption=f"Change in misalignment rate at α = {cross['alpha']}; +random = mean "
                                                   "over the random directions (each in results.json cross_domain.random)."))
    curve_rows = [(f"α sweep ({d})", p["label"], p["x"], pct(p["rate"]), p["scored"], p["total"])
                  for d, pts in data.get("alpha", {}).items() for p in pts]
    curve_rows += [(path, p["label"], p["x"], pct(p["rate"]), p["scored"], p["total"])
                   for path, pts in data.get("parameter_paths", {}).items() for p in pts]
    tables.append(SectionTable("steer_curves", ("curve", "series", "x (α, λ or t)", "misalignment", "scored", "answers"),
                               curve_rows, left=2))
    return Section("steer", "Misalignment directions and steering",
                   "Directions from each domain's paired aligned/misaligned answers; their geometry, steering with "
                   "them across domains, and paths in adapter weight space.", figures, tables)
