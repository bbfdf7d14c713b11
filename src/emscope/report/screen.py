"""The report section of `emscope screen evaluate`: does the pre-training screen predict misalignment?

Reads the evaluate.json it wrote: the signal table (ρ, AUC, permutation p raw and max-corrected,
cost), a scatter of the combined risk against each domain's measured rate, and the ROC curves
for above-median misalignment (mia's figure functions: the Predictor rows are the same type).
"""

from __future__ import annotations

from pathlib import Path

from emscope.core.errors import InputError
from emscope.report import figures as F
from emscope.report.fmt import num
from emscope.report.sections import Section, SectionFigure, SectionTable, _read, _saved

__all__ = ["screen_section"]


def _figures(predictors: list, out: Path, dpi: int) -> list[SectionFigure]:  # type: ignore[type-arg]
    from emscope.mia import roc_figure, scatter_figure

    figures: list[SectionFigure] = []
    risk = next((p for p in predictors if p.column == "risk" and p.n), None)
    if risk is not None:
        with F.style():
            figures.append(_saved(scatter_figure(risk), out, "screen_scatter", "Screen risk vs misalignment",
                                  "Each point is a domain: the combined screening risk of its training set, "
                                  "computed before any fine-tuning, against its measured misalignment rate "
                                  "under the trigger.", dpi))
    drawable = [p for p in predictors if p.auc is not None and (p.column == "risk" or p.column.startswith("risk_"))]
    if drawable:
        with F.style():
            figures.append(_saved(roc_figure(drawable), out, "screen_roc", "Screen signals: ROC",
                                  "The combined risk and each signal group's risk as a score for 'above-median "
                                  "misalignment' across domains; AUC with bootstrap interval in the legend.", dpi))
    return figures


def screen_section(evaluate_file: str | Path, out: Path, dpi: int = 150) -> Section:
    """Signal table, risk-vs-rate scatter and ROC of a `screen evaluate` run (its evaluate.json)."""
    from emscope.mia import Predictor

    data = _read(Path(evaluate_file), "screen evaluation")
    if data.get("kind") != "emscope.screen.evaluate":
        raise InputError(f"{evaluate_file}: not an emscope screen evaluation (kind {data.get('kind')!r}); "
                         "pass the evaluate.json of `emscope screen evaluate`")
    predictors = [Predictor.model_validate(p) for p in data["predictors"]]
    cost = data.get("cost_per_1000_rows", {})
    rows = [(p.column, p.n, num(p.spearman_rho, ".3f"), num(p.spearman_perm_p, ".3f"),
             num(p.spearman_perm_p_max, ".3f"), num(p.auc, ".3f"), num(p.auc_perm_p, ".3f"),
             num(p.auc_perm_p_max, ".3f"), num(p.lodo_auc, ".3f"), num(cost.get(p.column), ".1f"), p.note or "")
            for p in predictors]
    table = SectionTable("screen_signals", ("signal", "domains", "Spearman ρ", "perm p", "perm p (max)", "AUC",
                                            "AUC perm p", "AUC perm p (max)", "LODO AUC", "s / 1,000 rows",
                                            "note"), rows, left=1,
                         caption="Each signal's domain mean on the training sets against the measured rates; "
                         "permutation p-values over domains, '(max)' corrected for the number of signals.")
    return Section("screen", "Screening the training data before fine-tuning",
                   "Could the training sets have been flagged before anyone trained on them? Each domain's "
                   "training set screened with the base model only, tested against the study's measured rates.",
                   _figures(predictors, out, dpi), [table], list(data.get("notes", [])))
