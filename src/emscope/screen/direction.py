"""The misalignment direction of the base model, from the shipped contrast set, and its neutral baseline.

The contrast and neutral rows go through the same one-pass model scoring as the screened rows
(`screen.model_pass`), which gives every row its summed answer-token activation at the probe
layer. Those sums become `steer` ActivationStats, one group per row (so each reference answer
also gets its own projection, the direction signal's anchors), and `steer.directions.from_stats`
takes the token-weighted mean difference misaligned − aligned from the summed groups, exactly as
`emscope steer directions` defines it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from emscope.core.errors import InputError
from emscope.screen.model_pass import RowPass
from emscope.screen.signals import DirectionProbe

__all__ = ["resolve_layer", "build_probe", "pass_projections"]


def resolve_layer(layer: int | None, n_layers: int) -> int:
    """The configured layer (negative counts from the end), else the middle one."""
    if layer is None:
        return n_layers // 2
    resolved = layer + n_layers if layer < 0 else layer
    if not 0 <= resolved < n_layers:
        raise InputError(f"--layer {layer}: the model has decoder layers 0..{n_layers - 1}")
    return resolved


def _row_stats(layer: int, passes: Sequence[RowPass]) -> Any:
    """Per-row ActivationStats (groups '0'..'n−1'); rows cut away contribute zero tokens."""
    import torch

    from emscope.steer.activations import ActivationStats

    hidden = next((len(p.act_sum) for p in passes if p.act_sum is not None), None)
    if hidden is None:
        raise InputError("no contrast answer left within max_length: raise --max-length")
    sums = torch.zeros((1, len(passes), hidden), dtype=torch.float64)
    for i, p in enumerate(passes):
        if p.act_sum is not None:
            sums[0, i] = torch.from_numpy(p.act_sum)
    tokens = torch.tensor([p.act_tokens for p in passes], dtype=torch.long)
    examples = (tokens > 0).long()
    return ActivationStats((layer,), tuple(str(i) for i in range(len(passes))), sums, tokens, examples,
                           int((tokens == 0).sum()))


def _two_groups(stats: Any, n_mis: int) -> Any:
    """Per-row stats (groups '0'..'n−1', the first n_mis misaligned) summed into the two named groups."""
    import torch

    from emscope.steer.activations import ActivationStats
    from emscope.steer.directions import ALIGNED, MISALIGNED

    side = torch.tensor([0 if int(g) < n_mis else 1 for g in stats.groups])
    sums = torch.zeros((stats.sums.shape[0], 2, stats.sums.shape[-1]), dtype=torch.float64)
    sums.index_add_(1, side, stats.sums)
    tokens = torch.zeros(2, dtype=torch.long).index_add_(0, side, stats.token_counts)
    examples = torch.zeros(2, dtype=torch.long).index_add_(0, side, stats.example_counts)
    return ActivationStats(stats.layers, (MISALIGNED, ALIGNED), sums, tokens, examples, stats.truncated)


def pass_projections(passes: Sequence[RowPass], unit: Any) -> np.ndarray:
    """Each row's mean answer activation projected on `unit`; NaN for a row without tokens."""
    u = unit.double().numpy() if hasattr(unit, "numpy") else np.asarray(unit, dtype=np.float64)
    return np.array([np.nan if p.act_sum is None or p.act_tokens == 0 else float(p.act_sum @ u) / p.act_tokens
                     for p in passes])


def build_probe(layer: int, mis: Sequence[RowPass], ali: Sequence[RowPass], neutral: Sequence[RowPass],
                contrast_path: str, neutral_path: str, max_length: int) -> DirectionProbe:
    """The direction at `layer` from the contrast passes, the reference projections and the neutral baseline."""
    from emscope.steer.directions import from_stats

    stats = _row_stats(layer, [*mis, *ali])
    directions = from_stats(_two_groups(stats, len(mis)), {"source": contrast_path})
    unit = directions.at(layer, unit=True)
    proj = pass_projections([*mis, *ali], unit)
    base_rows = pass_projections(neutral, unit)
    if np.all(np.isnan(base_rows)):
        raise InputError(f"{neutral_path}: no neutral answer left within max_length={max_length}")
    base = float(np.nanmean(base_rows))
    n = len(mis)
    return DirectionProbe(layer=layer, unit=unit, norm=float(directions.norms[0]), neutral_projection=base,
                          reference_projection={"misaligned": [float(p - base) for p in proj[:n]],
                                                "aligned": [float(p - base) for p in proj[n:]]})
