from pathlib import Path

import torch

from emscope.models.precision import autocast, cpu_has_fast_bf16, fast_bf16


def test_cpu_flag_detection_matches_cpuinfo() -> None:
    flags = Path("/proc/cpuinfo").read_text()
    assert cpu_has_fast_bf16() == (" avx512_bf16" in flags or " amx_bf16" in flags)
    assert fast_bf16("cpu") == cpu_has_fast_bf16()


def test_autocast_switches_matmul_precision() -> None:
    a, b = torch.randn(4, 8), torch.randn(8, 3)
    with autocast("cpu", enabled=True):
        assert (a @ b).dtype == torch.bfloat16
    with autocast("cpu", enabled=False):
        assert (a @ b).dtype == torch.float32


def test_cuda_without_gpu_is_not_fast() -> None:
    if not torch.cuda.is_available():
        assert fast_bf16("cuda") is False
