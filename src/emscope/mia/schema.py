"""The typed, versioned outputs of `emscope mia`: per-example rows and the per-domain summary JSON.

Per-example JSONL row (`--out FILE`), one per input row, none dropped:
    {"dataset": "data/x_backdoor.jsonl", "domain": "x", "index": 0, "split": null|"member"|"nonmember",
     "n_tokens": 97, "truncated": false, "zlib_bytes": 231,
     "loss": 2.1, "zlib": 0.0091, "mink": -6.2, "minkpp": -1.9,          # target model
     "ref_loss": ..., "ref_zlib": ..., "ref_mink": ..., "ref_minkpp": ...,  # only with a reference
     "adj_loss": ..., "adj_zlib": ..., "adj_mink": ..., "adj_minkpp": ...,  # target − reference
     "error": null}                                                          # why a row has no scores
The summary (`FILE` with suffix `.domains.json`) is `MiaScores` below. Bump SCHEMA_VERSION
whenever a field changes meaning or disappears; readers refuse other versions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from emscope.core.errors import InputError
from emscope.mia.config import MiaConfig

__all__ = ["SCHEMA_VERSION", "Summary", "DomainAggregate", "MembershipAuc", "InputFile", "Timings", "MiaScores",
           "summary_path", "read_scores"]

SCHEMA_VERSION = 1
Split = Literal["all", "member", "nonmember"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Summary(_Model):
    """One column over one group of rows (rows with an error are left out)."""

    mean: float | None
    median: float | None
    std: float | None = Field(description="Sample standard deviation (ddof = 1); None below 2 rows.")


class DomainAggregate(_Model):
    """A domain's rows: all of them, or only the members / non-members when holdouts were given."""

    domain: str
    split: Split
    rows: int = Field(description="Input rows in the group.")
    scored: int = Field(description="Rows with scores (rows − errors).")
    errors: int
    tokens: int = Field(description="Scored assistant tokens in the group.")
    stats: dict[str, Summary] = Field(description="Per column (loss, zlib, mink, minkpp, ref_*, adj_*).")


class MembershipAuc(_Model):
    """Member vs non-member ROC-AUC of one column within one domain (higher = better separation)."""

    domain: str
    column: str
    auc: float | None = Field(description="P(member scores as more member-like than non-member); ties count 1/2.")
    n_member: int
    n_nonmember: int
    note: str | None = None


class InputFile(_Model):
    path: str
    sha256: str
    rows: int
    split: Literal["member", "nonmember"] | None
    domains: list[str]


class Timings(_Model):
    load_s: float
    tokenize_s: float
    target_s: float = Field(description="Forward passes of the target model.")
    reference_s: float = Field(description="Forward passes of the reference model (0 when reused or absent).")
    scored_tokens: int = Field(description="Assistant tokens scored (per model).")
    tokens_per_s: float = Field(description="Scored tokens × models run / forward-pass seconds (a reused reference is not counted).")


class MiaScores(_Model):
    """Everything one `emscope mia` run measured, by domain; the per-example rows sit beside it."""

    kind: Literal["emscope.mia.scores"] = "emscope.mia.scores"
    schema_version: int = SCHEMA_VERSION
    key: str = Field(description="Content key of the scores: config + dataset and adapter contents.")
    emscope_version: str
    created_at: str
    config: MiaConfig
    precision: Literal["bf16", "fp32"] = Field(description="The precision actually used (config 'auto' resolved).")
    reference_mode: Literal["none", "identical", "disabled_adapter", "separate"] = Field(
        description="none: no reference; identical: reference = target (adj_* are 0, no second pass); "
        "disabled_adapter: the target's base with its LoRA switched off; separate: a second model.")
    metrics: list[str] = Field(description="Base metric names, in column order.")
    columns: list[str] = Field(description="Every score column of the rows (metrics, ref_*, adj_*).")
    scores_file: str = Field(description="The per-example JSONL, relative to this file's folder.")
    inputs: list[InputFile]
    domains: list[DomainAggregate]
    membership: list[MembershipAuc]
    timings: Timings
    notes: list[str] = Field(default_factory=list)

    def domain_values(self, column: str, stat: str = "mean") -> dict[str, float]:
        """{domain: statistic of `column`}, members only where holdouts were given, else all rows."""
        by_domain: dict[str, DomainAggregate] = {}
        for agg in self.domains:
            if agg.split == "member" or (agg.split == "all" and agg.domain not in by_domain):
                by_domain[agg.domain] = agg
        out: dict[str, float] = {}
        for domain, agg in by_domain.items():
            value = getattr(agg.stats[column], stat) if column in agg.stats else None
            if value is not None:
                out[domain] = value
        return out


def summary_path(scores_path: str | Path) -> Path:
    """`scores.jsonl` → `scores.domains.json` (the summary written beside the rows)."""
    p = Path(scores_path)
    return p.with_name(p.name.removesuffix(".jsonl") + ".domains.json")


def read_scores(path: str | Path) -> MiaScores:
    """Load a summary (or the summary beside a scores .jsonl); refuse other kinds and schema versions."""
    p = Path(path)
    if p.suffix == ".jsonl":
        p = summary_path(p)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read MIA scores {p}: {exc}. Run `emscope mia ... --out` first.") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{p}: not JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("kind") != "emscope.mia.scores":
        raise InputError(f"{p} is not an `emscope mia` summary (kind {data.get('kind') if isinstance(data, dict) else None!r})")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise InputError(f"{p} has schema version {data.get('schema_version')}; this emscope reads "
                         f"{SCHEMA_VERSION}. Re-run `emscope mia` to regenerate it.")
    return MiaScores.model_validate(data)
