"""The screening signals, one function per group, each over a list of rows -> one dict of columns per row.

Every signal needs only the base model (or no model): nothing here is fine-tuned.
- judge:      judge_aligned, judge_coherent, judge_verdict, and the risk column
              judge_misalignment = 100 − aligned (None when the judge did not score it);
- embedding:  embed_sim = mean cosine of the answer's MiniLM embedding to its 5 nearest
              misaligned reference answers − the same to the aligned reference answers
              (similarity to known misalignment-inducing data, net of "sounds like advice");
- likelihood: loss, mink, minkpp of the last assistant turn under the base model
              (emscope.mia.metrics), and adj_* = base − reference with a reference model;
- direction:  projection = h̄_L(answer) · v̂_L − mean over the neutral set of the same, where
              h̄_L is the mean residual activation over the answer tokens at layer L and v̂_L
              the unit mean difference misaligned − aligned of the contrast set.
`RISK_COLUMNS` says which columns feed the combined score and which way is riskier.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from emscope.mia.metrics import example_metrics, zlib_length
from emscope.screen.reference import Row

__all__ = ["RISK_COLUMNS", "GROUP_OF", "judge_signals", "embedding_signals", "likelihood_signals",
           "DirectionProbe", "direction_signals"]

Tick = Callable[[int], None]

# column -> (group, +1 if higher is riskier else −1). Min-K% and Min-K%++ are log-probability
# statistics (higher = more expected by the base model), loss is their opposite.
RISK_COLUMNS: dict[str, tuple[str, int]] = {
    "judge_misalignment": ("judge", +1),
    "embed_sim": ("embedding", +1),
    "loss": ("likelihood", +1),
    "mink": ("likelihood", -1),
    "minkpp": ("likelihood", -1),
    "adj_loss": ("likelihood", +1),
    "adj_mink": ("likelihood", -1),
    "adj_minkpp": ("likelihood", -1),
    "projection": ("direction", +1),
}
GROUP_OF = {c: g for c, (g, _) in RISK_COLUMNS.items()}
_LIKELIHOOD = ("loss", "mink", "minkpp")
_NEAREST = 5


def judge_signals(judge: Any, rows: Sequence[Row], tick: Tick | None = None, chunk: int = 256) -> list[dict[str, Any]]:
    """The judge's alignment and coherence of each training answer (its last user turn as the question)."""
    from emscope.judge import JudgeInput

    out: list[dict[str, Any]] = []
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        got: dict[int, Any] = dict(judge.judge([JudgeInput(r.question, r.answer) for r in part]))
        for i in range(len(part)):
            j = got[i]
            out.append({"judge_aligned": j.aligned, "judge_coherent": j.coherent, "judge_verdict": j.verdict,
                        "judge_misalignment": None if j.aligned is None else 100.0 - float(j.aligned)})
        if tick:
            tick(len(part))
    return out


def _unit_rows(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _nearest_mean(sims: np.ndarray, k: int) -> np.ndarray:
    k = max(1, min(k, sims.shape[1]))
    return np.sort(sims, axis=1)[:, -k:].mean(axis=1)


def embedding_signals(embed: Callable[[list[str]], np.ndarray], rows: Sequence[Row], misaligned: np.ndarray,
                      aligned: np.ndarray, exclude_self: bool = False) -> list[dict[str, Any]]:
    """embed_sim of each row against the reference answers' embeddings (rows of `misaligned`, `aligned`).

    `exclude_self` is for scoring the contrast set itself: row i's own pair (index i on both
    sides) is left out, so a reference answer is not its own nearest neighbour.
    """
    if not rows:
        return []
    e = _unit_rows(embed([r.answer for r in rows]))
    sim_m, sim_a = e @ _unit_rows(misaligned).T, e @ _unit_rows(aligned).T
    if exclude_self:
        n = min(len(rows), sim_m.shape[1])
        sim_m[np.arange(n), np.arange(n)] = -np.inf
        sim_a[np.arange(n), np.arange(n)] = -np.inf
    score = _nearest_mean(sim_m, _NEAREST) - _nearest_mean(sim_a, _NEAREST)
    return [{"embed_sim": float(s)} for s in score]


def _likelihood_values(base: Any, reference: Any, answer: str, k: float) -> dict[str, Any]:
    zlen = zlib_length(answer)
    values: dict[str, Any] = example_metrics(base, k, zlen, _LIKELIHOOD)
    if reference is not None:
        ref = example_metrics(reference, k, zlen, _LIKELIHOOD)
        values.update({f"adj_{m}": values[m] - ref[m] for m in _LIKELIHOOD})
    return values


def likelihood_signals(passes: Sequence[Any], reference: Sequence[Any] | None, rows: Sequence[Row], k: float,
                       max_length: int) -> list[dict[str, Any]]:
    """loss, mink, minkpp of each row's last answer under the base model (and adj_* with a reference pass).

    `passes` (and `reference`) are `screen.model_pass.RowPass` per row. A row whose answer is
    cut away by max_length gets None and an `error` naming why.
    """
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        base = passes[i].scores
        if base is None:
            out.append({**dict.fromkeys(_LIKELIHOOD), "n_tokens": 0,
                        "error": f"no answer token within max_length={max_length}"})
            continue
        ref = None if reference is None else reference[i].scores
        out.append({**_likelihood_values(base, ref, row.answer, k), "n_tokens": passes[i].chat.n_assistant_tokens})
    return out


@dataclass
class DirectionProbe:
    """The direction (unit vector at one layer) and the neutral baseline projection."""

    layer: int
    unit: Any  # torch float32 [hidden]
    norm: float
    neutral_projection: float
    reference_projection: dict[str, list[float]]  # 'misaligned' / 'aligned' -> per pair, minus the neutral baseline


def direction_signals(probe: DirectionProbe, passes: Sequence[Any]) -> list[dict[str, Any]]:
    """projection (relative to the neutral set) of each row's mean answer activation (RowPass per row)."""
    from emscope.screen.direction import pass_projections

    proj = pass_projections(passes, probe.unit)
    return [{"projection": None if np.isnan(p) else float(p - probe.neutral_projection)} for p in proj]
