"""Screening fine-tuning data for misalignment risk before training (DESIGN.md, OQ4).

`screen(config)` scores every row of chat datasets with signals that need no fine-tuned model
(the judge over the training answers, base-model likelihood features, a misalignment-direction
projection, embedding similarity to known misalignment-inducing data) and one combined risk;
`evaluate_study(run)` tests each signal against a finished study's measured misalignment rates.
"""

from emscope.screen.config import SIGNAL_GROUPS, ScreenConfig
from emscope.screen.run import ScreenResult, filter_dataset, screen, write_outputs
from emscope.screen.schema import DatasetScreen, ScreenSummary

__all__ = ["SIGNAL_GROUPS", "ScreenConfig", "ScreenResult", "ScreenSummary", "DatasetScreen", "screen",
           "write_outputs", "filter_dataset"]
