"""Stage entry points: compute (or reuse) a directions file for a model, adapter and data file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from emscope import __version__
from emscope.core.errors import InputError
from emscope.core.io import read_jsonl
from emscope.core.keys import content_key, sha256_file
from emscope.steer.config import DirectionConfig
from emscope.steer.directions import Directions, compute_directions, load_directions
from emscope.steer.params import adapter_key, load_model_with_adapter

__all__ = ["SCHEMA_VERSION", "directions_key", "detect_source", "run_directions"]

SCHEMA_VERSION = 1


def detect_source(path: str | Path) -> str:
    """'dataset' for chat rows (`messages`), 'judged' for judged answer rows (`answer` + `aligned`)."""
    for row in read_jsonl(path):
        if "messages" in row:
            return "dataset"
        if "answer" in row and "aligned" in row:
            return "judged"
        break
    raise InputError(f"{path}: neither dataset rows (with 'messages') nor judged rows (with 'answer' and 'aligned')")


def directions_key(model: str, adapter: str | Path | None, data: str | Path, config: DirectionConfig) -> str:
    """Content key of a directions artifact: model, adapter bytes, data bytes and settings."""
    return content_key({"model": model, "adapter": adapter_key(adapter) if adapter else None,
                        "data": sha256_file(str(data)), "config": config.key_fields()}, SCHEMA_VERSION)


def run_directions(model: str, adapter: str | Path | None, data: str | Path, config: DirectionConfig,
                   out: str | Path, loaded: tuple[Any, Any] | None = None, name: str | None = None) -> Directions:
    """Write `out` (safetensors) unless it already holds the directions of exactly these inputs.

    `loaded` = (model, tokenizer) skips loading when the caller already has them (they must
    be `model` with `adapter` attached). The file's metadata carries the key, so a re-run
    with the same inputs returns the stored directions without a forward pass.
    """
    key = directions_key(model, adapter, data, config)
    out = Path(out)
    if out.exists():
        try:
            existing = load_directions(out)
        except InputError:
            existing = None
        if existing is not None and existing.meta.get("key") == key:
            return existing
    started = time.perf_counter()
    net, tokenizer = loaded or load_model_with_adapter(model, adapter)
    rows = list(read_jsonl(data))
    meta = {"key": key, "name": name or Path(str(adapter or model)).name, "model": model,
            "adapter": str(adapter) if adapter else None, "data": str(data), "emscope": __version__}
    directions = compute_directions(net, tokenizer, rows, config, meta)
    directions.meta["seconds"] = round(time.perf_counter() - started, 3)
    directions.save(out)
    return directions
