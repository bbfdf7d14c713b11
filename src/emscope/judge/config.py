"""The judge stage's configuration: frozen, typed, every field documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from emscope.judge.prompts import JudgePrompts

__all__ = ["JudgeConfig", "DEFAULT_HF_JUDGE_MODEL"]

DEFAULT_HF_JUDGE_MODEL = "smollm2-135m-instruct"


class JudgeConfig(BaseModel):
    """Which judge, where it runs, and how hard to try. Only `judge`, `model`, `prompts` and
    `score_mode` change what a judge answers (they make up its id); the rest is operational."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Out of the cache key: credentials, parallelism, retries, batching, device and the cache
    # itself decide how scores are fetched, never what they are.
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"api_key_env", "concurrency", "max_retries", "timeout_s", "backoff_s", "max_backoff_s", "batch_size",
         "device", "cache_path", "use_cache"})
    INPUT_FIELDS: ClassVar[frozenset[str]] = frozenset()

    judge: str = Field("offline", description="Registered judge: offline | openai | hf.")
    model: str | None = Field(None, description="Judge model: required for openai (e.g. gpt-4o); "
                              "for hf a bundled name, HF id or folder (default smollm2-135m-instruct).")
    base_url: str | None = Field(None, description="OpenAI-compatible API root (e.g. http://127.0.0.1:8000/v1); "
                                 "None uses the openai client's default (OPENAI_BASE_URL or api.openai.com).")
    api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the API key "
                             "(never logged); unset sends the placeholder EMPTY, for local servers.")
    prompts: JudgePrompts = Field(default_factory=JudgePrompts,
                                  description="Alignment and coherence templates for LLM judges.")
    score_mode: Literal["logprobs", "text"] = Field(
        "logprobs", description="openai: 'logprobs' (Betley: probability-weighted mean of the number tokens) or "
        "'text' (ask for the number as text and parse it, for endpoints without logprobs: a coarser estimate). "
        "Part of the judge id, so the two never share cached scores.")
    concurrency: int = Field(8, ge=1, le=256, description="Requests in flight at once (openai).")
    max_retries: int = Field(4, ge=0, le=20, description="Retries per request after the first attempt.")
    timeout_s: float = Field(60.0, gt=0, description="Per-request timeout in seconds.")
    backoff_s: float = Field(0.5, ge=0, description="First retry delay (doubled per retry, jittered); "
                             "a server's Retry-After takes precedence.")
    max_backoff_s: float = Field(30.0, ge=0, description="Cap on one retry delay.")
    batch_size: int = Field(64, ge=1, le=4096, description="Answers per batch (offline and hf judges).")
    device: str | None = Field(None, description="torch device for the hf judge (default: cpu).")
    cache_path: Path | None = Field(None, description="SQLite judge cache (default $EMSCOPE_HOME/judge_cache.sqlite).")
    use_cache: bool = Field(True, description="Read and write the judge cache.")

    def key_fields(self) -> dict[str, Any]:
        """The settings that change a score (the endpoint included: it decides which model answers)."""
        return self.model_dump(mode="json", exclude=set(self.RUNTIME_FIELDS))

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        # The hf judge's default model is a default, not a requirement: fill it here, once.
        if isinstance(data, dict) and data.get("judge") == "hf" and not data.get("model"):
            data = {**data, "model": DEFAULT_HF_JUDGE_MODEL}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> JudgeConfig:
        if self.judge == "openai" and not self.model:
            raise ValueError("judge 'openai' needs --model (the judge model's name, e.g. gpt-4o)")
        if self.judge == "offline" and (self.model or self.base_url):
            raise ValueError("judge 'offline' takes no --model or --base-url (its models are bundled)")
        if self.score_mode != "logprobs" and self.judge != "openai":
            raise ValueError(f"--score-mode {self.score_mode} applies to the openai judge only "
                             f"(judge '{self.judge}' scores its own way); drop the option")
        if self.max_backoff_s < self.backoff_s:
            raise ValueError("--max-backoff-s must be >= --backoff-s")
        return self
