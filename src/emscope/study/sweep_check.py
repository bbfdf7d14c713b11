"""Up-front check that every sweep point is a different fine-tuned model.

A swept path that enters no per-job stage's key (a runtime-only train setting such as
`train.settings.threads`, the trigger position of a non-backdoor dataset) gives points whose
jobs have the same keys: the same stage outputs, counted once per point. That fails before
anything runs, naming the points.
"""

from __future__ import annotations

from emscope.core.errors import InputError
from emscope.study.config import StudyConfig

__all__ = ["check_points_differ"]


def check_points_differ(config: StudyConfig) -> None:
    """InputError when two points of the sweep give the first (domain, seed) job the same stage keys."""
    from emscope.study.jobs import Job
    from emscope.study.pipeline import job_keys
    from emscope.study.sweep import point_label, sweep_points

    if config.sweep is None:
        return
    seen: dict[tuple[tuple[str, str], ...], str] = {}
    for point in sweep_points(config):
        keys = tuple(sorted(job_keys(config, Job(config.domains[0], config.seeds[0], point)).items()))
        label = point_label(point)
        if keys in seen:
            raise InputError(f"sweep points {seen[keys]} and {label} give the same jobs (every stage key is equal): "
                             f"the swept setting does not change the dataset or the fine-tuned model here "
                             f"(a runtime-only setting, or one this study's other settings ignore); drop it "
                             "from the sweep")
        seen[keys] = label
