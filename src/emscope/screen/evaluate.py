"""`emscope screen evaluate`: does the pre-training screen predict a finished study's measured misalignment?

Each domain's training set is screened with the study's base model; every signal's domain
mean (and the combined risk) is then tested against the domain's measured misalignment rate
under the trigger with `emscope.mia.predict`'s own statistics: Spearman ρ, ROC-AUC for
above-median misalignment (bootstrap interval, leave-one-domain-out logistic fit), and
permutation p-values over domains, raw and max-statistic corrected over the tested columns.
With several seeds a domain has several training sets: its signal is their mean, its rate the
mean of its models' rates. Imports run downward: this module never imports `emscope.study`
at import time; `resolve_study` reads a run directory with a function-level import.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text
from emscope.screen.config import ScreenConfig

__all__ = ["StudyInputs", "study_inputs", "resolve_study", "domain_rates", "evaluate_study", "EVALUATE_FILE", "EVAL_COLUMNS"]

EVALUATE_FILE = "evaluate.json"
# The tested predictors: each group's risk, the combined risk, the judge's share and the raw columns.
EVAL_COLUMNS = ("risk", "risk_judge", "risk_embedding", "risk_likelihood", "risk_direction", "share_misaligned",
                "judge_misalignment", "embed_sim", "loss", "mink", "minkpp", "projection")


@dataclass(frozen=True)
class StudyInputs:
    """The pieces of a finished study the evaluation needs."""

    model: str
    datasets: list[str]  # every domain training set (several per domain with several seeds)
    domain_of: dict[str, str]  # dataset path -> domain
    rates: dict[str, float]  # domain -> misalignment rate under the trigger
    source: str = ""
    notes: list[str] = field(default_factory=list)


def _domain_of(path: Path) -> str:
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                domain = (json.loads(line).get("meta") or {}).get("domain")
                if not isinstance(domain, str):
                    raise InputError(f"{path}:{n}: no meta.domain; a study's build stage writes it on every row")
                return domain
    raise InputError(f"{path}: empty training set")


def domain_rates(results_file: str | Path) -> dict[str, float]:
    """Each domain's misalignment rate under the trigger (the `ranking` rows with condition 'with'),
    averaged over its fine-tuned models (seeds)."""
    from emscope.analysis.run import read_results

    rates: dict[str, list[float]] = defaultdict(list)
    for row in read_results(results_file).ranking:
        if row.condition == "with" and row.domain:
            rates[row.domain].append(row.rate)
    if not rates:
        raise InputError(f"{results_file}: no domain rate under the trigger in its ranking")
    return {d: float(np.mean(v)) for d, v in rates.items()}


def resolve_study(run_dir: str | Path) -> StudyInputs:
    """Model, training sets and rates of a finished study run directory."""
    from emscope.study.run import read_study_file  # function level: study sits above the screen stage

    root = Path(run_dir)
    study = read_study_file(root)
    datasets = sorted((root / "stages" / "build").glob("*/dataset.jsonl"))
    results = sorted((root / "stages" / "analyze").glob("*/results.json"))
    if not datasets:
        raise InputError(f"{root}: no stages/build/*/dataset.jsonl; the study's build stage has not finished")
    if len(results) != 1:
        raise InputError(f"{root}: expected one stages/analyze/*/results.json, found {len(results)}; "
                         "finish the study (`emscope study ... --out RUN`) first")
    return study_inputs(study.model, datasets, results[0], str(root))


def study_inputs(model: str, datasets: list[Path], results_file: Path, source: str = "") -> StudyInputs:
    """The evaluation's inputs from a study's training sets (each row's meta.domain) and its results file."""
    return StudyInputs(model=model, datasets=[str(p) for p in datasets],
                       domain_of={str(p): _domain_of(p) for p in datasets}, rates=domain_rates(results_file),
                       source=source)


def _dataset_values(d: Any) -> dict[str, float | None]:
    values: dict[str, float | None] = {"risk": d.risk, "share_misaligned": d.share_misaligned}
    values.update({f"risk_{g}": v for g, v in d.risk_groups.items()})
    values.update({c: d.means.get(c) for c in EVAL_COLUMNS if c in d.means})
    return values


def _domain_values(summary: Any, domain_of: dict[str, str]) -> dict[str, dict[str, float]]:
    """column -> domain -> mean over that domain's datasets (seeds)."""
    collected: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for d in summary.datasets:
        for column, v in _dataset_values(d).items():
            if v is not None and np.isfinite(v):
                collected[column][domain_of[d.path]].append(float(v))
    return {c: {dom: float(np.mean(v)) for dom, v in by.items()} for c, by in collected.items()}


def _costs(summary: Any) -> dict[str, float]:
    """Seconds per 1,000 rows behind each column (a column costs its group's pass; risk costs them all)."""
    from emscope.screen.signals import GROUP_OF

    per_group: dict[str, float] = {}
    for c in summary.costs:
        for g in c.group.split("+"):
            per_group[g] = c.seconds_per_1000_rows  # one shared pass: each group in it costs the whole pass
    out = {col: per_group[GROUP_OF[col]] for col in EVAL_COLUMNS if col in GROUP_OF and GROUP_OF[col] in per_group}
    out.update({f"risk_{g}": s for g, s in per_group.items()})
    out["share_misaligned"] = per_group.get("judge", float("nan"))
    out["risk"] = float(sum(c.seconds_per_1000_rows for c in summary.costs))
    return {k: v for k, v in out.items() if np.isfinite(v)}


def signal_predictors(values: dict[str, dict[str, float]], rates: dict[str, float], permutations: int = 2000,
                 seed: int = 0) -> list[Any]:
    """Every column as a predictor of the rates (mia.predict's functions), with permutation p-values
    on the domains every column shares, max-corrected across the columns."""
    from emscope.mia.predict import evaluate_columns

    chosen = [c for c in EVAL_COLUMNS if c in values and len(values[c]) > 0]
    return evaluate_columns(values, rates, chosen, seed=seed, permutations=permutations)


def evaluate_study(inputs: StudyInputs, config: ScreenConfig, out_dir: str | Path, permutations: int = 2000,
                   progress: Any = None) -> dict[str, Any]:
    """Screen the study's training sets (config.datasets = inputs.datasets), test every signal against
    the rates, write out_dir/evaluate.json (and the screen outputs beside it); return its content."""
    from emscope.screen.run import screen, write_outputs

    if set(config.datasets) != set(inputs.datasets):
        raise InputError("the screen config must screen exactly the study's training sets")
    result = screen(config, progress)
    write_outputs(result, out_dir)
    values = _domain_values(result.summary, inputs.domain_of)
    preds = signal_predictors(values, inputs.rates, permutations, config.seed)
    notes = list(inputs.notes) + list(result.summary.notes)
    if missing := sorted(set(inputs.domain_of.values()) - set(inputs.rates)):
        notes.append(f"no measured rate for {', '.join(missing)}: left out")
    counts = defaultdict(int)
    for d in inputs.domain_of.values():
        counts[d] += 1
    if max(counts.values()) > 1:
        notes.append("a domain's signal is the mean over its training sets (seeds)")
    out = {"kind": "emscope.screen.evaluate", "schema_version": 1, "study": inputs.source, "model": inputs.model,
           "domains": len({d for d in inputs.domain_of.values() if d in inputs.rates}),
           "rates": inputs.rates, "values": values, "predictors": [p.model_dump() for p in preds],
           "cost_per_1000_rows": _costs(result.summary), "screen": result.summary.model_dump(mode="json"),
           "notes": notes}
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / EVALUATE_FILE, json.dumps(out, indent=2) + "\n")
    return out
