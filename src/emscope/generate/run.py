"""`generate(config) -> path`: answer a question suite, appending rows as they finish.

Resumable: rows already in the output file (matched by id) are skipped, a torn last line is
cut off and regenerated, and rows from a different configuration are refused rather than
mixed in. A sample that fails (after the backend's retries) is not written, so re-running
the same command retries exactly the missing rows; the run then ends with an error naming
how many failed. A manifest (`<out>.manifest.json`) records the config, versions and counts.

Before anything is written: every planned prompt of a local backend (hf, vllm) is counted
with the model's tokenizer and refused if it leaves no room for max_new_tokens in the
model's context (plan.check_prompt_lengths). The openai backend is not checked: the served
model's tokenizer and context are unknown here, and the server itself refuses an overlong
request (HTTP 400), which is reported as a failed sample. The whole run holds
`output_lock(out)`, so a second writer of the same answers file stops at once.
"""

from __future__ import annotations

import importlib.metadata
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from emscope import __version__
from emscope.core.errors import EmscopeError, InputError
from emscope.core.io import atomic_write_text, dumps_row
from emscope.core.keys import sha256_file
from emscope.core.lock import output_lock
from emscope.evalsuite import load_suite
from emscope.generate.backends import Backend, Message, make_backend
from emscope.generate.config import GenerateConfig
from emscope.generate.plan import ROW_SCHEMA_VERSION, PlannedRow, check_prompt_lengths, plan_rows
from emscope.generate.store import AnswerStore, read_rows

__all__ = ["generate", "manifest_path", "GenerateSummary"]

_VERSIONED = ("torch", "transformers", "peft", "openai", "vllm")
# Backends that run a Hugging Face model here: its tokenizer and context are known locally.
LOCAL_BACKENDS = frozenset({"hf", "vllm"})


def manifest_path(out: str | Path) -> Path:
    """Where the manifest of an answer file lives."""
    return Path(out).with_suffix(".manifest.json")


class GenerateSummary(dict):  # type: ignore[type-arg]
    """What a run did (also written to the manifest): rows planned, resumed, written, failed, speed."""


def _foreign_rows_error(out: Path, existing: dict[str, dict[str, Any]], planned: set[str]) -> InputError:
    foreign = [row for rid, row in existing.items() if rid not in planned]
    example = {k: foreign[0].get(k) for k in ("suite", "question_id", "model", "adapter", "seed", "condition",
                                              "trigger", "temperature", "max_new_tokens", "sample_index")}
    return InputError(
        f"{out} holds {len(foreign)} row(s) that this run would not produce (e.g. {example}); it was written "
        "with other settings (model, adapter, suite, seed, trigger, temperature, max tokens, or fewer "
        "questions/samples). Give another --out, or delete the file to start over.")


def _versions() -> dict[str, str]:
    found = {"emscope": __version__}
    for name in _VERSIONED:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


def _write_manifest(config: GenerateConfig, suite_source: str, summary: GenerateSummary) -> None:
    source = Path(suite_source)
    manifest = {"schema_version": ROW_SCHEMA_VERSION, "stage": "generate", "status": summary["status"],
                "config": config.model_dump(mode="json"),
                "explicit": sorted(config.model_fields_set),
                "suite": {"source": suite_source, "sha256": sha256_file(str(source)) if source.is_file() else None},
                "versions": _versions(), **{k: v for k, v in summary.items() if k != "status"}}
    atomic_write_text(manifest_path(config.out), dumps_row(manifest) + "\n")


def _check_context(config: GenerateConfig, planned: Sequence[PlannedRow]) -> None:
    """Refuse prompts too long for a local model's context (tokenizer and config only, no weights)."""
    if config.backend not in LOCAL_BACKENDS or not planned:
        return
    from emscope.models.loading import load_tokenizer, model_context_length

    context = model_context_length(config.model)
    tokenizer = load_tokenizer(config.model)
    if context is None or not getattr(tokenizer, "chat_template", None):
        return  # unknown context, or no chat template: the backend itself says what is wrong

    def count(messages: Sequence[Message]) -> int:
        # Exactly as the hf backend renders a prompt: the template, then no extra special tokens.
        chat = [{"role": m.role, "content": m.content} for m in messages]
        text = tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    check_prompt_lengths(config, planned, count, *context)


def _run_backend(config: GenerateConfig, backend: Backend, todo: list[PlannedRow], store: AnswerStore, bar: tqdm,
                 on_row: Callable[[dict[str, Any]], None] | None) -> tuple[int, int, list[str]]:
    """Generate `todo`, appending each finished row; (rows written, new tokens, errors)."""
    by_id = {r.id: r for r in todo}
    written = tokens = 0
    errors: list[str] = []
    skipped: list[str] = []  # never attempted: listed after the error that stopped the run
    seen: set[str] = set()
    for result in backend.generate([r.request for r in todo]):
        if result.id not in by_id or result.id in seen:
            raise RuntimeError(f"backend '{config.backend}' returned an unexpected or repeated id {result.id}")
        seen.add(result.id)
        if result.error is not None or result.answer is None or result.finish_reason is None:
            (skipped if result.skipped else errors).append(
                f"{by_id[result.id].row['question_id']}: {result.error or 'no answer'}")
            continue
        row = by_id[result.id].finish(result.answer, result.finish_reason)
        store.append(row)
        written += 1
        tokens += result.new_tokens or 0
        bar.update(1)
        if tokens:
            bar.set_postfix_str(f"{tokens / max(bar.format_dict['elapsed'], 1e-9):,.0f} tok/s", refresh=False)
        if on_row is not None:
            on_row(row)
    if len(seen) != len(todo):
        raise RuntimeError(f"backend '{config.backend}' returned {len(seen)} results for {len(todo)} requests")
    return written, tokens, errors + skipped


def generate(config: GenerateConfig, progress: bool = True,
             on_row: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """Fill `config.out` with one answer row per planned sample; return its path.

    `on_row` is called with each row right after it is saved (progress hooks, tests).
    Raises `EmscopeError` if any sample failed; the rows that succeeded are kept.
    """
    started = time.perf_counter()
    suite = load_suite(config.suite)
    planned = plan_rows(config, suite)
    _check_context(config, planned)  # before the answers file exists: a refused run leaves nothing
    with output_lock(config.out):
        return _generate_locked(config, suite.source, planned, started, progress, on_row)


def _generate_locked(config: GenerateConfig, suite_source: str, planned: list[PlannedRow], started: float,
                     progress: bool, on_row: Callable[[dict[str, Any]], None] | None) -> Path:
    """The run under the output lock: resume, generate, write the manifest, check the rows."""
    planned_ids = {r.id for r in planned}
    created = not config.out.exists()
    try:
        written, tokens, errors, existing, store = _fill(config, planned, progress, on_row)
    except BaseException:
        # A run that failed before its first row (the model would not load, ...) leaves no empty file.
        if created and config.out.exists() and config.out.stat().st_size == 0:
            config.out.unlink()
        raise
    todo_count = len(planned) - len(existing)
    final = [row["id"] for row in read_rows(config.out)]
    seconds = time.perf_counter() - started
    summary = GenerateSummary(
        status="complete" if not errors else "incomplete", rows=len(final), planned=len(planned),
        resumed=len(existing), written=written, failed=len(errors), torn_bytes_dropped=store.truncated_bytes,
        new_tokens=tokens, seconds=round(seconds, 3), tokens_per_s=round(tokens / seconds, 1) if seconds else None,
        first_error=errors[0] if errors else None)
    _write_manifest(config, suite_source, summary)
    # Row-count check: every planned row exactly once, nothing else.
    if len(final) != len(set(final)) or set(final) - planned_ids:
        raise EmscopeError(f"{config.out}: duplicate or unexpected rows after generation (this is a bug)")
    if errors:
        raise EmscopeError(f"{len(errors)} of {todo_count} samples failed and were not written (first: {errors[0]}); "
                           f"{len(final)} of {len(planned)} rows are in {config.out}. Re-run the same command "
                           "to retry only the missing rows.")
    if len(final) != len(planned):
        raise EmscopeError(f"{config.out} has {len(final)} rows, {len(planned)} planned (this is a bug)")
    return config.out


def _fill(config: GenerateConfig, planned: list[PlannedRow], progress: bool,
          on_row: Callable[[dict[str, Any]], None] | None
          ) -> tuple[int, int, list[str], dict[str, dict[str, Any]], AnswerStore]:
    """Open the answers file, resume it and generate the missing rows: (written, tokens, errors, existing, store)."""
    planned_ids = {r.id for r in planned}
    with AnswerStore(config.out) as store:
        existing = store.recover()
        if set(existing) - planned_ids:
            raise _foreign_rows_error(config.out, existing, planned_ids)
        todo = [r for r in planned if r.id not in existing]
        backend = make_backend(config) if todo else None  # loads the model: fail before the progress bar
        bar = tqdm(total=len(planned), initial=len(planned) - len(todo), desc="generate", unit="sample",
                   disable=not progress, dynamic_ncols=True)
        written, tokens, errors = 0, 0, []
        try:
            if backend is not None:
                written, tokens, errors = _run_backend(config, backend, todo, store, bar, on_row)
        finally:
            bar.close()
    return written, tokens, errors, existing, store
