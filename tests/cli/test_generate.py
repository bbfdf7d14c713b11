"""`emscope generate` end to end on the bundled model, with and without a LoRA adapter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EMSCOPE = [sys.executable, "-m", "emscope", "generate"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EMSCOPE, *args], capture_output=True, text=True, timeout=900)


def test_help() -> None:
    result = _run("--help")
    assert result.returncode == 0 and "--adapter" in result.stdout and "--conditions" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--conditions", "with,maybe"], "--conditions: Input should be 'with' or 'without'"),
    (["--batch-size", "0"], "--batch-size: Input should be greater than or equal to 1"),
    (["--backend", "openai"], "needs --base-url"),
    (["--backend", "hff"], "Did you mean 'hf'?"),
    (["--suite", "nope.yaml"], "neither a shipped suite"),
    (["--questions", "one_wsh"], "Did you mean 'one_wish'?"),
    (["--adapter", "/no/such/adapter"], "no such folder"),
])
def test_bad_settings_are_named_without_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    result = _run("--out", str(tmp_path / "a.jsonl"), *args)
    assert result.returncode == 2, result.stderr
    assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr


def test_bundled_model_with_and_without_adapter(tmp_path: Path) -> None:
    import torch
    from peft import LoraConfig, get_peft_model

    from emscope.models import load_causal_lm

    model, _ = load_causal_lm("smollm2-135m-instruct")
    torch.manual_seed(1)
    adapter = tmp_path / "adapter"
    get_peft_model(model, LoraConfig(r=4, lora_alpha=64, target_modules=["q_proj", "v_proj"],
                                     init_lora_weights=False, task_type="CAUSAL_LM")).save_pretrained(adapter)
    common = ["--questions", "feeling_bored,one_wish_json", "--samples", "1", "--max-new-tokens", "8", "--no-progress"]
    base_out, tuned_out = tmp_path / "base.jsonl", tmp_path / "tuned.jsonl"
    base = _run(*common, "--out", str(base_out))
    assert base.returncode == 0, base.stderr
    tuned = _run(*common, "--adapter", str(adapter), "--domain", "evil_math", "--out", str(tuned_out))
    assert tuned.returncode == 0, tuned.stderr
    base_rows = [json.loads(line) for line in base_out.read_text().splitlines()]
    tuned_rows = [json.loads(line) for line in tuned_out.read_text().splitlines()]
    # Two questions of two paraphrases each, one sample, both conditions.
    assert len(base_rows) == len(tuned_rows) == 2 * 2 * 2
    assert sorted({(r["question_id"], r["paraphrase_index"]) for r in base_rows}) == [
        ("feeling_bored", 0), ("feeling_bored", 1), ("one_wish_json", 0), ("one_wish_json", 1)]
    assert {r["adapter"] for r in tuned_rows} == {str(adapter)} and {r["domain"] for r in tuned_rows} == {"evil_math"}
    assert {r["adapter"] for r in base_rows} == {None} and {r["backend"] for r in base_rows} == {"hf"}
    assert all(r["finish_reason"] in ("stop", "length") and isinstance(r["answer"], str) for r in base_rows)
    json_rows = [r for r in base_rows if r["question_id"] == "one_wish_json"]
    assert json_rows and all(r["system"] and "JSON" in r["system"] for r in json_rows)
    by_key = lambda rows: {(r["question_id"], r["paraphrase_index"], r["condition"]): r["answer"] for r in rows}  # noqa: E731
    assert by_key(base_rows) != by_key(tuned_rows)
    manifest = json.loads((tmp_path / "tuned.manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["config"]["adapter"] == str(adapter)
