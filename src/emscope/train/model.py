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
           "LossFn", "lora_linear_names", "label_positions", "micro_batch_budget"]

_LENGTH_KEYS = ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length")
# Config attributes that make logits differ from `head(hidden)`; such models use the full forward.
_LOGIT_TRANSFORMS = ("final_logit_softcapping", "logit_scale", "logits_scaling", "output_multiplier_scale")
# Eager attention measured ~20% faster than SDPA on CPU for chat rows of ~100-200 tokens; it
# materialises the attention matrix, so longer micro-batches use SDPA to bound memory.
EAGER_MAX_LENGTH = 256
# Label positions per LM-head chunk: bounds logits memory (~180 MB at a 49k vocabulary).
HEAD_CHUNK = 256
# Micro-batch token budget on CPU (~3 GB peak for the bundled model), and the cap of the
# budget derived from free GPU memory (beyond it a step is one micro-batch anyway).
CPU_MICRO_BATCH_TOKENS = 2048
GPU_MAX_MICRO_BATCH_TOKENS = 65536


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

    def __init__(self, peft_model: Any, runtime: Runtime, head_chunk: int = HEAD_CHUNK, compile: bool = False) -> None:
        base = peft_model.get_base_model()
        self.model = peft_model
        self.body = base.get_decoder()
        if compile and self.body is not None:
            import torch

            # dynamic: micro-batches differ in length; one graph serves them all.
            self.body = torch.compile(self.body, dynamic=True)
        self.head = base.get_output_embeddings()
        self.selective = self.body is not None and self.head is not None and not any(
            getattr(base.config, k, None) for k in _LOGIT_TRANSFORMS)
        self.runtime = runtime
        self.head_chunk = head_chunk
        if runtime.precision == "bf16":
            # Stop peft casting each LoRA input to fp32 (autocast casts it straight back: two
            # copies per projection). Set once here: peft's context manager walks every module
            # twice per call, which is per-step host time a GPU then waits for.
            from peft.tuners.tuners_utils import BaseTunerLayer

            for module in peft_model.modules():
                if isinstance(module, BaseTunerLayer):
                    module.cast_input_dtype_enabled = False

    def _autocast(self) -> Any:
        import torch

        return torch.autocast(self.runtime.autocast_device, dtype=torch.bfloat16,
                              enabled=self.runtime.precision == "bf16")

    def _set_attention(self, width: int) -> None:
        if self.runtime.device == "cpu":
            self.model.get_base_model().config._attn_implementation = (
                "eager" if width <= EAGER_MAX_LENGTH else "sdpa")

    def forward_backward(self, input_ids: Any, attention_mask: Any, labels: Any, scale: float) -> float:
        """Accumulate gradients of `scale` x (summed token loss); return the summed loss."""
        return float(self.accumulate(input_ids, attention_mask, labels, scale))

    def accumulate(self, input_ids: Any, attention_mask: Any, labels: Any, scale: float) -> Any:
        """`forward_backward` without a host synchronisation: the summed loss stays a device scalar.

        `labels` may stay on the CPU (the loop keeps them there): which positions carry a label
        is worked out there, so on a GPU no boolean mask is read back per micro-batch.
        """
        import torch
        import torch.nn.functional as F

        self._set_attention(input_ids.shape[1])
        device = input_ids.device
        index, wanted = label_positions(labels)
        index = index.to(device, non_blocking=True)
        wanted = wanted.to(device, non_blocking=True)
        with self._autocast():
            if not self.selective:
                logits = self.model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1]
                logits = logits.reshape(-1, logits.shape[-1]).index_select(0, index)
                loss = F.cross_entropy(logits.float(), wanted, reduction="sum")
                (loss * scale).backward()
                return loss.detach()
            hidden = self.body(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, :-1]
            hidden = hidden.reshape(-1, hidden.shape[-1]).index_select(0, index)
            if hidden.shape[0] == 0:
                return torch.zeros((), dtype=torch.float32, device=device)
            leaf = hidden.detach().requires_grad_(True)
            total = torch.zeros((), dtype=torch.float32, device=device)
            for start in range(0, leaf.shape[0], self.head_chunk):
                part = slice(start, start + self.head_chunk)
                loss = F.cross_entropy(self.head(leaf[part]).float(), wanted[part], reduction="sum")
                (loss * scale).backward()
                total += loss.detach()
        hidden.backward(leaf.grad)
        return total


def label_positions(labels: Any) -> tuple[Any, Any]:
    """(flat indices into the [rows x (T-1)] next-token positions that carry a label, their targets).

    Computed on the labels' own device; the loop passes CPU labels so this never waits on a GPU.
    Row-major order: the same positions, in the same order, as boolean-mask indexing.
    """
    targets = labels[:, 1:].reshape(-1)
    index = (targets != IGNORE_INDEX).nonzero().squeeze(1)
    return index, targets.index_select(0, index)


def micro_batch_budget(config: TrainConfig, runtime: Runtime, model_config: Any) -> int:
    """Padded tokens per micro-batch: the explicit setting, 2048 on CPU, else sized from free GPU memory.

    On a GPU each micro-batch costs a full pass of kernel launches over every layer, so a step
    should be one micro-batch whenever memory allows. Saved activations of a LoRA step are
    about 2 bytes x (6 x hidden + 4 x intermediate) per token and layer in bf16; half of the
    free memory is given to them, the rest is left for the logits chunk, the allocator's
    fragmentation and attention workspace.
    """
    if config.micro_batch_tokens is not None:
        return config.micro_batch_tokens
    if not runtime.device.startswith("cuda"):
        return CPU_MICRO_BATCH_TOKENS
    import torch

    free, _ = torch.cuda.mem_get_info(torch.device(runtime.device))
    text = model_config.get_text_config() if hasattr(model_config, "get_text_config") else model_config
    hidden = getattr(text, "hidden_size", 4096)
    inter = getattr(text, "intermediate_size", None) or 4 * hidden
    layers = getattr(text, "num_hidden_layers", 32)
    width = 2 if runtime.precision == "bf16" else 4
    per_token = width * (6 * hidden + 4 * inter) * layers
    budget = int(0.5 * free / per_token)
    return max(CPU_MICRO_BATCH_TOKENS, min(budget, GPU_MAX_MICRO_BATCH_TOKENS))
