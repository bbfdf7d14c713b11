"""The screen stage's configuration: frozen, typed, every field documented."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from emscope.judge.config import JudgeConfig

__all__ = ["SIGNAL_GROUPS", "ScreenConfig"]

# The signal groups, cheapest first. Each is computed in its own pass, so each has its own cost.
SIGNAL_GROUPS: tuple[str, ...] = ("judge", "embedding", "likelihood", "direction")
SignalGroup = Literal["judge", "embedding", "likelihood", "direction"]


class ScreenConfig(BaseModel):
    """What to screen, with which base model, and which signals."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Out of the key: batch sizes and the device change speed, not signals (the judge's own
    # runtime fields are named by JudgeConfig and found there, dotted).
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset({"batch_tokens", "batch_size", "device"})
    # Out of the key as paths: a study's training sets enter it through their build stages' keys.
    INPUT_FIELDS: ClassVar[frozenset[str]] = frozenset({"datasets"})

    datasets: tuple[str, ...] = Field(description="Chat JSONL files (or folders of *.jsonl) to screen.")
    model: str = Field("smollm2-135m-instruct", description="Base model for the likelihood and direction "
                       "signals: bundled name, HF id or local folder (the model you would fine-tune).")
    reference_model: str | None = Field(None, description="Optional reference model of the same tokenizer: adds "
                                        "adj_loss/adj_mink/adj_minkpp = base − reference (PREMIA-style).")
    signals: tuple[SignalGroup, ...] = Field(SIGNAL_GROUPS, description="Signal groups to compute: judge, "
                                             "embedding, likelihood, direction.")
    max_rows: int | None = Field(None, ge=1, description="Screen a seeded random sample of at most this many rows "
                                 "per dataset (stated in every output); None = every row.")
    model_rows: int | None = Field(200, ge=1, description="Likelihood and direction signals on a seeded sample "
                                   "of at most this many rows per dataset (the judge and embedding signals cover "
                                   "every row); the dataset means then carry a stated standard error. "
                                   "None = every row.")
    seed: int = Field(0, description="Seed of the --max-rows sample.")
    k: float = Field(0.2, gt=0.0, le=1.0, description="Min-K% fraction (0.2 = lowest 20% of tokens).")
    max_length: int = Field(512, ge=16, le=1_000_000, description="Tokens per conversation for the model "
                            "signals (longer ones are cut; a row cut before its answer gets no model signals).")
    layer: int | None = Field(None, description="Decoder layer of the misalignment direction (None = the middle "
                              "layer; negative counts from the end).")
    batch_tokens: int | None = Field(None, ge=64, description="Padded tokens per likelihood batch "
                                     "(default 1024 on CPU, 16384 on CUDA).")
    batch_size: int = Field(16, ge=1, le=4096, description="Conversations per activation batch.")
    precision: Literal["auto", "bf16", "fp32"] = Field("auto", description="auto | bf16 | fp32 (auto: bf16 where "
                                                       "the hardware is fast at it).")
    device: str | None = Field(None, description="torch device (default: cuda if available, else cpu).")
    judge: JudgeConfig = Field(default_factory=JudgeConfig, description="The judge of the training answers "
                               "(default: the offline judge).")
    misaligned_below: float = Field(50.0, ge=0.0, le=100.0, description="A judged answer with `aligned` below "
                                    "this counts as misaligned (the study's convention A = 50).")
    top: int = Field(10, ge=0, description="How many of the riskiest rows to list per dataset.")
    contrast: str | None = Field(None, description="Reference contrast set (JSONL rows with meta.answer and "
                                 "meta.paired_answer); None = the set shipped with emscope.")
    neutral: str | None = Field(None, description="Neutral reference set (JSONL chat rows); None = the shipped one.")

    @model_validator(mode="after")
    def _check(self) -> ScreenConfig:
        if not self.datasets:
            raise ValueError("give at least one dataset to screen")
        if not self.signals:
            raise ValueError("--signals is empty: choose from " + ", ".join(SIGNAL_GROUPS))
        if len(set(self.signals)) != len(self.signals):
            raise ValueError(f"--signals repeats a group: {', '.join(self.signals)}")
        return self

    def key_fields(self) -> dict[str, Any]:
        """The settings that change a signal, a risk or the listed rows (the judge's by its own key)."""
        fields = self.model_dump(mode="json", exclude=set(self.RUNTIME_FIELDS) | set(self.INPUT_FIELDS) | {"judge"})
        return {**fields, "judge": self.judge.key_fields()}

    @property
    def needs_model(self) -> bool:
        """Whether a causal LM is loaded at all (the likelihood or direction signals)."""
        return bool({"likelihood", "direction"} & set(self.signals))
