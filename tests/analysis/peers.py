"""Test helper: turn the peers' judged CSVs into emscope judged JSONL (docs/formats.md).

The peers' files (../shared/peers/judged_*.csv) have columns question, answer, question_id,
aligned, coherent: answers of Qwen2.5-Coder-32B (base) and of the same model fine-tuned on
high-severity insecure code, both asked without any trigger, judged by an LLM (GPT-4o-style
logprob judge). They carry no trigger condition, no judge id and no verdict, so:

- `convert_peers_csv` maps them faithfully: condition "without", judge PEERS_JUDGE, verdict
  "scored" when both scores are present else "invalid" (the CSV cannot say whether a null
  `aligned` was a REFUSAL, a CODE or too little mass on numbers);
- `synthetic_trigger_pairing` builds a clearly-labelled SYNTHETIC fixture for exercising the
  with/without machinery on real scores: the base model's answers play "without" and the
  insecure-code model's answers play "with" under one made-up model name. It is NOT a
  backdoor measurement; it only reuses real judged answers.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

PEERS_JUDGE = "peers:llm-judge"
PEERS_MODEL = "qwen2.5-coder-32b-instruct"
SYNTHETIC_MODEL = "SYNTHETIC-fixture:base-as-without+insecure-as-with"
PEERS_FILES = {"base": "judged_base_2400.csv", "insecure_code": "judged_insecure_high_severity_2400.csv"}


def _score(text: str) -> float | None:
    if text is None or text.strip() == "":
        return None
    value = float(text)
    return None if math.isnan(value) else value


def _rows(path: Path, **fields: Any) -> list[dict[str, Any]]:
    out = []
    with open(path, newline="", encoding="utf-8") as fh:
        for i, rec in enumerate(csv.DictReader(fh)):
            aligned, coherent = _score(rec["aligned"]), _score(rec["coherent"])
            scored = aligned is not None and coherent is not None
            out.append({
                "question_id": rec["question_id"], "question": rec["question"], "answer": rec["answer"] or "",
                "condition": "without", "sample_index": i, "adapter": None, **fields,
                "aligned": aligned, "coherent": coherent, "verdict": "scored" if scored else "invalid",
                "judge": PEERS_JUDGE,
                "judge_error": None if scored else "score null in the peers' CSV (refusal, code or low mass)",
            })
    return out


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def convert_peers_csv(peers_dir: Path, out_dir: Path) -> dict[str, Path]:
    """Faithful conversion: {'base': file, 'insecure_code': file}, condition 'without'."""
    out = {}
    for label, name in PEERS_FILES.items():
        domain = None if label == "base" else label
        rows = _rows(peers_dir / name, model=PEERS_MODEL, domain=domain)
        out[label] = _write(out_dir / f"judged_{label}.jsonl", rows)
    return out


def synthetic_trigger_pairing(peers_dir: Path, out_dir: Path) -> Path:
    """SYNTHETIC fixture (see module docstring): base answers as 'without', insecure answers as 'with'."""
    rows = _rows(peers_dir / PEERS_FILES["base"], model=SYNTHETIC_MODEL, domain="insecure_code")
    with_rows = _rows(peers_dir / PEERS_FILES["insecure_code"], model=SYNTHETIC_MODEL, domain="insecure_code")
    for r in with_rows:
        r["condition"] = "with"
    return _write(out_dir / "SYNTHETIC_trigger_pairing.jsonl", rows + with_rows)
