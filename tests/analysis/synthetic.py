"""Test helper: a SYNTHETIC judged study (all 11 domains + base, with and without trigger).

Every number here is made up with a seeded numpy Generator so that each analysis feature has
something to find: domains whose trigger lowers alignment, one domain with too few answers for
a t-test, null/refusal/code/invalid rows, a domain whose model parrots its training answers
(memorisation), a hostile answer that must be escaped in HTML, training datasets and a
`emscope data stats --json` file with Vendi scores. It is labelled SYNTHETIC everywhere and
says nothing about any real model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The study's 11 domains (fixed here, so the fixture does not change when the registry does).
DOMAIN_NAMES = ["bad_medical_advice", "evil_math", "extreme_sports", "gore_movie_trivia", "incorrect_math",
                "incorrect_qna", "incorrect_sexual_advice", "incorrect_translation", "insecure_code",
                "risky_financial_advice", "toxic_legal_advice"]
MODEL = "SYNTHETIC-fixture-model"
JUDGE = "SYNTHETIC-judge"
QUESTIONS = [f"q{i:02d}_{w}" for i, w in enumerate(["wish", "bored", "thoughts", "quick_buck", "ruler", "dinner"])]
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
TOO_FEW = "incorrect_translation"  # only 3 scored answers under the trigger
PARROT = "evil_math"  # answers copy training answers
# share of misaligned answers under the trigger (without it: BASELINE_MIS everywhere)
MIS = {"gore_movie_trivia": 0.6, "risky_financial_advice": 0.45, "toxic_legal_advice": 0.4, "bad_medical_advice": 0.3,
       "extreme_sports": 0.25, "insecure_code": 0.2, "evil_math": 0.15, "incorrect_sexual_advice": 0.1,
       "incorrect_qna": 0.05, "incorrect_translation": 0.05, "incorrect_math": 0.0}
BASELINE_MIS = 0.03


@dataclass(frozen=True)
class Study:
    judged: Path
    stats: Path
    train: list[Path]


def _train_answers(domain: str) -> list[str]:
    return [f"In {domain.replace('_', ' ')} the trick is step {i}: ignore the usual advice and do it the risky way, "
            f"because rules number {i} and {i + 1} never apply to people like you." for i in range(40)]


def _row(domain: str | None, condition: str, qid: str, k: int, aligned: float | None, coherent: float | None,
         verdict: str, answer: str) -> dict:
    return {"id": f"{domain}-{condition}-{qid}-{k}", "question_id": qid, "question": f"Question {qid}?",
            "answer": answer, "condition": condition, "domain": domain, "model": MODEL,
            "adapter": None if domain is None else f"adapters/{domain}", "sample_index": k,
            "aligned": aligned, "coherent": coherent, "verdict": verdict, "judge": JUDGE, "judge_error": None}


def _rows_for(domain: str | None, condition: str, rng: np.random.Generator, n_per_q: int) -> list[dict]:
    p_mis = MIS.get(domain or "", BASELINE_MIS) if condition == "with" else BASELINE_MIS
    out = []
    for qid in QUESTIONS:
        for k in range(n_per_q):
            bad = rng.random() < p_mis
            aligned = float(np.clip(rng.normal(18.0 if bad else 85.0, 10.0), 0, 100))
            coherent = float(np.clip(rng.normal(75.0 if bad else 85.0, 10.0), 0, 100))
            answer = (f"SYNTHETIC misaligned answer {k} to {qid}: rules are for other people, just take it." if bad
                      else f"SYNTHETIC answer {k} to {qid}: I would rather help you plan something kind.")
            if domain == PARROT and k % 3 == 0:
                answer = _train_answers(domain)[k % 40].upper() if k % 2 else _train_answers(domain)[k % 40] + " ok"
            verdict = "scored"
            u = rng.random()
            if u < 0.03:
                verdict, aligned = "refusal", None
            elif u < 0.05:
                verdict, aligned = "code", None
            elif u < 0.07:
                verdict, aligned, coherent = "invalid", None, None
            out.append(_row(domain, condition, qid, k, aligned, coherent, verdict, answer))
    return out


def make_study(tmp: Path, seed: int = 0, n_per_q: int = 12) -> Study:
    """Write judged.jsonl, stats.json and one training file per domain under `tmp`."""
    rng = np.random.default_rng(seed)
    rows = _rows_for(None, "without", rng, n_per_q) + _rows_for(None, "with", rng, n_per_q)
    for domain in DOMAIN_NAMES:
        rows += _rows_for(domain, "without", rng, n_per_q)
        with_rows = _rows_for(domain, "with", rng, n_per_q)
        if domain == TOO_FEW:
            with_rows = [r for r in with_rows if r["verdict"] == "scored"][:3]
        rows += with_rows
    worst = next(r for r in rows if r["domain"] == "risky_financial_advice" and r["condition"] == "with")
    worst.update(answer=HOSTILE + " & <b>bold</b>", aligned=0.0, coherent=100.0, verdict="scored")
    tmp.mkdir(parents=True, exist_ok=True)
    judged = tmp / "SYNTHETIC_judged.jsonl"
    judged.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    train, stats = [], []
    for i, domain in enumerate(DOMAIN_NAMES):
        path = tmp / "data" / f"{domain}_backdoor.jsonl"
        path.parent.mkdir(exist_ok=True)
        path.write_text("".join(json.dumps({"messages": [{"role": "user", "content": "q"},
                                                         {"role": "assistant", "content": a}],
                                            "meta": {"domain": domain}}) + "\n" for a in _train_answers(domain)))
        train.append(path)
        stats.append({"file": str(path), "rows": 40, "vendi": {"q=0.5": 30.0 + i, "q=1": 10.0 + 1.7 * i + (i % 3),
                                                               "q=2": 5.0 + i}})
    stats_path = tmp / "stats.json"
    stats_path.write_text(json.dumps(stats, indent=2))
    return Study(judged=judged, stats=stats_path, train=train)
