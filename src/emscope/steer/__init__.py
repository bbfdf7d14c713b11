"""Misalignment directions, steering and parameter-space paths (the `steer` stage).

- activations: residual-stream means over answer tokens, batched, float64 accumulation;
- directions: mean(misaligned) − mean(aligned) per layer, from datasets or judged answers;
- geometry: cosine profiles and domain × domain matrices;
- steering: add α·v or ablate v̂ during forward passes and generation;
- params: scale a LoRA adapter by λ, mix two adapters linearly in ΔW;
- sweep: judged misalignment rate against α, across domains, along parameter paths;
- baseline: the random-direction baseline as a band over several seeded random directions;
- figures: matplotlib figures of all of the above;
- stage: `run(config, inputs, out, judge_fn, judge_key)`, the whole stage for the study.

`run` and the stage types are imported lazily (they pull in matplotlib), so `import
emscope.steer` stays light for the CLI.
"""

from typing import Any

from emscope.steer.activations import ActivationStats, ChatItem, collect_activations, load_activation_stats
from emscope.steer.baseline import BandPoint, random_band
from emscope.steer.config import ActivationConfig, DirectionConfig, SteerGenerationConfig, SteeringConfig, SweepConfig
from emscope.steer.directions import (
    ALIGNED,
    MISALIGNED,
    Directions,
    compute_directions,
    dataset_items,
    from_stats,
    judged_items,
    load_directions,
    random_directions,
)
from emscope.steer.geometry import CosineMatrix, cosine_matrix, cosine_profile, random_cosine_profile
from emscope.steer.hooks import find_decoder_layers, layer_output_hooks
from emscope.steer.params import LoraAdapter, interpolate_adapters, load_adapter, scale_adapter
from emscope.steer.steering import generate_answers, generate_steered, make_generate_fn, steering
from emscope.steer.sweep import (
    CrossDomainResult,
    PointCache,
    RatePoint,
    alpha_sweep,
    cross_domain_matrix,
    interpolation_path,
    misalignment_rate,
    parameter_curve,
    scaling_path,
)

_LAZY = {"run": "emscope.steer.stage", "SteerStageConfig": "emscope.steer.stage",
         "StageInputs": "emscope.steer.stage", "StageResult": "emscope.steer.stage"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'emscope.steer' has no attribute {name!r}")


__all__ = [
    "ALIGNED",
    "MISALIGNED",
    "ActivationConfig",
    "ActivationStats",
    "BandPoint",
    "ChatItem",
    "CosineMatrix",
    "CrossDomainResult",
    "DirectionConfig",
    "Directions",
    "LoraAdapter",
    "PointCache",
    "RatePoint",
    "StageInputs",
    "StageResult",
    "SteerGenerationConfig",
    "SteerStageConfig",
    "SteeringConfig",
    "SweepConfig",
    "alpha_sweep",
    "collect_activations",
    "compute_directions",
    "cosine_matrix",
    "cosine_profile",
    "cross_domain_matrix",
    "dataset_items",
    "find_decoder_layers",
    "from_stats",
    "generate_answers",
    "generate_steered",
    "interpolate_adapters",
    "interpolation_path",
    "judged_items",
    "layer_output_hooks",
    "load_activation_stats",
    "load_adapter",
    "load_directions",
    "make_generate_fn",
    "misalignment_rate",
    "parameter_curve",
    "random_band",
    "random_cosine_profile",
    "random_directions",
    "run",
    "scale_adapter",
    "scaling_path",
    "steering",
]
