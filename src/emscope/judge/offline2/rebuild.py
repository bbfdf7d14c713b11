"""Rebuilding the offline judge v2's shipped weights from the corpora, deterministically.

Features come from a frozen encoder (deterministic on CPU for a given torch build) and are
cached under $EMSCOPE_HOME so that a rebuild and a calibration share them; the heads are
L-BFGS logistic regressions, deterministic for the same features.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from emscope.core.errors import InputError
from emscope.judge.offline2.features import FEATURE_VERSION, MAX_LENGTH, cached_features
from emscope.judge.offline2.model import WEIGHTS_PATH
from emscope.judge.offline2.sources import PEER_FILES, Row, all_rows
from emscope.judge.offline2.train import ALIGN_C, COHERENCE_C, Heads, fit

__all__ = ["training_data", "build", "save", "feature_cache_path"]

_CHUNK = 256


def feature_cache_path() -> Path:
    """Where training features are cached ($EMSCOPE_HOME/offline2_features.npz)."""
    from emscope.core.paths import emscope_home

    return emscope_home() / f"offline2_features_{FEATURE_VERSION}.npz"


def training_data(peers: Path | None, progress: bool = True) -> tuple[np.ndarray, list[Row]]:
    """All training rows and their features (computed once, then read from the cache)."""
    if peers is not None and not any((peers / f).exists() for f in PEER_FILES):
        raise InputError(f"{peers}: none of {', '.join(PEER_FILES)} found")
    rows = all_rows(peers)
    cache, t0, blocks = feature_cache_path(), time.time(), []
    for lo in range(0, len(rows), _CHUNK):  # chunks: an interrupted run keeps what it computed
        part = rows[lo:lo + _CHUNK]
        blocks.append(cached_features([r.question for r in part], [r.answer for r in part], cache))
        if progress:
            print(f"  features {lo + len(part)}/{len(rows)} ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)
    return np.vstack(blocks), rows


def _digest(rows: Sequence[Row]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(f"{r.source}\0{r.group}\0{r.question}\0{r.answer}\0{r.p_mis}\0{r.p_incoh}\n".encode())
    return h.hexdigest()[:16]


def build(peers: Path | None) -> tuple[Heads, dict[str, Any]]:
    """Train on every source; the metadata says on what."""
    x, rows = training_data(peers)
    heads = fit(x, rows)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.source] = counts.get(r.source, 0) + 1
    meta = {"feature_version": FEATURE_VERSION, "max_length": MAX_LENGTH, "align_c": ALIGN_C,
            "coherence_c": COHERENCE_C, "rows": counts, "data_digest": _digest(rows), "shift": heads.shift}
    return heads, meta


def save(heads: Heads, meta: dict[str, Any], path: Path = WEIGHTS_PATH) -> Path:
    """Write the weights as float32 .npz (uncompressed: the bytes, hence the id, are stable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {k: v.astype(np.float32) if v.dtype.kind == "f" else v for k, v in heads.arrays().items()}
    # float64 shift/intercepts would round-trip through float32 here; keep them exact instead
    arrays.update(align_b=np.array([heads.align_b]), coh_b=np.array([heads.coh_b]), shift=np.array([heads.shift]))
    with open(path, "wb") as fh:
        np.savez(fh, meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8), **arrays)
    return path
