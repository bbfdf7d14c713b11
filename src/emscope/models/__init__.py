"""Model service: the bundled models, and loading any Hugging Face id or local path."""

from emscope.models.registry import BUILTIN_MODELS, ModelSpec, bundled_path, get_builtin
from emscope.models.loading import (
    embed_texts,
    ensure_converted,
    load_causal_lm,
    load_embedder,
    load_tokenizer,
    model_info,
    resolve_model_dir,
)

__all__ = [
    "BUILTIN_MODELS",
    "ModelSpec",
    "bundled_path",
    "get_builtin",
    "embed_texts",
    "ensure_converted",
    "load_causal_lm",
    "load_embedder",
    "load_tokenizer",
    "model_info",
    "resolve_model_dir",
]
