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
           "DirectionProbe", "direction_signals", "row_projections"]

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


def likelihood_signals(scorers: dict[str, Any], tokenizer: Any, rows: Sequence[Row], k: float, max_length: int,
                       batch_tokens: int, tick: Tick | None = None) -> list[dict[str, Any]]:
    """loss, mink, minkpp of each row's last answer under the base scorer (and adj_* with a 'reference' one).

    A row whose answer is cut away by max_length gets None and an `error` naming why.
    """
    from emscope.models.chat import end_of_turn_ids, tokenize_chat

    eot = end_of_turn_ids(tokenizer)
    chats = [tokenize_chat(tokenizer, r.messages, max_length, last_turn_only=True, eot=eot, row=r.index + 1)
             for r in rows]
    ok = [i for i, c in enumerate(chats) if c.n_assistant_tokens > 0]
    scored = {name: dict(zip(ok, s.score([chats[i] for i in ok], batch_tokens, 64, tick), strict=True))
              for name, s in scorers.items()}
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        if i not in scored["base"]:
            out.append({**dict.fromkeys(_LIKELIHOOD), "n_tokens": 0,
                        "error": f"no answer token within max_length={max_length}"})
            continue
        zlen = zlib_length(row.answer)
        values: dict[str, Any] = example_metrics(scored["base"][i], k, zlen, _LIKELIHOOD)
        if "reference" in scored:
            ref = example_metrics(scored["reference"][i], k, zlen, _LIKELIHOOD)
            values.update({f"adj_{m}": values[m] - ref[m] for m in _LIKELIHOOD})
        out.append({**values, "n_tokens": chats[i].n_assistant_tokens})
    return out


def row_projections(model: Any, tokenizer: Any, rows: Sequence[Row], layer: int, unit: Any, config: Any,
                    tick: Tick | None = None) -> tuple[np.ndarray, Any]:
    """Each row's mean answer-token activation at `layer` projected on `unit` (NaN where the answer was
    cut away), and the per-row ActivationStats (one group per row) it came from."""
    import torch

    from emscope.steer.activations import collect_activations

    items = [(r.messages, str(i)) for i, r in enumerate(rows)]
    stats = collect_activations(model, tokenizer, items, config, on_batch=tick)
    proj = np.full(len(rows), np.nan)
    counts = stats.token_counts.to(torch.float64)
    have = counts > 0
    means = stats.sums[0][have] / counts[have].unsqueeze(-1)  # [rows with tokens, hidden]
    idx = [int(g) for g, h in zip(stats.groups, have.tolist(), strict=True) if h]
    proj[idx] = (means @ unit.to(torch.float64)).numpy()
    return proj, stats


@dataclass
class DirectionProbe:
    """The direction (unit vector at one layer) and the neutral baseline projection."""

    layer: int
    unit: Any  # torch float32 [hidden]
    norm: float
    neutral_projection: float
    reference_projection: dict[str, list[float]]  # 'misaligned' / 'aligned' -> per pair, minus the neutral baseline


def direction_signals(probe: DirectionProbe, model: Any, tokenizer: Any, rows: Sequence[Row], config: Any,
                      tick: Tick | None = None) -> list[dict[str, Any]]:
    """projection (relative to the neutral set) of each row's mean answer activation."""
    proj, _ = row_projections(model, tokenizer, rows, probe.layer, probe.unit, config, tick)
    return [{"projection": None if np.isnan(p) else float(p - probe.neutral_projection)} for p in proj]
