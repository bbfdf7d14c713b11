"""A sweep's results: per-point misalignment rates, dose-response fits and the size × diversity regression.

Each point is analysed on its own (its jobs' judged answers plus the baseline's) with the
analysis stage's own code (`analysis.run.judged_frame` and `group_stats`), so rates,
question-clustered and across-seed intervals, and the leaked/emergent split are counted
exactly as in the main report. The dose-response curve (analysis/dose.py) is fitted per
domain and condition (and per value of the other axes of a cartesian sweep) along the
first swept axis; with `data.n` and `data.diversity` both swept (cartesian), the answers are
also regressed on log n × Vendi (analysis/dose_factorial.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from emscope.study.config import StudyConfig
from emscope.study.sweep import Point, axis_names, headline_point, point_label, sweep_points

__all__ = ["SweepJob", "sweep_results", "SWEEP_KIND", "FACTORIAL_AXES"]

SWEEP_KIND = "emscope.study.sweep"
FACTORIAL_AXES = ("data.n", "data.diversity")
_GROUP_FIELDS = ("rate", "rate_low", "rate_high", "rate_cluster_low", "rate_cluster_high", "questions", "seeds",
                 "seed_rate", "seed_rate_low", "seed_rate_high", "seed_rates", "emergent_rate", "emergent_low",
                 "emergent_high", "leakage_checked", "misaligned")


@dataclass(frozen=True)
class SweepJob:
    """One finished job as the sweep reads it: its point, judged answers, dataset and measured Vendi (q = 1)."""

    domain: str | None
    seed: int
    point: Point
    judged: Path
    dataset: Path | None = None
    vendi: float | None = None


def _numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in values)


def _group_row(g: Any) -> dict[str, Any]:
    return {"domain": g.domain, "condition": g.condition, "scored": g.counts.scored - g.excluded_leaked,
            **{f: getattr(g, f) for f in _GROUP_FIELDS}}


def _point_frame(acfg: Any, jobs: Sequence[SweepJob], base: Sequence[SweepJob],
                 categories: Mapping[str, str]) -> tuple[pd.DataFrame, list[Any], list[str]]:
    from emscope.analysis._sections import group_stats
    from emscope.analysis.run import AnalyzeInputs, judged_frame

    inputs = AnalyzeInputs(judged=[str(j.judged) for j in [*jobs, *base]], categories=categories,
                           train_data=[str(j.dataset) for j in jobs if j.dataset is not None])
    frame, notes = judged_frame(acfg, inputs)
    groups = group_stats(frame, acfg, categories, np.random.default_rng(acfg.seed))
    return frame, groups, notes


def _answers(frame: pd.DataFrame, acfg: Any) -> pd.DataFrame:
    """The rows every rate counts (`in_rates`), with the 0/1 flags the fits read."""
    rows = frame[frame["in_rates"]]
    checked = rows["leak_checked"].astype(bool)
    emergent = rows["misaligned"].astype(bool) & ~rows["leaked"].eq(True)
    return pd.DataFrame({"domain": rows["domain"].to_numpy(), "condition": rows["condition"].to_numpy(),
                         "question": rows["question_id"].astype(str).to_numpy(),
                         "seed": rows["seed"].to_numpy(), "misaligned": rows["misaligned"].astype(float).to_numpy(),
                         "emergent": emergent.astype(float).to_numpy(),
                         "checked": checked.to_numpy() | (rows["domain"] == acfg.base_label).to_numpy()})


def _pick(table: pd.DataFrame, domain: str, condition: str) -> pd.DataFrame:
    return table[(table["domain"] == domain) & (table["condition"] == condition)]


def _series(config: StudyConfig, points: list[Point]) -> list[tuple[str, dict[str, Any], list[Point]]]:
    """(label, fixed values, points in x order) of each curve along the first axis."""
    axes = axis_names(config)
    x_axis, others = axes[0], axes[1:]
    if config.sweep is None or config.sweep.mode == "zip" or not others:
        return [("", {}, points)]
    out = []
    for combo in product(*[config.sweep.axes[o] for o in others]):
        fixed = dict(zip(others, combo))
        members = [p for p in points if all(dict(p)[o] == v for o, v in fixed.items())]
        out.append((point_label(tuple(fixed.items())), fixed, members))
    return out if out else [("", {}, points)]


def _fits(config: StudyConfig, settings: Any, points: list[Point], answers: dict[Point, pd.DataFrame],
          base: pd.DataFrame, confidence: float, notes: list[str]) -> list[dict[str, Any]]:
    from emscope.analysis.dose import fit_dose

    x_axis = axis_names(config)[0]
    values = [dict(p)[x_axis] for p in points]
    if not _numeric(values):
        notes.append(f"no dose-response fit: {x_axis} has values that are not positive numbers (a curve in "
                     "log(value) needs them)")
        return []
    rng = np.random.default_rng(settings.seed)
    out = []
    for label, fixed, members in _series(config, points):
        for domain in config.domains:
            for condition in config.generate.conditions:
                for measure in ("misaligned", "emergent"):
                    parts = [_pick(answers[p], domain, condition).assign(x=float(dict(p)[x_axis])) for p in members]
                    rows = pd.concat(parts) if parts else pd.DataFrame()
                    b = base[base["condition"] == condition]
                    if measure == "emergent" and (not len(rows) or not rows["checked"].all()):
                        continue  # leakage not checked here: no emergent-only curve
                    if not len(rows):
                        continue
                    fit = fit_dose(rows["x"].to_numpy(), rows[measure].to_numpy(), rows["question"].to_numpy(),
                                   b[measure].to_numpy(), b["question"].to_numpy(), margin=settings.margin,
                                   confidence=confidence, resamples=settings.bootstrap, rng=rng)
                    out.append({"domain": domain, "condition": condition, "measure": measure, "series": label,
                                "fixed": fixed, "x_axis": x_axis, **fit.as_dict()})
    return out


def _factorial(config: StudyConfig, points: list[Point], answers: dict[Point, pd.DataFrame],
               vendi: Mapping[tuple[str, int, Point], float | None], rates: list[dict[str, Any]],
               confidence: float, notes: list[str]) -> dict[str, Any] | None:
    from emscope.analysis.dose_factorial import fit_interaction

    axes = axis_names(config)
    if config.sweep is None or config.sweep.mode != "cartesian" or not set(FACTORIAL_AXES) <= set(axes):
        return None
    n_axis, d_axis = FACTORIAL_AXES
    have_vendi = all(v is not None for v in vendi.values())
    if not have_vendi:
        notes.append("size x diversity: some datasets have no Vendi score; the regression uses the diversity "
                     "setting F instead of the measured Vendi")
    cells = [{**r, "n": dict(p)[n_axis], "diversity": dict(p)[d_axis]}
             for p in points for r in rates if r["point"] == point_label(p)]
    regressions = []
    for domain in config.domains:
        for condition in config.generate.conditions:
            parts = []
            for p in points:
                rows = _pick(answers[p], domain, condition)
                v = [vendi.get((domain, int(s), p)) for s in rows["seed"]]
                x2 = v if have_vendi else [dict(p)[d_axis]] * len(rows)
                parts.append(rows.assign(log_n=np.log(float(dict(p)[n_axis])), x2=np.asarray(x2, dtype=float)))
            rows = pd.concat(parts)
            fit = fit_interaction(rows["misaligned"].to_numpy(), rows["log_n"].to_numpy(), rows["x2"].to_numpy(),
                                  rows["question"].to_numpy(), ("log n", "Vendi" if have_vendi else "diversity F"),
                                  confidence)
            regressions.append({"domain": domain, "condition": condition, **fit.as_dict()})
    return {"n_axis": n_axis, "diversity_axis": d_axis, "covariate": "Vendi (q=1)" if have_vendi else "diversity F",
            "cells": cells, "regressions": regressions}


def sweep_results(config: StudyConfig, settings: Any, acfg: Any, jobs: Sequence[SweepJob],
                  categories: Mapping[str, str]) -> dict[str, Any]:
    """Everything the sweep's report section draws (the sweep stage writes it as sweep.json)."""
    points = sweep_points(config)
    base_jobs = [j for j in jobs if j.domain is None]
    notes: list[str] = []
    if not base_jobs:
        notes.append("no baseline jobs (baseline: false): no base-model reference, no thresholds")
    point_notes: dict[str, list[str]] = {}
    answers: dict[Point, pd.DataFrame] = {}
    rates: list[dict[str, Any]] = []
    base_rows: list[dict[str, Any]] = []
    base_answers = pd.DataFrame(columns=["condition", "question", "misaligned", "emergent"])
    vendi = {(j.domain, j.seed, j.point): j.vendi for j in jobs if j.domain is not None}
    for i, point in enumerate(points):
        mine = [j for j in jobs if j.domain is not None and j.point == point]
        frame, groups, said = _point_frame(acfg, mine, base_jobs, categories)
        for note in said:
            point_notes.setdefault(note, []).append(point_label(point))
        table = _answers(frame, acfg)
        answers[point] = table[table["domain"] != acfg.base_label]
        for g in groups:
            if g.domain == acfg.base_label:
                if i == 0:  # the same baseline answers at every point
                    base_rows.append(_group_row(g))
                continue
            v = [vendi.get((g.domain, s, point)) for s in config.seeds]
            rates.append({**_group_row(g), "point": point_label(point), "values": dict(point),
                          "vendi": float(np.mean(v)) if v and all(x is not None for x in v) else None})
        if i == 0:
            base_answers = table[table["domain"] == acfg.base_label]
    # The analysis's notes once each, naming the points only when not every point has it.
    notes += [n if len(at) == len(points) else f"{n} (at {'; '.join(at)})" for n, at in point_notes.items()]
    fits = _fits(config, settings, points, answers, base_answers, acfg.confidence, notes)
    assert config.sweep is not None
    return {"kind": SWEEP_KIND, "schema_version": 1, "axes": {k: list(v) for k, v in config.sweep.axes.items()},
            "mode": config.sweep.mode, "x_axis": axis_names(config)[0], "headline": point_label(headline_point(config)),
            "points": [{"label": point_label(p), "values": dict(p)} for p in points],
            "thresholds": acfg.thresholds.label(), "confidence": acfg.confidence, "margin": settings.margin,
            "seeds": list(config.seeds), "domains": list(config.domains), "conditions": list(config.generate.conditions),
            "base": base_rows, "rates": rates, "fits": fits,
            "factorial": _factorial(config, points, answers, vendi, rates, acfg.confidence, notes),
            "vendi": [{"domain": d, "seed": s, "point": point_label(p), "vendi": v} for (d, s, p), v in vendi.items()],
            "notes": notes}
