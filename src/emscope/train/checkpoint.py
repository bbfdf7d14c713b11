"""Atomic, resumable checkpoints: LoRA weights, optimizer, scheduler, RNG, position and loss log.

A checkpoint is a folder `checkpoint-<step>` under the run's output folder. It is written
under a temporary name and renamed when complete, so a kill at any moment leaves either the
previous checkpoint or the new one, never half of one. The data order is not stored: it is
a pure function of (seed, epoch), and the checkpoint records a digest of the steps already
done so a resume can prove it continues the same order.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text, plain_permissions

__all__ = ["TrainState", "save_checkpoint", "latest_checkpoint", "load_checkpoint", "clear_checkpoints",
           "trainable_state"]

_PREFIX = "checkpoint-"
_STATE = "state.json"


@dataclass
class TrainState:
    """Where a run stands: optimizer steps done, the loss log, and time spent so far."""

    key: str
    step: int = 0
    seconds: float = 0.0
    log: list[dict[str, Any]] = field(default_factory=list)
    order_digest: str = ""  # digest of the row order of the steps done
    key_fields: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """The state as JSON (what state.json holds)."""
        return json.dumps(self.__dict__, indent=1, sort_keys=True)


def trainable_state(model: Any) -> dict[str, Any]:
    """The tensors that training changes (the LoRA weights), detached, on CPU."""
    return {name: p.detach().to("cpu").contiguous() for name, p in model.named_parameters() if p.requires_grad}


def _rng_state() -> dict[str, Any]:
    import torch

    state = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def save_checkpoint(out: Path, state: TrainState, model: Any, optimizer: Any, scheduler: Any) -> Path:
    """Write `checkpoint-<step>` atomically, then remove older checkpoints."""
    import torch
    from safetensors.torch import save_file

    final = out / f"{_PREFIX}{state.step:07d}"
    tmp = out / f".{final.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file(trainable_state(model), str(tmp / "adapter.safetensors"))
    torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "rng": _rng_state()},
               tmp / "trainer.pt")
    atomic_write_text(tmp / _STATE, state.to_json())
    plain_permissions(tmp)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    for old in _checkpoints(out):
        if old != final:
            shutil.rmtree(old, ignore_errors=True)
    return final


def _checkpoints(out: Path) -> list[Path]:
    if not out.is_dir():
        return []
    return sorted(p for p in out.iterdir() if p.is_dir() and p.name.startswith(_PREFIX) and (p / _STATE).is_file())


def latest_checkpoint(out: Path) -> Path | None:
    """The newest complete checkpoint in `out`, or None."""
    found = _checkpoints(out)
    return found[-1] if found else None


def _differences(saved: dict[str, Any], current: dict[str, Any]) -> str:
    names = sorted(set(saved) | set(current))
    diffs = [f"{n}: {saved.get(n)!r} -> {current.get(n)!r}" for n in names if saved.get(n) != current.get(n)]
    return "; ".join(diffs) or "the dataset or model content"


def load_checkpoint(path: Path, key: str, key_fields: dict[str, Any], model: Any, optimizer: Any,
                    scheduler: Any) -> TrainState:
    """Restore a checkpoint into model, optimizer, scheduler and RNG; refuse one from another config."""
    import torch
    from safetensors.torch import load_file

    state = TrainState(**json.loads((path / _STATE).read_text()))
    if state.key != key:
        raise InputError(
            f"{path} belongs to a run with a different configuration (differs in: "
            f"{_differences(state.key_fields, key_fields)}). Use another --out, --no-resume to start "
            "over in this folder, or --overwrite.")
    weights = load_file(str(path / "adapter.safetensors"))
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, tensor in weights.items():
            params[name].copy_(tensor)
    trainer = torch.load(path / "trainer.pt", weights_only=True)
    optimizer.load_state_dict(trainer["optimizer"])
    scheduler.load_state_dict(trainer["scheduler"])
    torch.set_rng_state(trainer["rng"]["torch"])
    if "cuda" in trainer["rng"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(trainer["rng"]["cuda"])
    return state


def clear_checkpoints(out: Path) -> None:
    """Remove every checkpoint (and leftover temporary folders) from `out`."""
    if not out.is_dir():
        return
    for p in out.iterdir():
        if p.is_dir() and (p.name.startswith(_PREFIX) or p.name.startswith(f".{_PREFIX}")):
            shutil.rmtree(p, ignore_errors=True)
