"""Load chat models, tokenizers and embedders from bundled packages, hub ids or local paths.

The bundled chat model ships as a GGUF file. transformers can read it (with `gguf`) but
dequantizing takes seconds, so the first load converts it once into a safetensors folder
under `$EMSCOPE_HOME/models/`, keyed by the package version and file size; later loads
read that folder.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.core.keys import content_key
from emscope.core.paths import emscope_home
from emscope.models.registry import (
    BUILTIN_MODELS,
    DEFAULT_EMBEDDING_MODEL,
    ModelSpec,
    bundled_path,
    get_builtin,
    installed_version,
)

__all__ = [
    "converted_dir",
    "ensure_converted",
    "resolve_model_dir",
    "load_tokenizer",
    "load_causal_lm",
    "load_embedder",
    "embed_texts",
    "model_info",
]

_CONVERSION_FORMAT = 1  # bump when the conversion itself changes


def converted_dir(spec: ModelSpec) -> Path:
    """Where the safetensors conversion of a bundled GGUF model lives (may not exist yet)."""
    gguf = bundled_path(spec)
    key = content_key(
        {
            "package": spec.package,
            "version": installed_version(spec),
            "file": spec.relpath,
            "size": gguf.stat().st_size,
            "format": _CONVERSION_FORMAT,
        }
    )
    return emscope_home() / "models" / f"{spec.name}-{key}"


def ensure_converted(spec: ModelSpec, verbose: bool = True) -> Path:
    """Convert a bundled GGUF chat model to safetensors once; return the folder.

    The conversion is written to a temporary folder and renamed, so an interrupted or
    concurrent conversion never leaves a half-written model behind.
    """
    target = converted_dir(spec)
    if (target / "config.json").exists():
        return target
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = bundled_path(spec)
    started = time.perf_counter()
    if verbose:
        print(f"emscope: converting {spec.name} from GGUF to safetensors (once) -> {target}")
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    source = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    # The dequantized model still carries the GGUF quantization config, which makes
    # save_pretrained refuse it; a fresh model from the cleaned config holds the same weights.
    config = source.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = model.load_state_dict(source.state_dict(), strict=False)
    tied = {"lm_head.weight"} if getattr(config, "tie_word_embeddings", False) else set()
    if set(missing) - tied or unexpected:
        raise RuntimeError(f"GGUF conversion mismatch: missing={missing} unexpected={unexpected}")
    model.generation_config = source.generation_config
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    try:
        os.replace(tmp, target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process finished first
    if verbose:
        print(f"emscope: converted in {time.perf_counter() - started:.1f}s")
    return target


def resolve_model_dir(name_or_path: str) -> str:
    """A folder or hub id transformers can load: bundled names resolve to their files."""
    spec = get_builtin(name_or_path)
    if spec is None:
        return name_or_path
    if spec.kind == "chat":
        return str(ensure_converted(spec))
    return str(bundled_path(spec))


def _load_error(name: str, exc: Exception) -> InputError:
    bundled = ", ".join(BUILTIN_MODELS.names())
    return InputError(
        f"could not load model '{name}': {exc}\n"
        f"Give a bundled model ({bundled}), a local folder with config.json, or a Hugging Face id "
        "that is in your local cache or reachable over the network."
    )


def load_tokenizer(name_or_path: str) -> Any:
    """The tokenizer of a model (bundled name, hub id or local path)."""
    from transformers import AutoTokenizer

    source = resolve_model_dir(name_or_path)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
    except (OSError, ValueError) as exc:
        raise _load_error(name_or_path, exc) from exc
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_causal_lm(name_or_path: str, dtype: Any = None, device: str | None = None) -> tuple[Any, Any]:
    """Load a causal LM and its tokenizer; fp32 on CPU unless `dtype` says otherwise."""
    import torch
    from transformers import AutoModelForCausalLM

    source = resolve_model_dir(name_or_path)
    tokenizer = load_tokenizer(name_or_path)
    try:
        model = AutoModelForCausalLM.from_pretrained(source, dtype=dtype or torch.float32)
    except (OSError, ValueError) as exc:
        raise _load_error(name_or_path, exc) from exc
    if device:
        model.to(device)
    model.eval()
    return model, tokenizer


def load_embedder(name_or_path: str = DEFAULT_EMBEDDING_MODEL, device: str = "cpu") -> Any:
    """A sentence-transformers model (the bundled MiniLM by default)."""
    from sentence_transformers import SentenceTransformer

    source = resolve_model_dir(name_or_path)
    try:
        return SentenceTransformer(source, device=device)
    except (OSError, ValueError) as exc:
        raise _load_error(name_or_path, exc) from exc


def embed_texts(embedder: Any, texts: list[str], batch_size: int = 64, progress: bool = False) -> Any:
    """Sentence embeddings as a float32 numpy array, in bf16 autocast where the CPU has it.

    bf16 measured 1.4-1.7x faster than fp32 for MiniLM here, with embeddings that agree to
    cosine 0.99998 (Vendi scores equal to 3 decimals).
    """
    import numpy as np

    from emscope.models.precision import autocast

    with autocast("cpu"):
        emb = embedder.encode(texts, batch_size=batch_size, convert_to_numpy=True, show_progress_bar=progress)
    return np.asarray(emb, dtype=np.float32)


def model_info(name_or_path: str) -> dict[str, Any]:
    """What emscope knows about a model without loading its weights."""
    spec = get_builtin(name_or_path)
    info: dict[str, Any] = {"name": name_or_path, "bundled": spec is not None}
    folder: Path | None = None
    if spec is not None:
        info.update(kind=spec.kind, description=spec.description, package=spec.package,
                    installed=installed_version(spec), install=spec.install_command)
        info["source"] = str(bundled_path(spec))
        if spec.kind == "chat":
            folder = converted_dir(spec)
            info["cache"] = str(folder) if (folder / "config.json").exists() else "not converted yet"
        else:
            folder = bundled_path(spec)
    elif Path(name_or_path).is_dir():
        folder = Path(name_or_path)
    config_path = folder / "config.json" if folder else None
    if config_path and config_path.exists():
        config = json.loads(config_path.read_text())
        info.update({k: config[k] for k in ("model_type", "num_hidden_layers", "hidden_size",
                                             "vocab_size", "max_position_embeddings") if k in config})
    elif spec is None and not Path(name_or_path).exists():
        info["note"] = "not a bundled model or local folder; treated as a Hugging Face id"
    return info
