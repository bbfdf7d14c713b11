"""`predict` (study-wide, with `mia.enabled`): each MIA column as a predictor of the analysed rates.

Spearman, ROC-AUC with bootstrap CI, permutation p-values and leave-one-domain-out over the
domains; with several seeds, a domain's value is the mean over its seeds' fine-tuned models.
The file is the one `emscope mia predict --json` writes (mia/predictors.py), so the report reads
either the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emscope.study.stages.analyze import RESULTS
from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.mia import SCORES

__all__ = ["SPEC", "PREDICT_FILE", "predict_config"]

PREDICT_FILE = "predictors.json"


def predict_config(_ctx: StageContext) -> Any:
    """The study's PredictConfig: the defaults, averaging a domain's seeds into one value."""
    from emscope.mia.predictors import PredictConfig

    return PredictConfig(repeated="mean")


def _body(ctx: StageContext, config: Any, work: Path) -> None:
    from emscope.mia import load_rates, read_scores
    from emscope.mia.predictors import write_predictors

    rates = load_rates(ctx.record("analyze").path / RESULTS)
    scores = {r.key: read_scores(r.path / SCORES) for r in sorted(ctx.job_records("mia"), key=lambda r: r.key)}
    write_predictors(work / PREDICT_FILE, config, scores, rates)


SPEC = StageSpec(name="predict", scope="study", config_type="emscope.mia.predictors:PredictConfig",
                 configure=predict_config, body=_body, setting="mia",
                 inputs=lambda ctx: {"analyze": ctx.keys["analyze"], "mia": ",".join(sorted(ctx.job_keys("mia")))},
                 needs=("analyze", "mia"), section=("mia", PREDICT_FILE),
                 enabled=lambda c, _job: c.mia.enabled)
