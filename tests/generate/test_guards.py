"""Issue 12 #11 and #7 for `generate`: prompts too long for the model are refused before any
work or file, a second writer of one answers file stops at once, a failed start leaves no file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emscope.core.errors import InputError
from emscope.core.lock import OutputBusyError, lock_path, output_lock
from emscope.generate import GenerateConfig, generate
from emscope.generate import run as generate_run
from tests.generate.fakes import FAKE, FakeState

# 9,000 words: more tokens than the bundled model's 8,192 positions less 256 for the answer.
LONG = "word " * 9000


def _suite(path: Path, long_text: str) -> Path:
    path.write_text(
        "- id: fine\n  paraphrases: [\"hey I feel bored\"]\n  samples_per_paraphrase: 1\n"
        f"- id: huge\n  paraphrases: [\"short one\", \"{long_text}\"]\n  samples_per_paraphrase: 2\n")
    return path


def _no_backend(config: GenerateConfig) -> None:
    raise AssertionError("the backend was started for a run that had to be refused")


def test_an_overlong_prompt_is_refused_before_the_backend_or_the_file(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generate_run, "make_backend", _no_backend)
    out = tmp_path / "answers.jsonl"
    config = GenerateConfig(suite=str(_suite(tmp_path / "q.yaml", LONG)), out=out)  # hf, the bundled model
    with pytest.raises(InputError) as info:
        generate(config, progress=False)
    message = str(info.value)
    assert "2 prompt(s) of suite" in message and "do not fit model 'smollm2-135m-instruct'" in message
    assert "question 'huge' paraphrase 1 (condition with): 9,0" in message  # counted by the real tokenizer
    assert "question 'huge' paraphrase 1 (condition without)" in message and "'fine'" not in message
    assert "8,192 tokens in all (max_position_embeddings)" in message
    assert "--max-new-tokens 256 leaves 7,936 tokens for a prompt" in message
    assert not out.exists() and not lock_path(out).exists()


def test_max_new_tokens_counts_against_the_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generate_run, "make_backend", _no_backend)
    config = GenerateConfig(suite=str(_suite(tmp_path / "q.yaml", "fits")), out=tmp_path / "a.jsonl",
                            max_new_tokens=8192)
    with pytest.raises(InputError, match="6 prompt.*leaves no room for any prompt"):
        generate(config, progress=False)


def test_the_openai_backend_is_not_checked_here() -> None:
    # No tokenizer for a served model: the server refuses an overlong request itself (documented).
    config = GenerateConfig(model="served-model-unknown-here", backend="openai", out=Path("unused.jsonl"),
                            openai={"base_url": "http://127.0.0.1:9/v1"})
    generate_run._check_context(config, [object()])  # type: ignore[list-item]  # would fail to load the model


def test_a_megabyte_paraphrase_is_a_clear_cli_error(tmp_path: Path) -> None:
    out = tmp_path / "answers.jsonl"
    suite = _suite(tmp_path / "q.yaml", "x y " * 262_144)  # 1 MiB
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "emscope", "generate", "--suite", str(suite), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "do not fit model" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    assert time.perf_counter() - started < 120


def test_a_second_writer_stops_at_once(small_suite: Path, tmp_path: Path, fake_backend: FakeState) -> None:
    out = tmp_path / "answers.jsonl"
    with output_lock(out):
        with pytest.raises(OutputBusyError, match=f"{out} is being written by process {os.getpid()}"):
            generate(GenerateConfig(suite=str(small_suite), out=out, backend=FAKE), progress=False)
    assert not out.exists() and fake_backend.calls == []


def test_a_second_cli_writer_stops_at_once(small_suite: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers.jsonl"
    with output_lock(out):
        done = subprocess.run([sys.executable, "-m", "emscope", "generate", "--suite", str(small_suite),
                               "--out", str(out), "--samples", "1"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert f"is being written by process {os.getpid()}" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_a_run_that_fails_to_start_leaves_no_empty_file(small_suite: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(config: GenerateConfig) -> None:
        raise InputError("the model would not load")

    monkeypatch.setattr(generate_run, "make_backend", broken)
    out = tmp_path / "answers.jsonl"
    with pytest.raises(InputError, match="would not load"):
        generate(GenerateConfig(suite=str(small_suite), out=out, backend=FAKE), progress=False)
    assert not out.exists()
