"""One scale for every signal, the combined risk, and the per-dataset summary.

Calibration against the shipped references (why: a dataset-level score must compare datasets,
so a within-dataset rank cannot be used, and raw units differ by orders of magnitude). For each
risk column c with mean a_c on the contrast set's aligned answers and m_c on its misaligned
answers, a row's calibrated risk is

    r_c = (x_c − a_c) / (m_c − a_c)        0 = like the aligned references, 1 = like the misaligned ones,

clipped to [−2, 3] so one extreme column cannot outvote the others. A column whose anchors are
equal (it does not tell the references apart) is left out, with a note. A row's group risk is the
mean of its calibrated columns in that group; its combined risk is the mean of its group risks
(each group weighs the same, however many columns it has). A dataset's group risk is the mean
of its rows' group risks, over the rows that group scored (the model groups may score a seeded
sample, config.model_rows), with its standard error s/√n·√((N−n)/(N−1)) (finite-population
corrected: 0 when every row is scored); a dataset's risk is the mean of its group risks, its
standard error √(Σ se_g²)/G (groups treated as independent). mink is reported but not combined (loss and Min-K%++ already carry it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from emscope.screen.reference import Row
from emscope.screen.schema import Anchor, DatasetScreen, TopRow
from emscope.screen.signals import GROUP_OF, RISK_COLUMNS

__all__ = ["CLIP", "COMBINED", "anchors", "apply_risk", "dataset_summary", "column_means"]

CLIP = (-2.0, 3.0)
COMBINED = ("judge_misalignment", "embed_sim", "loss", "minkpp", "adj_loss", "adj_minkpp", "projection")
_MIN_GAP = 1e-9


def _mean(values: Sequence[Any]) -> float | None:
    xs = [float(v) for v in values if v is not None and np.isfinite(v)]
    return float(np.mean(xs)) if xs else None


def anchors(misaligned: Sequence[dict[str, Any]], aligned: Sequence[dict[str, Any]]) -> list[Anchor]:
    """The anchors of every risk column present in the reference rows' signals."""
    out = []
    present = [c for c in RISK_COLUMNS if any(c in r for r in misaligned)]
    for column in present:
        a, m = _mean([r.get(column) for r in aligned]), _mean([r.get(column) for r in misaligned])
        note = None
        if a is None or m is None:
            note = "no value on one side of the references"
        elif abs(m - a) < _MIN_GAP:
            note = "equal on aligned and misaligned references: tells them apart not at all"
        elif np.sign(m - a) != RISK_COLUMNS[column][1]:
            note = "the misaligned references score on the expected-safe side: calibration follows the references"
        used = column in COMBINED and a is not None and m is not None and abs(m - a) >= _MIN_GAP
        out.append(Anchor(column=column, aligned=a, misaligned=m, used=used, note=note))
    return out


def apply_risk(signals: list[dict[str, Any]], anchor_list: Sequence[Anchor]) -> None:
    """Add risk_<group> and risk (combined) to every row's signal dict, in place."""
    used = [a for a in anchor_list if a.used]
    for row in signals:
        groups: dict[str, list[float]] = {}
        for a in used:
            x = row.get(a.column)
            if x is None or not np.isfinite(x):
                continue
            r = (float(x) - a.aligned) / (a.misaligned - a.aligned)  # type: ignore[operator]
            groups.setdefault(GROUP_OF[a.column], []).append(float(np.clip(r, *CLIP)))
        group_risk = {g: float(np.mean(v)) for g, v in groups.items()}
        for g in {GROUP_OF[a.column] for a in used}:
            row[f"risk_{g}"] = group_risk.get(g)
        row["risk"] = float(np.mean(list(group_risk.values()))) if group_risk else None


def column_means(signals: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    """Mean of every numeric signal column (judge verdict strings and bookkeeping left out)."""
    columns = [c for c in dict.fromkeys(k for r in signals for k in r)
               if c not in ("judge_verdict", "error") and not c.startswith("risk")]
    return {c: _mean([r.get(c) for r in signals]) for c in columns}


def _clip_text(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _se(values: Sequence[Any], population: int) -> float | None:
    xs = [float(v) for v in values if v is not None and np.isfinite(v)]
    if len(xs) < 2:
        return None
    fpc = np.sqrt(max(population - len(xs), 0) / (population - 1)) if population > 1 else 0.0
    return float(np.std(xs, ddof=1) / np.sqrt(len(xs)) * fpc)


def dataset_summary(path: str, total_rows: int, rows: Sequence[Row], signals: Sequence[dict[str, Any]],
                    misaligned_below: float, top: int) -> DatasetScreen:
    """One dataset's means, judge shares, combined risk and its `top` riskiest rows."""
    scored = [s["judge_aligned"] for s in signals if s.get("judge_aligned") is not None]
    groups = sorted({k[5:] for s in signals for k in s if k.startswith("risk_")})
    ranked = sorted((i for i, s in enumerate(signals) if s.get("risk") is not None),
                    key=lambda i: (-signals[i]["risk"], i))[:top]
    tops = [TopRow(index=rows[i].index, risk=round(signals[i]["risk"], 4), question=_clip_text(rows[i].question),
                   answer=_clip_text(rows[i].answer),
                   signals={k: v for k, v in signals[i].items() if k != "risk"}) for i in ranked]
    verdicts = Counter(s["judge_verdict"] for s in signals if s.get("judge_verdict"))
    group_means = {g: _mean([s.get(f"risk_{g}") for s in signals]) for g in groups}
    group_se = {g: _se([s.get(f"risk_{g}") for s in signals], len(rows)) for g in groups}
    known = [v for v in group_means.values() if v is not None]
    ses = [group_se[g] or 0.0 for g, v in group_means.items() if v is not None]
    model_rows = [s for s in signals if s.get("loss") is not None or s.get("projection") is not None]
    return DatasetScreen(
        path=path, rows=total_rows, screened=len(rows), model_screened=len(model_rows),
        risk=float(np.mean(known)) if known else None,
        risk_se=float(np.sqrt(np.sum(np.square(ses))) / len(known)) if known else None,
        risk_groups=group_means, risk_groups_se=group_se,
        means=column_means(signals),
        share_misaligned=float(np.mean([a < misaligned_below for a in scored])) if scored else None,
        mean_aligned=float(np.mean(scored)) if scored else None, judge_verdicts=dict(verdicts), top=tops)
