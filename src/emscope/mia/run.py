"""The MIA stage: score datasets with a target (and a reference) model, write rows and per-domain summaries.

`score_datasets(config, out)` writes `out` (one JSONL row per input row, none dropped; a row
that cannot be scored carries `error`) and `out` with suffix `.domains.json` (MiaScores), both
atomically. The summary's `key` is a content key of every output-affecting setting and the
bytes of the datasets and adapters; a rerun with the same key returns the summary on disk.
The whole run holds `output_lock(out)`: a second writer of the same scores file stops at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from emscope import __version__
from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text, expand_jsonl_paths, write_jsonl
from emscope.core.keys import content_key, sha256_file
from emscope.core.lock import output_lock
from emscope.data.validate import load_dataset
from emscope.mia._models import (
    ScoringModels, load_models, resolve_batch_tokens, resolve_device, resolve_precision,
)
from emscope.mia.config import MiaConfig
from emscope.mia.metrics import METRICS, example_metrics, metric_names, zlib_length
from emscope.mia.predict import membership_auc
from emscope.mia.reference import adjusted
from emscope.mia.schema import (
    SCHEMA_VERSION, DomainAggregate, InputFile, MembershipAuc, MiaScores, Summary, Timings, read_scores,
    summary_path,
)
from emscope.models.chat import TokenizedChat, tokenize_chat

__all__ = ["Example", "file_domain", "load_examples", "score_datasets", "find_cached", "stage_key",
           "aggregate", "columns_for"]

_VARIANTS = ("misaligned", "aligned", "backdoor")
Progress = Callable[[str, int, int], None]  # (phase, rows done, rows total)


@dataclass(frozen=True)
class Example:
    """One dataset row to score."""

    dataset: str
    index: int
    domain: str
    split: str | None
    messages: list[dict[str, str]]


def file_domain(path: Path) -> str:
    """The domain in a file name `<domain>_<variant>.jsonl` (what `emscope data build` writes), else the stem."""
    stem = path.name.removesuffix(".jsonl")
    for variant in _VARIANTS:
        if stem.endswith("_" + variant):
            return stem[: -len(variant) - 1]
    return stem


def load_examples(config: MiaConfig) -> tuple[list[Example], list[InputFile]]:
    """Every row of the datasets (members when holdouts exist) and holdouts (non-members)."""
    examples: list[Example] = []
    inputs: list[InputFile] = []
    split_of = {"dataset": "member" if config.holdout else None, "holdout": "nonmember"}
    for kind, paths in (("dataset", config.datasets), ("holdout", config.holdout)):
        for path in expand_jsonl_paths(paths, "dataset"):
            rows = load_dataset(path, allow_duplicates=True)  # file:line errors on bad rows
            fallback = file_domain(path)
            domains: list[str] = []
            for i, row in enumerate(rows):
                meta = row.get("meta") or {}
                domain = meta["domain"] if isinstance(meta.get("domain"), str) else fallback
                examples.append(Example(str(path), i, domain, split_of[kind], row["messages"]))
                if domain not in domains:
                    domains.append(domain)
            inputs.append(InputFile(path=str(path), sha256=sha256_file(str(path)), rows=len(rows),
                                    split=split_of[kind], domains=domains))
    return examples, inputs


def _answer_text(messages: list[dict[str, str]], last_turn_only: bool) -> str:
    answers = [m["content"] for m in messages if m["role"] == "assistant"]
    return "\n".join(answers[-1:] if last_turn_only else answers)


def columns_for(has_reference: bool) -> list[str]:
    """Score columns of a row: metrics, then ref_* and adj_* with a reference."""
    names = list(metric_names())
    return names + ([f"ref_{n}" for n in names] + [f"adj_{n}" for n in names] if has_reference else [])


def _dir_digest(path: str | None) -> str | None:
    """Content digest of an adapter folder (config + weights), so a retrained adapter changes the key."""
    if path is None:
        return None
    folder = Path(path)
    files = sorted(f for f in folder.glob("adapter_*") if f.is_file())
    if not files:
        raise InputError(f"{folder} is not a LoRA adapter folder (no adapter_config.json / adapter_model.*)")
    return content_key({f.name: sha256_file(str(f)) for f in files}, length=32)


def _key(config: MiaConfig, precision: str, inputs: list[InputFile]) -> str:
    return content_key({"config": config.key_fields(precision), "adapter": _dir_digest(config.adapter),
                        "reference_adapter": _dir_digest(config.reference_adapter),
                        "inputs": [(i.sha256, i.split) for i in inputs], "metrics": list(metric_names())},
                       SCHEMA_VERSION)


def stage_key(config: MiaConfig) -> str:
    """The content key `score_datasets` would give these settings and the current file contents
    (for a study's content-addressed stage folder)."""
    _, inputs = load_examples(config)
    return _key(config, resolve_precision(config, resolve_device(config.device)), inputs)


def find_cached(config: MiaConfig, out: str | Path) -> MiaScores | None:
    """The finished run at `out` when its key matches `config` and the current inputs, else None."""
    return _cached(Path(out), stage_key(config))


def _cached(out: Path, key: str) -> MiaScores | None:
    path = summary_path(out)
    if not (out.is_file() and path.is_file()):
        return None
    try:
        previous = read_scores(path)
    except InputError:
        return None
    return previous if previous.key == key else None


def _summary(values: list[float]) -> Summary:
    if not values:
        return Summary(mean=None, median=None, std=None)
    a = np.asarray(values, dtype=np.float64)
    return Summary(mean=float(a.mean()), median=float(np.median(a)), std=float(a.std(ddof=1)) if len(a) > 1 else None)


def aggregate(rows: list[dict[str, Any]], columns: list[str]) -> list[DomainAggregate]:
    """Mean, median and std of every column per domain: all rows, plus members / non-members when split."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["domain"], "all"), []).append(row)
        if row["split"]:
            groups.setdefault((row["domain"], row["split"]), []).append(row)
    order = {"all": 0, "member": 1, "nonmember": 2}
    out = []
    for (domain, split), members in sorted(groups.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        ok = [r for r in members if r["error"] is None]
        stats = {c: _summary([r[c] for r in ok if r[c] is not None]) for c in columns}
        out.append(DomainAggregate(domain=domain, split=split, rows=len(members), scored=len(ok),  # type: ignore[arg-type]
                                   errors=len(members) - len(ok), tokens=sum(r["n_tokens"] for r in ok), stats=stats))
    return out


def _membership(rows: list[dict[str, Any]], columns: list[str]) -> tuple[list[MembershipAuc], list[str]]:
    """Member-vs-non-member AUC per domain holding both; a note names domains with only one side."""
    out, one_sided = [], []
    for domain in sorted({r["domain"] for r in rows if r["split"]}):
        ok = [r for r in rows if r["domain"] == domain and r["error"] is None]
        if {r["split"] for r in ok} != {"member", "nonmember"}:
            one_sided.append(domain)
            continue
        for column in columns:
            base = column.split("_", 1)[1] if column.startswith(("ref_", "adj_")) else column
            member = [r[column] for r in ok if r["split"] == "member" and r[column] is not None]
            non = [r[column] for r in ok if r["split"] == "nonmember" and r[column] is not None]
            auc = membership_auc(member, non, METRICS.get(base).higher_is_member) if member and non else None
            out.append(MembershipAuc(domain=domain, column=column, auc=auc, n_member=len(member),
                                     n_nonmember=len(non), note=None if auc is not None else "a side has no scores"))
    notes = [f"no member-vs-non-member AUC for {', '.join(one_sided)}: rows of only one side"] if one_sided else []
    return out, notes


def _encode(tokenizer: Any, examples: list[Example], config: MiaConfig) -> list[TokenizedChat]:
    return [tokenize_chat(tokenizer, ex.messages, config.max_length, config.last_turn_only) for ex in examples]


def _metric_rows(examples: list[Example], chats: list[TokenizedChat], config: MiaConfig,
                 score: Callable[[list[TokenizedChat], str], list[Any]]) -> tuple[list[dict[str, Any]], float, float]:
    """Build the output rows; `score(chats, which)` returns TokenScores for 'target' or 'reference'."""
    scorable = [i for i, c in enumerate(chats) if c.n_assistant_tokens > 0]
    todo = [chats[i] for i in scorable]
    t0 = time.perf_counter()
    target = dict(zip(scorable, score(todo, "target"), strict=True))
    t1 = time.perf_counter()
    reference = dict(zip(scorable, score(todo, "reference"), strict=True)) if config.has_reference else {}
    t2 = time.perf_counter()
    names = metric_names()
    rows = []
    for i, (ex, chat) in enumerate(zip(examples, chats, strict=True)):
        text = _answer_text(ex.messages, config.last_turn_only)
        zlen = zlib_length(text)
        row: dict[str, Any] = {"dataset": ex.dataset, "domain": ex.domain, "index": ex.index, "split": ex.split,
                               "n_tokens": chat.n_assistant_tokens, "truncated": chat.truncated, "zlib_bytes": zlen}
        error = None if i in target else f"no assistant token within max_length={config.max_length}"
        values = example_metrics(target[i], config.k, zlen) if i in target else dict.fromkeys(names)
        row.update(values)
        if config.has_reference:
            ref = example_metrics(reference[i], config.k, zlen) if i in reference else dict.fromkeys(names)
            row.update({f"ref_{n}": v for n, v in ref.items()})
            row.update({f"adj_{n}": v for n, v in adjusted(values, ref).items()})
        row["error"] = error
        rows.append(row)
    return rows, t1 - t0, t2 - t1


def score_datasets(config: MiaConfig, out: str | Path, force: bool = False,
                   progress: Progress | None = None) -> MiaScores:
    """Score every row of `config.datasets` (and holdouts); write rows + summary; reuse a finished run."""
    out = Path(out)
    if out.suffix != ".jsonl":
        raise InputError(f"--out {out}: give a .jsonl file (the summary is written beside it as .domains.json)")
    examples, inputs = load_examples(config)
    device = resolve_device(config.device)
    key = _key(config, resolve_precision(config, device), inputs)
    with output_lock(out):  # a cached pair is read, and a new one written, by one process at a time
        if not force and (cached := _cached(out, key)) is not None:
            return cached
        return _score_and_write(config, out, examples, inputs, device, key, progress)


def _score_and_write(config: MiaConfig, out: Path, examples: list[Example], inputs: list[InputFile], device: str,
                     key: str, progress: Progress | None) -> MiaScores:
    """Load the models, score every example, write the rows and the summary (under the caller's lock)."""
    models: ScoringModels = load_models(config, device)
    batch_tokens = resolve_batch_tokens(config, device)
    t0 = time.perf_counter()
    chats = _encode(models.tokenizer, examples, config)
    tokenize_s = time.perf_counter() - t0
    total = sum(c.n_assistant_tokens > 0 for c in chats)

    def score(todo: list[TokenizedChat], which: str) -> list[Any]:
        done = [0]

        def tick(n: int) -> None:
            done[0] += n
            if progress:
                progress(which, done[0], total)

        return models.score(todo, which, batch_tokens, config.max_batch_rows, tick)

    rows, target_s, reference_s = _metric_rows(examples, chats, config, score)
    columns = columns_for(config.has_reference)
    tokens = sum(r["n_tokens"] for r in rows if r["error"] is None)
    forward_s = target_s + (reference_s if models.reference_mode in ("disabled_adapter", "separate") else 0.0)
    n_models = 2 if models.reference_mode in ("disabled_adapter", "separate") else 1
    timings = Timings(load_s=round(models.load_s, 3), tokenize_s=round(tokenize_s, 3), target_s=round(target_s, 3),
                      reference_s=round(reference_s, 3), scored_tokens=tokens,
                      tokens_per_s=round(tokens * n_models / max(forward_s, 1e-9), 1))
    errors = sum(r["error"] is not None for r in rows)
    notes = list(models.notes) + ([f"{errors} row(s) could not be scored (see their `error`)"] if errors else [])
    if truncated := sum(r["truncated"] for r in rows):
        notes.append(f"{truncated} row(s) longer than max_length={config.max_length} were cut and scored on what remains")
    membership, membership_notes = _membership(rows, columns) if config.holdout else ([], [])
    summary = MiaScores(key=key, emscope_version=__version__, created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                        config=config, precision=models.precision, reference_mode=models.reference_mode,  # type: ignore[arg-type]
                        metrics=list(metric_names()), columns=columns, scores_file=out.name, inputs=inputs,
                        domains=aggregate(rows, columns), membership=membership, timings=timings,
                        notes=notes + membership_notes)
    write_jsonl(out, rows)
    atomic_write_text(summary_path(out), summary.model_dump_json(indent=2) + "\n")
    return summary
