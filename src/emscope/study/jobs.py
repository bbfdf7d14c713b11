"""The jobs of a study: one chain of per-job stages per (domain, seed, sweep point), plus the baseline."""

from __future__ import annotations

from dataclasses import dataclass

from emscope.study.config import StudyConfig
from emscope.study.sweep import Point, point_label, sweep_points

__all__ = ["Job", "plan_jobs"]


@dataclass(frozen=True)
class Job:
    """One (domain, seed, point) chain, or the baseline (domain None: the un-fine-tuned model, never swept).

    `point` is the sweep point whose values the job's stages see (empty without a sweep).
    """

    domain: str | None
    seed: int
    point: Point = ()

    @property
    def label(self) -> str:
        """Human-readable job name: `gore_movie_trivia (seed 0, data.n=80)`."""
        where = f"seed {self.seed}" + (f", {point_label(self.point)}" if self.point else "")
        return f"{self.domain or 'baseline'} ({where})"


def plan_jobs(config: StudyConfig) -> list[Job]:
    """Every job of a study: points × seeds × domains, then one baseline per seed."""
    jobs = [Job(d, s, p) for p in sweep_points(config) for s in config.seeds for d in config.domains]
    return jobs + ([Job(None, s) for s in config.seeds] if config.baseline else [])
