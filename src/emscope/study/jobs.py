"""The jobs of a study: one chain of per-job stages per (domain, seed), plus the baseline."""

from __future__ import annotations

from dataclasses import dataclass

from emscope.study.config import StudyConfig

__all__ = ["Job", "plan_jobs"]


@dataclass(frozen=True)
class Job:
    """One (domain, seed) chain, or the baseline (domain None: the un-fine-tuned model)."""

    domain: str | None
    seed: int

    @property
    def label(self) -> str:
        """Human-readable job name."""
        return f"{self.domain or 'baseline'} (seed {self.seed})"


def plan_jobs(config: StudyConfig) -> list[Job]:
    """Every job of a study: domains × seeds, then one baseline per seed."""
    jobs = [Job(d, s) for s in config.seeds for d in config.domains]
    return jobs + ([Job(None, s) for s in config.seeds] if config.baseline else [])
