"""The misalignment direction of the base model, from the shipped contrast set, and its neutral baseline.

One activation pass over the reference rows, one group per row (so each reference answer also
gets its own projection, the direction signal's anchors); `steer.directions.from_stats` then
takes the token-weighted mean difference misaligned − aligned from the summed groups, exactly
as `emscope steer directions` defines it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from emscope.core.errors import InputError
from emscope.screen.config import ScreenConfig
from emscope.screen.reference import ReferenceSets
from emscope.screen.signals import DirectionProbe, row_projections

__all__ = ["resolve_layer", "build_probe"]


def resolve_layer(layer: int | None, n_layers: int) -> int:
    """The configured layer (negative counts from the end), else the middle one."""
    if layer is None:
        return n_layers // 2
    resolved = layer + n_layers if layer < 0 else layer
    if not 0 <= resolved < n_layers:
        raise InputError(f"--layer {layer}: the model has decoder layers 0..{n_layers - 1}")
    return resolved


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


def build_probe(model: Any, tokenizer: Any, refs: ReferenceSets, config: ScreenConfig) -> tuple[DirectionProbe, Any]:
    """The direction at the configured layer, reference projections and the neutral baseline;
    also the ActivationConfig to collect the screened rows with."""
    import torch

    from emscope.steer.config import ActivationConfig
    from emscope.steer.directions import from_stats
    from emscope.steer.hooks import find_decoder_layers

    layer = resolve_layer(config.layer, len(find_decoder_layers(model)))
    act = ActivationConfig(batch_size=config.batch_size, max_length=config.max_length,
                           precision=config.precision, layers=(layer,))
    contrast = [*refs.misaligned, *refs.aligned]
    zero = torch.zeros(model.config.hidden_size if hasattr(model.config, "hidden_size") else 1)
    _, stats = row_projections(model, tokenizer, contrast, layer, zero, act)
    directions = from_stats(_two_groups(stats, len(refs.misaligned)), {"source": refs.contrast_path})
    unit = directions.at(layer, unit=True)
    proj, _ = _project(stats, unit)
    neutral, _ = row_projections(model, tokenizer, refs.neutral, layer, unit, act)
    if np.all(np.isnan(neutral)):
        raise InputError(f"{refs.neutral_path}: no neutral answer left within max_length={config.max_length}")
    base = float(np.nanmean(neutral))
    n = len(refs.misaligned)
    probe = DirectionProbe(layer=layer, unit=unit, norm=float(directions.norms[0]), neutral_projection=base,
                           reference_projection={"misaligned": [float(p - base) for p in proj[:n]],
                                                 "aligned": [float(p - base) for p in proj[n:]]})
    return probe, act


def _project(stats: Any, unit: Any) -> tuple[np.ndarray, np.ndarray]:
    """Each group's (row's) mean activation projected on `unit`; NaN for a row without tokens."""
    import torch

    counts = stats.token_counts.to(torch.float64)
    proj = np.full(len(stats.groups), np.nan)
    have = counts > 0
    means = stats.sums[0][have] / counts[have].unsqueeze(-1)
    proj[np.flatnonzero(have.numpy())] = (means @ unit.to(torch.float64)).numpy()
    return proj, have.numpy()
