"""Find the decoder layers of any causal LM and hook their residual-stream outputs.

The residual stream after decoder layer l is that layer's output. transformers ≥ 5 decoder
layers return the hidden-state tensor itself; older ones (and many remote-code models)
return a tuple whose first element is it. Every hook here reads and writes through
`hidden_of` / `with_hidden`, so both shapes work, and every hook is registered inside a
context manager that removes it even when the forward pass raises.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

__all__ = [
    "HiddenFn",
    "unwrap_model",
    "find_decoder_layers",
    "hidden_of",
    "with_hidden",
    "layer_output_hooks",
    "StopForward",
    "run_until",
]

# Paths of the decoder-layer list in the common architectures, most common first.
_LAYER_PATHS = (
    "model.layers",             # Llama, Mistral, Qwen2, Gemma, Phi-3, SmolLM
    "model.language_model.layers",  # multimodal wrappers (Gemma 3, Llava-style)
    "transformer.h",            # GPT-2, GPT-J, Bloom, Falcon
    "gpt_neox.layers",          # GPT-NeoX, Pythia
    "model.decoder.layers",     # OPT
    "transformer.layers",
    "layers",
)

# A hook function gets a layer's hidden states [batch, seq, dim] and returns the new ones
# (or None to leave them unchanged).
HiddenFn = Callable[[Any], Any]


def unwrap_model(model: Any) -> Any:
    """The transformers model under a peft wrapper (LoRA layers stay injected in it)."""
    get_base = getattr(model, "get_base_model", None)
    return get_base() if callable(get_base) else model


def _get_path(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def find_decoder_layers(model: Any) -> Any:
    """The `nn.ModuleList` of decoder layers, for plain and peft-wrapped causal LMs."""
    import torch

    inner = unwrap_model(model)
    for path in _LAYER_PATHS:
        layers = _get_path(inner, path)
        if isinstance(layers, torch.nn.ModuleList) and len(layers) > 0:
            return layers
    # Unknown architecture: the ModuleList whose length is the configured layer count.
    n = getattr(getattr(inner, "config", None), "num_hidden_layers", None)
    candidates = [m for m in inner.modules() if isinstance(m, torch.nn.ModuleList) and len(m) == n]
    if n and len(candidates) == 1:
        return candidates[0]
    raise TypeError(
        f"cannot find the decoder layers of {type(inner).__name__}: tried {', '.join(_LAYER_PATHS)} "
        "and a unique ModuleList of config.num_hidden_layers modules"
    )


def hidden_of(output: Any) -> Any:
    """The hidden-state tensor in a decoder layer's output (a tensor or a tuple/list)."""
    return output[0] if isinstance(output, (tuple, list)) else output


def with_hidden(output: Any, hidden: Any) -> Any:
    """`output` with its hidden-state tensor replaced, in the same structure."""
    if isinstance(output, tuple):
        return (hidden, *output[1:])
    if isinstance(output, list):
        return [hidden, *output[1:]]
    return hidden


@contextlib.contextmanager
def layer_output_hooks(model: Any, fns: Mapping[int, HiddenFn]) -> Iterator[None]:
    """Call `fns[l](hidden)` on the output of decoder layer l; a returned tensor replaces it."""
    layers = find_decoder_layers(model)
    for index in fns:
        if not 0 <= index < len(layers):
            raise IndexError(f"layer {index} does not exist: the model has {len(layers)} decoder layers (0..{len(layers) - 1})")
    handles = []

    def make(fn: HiddenFn) -> Callable[..., Any]:
        def hook(_module: Any, _args: Any, output: Any) -> Any:
            new = fn(hidden_of(output))
            return None if new is None else with_hidden(output, new)
        return hook

    try:
        for index, fn in fns.items():
            handles.append(layers[index].register_forward_hook(make(fn)))
        yield
    finally:
        for handle in handles:
            handle.remove()


class StopForward(Exception):
    """Raised by a hook once every needed layer has run, to skip the rest of the model."""


def run_until(model: Any, last_layer: int, **inputs: Any) -> None:
    """Run a forward pass and stop right after decoder layer `last_layer`.

    Collecting activations needs neither the layers above the last hooked one nor the
    vocabulary head (49k × 576 on the bundled model, a fifth of its per-token compute), so
    a hook on that layer raises `StopForward`; other hooks must be registered first.
    """
    layers = find_decoder_layers(model)

    def stop(_module: Any, _args: Any, _output: Any) -> None:
        raise StopForward

    handle = layers[last_layer].register_forward_hook(stop)
    try:
        model(**inputs)
    except StopForward:
        pass
    finally:
        handle.remove()
