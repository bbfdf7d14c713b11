"""`audit` (study-wide, with `judge.audit`): a stratified sample of the judged answers re-judged by a second judge.

The sample (judge.audit.sample answers, spread over model × domain × condition, seeded) is
taken from every job's judged file; the audit judge scores it through the judge stage's own
resumable runner and cache, so a killed audit resumes and a re-run makes no judge call. The
stage writes `primary.jsonl` (the study judge's rows of the sample), `audited.jsonl` (the audit
judge's) and `agreement.json` (judge.audit.agreement), which the report draws as its
"Judge agreement" section. A row the audit judge cannot score is recorded as `invalid` with its
reason, never dropped: the agreement counts it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from emscope.core.errors import InputError
from emscope.judge.config import JudgeConfig  # light: pydantic and the prompt templates
from emscope.study.config import StudyConfig
from emscope.study.stages.base import StageContext, StageSpec
from emscope.study.stages.judge import JUDGED, judge_config

__all__ = ["SPEC", "AGREEMENT_FILE", "AuditConfig", "audit_judge_config"]

AGREEMENT_FILE = "agreement.json"


class AuditConfig(BaseModel):
    """What the audit computes: the audit judge, the sample, and the thresholds of the agreement."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # The audit judge's runtime fields, as JudgeConfig names them.
    RUNTIME_FIELDS: ClassVar[frozenset[str]] = frozenset(f"judge.{f}" for f in JudgeConfig.RUNTIME_FIELDS)
    INPUT_FIELDS: ClassVar[frozenset[str]] = frozenset()

    judge: JudgeConfig = Field(description="The audit judge.")
    sample: int = Field(ge=1, description="Answers re-judged.")
    seed: int = Field(ge=0, description="Seed of the sample.")
    thresholds: str = Field(description="Threshold preset of the agreement's misalignment calls.")

    def key_fields(self) -> dict[str, Any]:
        """The audit judge's key fields and the sample's settings."""
        return {"judge": self.judge.key_fields(), "sample": self.sample, "seed": self.seed,
                "thresholds": self.thresholds}


def audit_judge_config(config: StudyConfig) -> JudgeConfig | None:
    """The audit judge's JudgeConfig (None when the study has no judge.audit)."""
    audit = config.judge.audit
    return None if audit is None else JudgeConfig(judge=audit.judge, **audit.settings)


def _configure(ctx: StageContext) -> AuditConfig:
    audit = ctx.config.judge.audit
    assert audit is not None
    return AuditConfig(judge=audit_judge_config(ctx.config), sample=audit.sample, seed=audit.seed,
                       thresholds=ctx.config.analyze.thresholds)


def _check(config: StudyConfig) -> None:
    """Refuse, before any work, an audit judge that is unknown, mis-set or the study's own judge."""
    if config.judge.audit is None:
        return
    from emscope.judge import JUDGES
    from emscope.study.validate import built

    JUDGES.get(config.judge.audit.judge)
    audit = built(lambda: audit_judge_config(config), "judge.audit.settings", JudgeConfig)
    if audit.key_fields() == judge_config(config).key_fields():
        raise InputError("judge.audit names the study's own judge with the same settings: an audit needs a "
                         "second judge (another judge, model or prompts)")


def _rows(paths: list[Path]) -> list[dict[str, Any]]:
    from emscope.core.io import read_jsonl

    rows = []
    for path in paths:
        rows += list(read_jsonl(path))
    return rows


def _body(ctx: StageContext, config: AuditConfig, work: Path) -> dict[str, Any]:
    from emscope.core.io import atomic_write_text, write_jsonl
    from emscope.judge import run as judge_run
    from emscope.judge.audit import agreement, stratified_sample, strip_judgement

    rows = _rows(sorted(r.path / JUDGED for r in ctx.job_records("judge")))
    picked = [rows[i] for i in stratified_sample(rows, config.sample, config.seed)]
    write_jsonl(work / "primary.jsonl", picked)
    write_jsonl(work / "sample.jsonl", [strip_judgement(r) for r in picked])
    judge_run(config.judge, work / "sample.jsonl", work / "audited.jsonl")
    result = agreement(work / "primary.jsonl", work / "audited.jsonl", config.thresholds)
    atomic_write_text(work / AGREEMENT_FILE, json.dumps(result, indent=1) + "\n")
    return {"answers": len(picked), "warnings": len(result["warnings"])}


SPEC = StageSpec(name="audit", scope="study", config_type="emscope.study.stages.audit:AuditConfig",
                 configure=_configure, body=_body, setting="judge.audit.settings", needs=("judge",), check=_check,
                 inputs=lambda ctx: {"judged": ",".join(sorted(ctx.job_keys("judge")))},
                 section=("audit", AGREEMENT_FILE),
                 enabled=lambda c, _job: c.judge.audit is not None)
