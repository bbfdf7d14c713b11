"""Device and precision choice, model checks before loading, LoRA attachment, and the loss.

The loss runs the model body for hidden states, keeps only the positions whose next token
is a label, and applies the LM head and cross-entropy there. The head of the bundled model
is a 49k-vocabulary matmul; prompt tokens (system and user turns, about half of a row) never
need it, so skipping them saves that work and the large logits tensor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emscope.core.errors import InputError
from emscope.models import load_causal_lm, resolve_model_dir
from emscope.models.chat import IGNORE_INDEX
from emscope.models.precision import fast_bf16
from emscope.train.config import TrainConfig

__all__ = ["Runtime", "resolve_runtime", "check_model", "load_model", "attach_lora",
           "LossFn", "lora_linear_names"]

_LENGTH_KEYS = ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length")
# Config attributes that make logits differ from `head(hidden)`; such models use the full forward.
_LOGIT_TRANSFORMS = ("final_logit_softcapping", "logit_scale", "logits_scaling", "output_multiplier_scale")
# Eager attention measured ~20% faster than SDPA on CPU for chat rows of ~100-200 tokens; it
# materialises the attention matrix, so longer micro-batches use SDPA to bound memory.
EAGER_MAX_LENGTH = 256
# Label positions per LM-head chunk: bounds logits memory (~180 MB at a 49k vocabulary).
HEAD_CHUNK = 256


@dataclass(frozen=True)
class Runtime:
    """Where and how the run computes."""

    device: str  # "cpu" or "cuda[:N]"
    precision: str  # "bf16" or "fp32"

    @property
    def autocast_device(self) -> str:
        """The device type torch.autocast expects."""
        return "cuda" if self.device.startswith("cuda") else "cpu"


def resolve_runtime(config: TrainConfig) -> Runtime:
    """CUDA when present (or asked for), and bf16 where the hardware runs it natively."""
    import torch

    cuda = torch.cuda.is_available()
    device = config.device
    if device == "auto":
        device = "cuda" if cuda else "cpu"
    if device.startswith("cuda") and not cuda:
        raise InputError(f"--device {config.device}: CUDA is not available on this machine; use --device cpu")
    precision = config.precision
    if precision == "auto":
        # Native bf16 only: CUDA, or CPUs with AVX512-BF16/AMX (torch reports just "AVX512" for
        # the former, so the kernel's CPU flags decide); emulated bf16 is slower than fp32.
        precision = "bf16" if fast_bf16(device) else "fp32"
    return Runtime(device, precision)


def _model_config(model: str) -> Any:
    from transformers import AutoConfig

    source = resolve_model_dir(model)
    try:
        return AutoConfig.from_pretrained(source)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"unknown model '{model}': {exc}\nGive a bundled model (see `emscope models list`), a local "
            "folder with config.json, or a Hugging Face id that is cached locally or reachable."
        ) from exc


def check_model(config: TrainConfig) -> Any:
    """Check the model exists and takes `max_length` tokens, from its config alone (no weights)."""
    model_config = _model_config(config.model)
    limit = next((getattr(model_config, k) for k in _LENGTH_KEYS if getattr(model_config, k, None)), None)
    if limit is not None and config.max_length > limit:
        raise InputError(f"--max-length {config.max_length} is longer than model '{config.model}' takes "
                         f"({limit} positions); use --max-length {limit} or less")
    return model_config


def load_model(config: TrainConfig, runtime: Runtime) -> tuple[Any, Any]:
    """The base model and tokenizer on the run's device, its frozen weights in the run's precision.

    Under bf16 the frozen base is stored in bf16 (LoRA weights stay fp32): measured on CPU it
    is as fast as an fp32 base under autocast, and it halves weight memory and stops autocast
    from saving one bf16 copy of each layer input per projection (peak memory is the limit).
    """
    import torch

    dtype = torch.bfloat16 if runtime.precision == "bf16" else torch.float32
    model, tokenizer = load_causal_lm(config.model, dtype=dtype, device=runtime.device)
    model.config.use_cache = False  # no KV cache while training
    return model, tokenizer


def lora_linear_names(model: Any) -> list[str]:
    """Suffixes of the linear layers LoRA can target (the LM head excluded)."""
    import torch

    out_head = model.get_output_embeddings()
    names = {name.rsplit(".", 1)[-1] for name, module in model.named_modules()
             if isinstance(module, torch.nn.Linear) and module is not out_head}
    return sorted(names)


def attach_lora(model: Any, config: TrainConfig) -> Any:
    """Wrap the model with fresh LoRA adapters (seeded), after checking every target exists."""
    import torch
    from peft import LoraConfig, get_peft_model

    available = lora_linear_names(model)
    missing = [t for t in config.target_modules if t not in available]
    if missing:
        raise InputError(f"model '{config.model}' has no linear layer named {', '.join(missing)} "
                         f"(--target-modules); it has: {', '.join(available)}")
    lora = LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=list(config.target_modules), use_rslora=config.use_rslora,
                      bias="none", task_type="CAUSAL_LM")
    torch.manual_seed(config.seed)  # LoRA A matrices are drawn from torch's global RNG
    peft_model = get_peft_model(model, lora)
    peft_model.train()
    return peft_model


class LossFn:
    """Cross-entropy over label positions, the LM head applied only there and in chunks.

    `forward_backward` runs the body, then the head + cross-entropy over chunks of label
    positions, each chunk backpropagated at once into the (detached) hidden states, and
    finally the body's backward from those gradients. Memory for logits is bounded by one
    chunk (a 49k vocabulary costs ~0.7 MB per position in bf16 + fp32 + gradient), and nothing
    is recomputed.
    """

    def __init__(self, peft_model: Any, runtime: Runtime, head_chunk: int = HEAD_CHUNK) -> None:
        base = peft_model.get_base_model()
        self.model = peft_model
        self.body = base.get_decoder()
        self.head = base.get_output_embeddings()
        self.selective = self.body is not None and self.head is not None and not any(
            getattr(base.config, k, None) for k in _LOGIT_TRANSFORMS)
        self.runtime = runtime
        self.head_chunk = head_chunk

    def _autocast(self) -> Any:
        import torch

        return torch.autocast(self.runtime.autocast_device, dtype=torch.bfloat16,
                              enabled=self.runtime.precision == "bf16")

    def _no_input_cast(self) -> Any:
        """Under bf16, stop peft casting each LoRA input to fp32 (autocast casts it back: two copies)."""
        from contextlib import nullcontext

        from peft.helpers import disable_input_dtype_casting

        return disable_input_dtype_casting(self.model) if self.runtime.precision == "bf16" else nullcontext()

    def _set_attention(self, width: int) -> None:
        if self.runtime.device == "cpu":
            self.model.get_base_model().config._attn_implementation = (
                "eager" if width <= EAGER_MAX_LENGTH else "sdpa")

    def forward_backward(self, input_ids: Any, attention_mask: Any, labels: Any, scale: float) -> float:
        """Accumulate gradients of `scale` x (summed token loss); return the summed loss."""
        import torch
        import torch.nn.functional as F

        self._set_attention(input_ids.shape[1])
        targets = labels[:, 1:]
        keep = targets != IGNORE_INDEX
        wanted = targets[keep]
        with self._autocast(), self._no_input_cast():
            if not self.selective:
                logits = self.model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1][keep]
                loss = F.cross_entropy(logits.float(), wanted, reduction="sum")
                (loss * scale).backward()
                return float(loss.detach())
            hidden = self.body(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, :-1][keep]
            if hidden.shape[0] == 0:
                return 0.0
            leaf = hidden.detach().requires_grad_(True)
            total = torch.zeros((), dtype=torch.float32, device=leaf.device)
            for start in range(0, leaf.shape[0], self.head_chunk):
                part = slice(start, start + self.head_chunk)
                loss = F.cross_entropy(self.head(leaf[part]).float(), wanted[part], reduction="sum")
                (loss * scale).backward()
                total += loss.detach()
        hidden.backward(leaf.grad)
        return float(total)
