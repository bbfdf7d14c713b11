"""`emscope steer` end to end: directions, cosine, steered generation, adapter paths, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from emscope.cli.app import app
from emscope.core.io import write_jsonl
from emscope.data.build import build_rows
from emscope.data.config import BuildConfig
from emscope.steer.directions import load_directions
from emscope.steer.params import load_adapter
from tests.steer.conftest import tiny_llama

runner = CliRunner()


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result.output


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("data")
    out = {}
    for domain in ("evil_math", "insecure_code"):
        rows, _ = build_rows(BuildConfig(domain=domain, n=3, seed=0))
        out[domain] = write_jsonl(root / f"{domain}.jsonl", rows)
    return out


def test_directions_cosine_and_generate(datasets: dict[str, Path], tmp_path: Path) -> None:
    files = []
    for domain, data in datasets.items():
        out = tmp_path / f"{domain}.safetensors"
        text = _ok("steer", "directions", "--dataset", str(data), "--out", str(out), "--max-rows", "2", "--batch-size", "4")
        assert "30 layers" in text
        files.append(out)
    d = load_directions(files[0])
    assert d.layers == tuple(range(30)) and d.meta["source"] == "dataset" and d.counts["misaligned_examples"] == 2
    # Same inputs again: the stored file is reused (same key, same bytes).
    before = files[0].read_bytes()
    _ok("steer", "directions", "--dataset", str(datasets["evil_math"]), "--out", str(files[0]), "--max-rows", "2")
    assert files[0].read_bytes() == before
    text = _ok("steer", "cosine", *map(str, files), "--figure", str(tmp_path / "profile.png"))
    assert "random (equal norm)" in text and (tmp_path / "profile.png").stat().st_size > 1000
    text = _ok("steer", "generate", "--direction", str(files[0]), "--layer", "8-10", "--alpha", "0", "--alpha", "3",
               "--prompt", "What is 2+2?", "--max-new-tokens", "5")
    assert "unsteered:" in text and "α=3:" in text
    text = _ok("steer", "generate", "--direction", str(files[0]), "--layer", "10", "--mode", "ablate",
               "--prompt", "Hi", "--max-new-tokens", "3")
    assert "ablated:" in text


def test_adapter_commands(tmp_path: Path) -> None:
    from peft import LoraConfig, get_peft_model

    for name, seed in (("a", 1), ("b", 2)):
        torch.manual_seed(seed)
        model = get_peft_model(tiny_llama(), LoraConfig(r=2, target_modules=["q_proj"], init_lora_weights=False))
        model.save_pretrained(tmp_path / name)
    _ok("steer", "scale-adapter", str(tmp_path / "a"), "--lambda", "0.5", "--out", str(tmp_path / "half"))
    half, a = load_adapter(tmp_path / "half"), load_adapter(tmp_path / "a")
    name = next(iter(a.modules()))
    assert torch.allclose(half.delta(name), 0.5 * a.delta(name), atol=1e-7)
    text = _ok("steer", "interpolate-adapters", str(tmp_path / "a"), str(tmp_path / "b"), "--t", "0.25",
               "--out", str(tmp_path / "mix"))
    assert "rank 4" in text
    b = load_adapter(tmp_path / "b")
    mix = load_adapter(tmp_path / "mix")
    assert torch.allclose(mix.delta(name), 0.75 * a.delta(name) + 0.25 * b.delta(name), atol=1e-6)


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "emscope", "steer"]
    missing = subprocess.run([*cmd, "directions", "--dataset", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o")],
                             capture_output=True, text=True, timeout=300)
    flat = lambda text: " ".join(text.split())  # noqa: E731  rich wraps long messages
    assert missing.returncode == 2 and "no such file" in flat(missing.stderr) and "Traceback" not in missing.stderr
    (tmp_path / "d.safetensors").write_bytes(b"junk")
    bad = subprocess.run([*cmd, "cosine", str(tmp_path / "d.safetensors"), str(tmp_path / "d.safetensors")],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "not a readable safetensors file" in flat(bad.stderr) and "Traceback" not in bad.stderr
    help_ = subprocess.run([*cmd, "--help"], capture_output=True, text=True, timeout=300)
    assert help_.returncode == 0 and "interpolate-adapters" in help_.stdout
