"""What `emscope screen` writes: per-dataset summaries, the anchors, timings (pydantic, JSON on disk)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from emscope.screen.config import ScreenConfig

__all__ = ["SCHEMA_VERSION", "Anchor", "GroupCost", "TopRow", "DatasetScreen", "ScreenSummary"]

SCHEMA_VERSION = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Anchor(_Frozen):
    """A risk column's mean on the shipped aligned and misaligned reference answers (its 0 and 1)."""

    column: str
    aligned: float | None
    misaligned: float | None
    used: bool = Field(description="Whether the column enters the combined risk (its anchors differ).")
    note: str | None = None


class GroupCost(_Frozen):
    """Wall-clock seconds of one signal group over the screened rows (model loading apart)."""

    group: str
    rows: int
    seconds: float
    seconds_per_1000_rows: float
    load_seconds: float = Field(0.0, description="One-off loading (judge, embedder, model, direction).")


class TopRow(_Frozen):
    """One of a dataset's riskiest rows."""

    index: int = Field(description="0-based row index in the file (line number − 1 for files without blank lines).")
    risk: float
    question: str
    answer: str
    signals: dict[str, Any]


class DatasetScreen(_Frozen):
    """One dataset's screening result."""

    path: str
    rows: int = Field(description="Rows in the file.")
    screened: int = Field(description="Rows screened (fewer than `rows` only with --max-rows: a seeded sample).")
    model_screened: int = Field(0, description="Rows with likelihood/direction signals (a seeded sample of the "
                                "screened rows with --model-rows; 0 when neither was computed).")
    risk: float | None = Field(description="Combined risk: the mean of the group risks (each group weighs the same).")
    risk_se: float | None = Field(None, description="Standard error of `risk` from the row samples "
                                  "(finite-population corrected; groups treated as independent).")
    risk_groups: dict[str, float | None] = Field(description="Mean calibrated risk per signal group.")
    risk_groups_se: dict[str, float | None] = Field(default_factory=dict, description="Standard error of each "
                                                    "group's mean (0 when the group scored every row).")
    means: dict[str, float | None] = Field(description="Mean of every raw signal column over the screened rows.")
    share_misaligned: float | None = Field(description="Share of judge-scored answers with aligned < the threshold.")
    mean_aligned: float | None = Field(description="Mean judge alignment of the scored answers.")
    judge_verdicts: dict[str, int] = Field(default_factory=dict)
    top: list[TopRow] = Field(default_factory=list)


class ScreenSummary(_Frozen):
    """Everything one `emscope screen` run measured."""

    kind: str = "emscope.screen"
    schema_version: int = SCHEMA_VERSION
    emscope_version: str
    created_at: str
    config: ScreenConfig
    layer: int | None = Field(None, description="Decoder layer of the direction, when computed.")
    anchors: list[Anchor]
    datasets: list[DatasetScreen]
    costs: list[GroupCost]
    notes: list[str] = Field(default_factory=list)
