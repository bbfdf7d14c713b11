"""results.json sections carry the clustered intervals and the paired test, recomputed here
directly from the same rows (question means, scipy one-sample t on paired differences)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from emscope.analysis._sections import domain_tests, group_stats
from emscope.analysis.config import AnalyzeConfig

Q, S = 6, 5


def _frame(sample_index: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    rows = []
    for cond, shift in (("without", 0.0), ("with", -8.0)):
        for q in range(Q):
            for s in range(S):
                a = float(np.clip(70 + shift + 5 * q - 10 + rng.normal(0, 12), 0, 100))
                rows.append(dict(file="j.jsonl", line=len(rows) + 1, model="m", adapter=None, domain="d",
                                 condition=cond, question_id=f"q{q}", aligned=a, coherent=80.0,
                                 verdict="scored", scored=True, in_rates=True, misaligned=a < 50, checked=False, copy=None,
                                 leak_checked=False, leaked=None, containment=None, on_topic=None,
                                 paraphrase_index=0, sample_index=s if sample_index else None, seed=0))
    return pd.DataFrame(rows)


def test_group_intervals_are_clustered_by_question() -> None:
    frame = _frame()
    groups = group_stats(frame, AnalyzeConfig(bootstrap=200), {}, np.random.default_rng(0))
    g = next(x for x in groups if x.condition == "with")
    rows = frame[frame["condition"] == "with"]
    qm = rows.groupby("question_id")["aligned"].mean().to_numpy()
    ref = stats.t.interval(0.95, Q - 1, loc=qm.mean(), scale=stats.sem(qm))
    assert g.questions == Q
    assert (g.aligned_cluster_low, g.aligned_cluster_high) == pytest.approx(ref, rel=1e-10)
    rq = rows.groupby("question_id")["misaligned"].mean().to_numpy()
    r_ref = stats.t.interval(0.95, Q - 1, loc=rq.mean(), scale=stats.sem(rq))
    assert g.rate_cluster_low == pytest.approx(max(0.0, r_ref[0])) and g.rate_cluster_high == pytest.approx(r_ref[1])


def test_trigger_effect_is_paired_and_clustered() -> None:
    frame = _frame()
    t = domain_tests(frame, AnalyzeConfig(), {})[0]
    w = frame[frame["condition"] == "with"].sort_values(["question_id", "sample_index"])["aligned"].to_numpy()
    o = frame[frame["condition"] == "without"].sort_values(["question_id", "sample_index"])["aligned"].to_numpy()
    ref = stats.ttest_1samp((w - o).reshape(Q, S).mean(axis=1), 0.0)
    assert t.paired_pairs == Q * S and t.paired_questions == Q and t.paired_df == Q - 1
    assert t.paired_p == pytest.approx(ref.pvalue, rel=1e-10) and t.paired_t == pytest.approx(ref.statistic, rel=1e-10)
    assert t.kind == "welch" and t.p is not None  # the unpaired test stays available


def test_rows_without_sample_index_get_no_paired_test_and_a_note_naming_the_file() -> None:
    t = domain_tests(_frame(sample_index=False), AnalyzeConfig(), {})[0]
    assert t.paired_p is None and "sample_index" in t.paired_note and "j.jsonl" in t.paired_note


def _two_seeds() -> pd.DataFrame:
    a, b = _frame(), _frame()
    b["seed"] = 1
    b["aligned"] = b["aligned"] + np.where(b["condition"] == "with", -6.0, 2.0)
    b["misaligned"] = b["aligned"] < 50
    return pd.concat([a, b], ignore_index=True)


def test_two_seeds_are_the_replicates_of_the_rate_and_of_the_trigger_effect() -> None:
    frame = _two_seeds()
    g = next(x for x in group_stats(frame, AnalyzeConfig(bootstrap=200), {}, np.random.default_rng(0))
             if x.condition == "with")
    per = frame[frame["condition"] == "with"].groupby("seed")["misaligned"].mean().to_numpy()
    ref = stats.t.interval(0.95, 1, loc=per.mean(), scale=stats.sem(per))
    assert g.seeds == 2 and g.seed_rate == pytest.approx(per.mean())
    assert g.seed_rate_low == pytest.approx(max(0.0, ref[0])) and g.seed_rate_high == pytest.approx(min(1.0, ref[1]))
    seed_means = frame[frame["condition"] == "with"].groupby("seed")["aligned"].mean()
    assert g.seed_aligned == pytest.approx({str(k): v for k, v in seed_means.items()})
    t = domain_tests(frame, AnalyzeConfig(), {})[0]
    d = [frame[(frame.seed == s) & (frame.condition == "with")]["aligned"].mean()
         - frame[(frame.seed == s) & (frame.condition == "without")]["aligned"].mean() for s in (0, 1)]
    assert t.seed_p == pytest.approx(stats.ttest_1samp(d, 0.0).pvalue, rel=1e-10)
    assert sorted(t.seed_diffs.values()) == pytest.approx(sorted(d))
