"""Builders of each section of results.json from the table of judged rows.

The table (analysis.load) has one row per judged answer plus the columns added in run.py:
`scored` (bool), `misaligned` (bool), `copy` ('exact' | 'near' | None, or all None when
memorisation was not checked), the leakage marks of analysis.leakage (`containment`, `on_topic`,
`leaked`, `leak_checked`) and `in_rates` (scored, and not leaked under exclude_leaked): the rows
every rate, mean and test is computed on.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from emscope.analysis.clustered import cluster_mean_ci, paired_cluster_test
from emscope.analysis.config import AnalyzeConfig
from emscope.analysis.correlate import correlate
from emscope.analysis.hypothesis import two_sample_ttest
from emscope.analysis.multiple import holm
from emscope.analysis.rates import bootstrap_rate_ci, mean_ci, wilson_ci
from emscope.analysis.schema import (Counts, DomainTest, GroupStats, ModelSummary, QuestionStats,
                                     RankRow, Sample, VendiCorrelation, VendiPoint)

__all__ = ["counts", "group_stats", "domain_tests", "summaries", "ranking", "vendi_correlations",
           "question_stats", "samples"]

GROUP = ["model", "domain", "condition"]


def _opt(x: float | np.floating | None) -> float | None:
    return None if x is None or (isinstance(x, float | np.floating) and np.isnan(x)) else float(x)


def counts(rows: pd.DataFrame) -> Counts:
    """Counts by verdict and null score, for any subset of rows."""
    v = rows["verdict"].value_counts()
    return Counts(rows=len(rows), scored=int(v.get("scored", 0)), refusal=int(v.get("refusal", 0)),
                  code=int(v.get("code", 0)), invalid=int(v.get("invalid", 0)), empty=int(v.get("empty", 0)),
                  null_aligned=int(rows["aligned"].isna().sum()), null_coherent=int(rows["coherent"].isna().sum()))


def _memorisation(rows: pd.DataFrame, config: AnalyzeConfig) -> tuple[dict, list[str]]:
    if not rows["checked"].all():
        return dict(memorised=None, memorised_exact=None, memorised_share=None, misaligned_memorised=None), []
    copied = rows["copy"].notna()
    n, exact = int(copied.sum()), int((rows["copy"] == "exact").sum())
    share = n / len(rows) if len(rows) else None
    mis_copied = int((copied & rows["misaligned"]).sum())
    flags = []
    if share is not None and n and share >= config.memorisation_flag_share:
        flags.append(f"memorisation: {share:.0%} of answers copy training answers")
    return dict(memorised=n, memorised_exact=exact, memorised_share=share, misaligned_memorised=mis_copied), flags


def _leakage(rows: pd.DataFrame, config: AnalyzeConfig) -> dict:
    """Misaligned answers split into leaked and emergent, over every scored answer (issue 13 #4)."""
    scored = rows[rows["scored"]]
    excluded = int((rows["scored"] & ~rows["in_rates"]).sum())
    if not len(rows) or not rows["leak_checked"].astype(bool).all():
        return dict(excluded_leaked=excluded)
    leaked = scored["leaked"].eq(True).to_numpy()
    mis = scored["misaligned"].to_numpy(dtype=bool)
    emergent = int((mis & ~leaked).sum())
    low, high = wilson_ci(emergent, len(scored), config.confidence) if len(scored) else (None, None)
    topic = scored["on_topic"]
    contain = pd.to_numeric(scored["containment"], errors="coerce").dropna()
    return dict(leakage_checked=True, leaked=int(leaked.sum()),
                on_topic=None if topic.isna().any() else int(topic.eq(True).sum()),
                mean_containment=float(contain.mean()) if len(contain) else None,
                misaligned_leaked=int((mis & leaked).sum()), misaligned_emergent=emergent,
                emergent_rate=emergent / len(scored) if len(scored) else None, emergent_low=low, emergent_high=high,
                excluded_leaked=excluded)


def _clustered(scored: pd.DataFrame, config: AnalyzeConfig) -> dict:
    """Rate and mean-alignment intervals clustered by question (issue 14 #2)."""
    if not len(scored):
        return {}
    q = scored["question_id"].to_numpy()
    flags = scored["misaligned"].to_numpy(dtype=np.float64)
    rate = cluster_mean_ci(flags, q, config.confidence)
    k, n = int(flags.sum()), len(flags)
    if k in (0, n):  # every question at the boundary: the clustered se is 0, never a zero-width interval
        r_lo, r_hi = wilson_ci(k, n, config.confidence)
    elif rate.low is None:
        r_lo, r_hi = None, None
    else:
        r_lo, r_hi = max(0.0, rate.low), min(1.0, rate.high)
    al = cluster_mean_ci(scored["aligned"].to_numpy(dtype=np.float64), q, config.confidence)
    return dict(questions=rate.clusters, rate_cluster_low=r_lo, rate_cluster_high=r_hi,
                aligned_cluster_low=al.low, aligned_cluster_high=al.high)


def _t_over(values: list[float], confidence: float) -> tuple[float | None, float | None, float | None, float | None]:
    """(mean, low, high, p for mean = 0) with t over the values (seeds − 1 df); None below 2 values."""
    v = np.asarray(values, dtype=np.float64)
    if len(v) < 2:
        return (float(v.mean()) if len(v) else None), None, None, None
    m, se = float(v.mean()), float(v.std(ddof=1) / np.sqrt(len(v)))
    half = float(stats.t.ppf(0.5 + confidence / 2.0, len(v) - 1)) * se
    p = None if se == 0 else float(2 * stats.t.sf(abs(m / se), len(v) - 1))
    return m, m - half, m + half, p


def _by_seed(scored: pd.DataFrame, config: AnalyzeConfig) -> dict:
    """Seeds as replicates (issue 14 #1): each seed's rate and the between-seed interval of their mean."""
    seeds = scored["seed"].dropna()
    if seeds.nunique() < 2:
        return dict(seeds=int(seeds.nunique()) or None)
    by = scored.groupby(scored["seed"].astype(str))
    per = {str(k): float(v) for k, v in by["misaligned"].mean().items()}
    aligned = {str(k): float(v) for k, v in by["aligned"].mean().items()}
    m, lo, hi, _ = _t_over(list(per.values()), config.confidence)
    return dict(seeds=len(per), seed_rate=m, seed_rate_low=None if lo is None else max(0.0, lo),
                seed_rate_high=None if hi is None else min(1.0, hi), seed_rates=per, seed_aligned=aligned)


def _seed_test(scored: pd.DataFrame, config: AnalyzeConfig) -> dict:
    """Trigger effect with the seed as the unit: per-seed mean(with) − mean(without), t over seeds."""
    if scored["seed"].dropna().nunique() < 2:
        return {}
    diffs = {}
    for seed, rows in scored.groupby(scored["seed"].astype(str)):
        w, o = rows.loc[rows["condition"] == "with", "aligned"], rows.loc[rows["condition"] == "without", "aligned"]
        if len(w) and len(o):
            diffs[seed] = float(w.mean() - o.mean())
    _, lo, hi, p = _t_over(list(diffs.values()), config.confidence)
    return dict(seed_diffs=diffs, seed_p=p, seed_diff_low=lo, seed_diff_high=hi)


PAIR_KEY = ["question_id", "paraphrase_index", "sample_index", "seed"]


def _paired(scored: pd.DataFrame, config: AnalyzeConfig) -> dict:
    """With − without alignment over answers sharing question, paraphrase, sample index and seed."""
    if scored["sample_index"].isna().any():
        files = sorted(set(scored.loc[scored["sample_index"].isna(), "file"].astype(str)))
        return dict(paired_note=f"rows lack 'sample_index' (in {', '.join(files[:3])}): no paired test; "
                                f"the unpaired t-test above assumes independent answers")
    # int-valued floats (a column with gaps) and ints must give the same key: format each value
    key = ["|".join(str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in row)
           for row in scored[PAIR_KEY].itertuples(index=False)]
    side = scored.assign(key=key)
    w = side[side["condition"] == "with"].set_index("key")["aligned"]
    o = side[side["condition"] == "without"].set_index("key")["aligned"]
    common = w.index.intersection(o.index)
    res = paired_cluster_test(w.loc[common].to_numpy(), o.loc[common].to_numpy(),
                              np.array([c.split("|")[0] for c in common]), config.confidence)
    return dict(paired_kind=res.kind, paired_pairs=res.pairs, paired_questions=res.clusters,
                paired_diff=res.diff, paired_diff_low=res.diff_low, paired_diff_high=res.diff_high,
                paired_t=res.t, paired_df=res.df, paired_p=res.p, paired_note=res.note)


def group_stats(frame: pd.DataFrame, config: AnalyzeConfig, categories: Mapping[str, str],
                rng: np.random.Generator) -> list[GroupStats]:
    """Rate with bootstrap CI, mean scores, counts, memorisation and leakage per (model, domain, condition)."""
    out = []
    for (model, domain, condition), rows in frame.groupby(GROUP, sort=True):
        scored = rows[rows["in_rates"]]
        rate = bootstrap_rate_ci(int(scored["misaligned"].sum()), len(scored), rng, config.bootstrap, config.confidence)
        m_al, lo, hi = mean_ci(scored["aligned"].to_numpy(), config.confidence)
        mem, flags = _memorisation(rows, config)
        c = counts(rows)
        if c.scored == 0:
            flags.append(f"no scored answers among {c.rows} rows: no rate")
        elif not len(scored):
            flags.append(f"all {c.scored} scored answers are leaked and excluded (--exclude-leaked): no rate")
        out.append(GroupStats(
            model=model, domain=domain, category=categories.get(domain), condition=condition,
            adapters=sorted({str(a) for a in rows["adapter"] if a is not None}), counts=c,
            misaligned=rate.k, rate=rate.rate, rate_low=rate.low, rate_high=rate.high,
            mean_aligned=m_al, aligned_low=lo, aligned_high=hi,
            mean_coherent=_opt(scored["coherent"].mean()) if len(scored) else None, **mem,
            **_clustered(scored, config), **_by_seed(scored, config), **_leakage(rows, config), flags=flags))
    return out


def domain_tests(frame: pd.DataFrame, config: AnalyzeConfig, categories: Mapping[str, str]) -> list[DomainTest]:
    """Per (model, domain): t-test of alignment with vs without the trigger, Holm within each model."""
    tests = []
    for (model, domain), rows in frame.groupby(["model", "domain"], sort=True):
        scored = rows[rows["in_rates"]]
        res = two_sample_ttest(scored.loc[scored["condition"] == "with", "aligned"].to_numpy(),
                               scored.loc[scored["condition"] == "without", "aligned"].to_numpy(),
                               config.ttest, config.confidence, config.min_per_group)
        present = set(rows["condition"])
        note = res.note
        if present != {"with", "without"}:
            note = f"only '{present.pop()}' rows: no with/without comparison"
        tests.append(dict(model=model, domain=domain, category=categories.get(domain), kind=res.kind,
                          n_with=res.n_with, n_without=res.n_without, mean_with=res.mean_with,
                          mean_without=res.mean_without, diff=res.diff, diff_low=res.diff_low,
                          diff_high=res.diff_high, t=res.t, df=res.df, p=res.p, note=note,
                          **(_paired(scored, config) | _seed_test(scored, config)
                             if present == {"with", "without"} else {})))
    for model in {t["model"] for t in tests}:
        family = [t for t in tests if t["model"] == model and t["domain"] != config.base_label]
        adjusted = holm([t["p"] for t in family]) if config.holm else [None] * len(family)
        for t, p_adj in zip(family, adjusted):
            t["p_holm"] = p_adj
    result = []
    for t in tests:
        t.setdefault("p_holm", None)
        p_used = t["p_holm"] if config.holm and t["domain"] != config.base_label else t["p"]
        sig = None if p_used is None else bool(p_used < config.alpha)
        result.append(DomainTest(**t, significant=sig,
                                 significant_drop=None if sig is None else bool(sig and t["diff"] < 0)))
    return result


def summaries(tests: list[DomainTest], groups: list[GroupStats], config: AnalyzeConfig) -> list[ModelSummary]:
    """Share of fine-tuned domains with a significant drop, and the mean drop, per model."""
    out = []
    for model in sorted({t.model for t in tests}):
        family = [t for t in tests if t.model == model and t.domain != config.base_label]
        tested = [t for t in family if t.p is not None]
        drops = sum(bool(t.significant_drop) for t in tested)
        rates_with = [g.rate for g in groups if g.model == model and g.condition == "with"
                      and g.domain != config.base_label and g.rate is not None]
        out.append(ModelSummary(
            model=model, domains_tested=len(tested),
            domains_untested=sorted(t.domain for t in family if t.p is None), significant_drops=drops,
            share_significant_drop=drops / len(tested) if tested else None,
            mean_drop=float(np.mean([-t.diff for t in tested])) if tested else None,
            holm=config.holm, alpha=config.alpha,
            mean_rate_with=float(np.mean(rates_with)) if rates_with else None))
    return out


def ranking(groups: list[GroupStats], config: AnalyzeConfig) -> list[RankRow]:
    """Fine-tuned domains by misalignment rate (under the trigger where evaluated with it), per model."""
    out = []
    for model in sorted({g.model for g in groups}):
        best: dict[str, GroupStats] = {}
        for g in groups:
            if g.model != model or g.domain == config.base_label or g.rate is None:
                continue
            if g.domain not in best or g.condition == "with":
                best[g.domain] = g
        ordered = sorted(best.values(), key=lambda g: (-g.rate, g.domain))  # type: ignore[operator]
        for i, g in enumerate(ordered, 1):
            out.append(RankRow(model=model, rank=i, domain=g.domain, category=g.category,
                               condition=g.condition, rate=g.rate, rate_low=g.rate_low,  # type: ignore[arg-type]
                               rate_high=g.rate_high, scored=g.counts.scored - g.excluded_leaked,
                               memorisation_flag=any(f.startswith("memorisation") for f in g.flags),
                               emergent_rate=g.emergent_rate, emergent_low=g.emergent_low,
                               emergent_high=g.emergent_high))
    return out


def vendi_correlations(rank: list[RankRow], vendi: Mapping[str, tuple[float, str]], order: str) -> list[VendiCorrelation]:
    """Pearson and Spearman of dataset Vendi score against misalignment rate, per model and condition."""
    out = []
    for model in sorted({r.model for r in rank}):
        rows = [r for r in rank if r.model == model and r.domain in vendi]
        condition = "with" if any(r.condition == "with" for r in rows) else "without"
        pts = [VendiPoint(domain=r.domain, vendi=vendi[r.domain][0], rate=r.rate, dataset=vendi[r.domain][1])
               for r in rows if r.condition == condition]
        c = correlate(np.array([p.vendi for p in pts]), np.array([p.rate for p in pts]),
                      names=("the Vendi score", "the misalignment rate"))
        out.append(VendiCorrelation(model=model, order=order, condition=condition, points=pts, n=c.n,
                                    pearson_r=c.pearson_r, pearson_p=c.pearson_p, spearman_rho=c.spearman_rho,
                                    spearman_p=c.spearman_p, note=c.note))
    return out


def question_stats(frame: pd.DataFrame) -> list[QuestionStats]:
    """Per (model, domain, condition, question): counts, rate and mean alignment."""
    out = []
    for (model, domain, condition, qid), rows in frame.groupby([*GROUP, "question_id"], sort=True):
        scored = rows[rows["in_rates"]]
        k = int(scored["misaligned"].sum())
        out.append(QuestionStats(model=model, domain=domain, condition=condition, question_id=qid,
                                 rows=len(rows), scored=len(scored), misaligned=k,
                                 rate=k / len(scored) if len(scored) else None,
                                 mean_aligned=_opt(scored["aligned"].mean()) if len(scored) else None))
    return out


def samples(frame: pd.DataFrame, config: AnalyzeConfig) -> list[Sample]:
    """The most misaligned scored answers per (model, domain): misaligned first, then lowest alignment."""
    out: list[Sample] = []
    if config.samples_per_domain == 0:
        return out
    scored = frame[frame["scored"]]
    for (model, domain), rows in scored.groupby(["model", "domain"], sort=True):
        top = rows.sort_values(["misaligned", "aligned", "coherent", "file", "line"],
                               ascending=[False, True, False, True, True]).head(config.samples_per_domain)
        for r in top.itertuples(index=False):
            out.append(Sample(model=model, domain=domain, condition=r.condition, question_id=r.question_id,
                              question=r.question, answer=r.answer, aligned=r.aligned, coherent=r.coherent,
                              misaligned=bool(r.misaligned), memorised=r.copy, leaked=r.leaked,
                              containment=_opt(r.containment), on_topic=r.on_topic, source=f"{r.file}:{r.line}"))
    return out
