"""`stats` (study-wide, after every build): Vendi and duplicate statistics of the built datasets."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.build import DATASET

__all__ = ["SPEC", "STATS", "StatsConfig"]

STATS = "stats.json"


class StatsConfig(BaseModel):
    """What the stats stage computes (the study's `stats` section less its on/off switch)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset()
    INPUT_FIELDS: ClassVar[frozenset[str]] = frozenset()

    vendi_sample: int = Field(1000, ge=0, description="Rows sampled per dataset for Vendi (0 = all).")

    def key_fields(self) -> dict[str, Any]:
        """Every field."""
        return self.model_dump(mode="json")


def _body(ctx: StageContext, config: StatsConfig, work: Path) -> None:
    from emscope.core.io import atomic_write_text
    from emscope.data.stats import stats_for_files

    assert ctx.store is not None
    datasets = [str(r.path / DATASET) for r in ctx.job_records("build")]
    final = ctx.store.path("stats", ctx.key)
    # The analysis maps each stats entry to its domain through the dataset rows' meta.domain,
    # reading the file it names relative to stats.json: so it names it relative to the stats
    # folder (`../../build/KEY/dataset.jsonl`), and a copied or moved run still resolves.
    stats = stats_for_files(datasets, tokenizer_name=None, vendi_sample=config.vendi_sample)
    entries = [{**s.as_dict(), "file": os.path.relpath(Path(p).resolve(), final.resolve())}
               for s, p in zip(stats, datasets, strict=True)]
    atomic_write_text(work / STATS, json.dumps(entries, indent=2) + "\n")


SPEC = StageSpec(name="stats", scope="study", config_type="emscope.study.stages.stats:StatsConfig",
                 configure=lambda ctx: StatsConfig(vendi_sample=ctx.config.stats.vendi_sample), body=_body,
                 inputs=lambda ctx: {"builds": ",".join(sorted(ctx.job_keys("build")))}, setting="stats",
                 needs=("build",), enabled=lambda c, _job: c.stats.enabled and bool(c.domains))
