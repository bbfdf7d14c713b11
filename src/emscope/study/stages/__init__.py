"""The study's stages as data: contracts in base.py, the ordered list in registry.py, one module per stage."""

from emscope.study.stages.base import JobState, StageContext, StageSpec
from emscope.study.stages.registry import STAGES, get_stage, job_stages, study_stages

__all__ = ["STAGES", "JobState", "StageContext", "StageSpec", "get_stage", "job_stages", "study_stages"]
