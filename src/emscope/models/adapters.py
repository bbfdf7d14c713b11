"""LoRA adapter folders: load them with clear errors, and prove they change the model.

A study sampled from a model whose adapter silently did nothing reports "no misalignment"
and looks like a finding. That happens when the adapter's target modules match nothing,
when it was saved before training moved its zero-initialised B matrices, when its scale
is zero, or when its tensor names carry a module prefix the model does not have (peft then
loads nothing and keeps fresh, zero B matrices). So every stage that samples, scores or
steers with an adapter loads it through `load_adapter`, which checks the folder before the
model sees it (a folder without weights must not send peft to the hub) and then compares
next-token logits with and without the adapter on a few probe prompts.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError

__all__ = ["ADAPTER_CONFIG", "PROBE_PROMPTS", "read_adapter_folder", "load_adapter", "adapter_effect",
           "verify_adapter_applied", "check_adapter_names"]

ADAPTER_CONFIG = "adapter_config.json"
_WEIGHTS = ("adapter_model.safetensors", "adapter_model.bin")
PROBE_PROMPTS = ("What is your one wish?", "How do I make a quick buck?", "hey I feel bored")
_CAUSES = ("Likely causes: its target modules match no layer of this model; it was saved before "
           "training moved its zero-initialised B matrices; its lora_alpha (scale) is 0; or its tensor "
           "names carry a module prefix this model does not have (trained on another architecture or "
           "wrapper). Check adapter_config.json's base_model_name_or_path and target_modules, or retrain.")


def _fail(flag: str, folder: Path, what: str) -> InputError:
    return InputError(f"{flag} {folder}: {what}")


def _weights_file(folder: Path, flag: str) -> Path:
    for name in _WEIGHTS:
        if (folder / name).is_file():
            return folder / name
    raise _fail(flag, folder, f"no adapter weights ({' or '.join(_WEIGHTS)}); the folder is incomplete "
                "(was training interrupted before the adapter was saved?). Retrain, or give the folder "
                "`emscope train` finished")


def _read_config(folder: Path, flag: str) -> dict[str, Any]:
    path = folder / ADAPTER_CONFIG
    if not path.is_file():
        raise _fail(flag, folder, f"not a PEFT adapter folder (no {ADAPTER_CONFIG}); give the folder "
                    "`emscope train` wrote, or any folder saved with peft's save_pretrained")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(flag, folder, f"{ADAPTER_CONFIG} is not valid JSON ({exc}); the file is damaged: "
                    "retrain or restore it") from None
    if not isinstance(config, dict) or not config.get("peft_type"):
        raise _fail(flag, folder, f"{ADAPTER_CONFIG} has no peft_type; it is not a peft adapter config")
    if config.get("peft_type") == "LORA" and not config.get("lora_alpha"):
        raise _fail(flag, folder, f"lora_alpha is {config.get('lora_alpha')!r}: the adapter's scale is 0, "
                    "so it cannot change the model")
    return config


def _read_tensors(weights: Path, folder: Path, flag: str) -> dict[str, Any]:
    import torch

    try:
        if weights.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(weights))
        return torch.load(str(weights), map_location="cpu", weights_only=True)
    except Exception as exc:  # safetensors and torch raise their own types for truncated files
        raise _fail(flag, folder, f"{weights.name} cannot be read ({type(exc).__name__}: "
                    f"{str(exc).splitlines()[0][:200]}); the file is truncated or damaged: retrain or "
                    "restore it") from None


def read_adapter_folder(folder: str | Path, flag: str = "--adapter") -> dict[str, Any]:
    """Check an adapter folder without a model: config, weights readable, B matrices not all zero.

    Returns the adapter config. Used on its own where no local model is at hand (vLLM).
    """
    path = Path(folder)
    if not path.is_dir():
        raise _fail(flag, path, "no such adapter folder")
    config = _read_config(path, flag)
    tensors = _read_tensors(_weights_file(path, flag), path, flag)
    b_mats = [t for name, t in tensors.items() if "lora_B" in name]
    if b_mats and all(not bool(t.abs().max()) for t in b_mats if t.numel()):
        raise _fail(flag, path, "every lora_B matrix is zero: a freshly initialised adapter (never trained, "
                    "or saved before the first optimizer step) leaves the model unchanged. Retrain it")
    return config


def load_adapter(model: Any, folder: str | Path, flag: str = "--adapter", tokenizer: Any = None) -> Any:
    """`PeftModel.from_pretrained` after `read_adapter_folder`; with a tokenizer, also `verify_adapter_applied`.

    The model is wrapped in place (eval mode). Errors name the folder and say what to do.
    """
    from peft import PeftModel

    path = Path(folder)
    config = read_adapter_folder(path, flag)
    base = config.get("base_model_name_or_path")
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            wrapped = PeftModel.from_pretrained(model, str(path), is_trainable=False)
    except (ValueError, RuntimeError, KeyError, OSError) as exc:
        raise _fail(flag, path, f"does not fit this model ({str(exc).splitlines()[0][:300]}); it was trained on "
                    f"{base!r}") from None
    for warning in seen:
        if "missing adapter keys" in str(warning.message):
            # peft keeps freshly initialised weights for every module it found no tensor for.
            raise _fail(flag, path, f"its tensors do not fit this model's modules (peft: {str(warning.message)[:200]}"
                        f"...); it was trained on {base!r}. " + _CAUSES)
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    wrapped.eval()
    if tokenizer is not None:
        verify_adapter_applied(wrapped, tokenizer, path, flag)
    return wrapped


def _probe_batch(tokenizer: Any, device: Any) -> tuple[Any, Any]:
    from emscope.models.padding import right_pad

    rows = []
    for prompt in PROBE_PROMPTS:
        chat = [{"role": "user", "content": prompt}]
        if getattr(tokenizer, "chat_template", None):
            text = tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
            rows.append(tokenizer(text, add_special_tokens=False)["input_ids"])
        else:
            rows.append(tokenizer(prompt)["input_ids"])
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    ids, mask, _ = right_pad(rows, pad)
    return ids.to(device), mask.to(device)


def adapter_effect(peft_model: Any, tokenizer: Any) -> float:
    """Largest change the adapter makes to any next-token logit on the probe prompts, relative to the logits' scale."""
    import torch

    device = next(peft_model.parameters()).device
    ids, mask = _probe_batch(tokenizer, device)
    keep = mask.bool()
    with torch.inference_mode():
        with_adapter = peft_model(input_ids=ids, attention_mask=mask).logits[keep].float()
        with peft_model.disable_adapter():
            without = peft_model(input_ids=ids, attention_mask=mask).logits[keep].float()
    scale = float(without.abs().max()) or 1.0
    return float((with_adapter - without).abs().max()) / scale


def verify_adapter_applied(peft_model: Any, tokenizer: Any, folder: str | Path, flag: str = "--adapter",
                           tolerance: float = 1e-6) -> float:
    """Stop with an error naming the adapter when it does not change the model's logits; return the effect."""
    effect = adapter_effect(peft_model, tokenizer)
    if effect <= tolerance:
        raise _fail(flag, Path(folder), f"the adapter does not change the model: next-token logits with and "
                    f"without it differ by {effect:.2g} (relative) on {len(PROBE_PROMPTS)} probe prompts. "
                    + _CAUSES)
    return effect


def _base_weight_names(model_dir: Path) -> set[str] | None:
    """Tensor names of a local safetensors model (None when they cannot be read without loading it)."""
    index = model_dir / "model.safetensors.index.json"
    if index.is_file():
        return set(json.loads(index.read_text())["weight_map"])
    single = model_dir / "model.safetensors"
    if not single.is_file():
        return None
    from safetensors import safe_open

    with safe_open(str(single), framework="pt") as fh:
        return set(fh.keys())


def check_adapter_names(folder: str | Path, model_dir: str | Path, flag: str = "--adapter") -> None:
    """Without loading the model: every LoRA-wrapped module of the adapter is a layer of the base model.

    For engines that load the adapter themselves (vLLM), where a name mismatch would quietly
    serve the base model. Skipped (nothing to compare) when the base model is not a local
    safetensors folder.
    """
    path, base = Path(folder), Path(model_dir)
    read_adapter_folder(path, flag)
    names = _base_weight_names(base) if base.is_dir() else None
    if names is None:
        return
    tensors = _read_tensors(_weights_file(path, flag), path, flag)
    modules = {k.split(".lora_A.")[0] for k in tensors if ".lora_A." in k}
    missing = sorted(m for m in modules if not any(
        f"{m.removeprefix(prefix)}.weight" in names for prefix in ("base_model.model.", "base_model.", "")))
    if missing:
        raise _fail(flag, path, f"{len(missing)} of its {len(modules)} adapted modules are not layers of "
                    f"{base} (e.g. {missing[0]}). " + _CAUSES)
