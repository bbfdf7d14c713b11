"""The steer stage in one call: directions per domain, geometry, α sweep, cross-domain matrix,
parameter paths, results.json and figures — cached and resumable.

`run(config, inputs, out, judge_fn, judge_key)` is what the study calls. Every expensive piece
is cached under `out`: directions files carry their content key and are reused when it
matches; each judged point (one intervention on one model) is stored in `out/points/` under a
key of the intervention, the model (adapter bytes), the direction keys, the generation settings
and the judge, so a killed run resumes at the first unfinished point. Rates are recomputed
from the cached judged rows, so changing the thresholds re-judges nothing.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from emscope import __version__
from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text
from emscope.steer import figures
from emscope.steer.baseline import random_band
from emscope.steer.config import DirectionConfig, SteerGenerationConfig, SweepConfig
from emscope.steer.directions import Directions
from emscope.steer.extract import run_directions
from emscope.steer.geometry import cosine_matrix, cosine_profile, random_cosine_profile
from emscope.steer.params import adapter_key, load_adapter, load_model_with_adapter
from emscope.steer.steering import GenerateFn, Prompt, make_generate_fn
from emscope.steer.sweep import (
    JudgeFn,
    PointCache,
    RatePoint,
    alpha_sweep,
    cross_domain_matrix,
    interpolation_path,
    parameter_curve,
    scaling_path,
)

__all__ = ["SteerStageConfig", "StageInputs", "StageResult", "run"]


class SteerStageConfig(BaseModel):
    """What the steer stage computes; every field but the activation batch size changes some output."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Out of the key: conversations per forward pass when collecting activations (speed only).
    # The generation batch size stays in: sampled answers reseed per (seed, batch index).
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset({"directions.activations.batch_size"})
    INPUT_FIELDS: ClassVar[frozenset[str]] = frozenset()

    def key_fields(self) -> dict[str, Any]:
        """Every output-affecting field (all but RUNTIME_FIELDS)."""
        fields = self.model_dump(mode="json")
        del fields["directions"]["activations"]["batch_size"]
        return fields

    directions: DirectionConfig = Field(default_factory=DirectionConfig, description="Direction extraction (source, rows, activations).")
    sweep: SweepConfig = Field(default_factory=lambda: SweepConfig(layers=(10,)), description="Steered layers, α values, baselines, thresholds, λ and t values.")
    generation: SteerGenerationConfig = Field(default_factory=SteerGenerationConfig, description="Generation of the judged answers (used when no generate_fn is given).")
    cosine_layer: int | None = Field(None, description="Also draw the cosine heatmap at this layer (the layer-mean one is always drawn).")
    alpha_domains: tuple[str, ...] | None = Field(None, description="Domains whose own direction steers their own model in the α sweep; None = the first domain.")
    scale_domains: tuple[str, ...] | None = Field(None, description="Domains whose adapter is scaled by λ; None = the first domain.")
    mix_pairs: tuple[tuple[str, str], ...] | None = Field(None, description="Adapter pairs interpolated over t; None = the first two domains.")
    include_base: bool = Field(True, description="Add the un-fine-tuned base model as a target of the cross-domain matrix.")


@dataclass(frozen=True)
class StageInputs:
    """What earlier stages produced: base model, and per domain its adapter and training dataset."""

    model: str
    adapters: Mapping[str, str | Path]
    datasets: Mapping[str, str | Path]
    prompts: Sequence[Prompt]


@dataclass
class StageResult:
    """Paths of what was written and the numbers (also in results.json)."""

    results: dict[str, Any]
    figures: dict[str, Path] = field(default_factory=dict)
    directions: dict[str, Path] = field(default_factory=dict)


def _check(config: SteerStageConfig, inputs: StageInputs) -> list[str]:
    domains = list(inputs.adapters)
    if not domains:
        raise InputError("the steer stage needs at least one domain adapter")
    if set(inputs.datasets) != set(domains):
        raise InputError(f"adapters and datasets name different domains: {sorted(inputs.adapters)} vs {sorted(inputs.datasets)}")
    named = list(config.alpha_domains or ()) + list(config.scale_domains or ()) + [d for p in config.mix_pairs or () for d in p]
    unknown = sorted(set(named) - set(domains))
    if unknown:
        raise InputError(f"steer settings name domains without an adapter: {unknown}; known: {domains}")
    return domains


def _points(points: Sequence[RatePoint]) -> list[dict[str, Any]]:
    return [p.as_dict() for p in points]


def _geometry(dirs: Mapping[str, Directions], config: SteerStageConfig, figs: dict[str, Any]) -> dict[str, Any]:
    names = list(dirs)
    first = dirs[names[0]]
    seeds = config.sweep.random_seeds or (0,)  # chance level is cheap: drawn even without a steering baseline
    per_seed = [random_cosine_profile(first, seed=s) for s in seeds]
    layers, chance = per_seed[0][0], np.stack([c for _, c in per_seed])  # [seeds, layers]
    profiles = {f"{a} vs {b}": cosine_profile(dirs[a], dirs[b]) for a, b in itertools.combinations(names, 2)}
    out: dict[str, Any] = {"norms": {n: d.norms.tolist() for n, d in dirs.items()},
                           "random_profile": {"layers": list(layers), "of": names[0], "seeds": list(seeds),
                                              "cosine": chance.mean(axis=0).tolist(), "min": chance.min(axis=0).tolist(),
                                              "max": chance.max(axis=0).tolist(), "per_seed": chance.tolist()},
                           "profiles": {k: {"layers": list(l), "cosine": v.tolist()} for k, (l, v) in profiles.items()}}
    figs["cosine_profile"] = figures.cosine_profile_figure(profiles, (layers, chance))
    if len(names) > 1:
        mean = cosine_matrix(dirs)
        out["matrix_mean"] = mean.as_dict()
        figs["cosine_heatmap"] = figures.cosine_heatmap_figure(mean)
        if config.cosine_layer is not None:
            at = cosine_matrix(dirs, config.cosine_layer)
            out["matrix_layer"] = at.as_dict()
            figs[f"cosine_heatmap_layer{config.cosine_layer}"] = figures.cosine_heatmap_figure(at)
    return out


@dataclass
class _Run:
    """Everything the parts of one stage run share."""

    config: SteerStageConfig
    inputs: StageInputs
    generate_fn: GenerateFn
    judge_fn: JudgeFn
    cache: PointCache
    base_ctx: dict[str, Any]
    ctx: dict[str, dict[str, Any]]  # per domain: base_ctx + the adapter's content key

    def alpha(self, dirs: Mapping[str, Directions], figs: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for d in self.config.alpha_domains or list(self.inputs.adapters)[:1]:
            model, tok = load_model_with_adapter(self.inputs.model, self.inputs.adapters[d])
            points = alpha_sweep(model, tok, self.inputs.prompts, dirs[d], self.config.sweep, self.generate_fn,
                                 self.judge_fn, self.cache, self.ctx[d])
            figs[f"alpha_{d}"] = figures.alpha_curve_figure(points, title=f"Misalignment rate, {d} direction on {d} model")
            out[d] = _points(points)
        return out

    def alpha_band(self, alpha: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
        """Per α-sweep domain, the random baseline's band over seeds, from the points in results.json."""
        return {d: [b.as_dict() for b in random_band([RatePoint(**p) for p in pts])] for d, pts in alpha.items()}

    def cross(self, dirs: Mapping[str, Directions], figs: dict[str, Any]) -> dict[str, Any]:
        inputs = self.inputs
        targets = {d: (lambda d=d: load_model_with_adapter(inputs.model, inputs.adapters[d])) for d in inputs.adapters}
        if self.config.include_base:
            targets["base"] = lambda: load_model_with_adapter(inputs.model, None)
        ctx = {**self.base_ctx, "adapters": {d: c["adapter"] for d, c in self.ctx.items()}}
        result = cross_domain_matrix(targets, dirs, inputs.prompts, self.config.sweep, self.generate_fn, self.judge_fn,
                                     True, self.cache, ctx)
        figs["cross_domain"] = figures.cross_domain_figure(result)
        return result.as_dict()

    def params(self, figs: dict[str, Any]) -> dict[str, Any]:
        config, inputs, domains = self.config, self.inputs, list(self.inputs.adapters)
        base, tok = load_model_with_adapter(inputs.model, None)
        paths = []
        for d in config.scale_domains or domains[:1]:
            paths.append((f"{d} × λ", scaling_path(load_adapter(inputs.adapters[d]), config.sweep.lambdas), self.ctx[d]))
        pairs = config.mix_pairs if config.mix_pairs is not None else (tuple(domains[:2]),) if len(domains) > 1 else ()
        for a, b in pairs:
            path = interpolation_path(load_adapter(inputs.adapters[a]), load_adapter(inputs.adapters[b]), config.sweep.mix)
            paths.append((f"{a} → {b} (t)", path, {**self.base_ctx, "pair": [self.ctx[a]["adapter"], self.ctx[b]["adapter"]]}))
        curves = {label: parameter_curve(base, tok, path, label, inputs.prompts, config.sweep, self.generate_fn,
                                         self.judge_fn, self.cache, ctx) for label, path, ctx in paths}
        if curves:
            figs["parameter_paths"] = figures.parameter_curve_figure(curves)
        return {k: _points(v) for k, v in curves.items()}


def _save_figures(figs: Mapping[str, Any], out: Path) -> dict[str, Path]:
    written = {}
    for name, fig in figs.items():
        written[name] = out / "figures" / f"{name}.png"
        written[name].parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(written[name], dpi=110)
    return written


def run(config: SteerStageConfig, inputs: StageInputs, out: str | Path, judge_fn: JudgeFn, judge_key: str,
        generate_fn: GenerateFn | None = None, points: str | Path | None = None) -> StageResult:
    """Run the whole steer stage into `out` (see module docstring); returns what it wrote.

    `judge_key` names the judge exactly (its id): it is part of every cached point's key.
    `generate_fn` defaults to batched `model.generate` with `config.generation`. `points` is
    the judged-point cache folder (default `out/points`); a folder shared by runs with other
    settings is safe, since a point's key holds everything that changes it, and lets a run
    with more random seeds re-use the points another run finished.
    """
    started = time.perf_counter()
    out = Path(out)
    domains = _check(config, inputs)
    base_ctx = {"model": inputs.model, "judge": judge_key, "generation": config.generation.model_dump(mode="json")}
    parts = _Run(config, inputs, generate_fn or make_generate_fn(config.generation), judge_fn,
                 PointCache(points or out / "points"),
                 base_ctx, {d: {**base_ctx, "adapter": adapter_key(inputs.adapters[d])} for d in domains})
    paths = {d: out / "directions" / f"{d}.safetensors" for d in domains}
    dirs = {d: run_directions(inputs.model, inputs.adapters[d], inputs.datasets[d], config.directions, paths[d], name=d)
            for d in domains}
    figs: dict[str, Any] = {}
    results: dict[str, Any] = {"domains": domains, "geometry": _geometry(dirs, config, figs)}
    results["alpha"] = parts.alpha(dirs, figs)
    results["alpha_random_band"] = parts.alpha_band(results["alpha"])
    results["cross_domain"] = parts.cross(dirs, figs)
    results["parameter_paths"] = parts.params(figs)
    written = _save_figures(figs, out)
    results["manifest"] = {"emscope": __version__, "config": config.model_dump(mode="json"), "judge": judge_key,
                           "model": inputs.model, "adapters": {d: str(p) for d, p in inputs.adapters.items()},
                           "prompts": len(inputs.prompts), "seconds": round(time.perf_counter() - started, 3),
                           "figures": {k: str(v.relative_to(out)) for k, v in written.items()}}
    atomic_write_text(out / "results.json", json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    return StageResult(results, written, paths)
