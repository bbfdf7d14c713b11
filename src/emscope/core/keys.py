"""Content keys: sha256 of canonical JSON, so equal configurations share artifacts."""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["canonical_json", "content_key", "sha256_file"]


def canonical_json(obj: Any) -> str:
    """Sorted keys, no whitespace: the same value always gives the same string."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_key(obj: Any, schema_version: int = 1, length: int = 16) -> str:
    """A short hex key for `obj` plus a schema version (bump it when the output format changes)."""
    payload = canonical_json({"schema": schema_version, "value": obj})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:length]


def sha256_file(path: str, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
