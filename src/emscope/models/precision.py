"""Which reduced precision the hardware runs fast, and an autocast context for it.

bf16 pays off on CUDA and on CPUs with native bf16 matmuls (AVX512-BF16 or AMX); elsewhere
bf16 is emulated and slower than fp32, so those stay in fp32.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path

__all__ = ["cpu_has_fast_bf16", "fast_bf16", "autocast"]


@functools.cache
def cpu_has_fast_bf16() -> bool:
    """True when this CPU has native bf16 dot products (AVX512-BF16 or AMX)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(f in flags for f in (" avx512_bf16", " amx_bf16"))


def fast_bf16(device: str = "cpu") -> bool:
    """Whether bf16 autocast is expected to be faster than fp32 on `device`."""
    import torch

    if device.startswith("cuda"):
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return cpu_has_fast_bf16()


@contextlib.contextmanager
def autocast(device: str = "cpu", enabled: bool | None = None) -> Iterator[None]:
    """bf16 autocast on `device` where it is fast (or as `enabled` says), else a no-op."""
    import torch

    use = fast_bf16(device) if enabled is None else enabled
    if not use:
        yield
        return
    with torch.autocast(device_type="cuda" if device.startswith("cuda") else "cpu", dtype=torch.bfloat16):
        yield
