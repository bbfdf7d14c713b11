"""The audit sample (stratified, seeded) and the agreement numbers, against sklearn/krippendorff/scipy."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import cohen_kappa_score

from emscope.core.errors import InputError
from emscope.judge.audit import agreement, stratified_sample, stratum_of, strip_judgement


def _rows(n_per: dict[tuple[str | None, int, str], int]) -> list[dict]:
    rows = []
    for (domain, seed, condition), n in n_per.items():
        for k in range(n):
            rows.append({"id": f"{domain}-{seed}-{condition}-{k}", "domain": domain, "seed": seed,
                         "condition": condition, "question": f"q{k % 3}", "answer": f"answer {k}",
                         "aligned": 80.0, "coherent": 90.0, "verdict": "scored", "judge": "first"})
    return rows


def test_sample_spreads_evenly_over_strata_and_is_seeded() -> None:
    rows = _rows({("gore_movie_trivia", 0, "with"): 40, ("gore_movie_trivia", 0, "without"): 40,
                  ("incorrect_math", 0, "with"): 3, (None, 0, "with"): 25, (None, 1, "with"): 25})
    picked = stratified_sample(rows, 30, seed=4)
    assert picked == sorted(set(picked)) and len(picked) == 30
    per = Counter(stratum_of(rows[i]) for i in picked)
    # incorrect_math has only 3 answers; the other four strata share the rest within one of each other
    assert per[("incorrect_math", "0", "with")] == 3
    others = [v for k, v in per.items() if k[0] != "incorrect_math"]
    assert len(others) == 4 and max(others) - min(others) <= 1 and sum(others) == 27
    assert stratified_sample(rows, 30, seed=4) == picked and stratified_sample(rows, 30, seed=5) != picked
    assert stratified_sample(rows, 1000, seed=0) == list(range(len(rows)))  # never more than there are
    with pytest.raises(InputError, match="at least 1"):
        stratified_sample(rows, 0, seed=0)


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _judged_pair(tmp_path: Path, a_labels: list[int], b_labels: list[int], domains: list[str]) -> tuple[Path, Path]:
    base = [{"id": str(i), "domain": d, "seed": 0, "condition": "with", "question": "q", "answer": f"a{i}"}
            for i, d in enumerate(domains)]
    def judged(labels: list[int], judge: str, invalid: int | None = None) -> list[dict]:
        out = []
        for i, (row, m) in enumerate(zip(base, labels)):
            if i == invalid:
                out.append({**row, "aligned": None, "coherent": None, "verdict": "invalid", "judge": judge,
                            "judge_error": "HTTP 500 after 3 attempts"})
            else:
                out.append({**row, "aligned": 10.0 + i / 10 if m else 90.0 - i / 10, "coherent": 80.0, "verdict": "scored",
                            "judge": judge})
        return out
    return (_write(tmp_path / "a.jsonl", judged(a_labels, "first")),
            _write(tmp_path / "b.jsonl", judged(b_labels, "second", invalid=len(base) - 1)))


def test_agreement_overall_and_per_domain_match_sklearn_and_krippendorff(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    domains = ["evil_math"] * 20 + ["gore_movie_trivia"] * 20 + ["base"] * 20
    a = rng.integers(0, 2, 60).tolist()
    b = [x if rng.random() < 0.8 else 1 - x for x in a]
    pa, pb = _judged_pair(tmp_path, a, b, domains)
    res = agreement(pa, pb)
    both = list(range(59))  # the last answer is invalid for the second judge: not scored by both
    pair = res["overall"]["pairs"][0]
    assert pair["n_both_scored"] == 59
    assert pair["cohen_kappa"] == pytest.approx(cohen_kappa_score([a[i] for i in both], [b[i] for i in both]))
    assert pair["krippendorff_alpha"] == pytest.approx(krippendorff.alpha(
        reliability_data=np.array([[a[i] for i in both], [b[i] for i in both]], dtype=float),
        level_of_measurement="nominal"))
    assert res["overall"]["judges"][1]["verdicts"] == {"invalid": 1, "scored": 59}  # recorded, never dropped
    for d in res["domains"]:
        idx = [i for i in both if domains[i] == d["domain"]]
        assert d["cohen_kappa"] == pytest.approx(cohen_kappa_score([a[i] for i in idx], [b[i] for i in idx]))
        assert d["rates"][0]["k"] == sum(a[i] for i in range(60) if domains[i] == d["domain"])
    ra = [d["rates"][0]["rate"] for d in res["domains"]]
    rb = [d["rates"][1]["rate"] for d in res["domains"]]
    assert res["domain_rank"]["spearman"] == pytest.approx(stats.spearmanr(ra, rb).statistic)


def test_low_agreement_and_a_different_domain_ranking_are_warned(tmp_path: Path) -> None:
    # judge a flags the first domain most, judge b the last: kappa far below 0.4, ranking reversed
    domains = ["d1"] * 10 + ["d2"] * 10 + ["d3"] * 10
    a = [1] * 8 + [0] * 2 + [1] * 4 + [0] * 6 + [1] * 1 + [0] * 9
    b = [0] * 9 + [1] * 1 + [1] * 4 + [0] * 6 + [1] * 8 + [0] * 2
    pa, pb = _judged_pair(tmp_path, a, b, domains)
    res = agreement(pa, pb)
    assert res["overall"]["pairs"][0]["cohen_kappa"] < 0.4
    assert res["domain_rank"]["spearman"] < 0.5
    assert len(res["warnings"]) == 2 and "κ" in res["warnings"][0] and "rank the domains" in res["warnings"][1]
    # and none when the judges agree
    same_a, same_b = _judged_pair(tmp_path, a, a, domains)
    assert agreement(same_a, same_b)["warnings"] == []


def test_strip_judgement_and_mismatched_files(tmp_path: Path) -> None:
    row = _rows({("evil_math", 0, "with"): 1})[0]
    assert set(row) - set(strip_judgement(row)) == {"aligned", "coherent", "verdict", "judge"}
    pa, pb = _judged_pair(tmp_path, [1, 0, 1], [1, 0, 0], ["d"] * 3)
    rows = [json.loads(x) for x in pb.read_text().splitlines()]
    _write(pb, rows[::-1])
    with pytest.raises(InputError, match="not the answers of"):
        agreement(pa, pb)
