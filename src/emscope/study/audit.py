"""The study's `audit` stage: a stratified sample of its judged answers re-judged by a second judge.

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
from typing import Any

from emscope.core.errors import InputError
from emscope.study.config import StudyConfig
from emscope.study.store import Notify, RunStore, StageRecord, run_stage

__all__ = ["AGREEMENT_FILE", "audit_judge_config", "check_audit", "run_audit"]

AGREEMENT_FILE = "agreement.json"


def audit_judge_config(config: StudyConfig) -> Any:
    """The audit judge's JudgeConfig (None when the study has no judge.audit)."""
    from emscope.judge import JudgeConfig

    audit = config.judge.audit
    return None if audit is None else JudgeConfig(judge=audit.judge, **audit.settings)


def check_audit(config: StudyConfig) -> None:
    """Refuse, before any work, an audit judge that is unknown, mis-set or the study's own judge."""
    if config.judge.audit is None:
        return
    from emscope.judge import JUDGES, JudgeConfig
    from emscope.study.pipeline import _JUDGE_RUNTIME, judge_config
    from emscope.study.validate import built

    JUDGES.get(config.judge.audit.judge)
    audit = built(lambda: audit_judge_config(config), "judge.audit.settings", JudgeConfig)
    if (audit.model_dump(mode="json", exclude=_JUDGE_RUNTIME)
            == judge_config(config).model_dump(mode="json", exclude=_JUDGE_RUNTIME)):
        raise InputError("judge.audit names the study's own judge with the same settings: an audit needs a "
                         "second judge (another judge, model or prompts)")


def _rows(paths: list[str]) -> list[dict[str, Any]]:
    from emscope.core.io import read_jsonl

    rows = []
    for path in paths:
        rows += list(read_jsonl(path))
    return rows


def run_audit(config: StudyConfig, store: RunStore, judged: list[str], notify: Notify) -> StageRecord | None:
    """Study-wide: sample the judged answers, re-judge them with the audit judge, write the agreement."""
    audit = config.judge.audit
    if audit is None or not judged:
        return None
    from emscope.study.pipeline import _JUDGE_RUNTIME, _records

    judging = audit_judge_config(config)
    fields = {"judge": judging.model_dump(mode="json", exclude=_JUDGE_RUNTIME), "sample": audit.sample, "seed": audit.seed,
              "thresholds": config.analyze.thresholds}
    spec = (fields, {"judged": ",".join(sorted(Path(p).parent.name for p in judged))})

    def _body(work: Path) -> dict[str, Any]:
        from emscope.core.io import atomic_write_text, write_jsonl
        from emscope.judge import run as judge_run
        from emscope.judge.audit import agreement, stratified_sample, strip_judgement

        rows = _rows(sorted(judged))
        picked = [rows[i] for i in stratified_sample(rows, audit.sample, audit.seed)]
        write_jsonl(work / "primary.jsonl", picked)
        write_jsonl(work / "sample.jsonl", [strip_judgement(r) for r in picked])
        judge_run(judging, work / "sample.jsonl", work / "audited.jsonl")
        result = agreement(work / "primary.jsonl", work / "audited.jsonl", config.analyze.thresholds)
        atomic_write_text(work / AGREEMENT_FILE, json.dumps(result, indent=1) + "\n")
        return {"answers": len(picked), "warnings": len(result["warnings"])}

    return run_stage(store, "audit", spec, "all", notify, _body, deps=_records(store, "judge", judged))
