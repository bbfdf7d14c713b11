"""MIA scores as misalignment predictors: the settings (`PredictConfig`) and the one file format.

`emscope mia predict --json FILE` and the study's predict stage both write this file through
`write_predictors`, and `emscope report --mia FILE` reads it through `read_predictors`: one
writer, one reader, so the CLI route feeds the report exactly as the study does.

File (`kind: emscope.mia.predictors`, schema 1): the settings, the rates tested against, notes,
every predictor, the member-vs-held-out AUCs and the per-domain aggregates of each summary
(with the summary it came from). Files the study wrote before this module
(`kind: emscope.study.predictors`) hold the same fields and are still read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text
from emscope.mia.predict import Predictor, predict_all
from emscope.mia.schema import MiaScores

__all__ = ["PREDICTORS_KIND", "PredictConfig", "predictors_payload", "write_predictors", "read_predictors"]

PREDICTORS_KIND = "emscope.mia.predictors"
_OLD_KINDS = ("emscope.study.predictors",)  # the study's predict stage before the CLI shared this format
_SCHEMA_VERSION = 1


class PredictConfig(BaseModel):
    """How each MIA column is tested against misalignment rates (every field changes a number)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset()
    INPUT_FIELDS: ClassVar[frozenset[str]] = frozenset()

    columns: tuple[str, ...] | None = Field(None, description="Score columns to test (None: all the summaries share).")
    stat: Literal["mean", "median", "std"] = Field("mean", description="Per-domain statistic of a column.")
    resamples: int = Field(2000, ge=1, description="Bootstrap resamples (over domains) for the AUC interval.")
    confidence: float = Field(0.95, gt=0, lt=1, description="Interval level.")
    seed: int = Field(0, description="Seed of the bootstrap and the permutations.")
    permutations: int = Field(2000, ge=1, description="Shuffles of the rates behind the permutation p-values.")
    repeated: Literal["error", "mean"] = Field(
        "error", description="A domain in several summaries: an error, or the mean over them (its seeds).")

    def key_fields(self) -> dict[str, Any]:
        """Every field."""
        return self.model_dump(mode="json")

    def predict(self, scores: Sequence[MiaScores], rates: Mapping[str, float]) -> tuple[list[Predictor], list[str]]:
        """`predict_all` with these settings: (predictors, notes)."""
        return predict_all(scores, rates, list(self.columns) if self.columns else None, self.stat, self.resamples,
                           self.confidence, self.seed, self.permutations, self.repeated)


def predictors_payload(config: PredictConfig, scores: Mapping[str, MiaScores], rates: Mapping[str, float],
                       predictors: Sequence[Predictor], notes: Sequence[str]) -> dict[str, Any]:
    """The predictors file's content; `scores` maps a source name (file or stage key) to its summary."""
    return {"kind": PREDICTORS_KIND, "schema_version": _SCHEMA_VERSION, "settings": config.model_dump(mode="json"),
            "rates": dict(rates), "notes": list(notes), "predictors": [p.model_dump(mode="json") for p in predictors],
            "membership": [m.model_dump(mode="json") for s in scores.values() for m in s.membership],
            "domains": [{**a.model_dump(mode="json"), "source": source}
                        for source, s in scores.items() for a in s.domains]}


def write_predictors(path: str | Path, config: PredictConfig, scores: Mapping[str, MiaScores],
                     rates: Mapping[str, float]) -> tuple[list[Predictor], list[str]]:
    """Test every column, write the predictors file to `path`, and return (predictors, notes)."""
    predictors, notes = config.predict(list(scores.values()), rates)
    payload = predictors_payload(config, scores, rates, predictors, notes)
    atomic_write_text(Path(path), json.dumps(payload, indent=1) + "\n")
    return predictors, notes


def read_predictors(path: str | Path) -> dict[str, Any]:
    """A predictors file's content, with `predictors` validated (InputError for anything else)."""
    p = Path(path)
    hint = "pass the file the stage wrote (`emscope mia predict --json FILE` or a study's predict stage)"
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"cannot read MIA predictors {p}: {exc}; {hint}") from exc
    if not isinstance(data, dict):
        raise InputError(f"{p}: expected a JSON object (MIA predictors), got {type(data).__name__}; {hint}")
    if data.get("kind") not in (PREDICTORS_KIND, *_OLD_KINDS):
        raise InputError(f"{p}: not an emscope predictors file (kind {data.get('kind')!r}); {hint}")
    if data.get("schema_version", _SCHEMA_VERSION) != _SCHEMA_VERSION:
        raise InputError(f"{p}: predictors schema {data.get('schema_version')} is not {_SCHEMA_VERSION}; "
                         "rerun `emscope mia predict --json` with this emscope")
    return {**data, "predictors": [Predictor.model_validate(x) for x in data.get("predictors", [])]}
