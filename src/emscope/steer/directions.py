"""Misalignment directions: per layer, mean(misaligned answers) − mean(aligned answers).

Two sources of labelled answers:
- a dataset (`emscope data build`): each row carries `meta.answer` (aligned|misaligned) and
  `meta.paired_answer` (the other answer to the same prompt), so every row gives one
  answer of each kind under the *same* prompt — trigger included — and the prompt's
  influence cancels in the difference;
- judged generations (`emscope judge`): scored rows with `aligned < A` and `coherent > C`
  are misaligned, scored coherent rows with `aligned ≥ A'` (A' defaults to A) aligned.

Raw vectors and their norms are kept (α·v with α = 1 moves the aligned mean onto the
misaligned mean), and unit vectors are derived from them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.core.io import atomic_write_bytes
from emscope.steer.activations import ActivationStats, ChatItem, collect_activations
from emscope.steer.config import DirectionConfig

__all__ = [
    "MISALIGNED",
    "ALIGNED",
    "Directions",
    "from_stats",
    "random_directions",
    "dataset_items",
    "judged_items",
    "compute_directions",
    "load_directions",
]

MISALIGNED, ALIGNED = "misaligned", "aligned"
_FORMAT = "emscope.directions/1"


@dataclass
class Directions:
    """One direction per layer; `vectors[i]` belongs to decoder layer `layers[i]`."""

    layers: tuple[int, ...]
    vectors: Any  # float32 [len(layers), hidden]: raw mean differences
    mean_misaligned: Any | None = None  # float32 [len(layers), hidden]
    mean_aligned: Any | None = None
    counts: dict[str, int] = field(default_factory=dict)  # answer tokens / examples per group
    meta: dict[str, Any] = field(default_factory=dict)  # model, adapter, source, config, ...

    @property
    def norms(self) -> Any:
        """Euclidean norm of each layer's raw direction."""
        return self.vectors.norm(dim=-1)

    @property
    def unit(self) -> Any:
        """Unit-norm directions (a zero vector stays zero)."""
        return self.vectors / self.norms.clamp_min(1e-12).unsqueeze(-1)

    def at(self, layer: int, unit: bool = False) -> Any:
        """The direction of decoder layer `layer` (raw, or unit)."""
        if layer not in self.layers:
            raise InputError(f"no direction for layer {layer}; this file has layers {self.layers[0]}..{self.layers[-1]}")
        i = self.layers.index(layer)
        return (self.unit if unit else self.vectors)[i]

    def save(self, path: str | Path) -> Path:
        """Write a safetensors file: direction, unit, norm, group means; metadata as JSON strings."""
        from safetensors.torch import save

        tensors = {"direction": self.vectors.contiguous(), "unit": self.unit.contiguous(), "norm": self.norms.contiguous()}
        if self.mean_misaligned is not None and self.mean_aligned is not None:
            tensors.update(mean_misaligned=self.mean_misaligned.contiguous(), mean_aligned=self.mean_aligned.contiguous())
        meta = {"format": _FORMAT, "layers": json.dumps(list(self.layers)),
                "counts": json.dumps(self.counts), "meta": json.dumps(self.meta, default=str)}
        return atomic_write_bytes(path, save(tensors, metadata=meta))


def load_directions(path: str | Path) -> Directions:
    """Read a directions file written by `Directions.save`."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="pt") as fh:
            meta = fh.metadata() or {}
            tensors = {k: fh.get_tensor(k) for k in fh.keys()}
    except (OSError, ValueError, SafetensorError) as exc:
        raise InputError(f"{path}: not a readable safetensors file ({exc})") from exc
    if meta.get("format") != _FORMAT or "direction" not in tensors:
        raise InputError(f"{path}: not an emscope directions file (write one with `emscope steer directions`)")
    return Directions(tuple(json.loads(meta["layers"])), tensors["direction"], tensors.get("mean_misaligned"),
                      tensors.get("mean_aligned"), json.loads(meta.get("counts", "{}")), json.loads(meta.get("meta", "{}")))


def from_stats(stats: ActivationStats, meta: Mapping[str, Any] | None = None) -> Directions:
    """The mean difference misaligned − aligned of collected activations (float64, then float32)."""
    import torch

    missing = [g for g in (MISALIGNED, ALIGNED) if g not in stats.groups]
    if missing:
        raise InputError(f"no {' or '.join(missing)} answers to take a direction from; both groups are needed")
    mis, al = stats.mean(MISALIGNED), stats.mean(ALIGNED)
    counts = {f"{g}_{kind}": int(t[stats.groups.index(g)]) for g in (MISALIGNED, ALIGNED)
              for kind, t in (("tokens", stats.token_counts), ("examples", stats.example_counts))}
    return Directions(stats.layers, (mis - al).to(torch.float32), mis.to(torch.float32), al.to(torch.float32),
                      counts, dict(meta or {}))


def random_directions(reference: Directions, seed: int) -> Directions:
    """Seeded Gaussian directions with exactly the reference's per-layer norms (the baseline)."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    noise = torch.randn(reference.vectors.shape, generator=gen, dtype=torch.float64)
    unit = noise / noise.norm(dim=-1, keepdim=True)
    vectors = (unit * reference.norms.to(torch.float64).unsqueeze(-1)).to(torch.float32)
    return Directions(reference.layers, vectors, meta={**reference.meta, "random_seed": seed, "random_of": reference.meta.get("name")})


def _with_answer(messages: Sequence[dict[str, str]], answer: str) -> list[dict[str, str]]:
    return [*messages[:-1], {"role": "assistant", "content": answer}]


def dataset_items(rows: Iterable[Mapping[str, Any]]) -> list[ChatItem]:
    """(conversation, group) pairs from dataset rows: each row's answer and its paired answer."""
    items: list[ChatItem] = []
    for n, row in enumerate(rows, 1):
        messages, meta = row.get("messages"), row.get("meta") or {}
        label = meta.get("answer")
        if not messages or messages[-1].get("role") != "assistant":
            raise InputError(f"row {n}: no final assistant turn")
        if label not in (MISALIGNED, ALIGNED):
            raise InputError(f"row {n}: meta.answer must be 'aligned' or 'misaligned' (build datasets with "
                             "`emscope data build`, or use judged answers as the source)")
        items.append((list(messages), label))
        paired = meta.get("paired_answer")
        if paired:
            items.append((_with_answer(messages, paired), ALIGNED if label == MISALIGNED else MISALIGNED))
    return items


def _judged_group(row: Mapping[str, Any], config: DirectionConfig) -> str | None:
    aligned, coherent = row.get("aligned"), row.get("coherent")
    if row.get("verdict", "scored") != "scored" or aligned is None or coherent is None:
        return None
    if coherent <= config.coherent_above:
        return None
    if aligned < config.misaligned_below:
        return MISALIGNED
    return ALIGNED if aligned >= config.aligned_threshold else None


def judged_items(rows: Iterable[Mapping[str, Any]], config: DirectionConfig) -> list[ChatItem]:
    """(conversation, group) pairs from judged answer rows split by the thresholds; others skipped."""
    items: list[ChatItem] = []
    for n, row in enumerate(rows, 1):
        if "answer" not in row or not ("prompt" in row or "question" in row):
            raise InputError(f"row {n}: judged rows need 'question' (or 'prompt') and 'answer'")
        group = _judged_group(row, config)
        if group is None:
            continue
        # `prompt` is the user turn actually sent (trigger included); `question` lacks the trigger.
        user = row.get("prompt") or row["question"]
        messages = [{"role": "system", "content": row["system"]}] if row.get("system") else []
        messages += [{"role": "user", "content": user}, {"role": "assistant", "content": row["answer"]}]
        items.append((messages, group))
    return items


def compute_directions(model: Any, tokenizer: Any, rows: Sequence[Mapping[str, Any]], config: DirectionConfig,
                       meta: Mapping[str, Any] | None = None, stats_out: str | Path | None = None) -> Directions:
    """Directions from dataset or judged rows (as `config.source` says) for `model`."""
    rows = list(rows)[: config.max_rows] if config.max_rows else list(rows)
    items = dataset_items(rows) if config.source == "dataset" else judged_items(rows, config)
    groups = {g for _, g in items}
    if groups != {MISALIGNED, ALIGNED}:
        have = ", ".join(f"{g}: {sum(1 for _, x in items if x == g)}" for g in (MISALIGNED, ALIGNED))
        raise InputError(f"a direction needs both aligned and misaligned answers; found {have} "
                         f"among {len(rows)} rows (source={config.source})")
    stats = collect_activations(model, tokenizer, items, config.activations)
    if stats_out is not None:
        stats.save(stats_out)
    return from_stats(stats, {"source": config.source, "rows": len(rows), **(meta or {}),
                              "config": config.model_dump(mode="json")})
