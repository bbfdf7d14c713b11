"""Membership inference: loss, zlib, Min-K% and Min-K%++ per example (reference-adjusted with a base
model), aggregated per domain, and tested as predictors of emergent misalignment.

Entry points: `score_datasets(config, out)` (the stage), `predict_all(summaries, rates)` (domain-level
statistics), `roc_figure` / `scatter_figure` (report figures). Formulas: metrics.py.
"""

from emscope.mia.config import MiaConfig, load_yaml_section, resolve_config
from emscope.mia.figures import roc_figure, scatter_figure
from emscope.mia.metrics import METRICS, TokenScores, example_metrics, metric_names, register_metric, token_stats
from emscope.mia.predict import (
    DomainPoint,
    Predictor,
    evaluate_predictor,
    load_rates,
    predict_all,
    roc_auc,
)
from emscope.mia.reference import check_same_tokenizer
from emscope.mia.run import find_cached, score_datasets, stage_key
from emscope.mia.schema import MiaScores, read_scores, summary_path
from emscope.mia.score import Scorer

__all__ = [
    "MiaConfig",
    "resolve_config",
    "load_yaml_section",
    "METRICS",
    "TokenScores",
    "token_stats",
    "example_metrics",
    "metric_names",
    "register_metric",
    "Scorer",
    "check_same_tokenizer",
    "score_datasets",
    "find_cached",
    "stage_key",
    "MiaScores",
    "read_scores",
    "summary_path",
    "DomainPoint",
    "Predictor",
    "evaluate_predictor",
    "predict_all",
    "load_rates",
    "roc_auc",
    "roc_figure",
    "scatter_figure",
]
