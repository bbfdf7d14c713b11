"""The `vllm` backend: vLLM's offline `LLM` engine (GPU only; optional extra).

Install with `pip install 'emscope[vllm]'` (or `pip install vllm==0.33.0`). Importing this module never imports vLLM;
constructing the backend does, and says how to install it when it is missing. An adapter is
served with `enable_lora=True` and passed per call as a `LoRARequest`. Requests go to vLLM
in chunks of `chunk_size`, and each chunk's rows are yielded (and so saved) when it
finishes. Every sample has its own seed in its `SamplingParams`, and `top_p=1.0` so that
sampling is plain temperature sampling as in the other backends.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from emscope.core.errors import MissingDependencyError
from emscope.generate.backends.base import SampleRequest, SampleResult
from emscope.generate.config import GenerateConfig, VLLMOptions
from emscope.models import resolve_model_dir

__all__ = ["VLLMBackend", "import_vllm", "INSTALL_HINT"]

# No square brackets (the `vllm` extra): the CLI prints errors as rich markup.
INSTALL_HINT = (".venv/bin/pip install vllm==0.33.0 (the 'vllm' extra of emscope; it needs an NVIDIA GPU: "
                "on CPU use --backend hf, or serve the model elsewhere and use --backend openai)")
_SEED_RANGE = 2**31


def import_vllm() -> Any:
    """The vllm module, or a MissingDependencyError with the install command."""
    try:
        import vllm
    except ImportError as exc:
        raise MissingDependencyError(f"the vllm backend needs vLLM, which is not installed: {INSTALL_HINT}") from exc
    return vllm


class VLLMBackend:
    """Generate with `vllm.LLM` (optionally with a LoRA adapter)."""

    def __init__(self, model: str, adapter: str | None, options: VLLMOptions, seed: int = 0) -> None:
        """Start the vLLM engine for `model` (a bundled name, local folder or HF id)."""
        vllm = import_vllm()
        if adapter:
            from emscope.models.adapters import check_adapter_names

            # vLLM applies the adapter itself; a name mismatch there would quietly serve the base model.
            check_adapter_names(adapter, resolve_model_dir(model))
        self.options, self.adapter = options, adapter
        kwargs: dict[str, Any] = {"model": resolve_model_dir(model), "seed": seed,
                                  "tensor_parallel_size": options.tensor_parallel_size,
                                  "gpu_memory_utilization": options.gpu_memory_utilization}
        if adapter:
            kwargs.update(enable_lora=True, max_lora_rank=options.max_lora_rank)
        self._vllm = vllm
        self.llm = vllm.LLM(**kwargs)
        self.lora = None
        if adapter:
            from vllm.lora.request import LoRARequest

            self.lora = LoRARequest("emscope-adapter", 1, adapter)

    @classmethod
    def from_config(cls, config: GenerateConfig) -> VLLMBackend:
        """The backend for `config`."""
        return cls(config.model, config.adapter, config.vllm, config.seed)

    def generate(self, requests: Sequence[SampleRequest]) -> Iterator[SampleResult]:
        """Yield results chunk by chunk (vLLM batches and schedules within a chunk)."""
        size = self.options.chunk_size
        for lo in range(0, len(requests), size):
            chunk = list(requests[lo:lo + size])
            params = [self._vllm.SamplingParams(n=1, temperature=r.temperature, top_p=1.0,
                                                max_tokens=r.max_new_tokens, seed=r.seed % _SEED_RANGE)
                      for r in chunk]
            # chat() applies the chat template with add_generation_prompt=True; our
            # prompts always end with the user turn.
            outputs = self.llm.chat([r.as_dicts() for r in chunk], params, use_tqdm=False,
                                    lora_request=self.lora)
            for req, out in zip(chunk, outputs, strict=True):
                yield _result(req, out)


def _result(req: SampleRequest, output: Any) -> SampleResult:
    completion = output.outputs[0]
    reason = completion.finish_reason
    if reason not in ("stop", "length"):
        return SampleResult(req.id, None, None, error=f"vLLM finish_reason {reason!r}")
    tokens = len(getattr(completion, "token_ids", ()) or ()) or None
    return SampleResult(req.id, completion.text, reason, new_tokens=tokens)
