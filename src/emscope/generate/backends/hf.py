"""The `hf` backend: transformers on CPU or GPU, with PEFT adapters merged into the weights.

Speed comes from the `slots` engine (`_hf_engine`): continuous batching over a
preallocated KV cache, one prefill shared by all samples of a prompt, bf16 weights where
the hardware has native bf16, and `torch.inference_mode`. Models it cannot drive (sliding
window or non-attention layers, custom code without attention backends) use `stock`:
transformers' own `generate`, batched with `num_return_sequences`.

A PEFT adapter is loaded with `PeftModel.from_pretrained` over the base model and merged
(`merge_and_unload`) in fp32 before any cast, so decoding pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from emscope.core.errors import InputError
from emscope.generate.backends.base import Message, SampleRequest, SampleResult
from emscope.generate.config import GenerateConfig, HFOptions
from emscope.models import load_causal_lm

__all__ = ["HFBackend", "resolve_dtype", "stop_token_ids", "auto_batch_size", "CPU_BATCH_SIZE"]

CPU_BATCH_SIZE = 64  # measured best on the 2-core CPU for the bundled model
GPU_MAX_BATCH_SIZE = 1024


def resolve_dtype(option: str, device: str) -> Any:
    """The torch dtype for `--dtype`: auto picks bf16 on CUDA and on CPUs with native bf16."""
    import torch

    if option == "auto":
        if device.startswith("cuda"):
            return torch.bfloat16
        native = device == "cpu" and torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported()
        return torch.bfloat16 if native else torch.float32
    return {"bf16": torch.bfloat16, "fp32": torch.float32, "fp16": torch.float16}[option]


def stop_token_ids(model: Any, tokenizer: Any) -> set[int]:
    """Every token that ends an answer: the tokenizer's EOS and the generation config's."""
    found: set[int] = set()
    for source in (getattr(model.generation_config, "eos_token_id", None), tokenizer.eos_token_id):
        if isinstance(source, int):
            found.add(source)
        elif source:
            found.update(int(t) for t in source)
    if not found:
        raise InputError("the model's tokenizer and generation config define no EOS token; cannot tell "
                         "when an answer ends")
    return found


def _load_adapter(model: Any, adapter: str, tokenizer: Any) -> Any:
    """The model with `adapter` merged in, after proving the adapter changes its logits (`models.adapters`)."""
    from emscope.models.adapters import load_adapter

    merged = load_adapter(model, adapter, "--adapter", tokenizer).merge_and_unload()
    merged.eval()
    return merged


def auto_batch_size(model: Any, requests: Sequence[SampleRequest], tokenize: Any) -> int:
    """Slots for a run: 64 on CPU; on a GPU as many as half the free memory holds, up to 1024.

    A GPU decode step of a 7B model costs about the same for 64 or 512 sequences (it reads
    every weight once either way, and the host's per-step work is per step), so new tokens per
    second grow almost with the batch until memory runs out. Per slot: the KV cache of the
    longest prompt plus max_new_tokens, and two vocabulary-sized float32 rows (logits, sampling).
    """
    import torch

    device = next(model.parameters()).device
    if device.type != "cuda":
        return CPU_BATCH_SIZE
    text = model.config.get_text_config()
    heads = text.num_attention_heads
    kv_heads = getattr(text, "num_key_value_heads", None) or heads
    head_dim = getattr(text, "head_dim", None) or text.hidden_size // heads
    width = next(model.parameters()).element_size()
    longest = max(len(tokenize(r.messages)) for r in {r.prompt_key: r for r in requests}.values())
    columns = longest + max(r.max_new_tokens for r in requests)
    per_slot = 2 * text.num_hidden_layers * kv_heads * head_dim * width * columns + 2 * 4 * text.vocab_size
    free, _ = torch.cuda.mem_get_info(device)
    fits = int(0.5 * free // per_slot)
    return max(1, min(fits, GPU_MAX_BATCH_SIZE, len(requests)))


def _slots_supported(model: Any) -> bool:
    """Whether the slots engine can drive this model: full attention everywhere, attention backends."""
    config = model.config.get_text_config()
    layer_types = getattr(config, "layer_types", None) or ["full_attention"]
    return (bool(getattr(model, "_supports_attention_backend", False))
            and not getattr(model.config, "is_encoder_decoder", False)
            and all(t == "full_attention" for t in layer_types))


class HFBackend:
    """Generate with a transformers causal LM (optionally with a merged PEFT adapter)."""

    def __init__(self, model: Any, tokenizer: Any, options: HFOptions) -> None:
        """Wrap an already loaded model (in eval mode, on its device, in its final dtype)."""
        if not getattr(tokenizer, "chat_template", None):
            raise InputError("the model's tokenizer has no chat template: emscope asks chat questions, "
                             "so give an instruct/chat model")
        self.model, self.tokenizer, self.options = model, tokenizer, options
        self.stop_ids = stop_token_ids(model, tokenizer)
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else min(self.stop_ids)
        engine = options.engine
        if engine == "auto":
            engine = "slots" if _slots_supported(model) else "stock"
        elif engine == "slots" and not _slots_supported(model):
            raise InputError("--hf-engine slots cannot drive this model (sliding-window or non-attention "
                             "layers, or no attention-backend support); use --hf-engine stock")
        self.engine = engine
        if engine == "slots":
            from emscope.generate.backends._hf_slots import ATTENTION_NAME, register_attention

            register_attention()
            model.set_attn_implementation(ATTENTION_NAME)

    @classmethod
    def from_config(cls, config: GenerateConfig) -> HFBackend:
        """Load the model (and adapter) that `config` names."""
        import torch

        opts = config.hf
        device = opts.device or ("cuda" if torch.cuda.is_available() else "cpu")
        model, tokenizer = load_causal_lm(config.model, dtype=torch.float32)
        if config.adapter:
            model = _load_adapter(model, config.adapter, tokenizer)
        model.to(device=device, dtype=resolve_dtype(opts.dtype, device))
        return cls(model, tokenizer, opts)

    def render(self, messages: Sequence[Message]) -> str:
        """The prompt text: the chat template with the assistant header opened for the answer."""
        chat = [{"role": m.role, "content": m.content} for m in messages]
        if not chat or chat[-1]["role"] != "user":
            raise ValueError("a generation prompt must end with a user turn")
        return self.tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)

    def tokenize(self, messages: Sequence[Message]) -> list[int]:
        """Token ids of the rendered prompt (the template already holds any BOS token)."""
        return list(self.tokenizer(self.render(messages), add_special_tokens=False)["input_ids"])

    def decode(self, tokens: list[int]) -> str:
        """Answer text from generated token ids, special tokens dropped."""
        return self.tokenizer.decode(tokens, skip_special_tokens=True)

    def generate(self, requests: Sequence[SampleRequest]) -> Iterator[SampleResult]:
        """Yield each sample as it finishes."""
        if not requests:
            return iter(())
        if self.engine == "slots":
            from emscope.generate.backends._hf_engine import SlotEngine

            slots = self.options.batch_size or auto_batch_size(self.model, requests, self.tokenize)
            engine = SlotEngine(self.model, self.pad_id, self.stop_ids, slots, self.decode)
            return engine.run(requests, self.tokenize)
        return self._stock(requests)

    def _stock(self, requests: Sequence[SampleRequest]) -> Iterator[SampleResult]:
        """transformers' generate: per prompt, up to batch_size samples per call.

        Seeded per call from its first sample, so the same requests give the same answers,
        but a sample's answer depends on the chunk it lands in (the slots engine's does not).
        """
        import torch

        groups: dict[object, list[SampleRequest]] = {}
        for req in requests:
            groups.setdefault(req.prompt_key, []).append(req)
        size = self.options.batch_size or CPU_BATCH_SIZE
        for members in groups.values():
            ids = torch.tensor([self.tokenize(members[0].messages)], device=self.model.device)
            for lo in range(0, len(members), size):
                chunk = members[lo:lo + size]
                torch.manual_seed(chunk[0].seed)
                temperature = chunk[0].temperature
                sampling: dict[str, Any] = ({"do_sample": True, "temperature": temperature, "top_k": 0, "top_p": 1.0}
                                            if temperature > 0 else {"do_sample": False})
                # Greedy answers are all alike, and generate refuses several of them.
                count = len(chunk) if temperature > 0 else 1
                with torch.inference_mode():
                    out = self.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids),
                                              max_new_tokens=chunk[0].max_new_tokens, num_return_sequences=count,
                                              eos_token_id=sorted(self.stop_ids), pad_token_id=self.pad_id, **sampling)
                rows = out[:, ids.shape[1]:].tolist()
                for req, row in zip(chunk, rows * (len(chunk) // count), strict=True):
                    yield self._stock_result(req, row)

    def _stock_result(self, req: SampleRequest, row: list[int]) -> SampleResult:
        for i, token in enumerate(row):
            if token in self.stop_ids:
                return SampleResult(req.id, self.decode(row[:i]), "stop", new_tokens=i + 1)
        return SampleResult(req.id, self.decode(row), "length", new_tokens=len(row))
