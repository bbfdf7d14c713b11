"""A second judge on a sample of a study's answers: the sample, and how far the two judges agree.

Judge choice dominates misalignment rates (DESIGN.md), so a study re-judges a sample of its own
answers with an audit judge and reports the agreement beside its results. The sample is
stratified by model × domain × condition (each (domain, seed) is one fine-tuned model): every
stratum gets its turn in a round-robin over seeded shuffles, so a small sample still covers
every model and condition, and a larger one fills them evenly.

Agreement is `judge.compare` over the sampled answers, overall and per domain, plus the
Spearman correlation of the two judges' per-domain rates (do they rank the domains alike?).
Warnings: κ < 0.4 overall, or that Spearman < 0.5 — the thresholds a reader should not miss.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from emscope.core.errors import InputError
from emscope.judge.base import JUDGE_FIELDS
from emscope.judge.compare import PairAgreement, compare_files, read_judged

__all__ = ["STRATUM", "KAPPA_WARN", "RANK_WARN", "stratum_of", "stratified_sample", "strip_judgement",
           "agreement"]

STRATUM = ("domain", "seed", "condition")
KAPPA_WARN = 0.4  # below this, Cohen's κ is at best "fair" agreement (Landis & Koch)
RANK_WARN = 0.5  # below this, the two judges do not rank the domains alike
BASE = "base"


def stratum_of(row: dict[str, Any]) -> tuple[str, str, str]:
    """(domain or 'base', seed, condition) of an answer row."""
    return (str(row.get("domain") or BASE), str(row.get("seed")), str(row.get("condition")))


def stratified_sample(rows: Sequence[dict[str, Any]], n: int, seed: int) -> list[int]:
    """Indices (in input order) of min(n, len(rows)) rows spread evenly over the strata.

    Each stratum's rows are shuffled by a Generator seeded with `seed`; strata (in sorted order)
    then give one row each in turn until n are taken, so no stratum gets two more than another
    unless it runs out.
    """
    if n < 1:
        raise InputError(f"judge.audit.sample must be at least 1, not {n}")
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[stratum_of(row)].append(i)
    rng = np.random.default_rng(seed)
    queues = [list(rng.permutation(groups[k])) for k in sorted(groups)]
    taken: list[int] = []
    while len(taken) < min(n, len(rows)):
        for q in queues:
            if q and len(taken) < n:
                taken.append(int(q.pop(0)))
    return sorted(taken)


def strip_judgement(row: dict[str, Any]) -> dict[str, Any]:
    """The answer row without the first judge's fields (what the audit judge is given)."""
    return {k: v for k, v in row.items() if k not in JUDGE_FIELDS}


def _pair_dict(p: PairAgreement) -> dict[str, Any]:
    return dataclasses.asdict(p)


def _subset(file: Any, raw: list[dict[str, Any]], keep: list[int]) -> tuple[Any, list[dict[str, Any]]]:
    return dataclasses.replace(file, rows=tuple(file.rows[i] for i in keep)), [raw[i] for i in keep]


def agreement(primary: Path, audit: Path, thresholds_preset: str = "study") -> dict[str, Any]:
    """Agreement of the study's judge (`primary`) and the audit judge (`audit`) on the same answers.

    Both files hold the same answers (by id); returns a JSON-ready dict with the overall
    comparison, one entry per domain (both judges' rates with Wilson intervals, κ, α, Spearman),
    the Spearman of the per-domain rates and the warnings.
    """
    files = [read_judged(primary), read_judged(audit)]
    overall = compare_files(files, thresholds_preset)
    (fa, ra), (fb, rb) = files
    if [r.get("id") for r in ra] != [r.get("id") for r in rb]:
        raise InputError(f"{audit}: its rows are not the answers of {primary} in the same order; "
                         "delete the audit stage's folder and run the study again")
    by_domain: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(ra):
        by_domain[str(row.get("domain") or BASE)].append(i)
    domains = []
    for domain, keep in sorted(by_domain.items()):
        c = compare_files([_subset(fa, ra, keep), _subset(fb, rb, keep)], thresholds_preset)
        domains.append({"domain": domain, "answers": len(keep), "rates": [j["misaligned"] for j in c.judges],
                        **_pair_dict(c.pairs[0])})
    rank = _rank_agreement(domains)
    pair = overall.pairs[0]
    warnings = []
    if pair.cohen_kappa is None:
        warnings.append("Cohen's κ between the judges is undefined (both gave every answer they scored the same "
                        "label, or none was scored by both): this sample cannot show that they agree")
    elif pair.cohen_kappa < KAPPA_WARN:
        warnings.append(f"Cohen's κ between the judges is {pair.cohen_kappa:.2f} (< {KAPPA_WARN}): the "
                        "misalignment label depends on the judge; read the rates with that in mind")
    if rank["spearman"] is not None and rank["spearman"] < RANK_WARN:
        warnings.append(f"the judges rank the domains differently: Spearman of their per-domain rates "
                        f"{rank['spearman']:.2f} (< {RANK_WARN})")
    return {"kind": "emscope.judge.audit", "schema_version": 1, "thresholds_preset": thresholds_preset,
            "judges": [fa.judge, fb.judge], "overall": overall.to_json(), "domains": domains,
            "domain_rank": rank, "warnings": warnings}


def _rank_agreement(domains: list[dict[str, Any]]) -> dict[str, Any]:
    """Spearman of the two judges' rates over the domains both scored (None below 3 domains or a tie)."""
    pairs = [(d["rates"][0]["rate"], d["rates"][1]["rate"]) for d in domains
             if d["rates"][0]["rate"] is not None and d["rates"][1]["rate"] is not None]
    if len(pairs) < 3:
        return {"spearman": None, "domains": len(pairs), "note": f"{len(pairs)} domain(s) with both rates: "
                "the domain ranking needs at least 3"}
    a, b = np.array(pairs).T
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return {"spearman": None, "domains": len(pairs), "note": "one judge gives every domain the same rate"}
    return {"spearman": float(stats.spearmanr(a, b).statistic), "domains": len(pairs), "note": None}

