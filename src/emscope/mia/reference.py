"""Target vs reference: the two models must see the same token ids, or adjusted scores are meaningless.

A reference-adjusted score is score(target) − score(reference) on the *same* example, and
every emscope metric is a statistic over that example's assistant tokens. Both models are fed
the one tokenisation emscope makes (with the target's tokenizer), so the token sequences are
identical by construction — provided the reference understands those ids the same way, i.e.
shares the tokenizer. A different tokenizer (another model family) would silently score
garbage, so it is refused: `check_same_tokenizer` compares vocabulary, merges/normaliser,
special tokens and chat template, and raises an InputError naming both tokenizers and what
differs. No text-level alignment is attempted: Min-K% over differently cut tokens is not the
same statistic, so there is nothing honest to subtract.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from emscope.core.errors import InputError

__all__ = ["tokenizer_fingerprint", "check_same_tokenizer", "adjusted"]


def _sha(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:16]


def tokenizer_fingerprint(tokenizer: Any) -> dict[str, Any]:
    """What decides the token ids of a chat: vocabulary, tokenisation rules, specials, template."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    rules: Any = None
    if backend is not None:
        model = json.loads(backend.to_str())
        # The vocabulary is compared separately; merges, normaliser and pre-tokeniser stay here.
        model.get("model", {}).pop("vocab", None)
        model.pop("added_tokens", None)
        model.pop("truncation", None)
        model.pop("padding", None)
        rules = model
    return {
        "vocab_size": len(tokenizer),
        "vocab": _sha(sorted(tokenizer.get_vocab().items())),
        "rules": _sha(rules),
        "special_tokens": _sha(getattr(tokenizer, "all_special_tokens", [])),
        "chat_template": _sha(getattr(tokenizer, "chat_template", None)),
    }


_BLOCKING = {"vocab_size": "vocabulary size", "vocab": "vocabulary", "rules": "tokenisation rules (merges/normaliser)"}
# Both models read the one tokenisation made with the target's tokenizer, so these change what the
# reference "sees" only through the ids, which the blocking fields already pin down: worth a note.
_NOTED = {"special_tokens": "special tokens", "chat_template": "chat template"}


def check_same_tokenizer(target: Any, reference: Any, target_name: str, reference_name: str) -> list[str]:
    """Raise InputError when the reference would read the target's token ids differently.

    Returns notes for harmless differences (chat template, special-token flags): the
    conversation is rendered with the target's template and both models read those ids.
    """
    a, b = tokenizer_fingerprint(target), tokenizer_fingerprint(reference)
    blocking = [f for f in _BLOCKING if a[f] != b[f]]
    if blocking:
        sizes = f" ({a['vocab_size']} vs {b['vocab_size']} tokens)" if "vocab_size" in blocking else ""
        raise InputError(
            f"the target '{target_name}' and the reference '{reference_name}' use different tokenizers: "
            f"{', '.join(_BLOCKING[f] for f in blocking)} differ{sizes}. Reference-adjusted scores subtract "
            "per-example statistics computed on the same token ids, so the two models must share a "
            "tokenizer. Use the target's own un-fine-tuned base model as --reference (and give the "
            "fine-tune as --adapter)."
        )
    return [f"target and reference tokenizers differ in their {_NOTED[f]}; conversations are rendered with "
            f"the target's ('{target_name}') and both models score the same token ids"
            for f in _NOTED if a[f] != b[f]]


def adjusted(target: Mapping[str, float | None], reference: Mapping[str, float | None]) -> dict[str, float | None]:
    """adj_<metric> = target − reference for every metric both have (None when either is missing)."""
    out: dict[str, float | None] = {}
    for name, value in target.items():
        ref = reference.get(name)
        out[name] = None if value is None or ref is None or not np.isfinite(value - ref) else float(value - ref)
    return out
