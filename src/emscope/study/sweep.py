"""Sweeps: the points of a study's `sweep:` section, their labels, and the config each point's jobs see.

A point is a tuple of (path, value) pairs, e.g. `(("data.n", 80),)`. Every fine-tuned job is
one (domain, seed, point); its stages see the study config with the point's values set
(`job_config`), so each stage's key, computed from its own config's `key_fields()`, differs
per point without any stage knowing about sweeps, and a point already finished is found by
its keys when the sweep grows. The baseline job has the empty point: one base model.

Only what defines a fine-tuned model is sweepable: `data.*` (except the trigger, which the
baseline is evaluated with too) and `train.*`, including any `train.settings.<field>` of the
train backends. Generation, judging and analysis settings are shared with the baseline, and
seeds and domains are axes of the study already.
"""

from __future__ import annotations

import itertools
import json
from functools import cache
from typing import Any

from pydantic import ValidationError

from emscope.core.errors import InputError
from emscope.core.registry import closest
from emscope.study.config import DataSection, StudyConfig, TrainSection

__all__ = ["Point", "sweep_points", "point_label", "point_value", "apply_point", "job_config", "headline_point",
           "sweepable_paths", "axis_names"]

Point = tuple[tuple[str, Any], ...]

# Evaluated with in every job, the baseline included: a swept trigger would compare each point
# with a baseline asked another question.
_NOT_SWEPT = {"data.trigger", "data.trigger_position",
              # One backend per study: the generate backend must match it, and local adapters
              # and API-served models would be ranked as one model family.
              "train.backend"}
# TrainConfig fields the study sets itself (paths, the model, the job's seed), or that never
# change the adapter (they are out of its key).
_TRAIN_OWN = {"dataset", "out", "model", "seed"}


def _frozen(value: Any) -> Any:
    """Lists as tuples (points are hashable: they are part of a frozen Job)."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        raise InputError(f"sweep values must be numbers, strings, booleans or lists, not a mapping ({value!r})")
    return value


def _thawed(value: Any) -> Any:
    return [_thawed(v) for v in value] if isinstance(value, tuple) else value


@cache
def sweepable_paths() -> tuple[str, ...]:
    """Every path a sweep may name, for the closest-path hint and the check."""
    from emscope.train.config import KEY_EXCLUDED, TrainConfig
    from emscope.train.openai_config import OPENAI_KEY_EXCLUDED, OpenAITrainConfig

    paths = [f"data.{f}" for f in DataSection.model_fields if f"data.{f}" not in _NOT_SWEPT]
    paths += [f"train.{f}" for f in TrainSection.model_fields if f != "settings" and f"train.{f}" not in _NOT_SWEPT]
    settings = [f for f in TrainConfig.model_fields if f not in KEY_EXCLUDED | _TRAIN_OWN]
    settings += [f for f in OpenAITrainConfig.model_fields
                 if f not in OPENAI_KEY_EXCLUDED | _TRAIN_OWN and f not in settings]
    return tuple(paths + [f"train.settings.{f}" for f in settings])


def _check_path(path: str) -> None:
    valid = sweepable_paths()
    if path in valid:
        return
    head = path.split(".")[0]
    if (head in StudyConfig.model_fields and head not in ("data", "train")) or path in _NOT_SWEPT:
        why = ("seeds and domains are axes of every study already" if head in ("seeds", "domains") else
               "a study has one train backend (its generate backend must match it); run a study per backend"
               if path == "train.backend" else
               "it is shared with the baseline, which is not swept (one base model); only data.* (but the "
               "trigger) and train.* settings are")
        raise InputError(f"sweep: '{path}' cannot be swept: {why}. Sweepable: {', '.join(valid)}")
    if path.startswith("train.settings.") and path.removeprefix("train.settings.") in _runtime_train_fields():
        raise InputError(f"sweep: '{path}' changes how fast training runs, not the adapter (it is out of the "
                         f"train stage's key): there is nothing to sweep. Sweepable: {', '.join(valid)}")
    raise InputError(f"sweep: unknown path '{path}'.{closest(path, list(valid))} Sweepable: {', '.join(valid)}")


def _runtime_train_fields() -> frozenset[str]:
    from emscope.train.config import KEY_EXCLUDED
    from emscope.train.openai_config import OPENAI_KEY_EXCLUDED

    return frozenset(KEY_EXCLUDED | OPENAI_KEY_EXCLUDED) - _TRAIN_OWN


def _fmt(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(_thawed(value), separators=(",", ":"))


def point_label(point: Point) -> str:
    """A readable name of a point: `data.n=80`, `data.n=80,data.diversity=0.5` ('' for the baseline's)."""
    return ",".join(f"{path}={_fmt(value)}" for path, value in point)


def point_value(point: Point, path: str) -> Any:
    """The value of `path` at `point` (KeyError when the point does not set it)."""
    return dict(point)[path]


def axis_names(config: StudyConfig) -> list[str]:
    """The swept paths in the order written (empty without a sweep)."""
    return list(config.sweep.axes) if config.sweep is not None else []


def sweep_points(config: StudyConfig) -> list[Point]:
    """Every point of the study's sweep in order (cartesian: the first axis varies slowest); [()] without one."""
    sweep = config.sweep
    if sweep is None:
        return [()]
    for path, values in sweep.axes.items():
        _check_path(path)
        if not values:
            raise InputError(f"sweep: {path} lists no values")
        seen = [json.dumps(_thawed(_frozen(v)), sort_keys=True) for v in values]
        if twice := sorted({s for s in seen if seen.count(s) > 1}):
            raise InputError(f"sweep: {path} lists {', '.join(twice)} more than once; list each value once "
                             "(a repeat would run the same jobs twice)")
    paths = list(sweep.axes)
    columns = [[_frozen(v) for v in sweep.axes[p]] for p in paths]
    if sweep.mode == "zip":
        lengths = {p: len(c) for p, c in zip(paths, columns)}
        if len(set(lengths.values())) > 1:
            raise InputError("sweep: mode zip needs the same number of values on every axis, got "
                             + ", ".join(f"{p}: {n}" for p, n in lengths.items()) + " (or use mode: cartesian)")
        combos = list(zip(*columns))
    else:
        combos = list(itertools.product(*columns))
    points = [tuple(zip(paths, combo)) for combo in combos]
    for point in points:
        apply_point(config, point)  # a value that fails its section's validation fails now, naming the point
    return points


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise InputError(f"sweep: cannot set {path}: {part} is not a section")
    node[parts[-1]] = _thawed(value)


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


def apply_point(config: StudyConfig, point: Point) -> StudyConfig:
    """The study config the stages of `point`'s jobs see: the point's values set, no sweep section."""
    if not point:
        return config
    data = config.model_dump(mode="json")
    data["sweep"] = None
    for path, value in point:
        _set(data, path, value)
    try:
        return StudyConfig.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"sweep point {point_label(point)}: {_problems(exc)}") from None


def job_config(config: StudyConfig, job: Any) -> StudyConfig:
    """The config the per-job stages of `job` (a study.jobs.Job) see."""
    return apply_point(config, job.point) if job.point else config


def headline_point(config: StudyConfig) -> Point:
    """The point whose jobs the study's main analysis uses: `sweep.headline`, else the last point."""
    points = sweep_points(config)
    if config.sweep is None or config.sweep.headline is None:
        return points[-1]
    labels = {point_label(p): p for p in points}
    if config.sweep.headline not in labels:
        raise InputError(f"sweep.headline '{config.sweep.headline}' is not a point of the sweep."
                         f"{closest(config.sweep.headline, list(labels))} Points: {', '.join(labels)}")
    return labels[config.sweep.headline]
