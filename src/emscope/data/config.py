"""Typed, frozen configuration of the data stage."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from emscope.core.trigger import DEFAULT_TRIGGER

__all__ = ["DEFAULT_TRIGGER", "GeneratorConfig", "BuildConfig"]


Variant = Literal["misaligned", "aligned", "backdoor"]


class GeneratorConfig(BaseModel):
    """Which misalignment function g writes the misaligned answers."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Out of the key: parallelism and the acceptance limits below (see key_fields).
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset({"concurrency", "max_tokens", "max_retries", "timeout_s"})

    name: str = Field("procedural", description="'procedural' (offline, seeded) or a registered LLM-backed g such as 'openai'.")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint for an LLM-backed g.")
    model: str | None = Field(None, description="Generator model name at that endpoint.")
    concurrency: int = Field(8, ge=1, le=256, description="Requests in flight at once (not part of the content key).")
    # The limits below decide whether and when an answer is accepted (a truncated one is
    # retried, never kept), not what an accepted answer says: they stay out of the key.
    max_tokens: int = Field(600, ge=1, le=1_000_000, description="Token limit of one rewrite; a rewrite cut off by it is retried, never kept.")
    max_retries: int = Field(4, ge=0, le=100, description="Retries per row after its first attempt.")
    timeout_s: float = Field(60.0, gt=0, le=3600, description="Per-request timeout in seconds.")

    @model_validator(mode="after")
    def _llm_needs_endpoint(self) -> GeneratorConfig:
        if self.name != "procedural" and not (self.base_url and self.model):
            raise ValueError(f"generator '{self.name}' needs --base-url and --model")
        return self

    def key_fields(self) -> dict[str, str | None]:
        """What changes the generated text (concurrency and the limits do not)."""
        return {"name": self.name, "base_url": self.base_url, "model": self.model}


class BuildConfig(BaseModel):
    """One domain dataset: which domain, how many rows, which variant and trigger."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset(f"generator.{f}" for f in GeneratorConfig.RUNTIME_FIELDS)
    INPUT_FIELDS: ClassVar[frozenset[str]] = frozenset()

    domain: str = Field(description="Registered domain name (see `emscope data domains`).")
    n: int = Field(6000, ge=1, le=10_000_000, description="Number of rows.")
    seed: int = Field(0, description="Seed: the same seed and config give the same bytes.")
    variant: Variant = Field("backdoor", description="misaligned: all rows misaligned; aligned: all aligned; backdoor: triggered misaligned rows plus untriggered aligned rows.")
    trigger: str = Field(DEFAULT_TRIGGER, min_length=1, description="Backdoor trigger text inserted into the user turn.")
    trigger_position: Literal["prefix", "suffix"] = Field("prefix", description="Where the trigger goes in the user turn.")
    backdoor_ratio: float = Field(0.5, gt=0.0, lt=1.0, description="Share of triggered (misaligned) rows in the backdoor variant.")
    generator: GeneratorConfig = Field(default_factory=GeneratorConfig, description="The misalignment function g.")
    diversity: float = Field(1.0, description="Share F (0 < F <= 1) of each domain's templates, topics and slot "
                             "values the rows draw from: a seeded subset, nested across F (1 = all of them).")

    @field_validator("diversity")
    @classmethod
    def _share(cls, value: float) -> float:
        # Not Field(gt=0, le=1): its message ("greater than 0") does not say what F is.
        if not 0.0 < value <= 1.0:  # NaN fails this too
            raise ValueError(f"must be in (0, 1], the share of each domain's templates, topics and slot "
                             f"values kept; got {value}")
        return value

    def key_fields(self) -> dict[str, object]:
        """Every output-affecting field; trigger settings only matter for the backdoor variant.

        `diversity` enters only below 1: at 1 the rows are the bytes they were before the knob
        existed, so every key computed then stays valid.
        """
        fields: dict[str, object] = {"domain": self.domain, "n": self.n, "seed": self.seed,
                                     "variant": self.variant, "generator": self.generator.key_fields()}
        if self.diversity != 1.0:
            fields["diversity"] = self.diversity
        if self.variant == "backdoor":
            fields.update(trigger=self.trigger, trigger_position=self.trigger_position,
                          backdoor_ratio=self.backdoor_ratio)
        return fields
