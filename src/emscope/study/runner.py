"""Runners: where the per-(domain, seed) jobs of a study execute.

`local` runs them one after another in this process. `ray` (optional extra
`emscope[ray]`) sends each job to a Ray cluster, one GPU per job where the cluster has
GPUs; jobs write into the same run directory, so on a multi-node cluster it must be on a
shared filesystem. Both return results in job order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from emscope.core.errors import InputError, MissingDependencyError
from emscope.core.registry import Registry
from emscope.core.validation import settings_error

__all__ = ["Runner", "RUNNERS", "LocalRunner", "RayRunner", "make_runner", "runner_options", "LocalOptions",
           "RayOptions"]

J = TypeVar("J")


class Runner(Protocol):
    """Runs `fn(job)` for every job and returns the results in job order."""

    name: str

    def map(self, fn: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]: ...


class LocalOptions(BaseModel):
    """The local runner takes no options."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class RayOptions(BaseModel):
    """Options of the ray runner (`runner.options` in a study file)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    address: str | None = Field(None, description="Ray cluster address; None starts a local instance.")
    num_cpus: int | None = Field(None, ge=1, description="CPUs of a local instance (None: all).")
    gpus_per_job: float | None = Field(None, ge=0, description="GPUs per job (None: 1 where the cluster has GPUs).")
    cpus_per_job: float = Field(1.0, gt=0, description="CPUs per job.")


_OPTIONS: dict[str, type[BaseModel]] = {"local": LocalOptions, "ray": RayOptions}


def runner_options(name: str, options: dict[str, Any]) -> BaseModel:
    """The validated options of runner `name` (InputError naming runner.options and the closest key)."""
    RUNNERS.get(name)  # an unknown runner name, with a suggestion
    model = _OPTIONS[name]
    try:
        return model(**options)
    except ValidationError as exc:
        valid = list(model.model_fields)
        raise settings_error(exc, f"runner.options of the {name} runner",
                             fields_at=lambda loc: valid) from None
    except TypeError as exc:  # options that are not a mapping of names
        raise InputError(f"runner.options must be a mapping of option names to values ({exc})") from None


class LocalRunner:
    """Jobs run sequentially in this process (the default; what a laptop wants)."""

    name = "local"

    def __init__(self) -> None:
        pass

    def map(self, fn: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]:
        """Run each job in turn."""
        return [fn(job) for job in jobs]


class RayRunner:
    """Jobs run as Ray tasks; `address=None` starts a local instance."""

    name = "ray"

    def __init__(self, address: str | None = None, num_cpus: int | None = None,
                 gpus_per_job: float | None = None, cpus_per_job: float = 1.0) -> None:
        try:
            import ray
        except ImportError as exc:
            raise MissingDependencyError(
                "the ray runner needs Ray: .venv/bin/pip install 'emscope[ray]' (ray==2.60.0)") from exc
        self._ray = ray
        self.address, self.num_cpus = address, num_cpus
        self.gpus_per_job, self.cpus_per_job = gpus_per_job, cpus_per_job

    def map(self, fn: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]:
        """Submit every job, then gather results in order; a job's exception is re-raised."""
        ray = self._ray
        started_here = not ray.is_initialized()
        if started_here:
            ray.init(address=self.address, num_cpus=self.num_cpus, include_dashboard=False,
                     log_to_driver=False, ignore_reinit_error=True)
        try:
            gpus = self.gpus_per_job
            if gpus is None:  # one GPU per job wherever the cluster has GPUs
                gpus = 1.0 if ray.cluster_resources().get("GPU", 0) >= 1 else 0.0
            # `fn` may be any callable (the study passes a functools.partial), which @ray.remote
            # refuses: a module-level function is the task, and `fn` travels as its argument.
            remote = ray.remote(num_cpus=self.cpus_per_job, num_gpus=gpus, max_retries=0)(_call)
            return ray.get([remote.remote(fn, job) for job in jobs])
        finally:
            if started_here:
                ray.shutdown()


def _call(fn: Callable[[Any], Any], job: Any) -> Any:
    """The Ray task: run `fn(job)` in a worker."""
    return fn(job)


RUNNERS: Registry[Callable[..., Runner]] = Registry("runner")
RUNNERS.register("local", LocalRunner)
RUNNERS.register("ray", RayRunner)


def make_runner(name: str, **options: Any) -> Runner:
    """The runner registered as `name`, built with its validated `options`."""
    validated = runner_options(name, options)
    return RUNNERS.get(name)(**validated.model_dump())
