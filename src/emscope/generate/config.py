"""Typed, frozen configuration of the generate stage.

Which fields decide an answer row's `id` is fixed by docs/formats.md (suite, question,
paraphrase, condition, trigger, trigger position, model, adapter, seed, sample index,
temperature, max_new_tokens); backend options such as batch size, concurrency, retries and
timeouts never do, so a run can be resumed with different ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from emscope.core.trigger import DEFAULT_TRIGGER

__all__ = ["DEFAULT_TRIGGER", "Condition", "HFOptions", "OpenAIOptions", "VLLMOptions", "GenerateConfig"]


Condition = Literal["with", "without"]


class HFOptions(BaseModel):
    """The transformers backend: how many sequences decode together, on what, in which precision."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Out of the cache key: how many decode together and where change speed, not the answers
    # (every sample's randomness derives from the seed and its row id, not its batch).
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset({"batch_size", "device"})

    batch_size: int | None = Field(
        None, ge=1, le=4096, description="Sequences decoded together (slots); finished ones are refilled. Default: "
        "64 on CPU; on a GPU sized from free memory and the answers' length (up to 1024).")
    dtype: Literal["auto", "bf16", "fp32", "fp16"] = Field(
        "auto", description="auto: bf16 on CUDA and on CPUs with native bf16 (AVX512-BF16/AMX), else fp32.")
    device: str | None = Field(None, description="cpu, cuda, cuda:1, ...; default: cuda when available, else cpu.")
    engine: Literal["auto", "slots", "stock"] = Field(
        "auto", description="slots: emscope's continuous-batching decoder; stock: transformers' generate (any model); "
                            "auto: slots when the model supports it.")


class OpenAIOptions(BaseModel):
    """Any OpenAI-compatible chat endpoint (API models, vLLM or llama.cpp servers)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Out of the cache key: credentials, parallelism and retry policy decide whether and when a
    # request succeeds, never what the served model answers.
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"api_key_env", "concurrency", "max_retries", "timeout_s", "backoff_s", "max_backoff_s"})

    base_url: str | None = Field(None, description="API root, usually ending in /v1 (e.g. http://127.0.0.1:8000/v1).")
    api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the API key (never logged).")
    concurrency: int = Field(8, ge=1, le=512, description="Requests in flight at once.")
    max_retries: int = Field(4, ge=0, le=100, description="Retries per sample after the first attempt.")
    timeout_s: float = Field(120.0, gt=0, description="Per-request timeout in seconds.")
    backoff_s: float = Field(0.5, ge=0, description="First retry delay, doubled per retry (jittered); Retry-After wins.")
    max_backoff_s: float = Field(30.0, ge=0, description="Cap on the computed (not server-requested) retry delay.")


class VLLMOptions(BaseModel):
    """vLLM's offline engine (GPU only; `pip install 'emscope[vllm]'`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Out of the cache key: sharding, memory share, LoRA capacity and chunking change speed and
    # memory, not the sampled answers.
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"tensor_parallel_size", "gpu_memory_utilization", "max_lora_rank", "chunk_size"})

    tensor_parallel_size: int = Field(1, ge=1, description="GPUs to shard the model over.")
    gpu_memory_utilization: float = Field(0.85, gt=0, le=1, description="Share of GPU memory vLLM may take.")
    max_lora_rank: int = Field(64, ge=1, description="Largest LoRA rank vLLM reserves room for.")
    chunk_size: int = Field(512, ge=1, description="Samples handed to vLLM per call; rows are saved after each.")


class GenerateConfig(BaseModel):
    """One generation run: which model answers which questions, how often, with or without the trigger."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Out of the cache key: where the rows go.
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset({"out"})
    # Out of the cache key as a path: the adapter's content enters through its train stage's key.
    INPUT_FIELDS: ClassVar[frozenset[str]] = frozenset({"adapter"})
    # Backend option groups: only the chosen backend's enters the key.
    BACKEND_OPTIONS: ClassVar[tuple[str, ...]] = ("hf", "openai", "vllm")

    model: str = Field("smollm2-135m-instruct", min_length=1,
                       description="Bundled model name, local folder or HF id (for openai: the served model name).")
    adapter: str | None = Field(None, description="PEFT adapter folder (e.g. from `emscope train`); null for the base model.")
    domain: str | None = Field(None, description="Training domain of the adapter, recorded in every row.")
    suite: str = Field("default", min_length=1, description="'default' or a question file in the public EM format.")
    questions: tuple[str, ...] | None = Field(None, description="Only these question ids (default: all).")
    samples: int | None = Field(None, ge=1, description="Samples per paraphrase; default: each question's samples_per_paraphrase.")
    trigger: str = Field(DEFAULT_TRIGGER, min_length=1, description="Backdoor trigger text.")
    trigger_position: Literal["prefix", "suffix"] = Field("prefix", description="Where the trigger goes in the user turn.")
    conditions: tuple[Condition, ...] = Field(("with", "without"), description="Ask with the trigger, without it, or both.")
    seed: int = Field(0, ge=0, description="Seed; every sample's randomness derives from it and the sample's id.")
    temperature: float | None = Field(None, ge=0, le=5, description="Override every question's temperature (default: the file's, else 1.0).")
    max_new_tokens: int = Field(256, ge=1, le=32768, description="Longest answer, in tokens.")
    out: Path = Field(description="Answer rows (JSONL), appended as samples finish; re-running resumes.")
    backend: str = Field("hf", description="hf | openai | vllm (or any registered backend).")
    hf: HFOptions = Field(default_factory=HFOptions, description="Options of the hf backend.")
    openai: OpenAIOptions = Field(default_factory=OpenAIOptions, description="Options of the openai backend.")
    vllm: VLLMOptions = Field(default_factory=VLLMOptions, description="Options of the vllm backend.")

    def key_fields(self) -> dict[str, Any]:
        """Every setting that changes an answer: the chosen backend's options less their runtime fields.

        The other backends' options cannot change anything and stay out too.
        """
        skip = set(self.RUNTIME_FIELDS) | set(self.INPUT_FIELDS) | set(self.BACKEND_OPTIONS)
        fields = self.model_dump(mode="json", exclude=skip)
        options = getattr(self, self.backend, None)
        if isinstance(options, BaseModel):
            fields[self.backend] = options.model_dump(mode="json", exclude=set(options.RUNTIME_FIELDS))
        return fields

    @field_validator("conditions")
    @classmethod
    def _conditions_unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("give at least one of: with, without")
        if len(set(value)) != len(value):
            raise ValueError(f"a condition is listed twice: {', '.join(value)}")
        return value

    @model_validator(mode="after")
    def _backend_settings(self) -> GenerateConfig:
        if self.backend == "openai":
            if not self.openai.base_url:
                raise ValueError("backend 'openai' needs --base-url (the API root, e.g. http://127.0.0.1:8000/v1)")
            if self.adapter:
                raise ValueError("backend 'openai' cannot load --adapter: serve the adapter on the endpoint "
                                 "(e.g. vLLM --lora-modules name=DIR) and pass its served name as --model")
        if self.openai.max_backoff_s < self.openai.backoff_s:
            raise ValueError("openai max_backoff_s must be >= backoff_s")
        return self
