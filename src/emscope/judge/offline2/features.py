"""Features for the offline judge v2: one MiniLM pass over (question, answer) together.

The question and the answer go through the bundled MiniLM as one sequence pair, so every
answer token's vector is computed in the context of the question (self-attention sees
both); word order and negation survive, unlike v1's averaged input vectors. Per answer we
keep the mean and the max of the answer tokens' final vectors (the max lets one bad
sentence among good ones show) and the mean of the question tokens, plus v1's text
statistics for coherence. The encoder is frozen: only small heads are trained, which keeps
a rebuild and every cross-validation fold to seconds once features are cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from emscope.judge.offline.text import coherence_features

__all__ = ["FEATURE_VERSION", "MAX_LENGTH", "PairEncoder", "pair_encoder", "features", "cached_features"]

FEATURE_VERSION = "v2.1"  # bump when a feature changes: trained weights must be rebuilt
MAX_LENGTH = 128  # tokens for question + answer; longest_first trims the answer's tail (CPU time)
_BATCH = 32


class PairEncoder:
    """The bundled MiniLM, frozen, encoding (question, answer) pairs."""

    def __init__(self) -> None:
        import torch

        from emscope.models.loading import load_embedder

        st = load_embedder("minilm-l6")
        self.tokenizer = st[0].tokenizer
        self.model = st[0].auto_model.eval()
        self.torch = torch

    def encode(self, questions: Sequence[str], answers: Sequence[str]) -> np.ndarray:
        """(n, 3 * 384): answer-token mean, answer-token max, question-token mean."""
        torch = self.torch
        out = []
        # Sorting by length keeps padding (wasted work) small within a batch.
        order = sorted(range(len(answers)), key=lambda i: len(answers[i]) + len(questions[i]))
        from emscope.models.precision import autocast

        # bf16 autocast where the CPU has it (measured ~1.3x faster here); training and judging
        # both go through this method, so features match exactly.
        with torch.inference_mode(), autocast("cpu"):
            for lo in range(0, len(order), _BATCH):
                idx = order[lo:lo + _BATCH]
                enc = self.tokenizer([questions[i] for i in idx], [answers[i] or "(empty)" for i in idx],
                                     truncation=True, max_length=MAX_LENGTH, padding=True, return_tensors="pt")
                hidden = self.model(**enc).last_hidden_state.float()
                mask = enc["attention_mask"].bool()
                types = enc["token_type_ids"].bool()
                ans = mask & types
                ans[torch.arange(len(idx)), mask.sum(1) - 1] = False  # the final [SEP]
                que = mask & ~types
                a_mean = _masked_mean(hidden, ans)
                a_max = hidden.masked_fill(~ans.unsqueeze(-1), -1e4).max(1).values
                q_mean = _masked_mean(hidden, que)
                out.append((idx, torch.cat([a_mean, a_max, q_mean], 1).numpy()))
        result = np.zeros((len(answers), 3 * hidden.shape[-1] if out else 1152), dtype=np.float32)
        for idx, block in out:
            result[idx] = block
        return result


def _masked_mean(hidden: Any, mask: Any) -> Any:
    m = mask.unsqueeze(-1).float()
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


@lru_cache(maxsize=1)
def pair_encoder() -> PairEncoder:
    """The encoder, loaded once per process (first use only: cached judging never loads it)."""
    return PairEncoder()


def features(questions: Sequence[str], answers: Sequence[str]) -> np.ndarray:
    """The full feature matrix: encoder features, then v1's coherence statistics."""
    enc = pair_encoder().encode(questions, answers)
    text = np.stack([coherence_features(a) for a in answers]) if answers else np.zeros((0, 22), np.float32)
    return np.hstack([enc, text]).astype(np.float32)


def _key(question: str, answer: str) -> str:
    return hashlib.sha256(f"{FEATURE_VERSION}\0{question}\0{answer}".encode()).hexdigest()[:24]


def cached_features(questions: Sequence[str], answers: Sequence[str], cache: Path | None) -> np.ndarray:
    """`features`, remembering rows in an .npz at `cache` (training and calibration re-use them)."""
    if cache is None:
        return features(questions, answers)
    keys = [_key(q, a) for q, a in zip(questions, answers, strict=True)]
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache) as npz:
            known = dict(zip(npz["keys"].tolist(), npz["x"], strict=True))
    todo = sorted({k: i for i, k in enumerate(keys) if k not in known}.values())
    if todo:
        fresh = features([questions[i] for i in todo], [answers[i] for i in todo])
        known.update({keys[i]: row for i, row in zip(todo, fresh, strict=True)})
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(known)), x=np.stack(list(known.values())))
        tmp.replace(cache)
    return np.stack([known[k] for k in keys])
