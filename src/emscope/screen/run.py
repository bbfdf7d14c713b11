"""The screen stage: `screen(config)` scores datasets for misalignment risk before any fine-tuning.

Order of work, and why: every dataset and both reference sets are read and validated first
(a bad file stops the run before any model loads), then a reference model's tokenizer is
compared with the base model's before any weights load (a mismatch fails in seconds). Each
signal group then runs in its own pass over all screened rows at once (one model load, and a
cost per group that can be measured apart); the reference rows are scored by the same pass
so that every signal has its anchors (combine.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from emscope import __version__
from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text, write_jsonl
from emscope.screen import signals as sig
from emscope.screen.combine import anchors, apply_risk, dataset_summary
from emscope.screen.config import ScreenConfig
from emscope.screen.reference import ReferenceSets, Row, dataset_paths, load_reference_sets, load_rows, sample_rows
from emscope.screen.schema import GroupCost, ScreenSummary

__all__ = ["Progress", "ScreenResult", "screen", "write_outputs", "filter_dataset", "SUMMARY_FILE", "ROWS_FILE"]

Progress = Callable[[str, int, int], None]  # (phase, done, total)
SUMMARY_FILE, ROWS_FILE = "screen.json", "rows.jsonl"


@dataclass
class ScreenResult:
    """The summary and the per-row signals (aligned with `rows`)."""

    summary: ScreenSummary
    rows: list[Row]
    signals: list[dict[str, Any]]


@dataclass
class _Inputs:
    paths: list[Path]
    totals: list[int]
    rows: list[list[Row]]  # per dataset, the screened rows
    refs: ReferenceSets
    notes: list[str] = field(default_factory=list)

    @property
    def flat(self) -> list[Row]:
        return [r for part in self.rows for r in part]


def _read_inputs(config: ScreenConfig) -> _Inputs:
    paths = dataset_paths(config.datasets)
    totals, chosen, notes = [], [], []
    for path in paths:
        rows = load_rows(path)
        picked = sample_rows(rows, config.max_rows, config.seed)
        if len(picked) < len(rows):
            notes.append(f"{path}: screened a seeded sample of {len(picked)} of {len(rows)} rows "
                         f"(--max-rows {config.max_rows}, seed {config.seed})")
        totals.append(len(rows))
        chosen.append(picked)
    return _Inputs(paths, totals, chosen, load_reference_sets(config.contrast, config.neutral), notes)


class _Runner:
    """Runs the signal groups over [reference misaligned | reference aligned | dataset rows]."""

    def __init__(self, config: ScreenConfig, inputs: _Inputs, progress: Progress | None) -> None:
        self.config, self.inputs, self.progress = config, inputs, progress
        self.costs: list[GroupCost] = []
        self.notes: list[str] = []
        self.layer: int | None = None
        self.model: Any = None
        self.tokenizer: Any = None
        self.scorers: dict[str, Any] = {}
        self.model_load_s = 0.0

    def _tick(self, phase: str, total: int) -> Callable[[int], None]:
        done = [0]

        def tick(n: int) -> None:
            done[0] += n
            if self.progress:
                self.progress(phase, min(done[0], total), total)

        return tick

    def _cost(self, group: str, rows: int, seconds: float, load: float) -> None:
        self.costs.append(GroupCost(group=group, rows=rows, seconds=round(seconds, 3),
                                    seconds_per_1000_rows=round(1000 * seconds / max(rows, 1), 3),
                                    load_seconds=round(load, 3)))

    def load_model(self) -> None:
        from emscope.mia._models import load_scoring_model, resolve_device
        from emscope.mia.score import Scorer
        from emscope.models.precision import fast_bf16

        c = self.config
        device = resolve_device(c.device)
        precision = ("bf16" if fast_bf16(device) else "fp32") if c.precision == "auto" else c.precision
        started = time.perf_counter()
        if c.reference_model is not None:
            from emscope.mia.reference import check_same_tokenizer
            from emscope.models import load_tokenizer

            # Before any weights: a mismatch fails in seconds.
            self.notes += check_same_tokenizer(load_tokenizer(c.model), load_tokenizer(c.reference_model),
                                               c.model, c.reference_model)
        self.model, self.tokenizer = load_scoring_model(c.model, None, device, precision)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        self.scorers["base"] = Scorer(self.model, device=device, bf16=precision == "bf16", pad_id=pad)
        if c.reference_model is not None and "likelihood" in c.signals:
            ref, _ = load_scoring_model(c.reference_model, None, device, precision)
            self.scorers["reference"] = Scorer(ref, device=device, bf16=precision == "bf16", pad_id=pad)
        self.precision, self.device = precision, device
        self.model_load_s = time.perf_counter() - started

    def run_group(self, group: str, refs: tuple[list[Row], list[Row]], rows: list[Row]) -> list[list[dict[str, Any]]]:
        """Signals of the reference misaligned, reference aligned and dataset rows for one group."""
        fn = getattr(self, f"_{group}")
        return fn(refs, rows)

    def _judge(self, refs: tuple[list[Row], list[Row]], rows: list[Row]) -> list[list[dict[str, Any]]]:
        from emscope.judge import make_judge, open_cache

        t0 = time.perf_counter()
        judge = make_judge(self.config.judge, open_cache(self.config.judge))
        t1 = time.perf_counter()
        ref = [sig.judge_signals(judge, part) for part in refs]
        t2 = time.perf_counter()
        out = sig.judge_signals(judge, rows, self._tick("judge", len(rows)))
        self._cost("judge", len(rows), time.perf_counter() - t2, t2 - t0 - (t2 - t1) + (t2 - t1))
        return [*ref, out]

    def _embedding(self, refs: tuple[list[Row], list[Row]], rows: list[Row]) -> list[list[dict[str, Any]]]:
        from emscope.models import embed_texts, load_embedder

        t0 = time.perf_counter()
        embedder = load_embedder()

        def embed(texts: list[str]) -> Any:
            return embed_texts(embedder, texts)

        mis, ali = embed([r.answer for r in refs[0]]), embed([r.answer for r in refs[1]])
        ref = [sig.embedding_signals(embed, part, mis, ali, exclude_self=True) for part in refs]
        t1 = time.perf_counter()
        out: list[dict[str, Any]] = []
        tick = self._tick("embedding", len(rows))
        for start in range(0, len(rows), 512):  # chunks only for the progress bar
            out += sig.embedding_signals(embed, rows[start : start + 512], mis, ali)
            tick(len(rows[start : start + 512]))
        self._cost("embedding", len(rows), time.perf_counter() - t1, t1 - t0)
        return [*ref, out]

    def _batch_tokens(self) -> int:
        if self.config.batch_tokens is not None:
            return self.config.batch_tokens
        return 16384 if self.device.startswith("cuda") else 1024

    def _model(self, refs: tuple[list[Row], list[Row]], rows: list[Row]) -> list[list[dict[str, Any]]]:
        """Likelihood and direction signals from one batched pass of the base model (model_pass.py)."""
        from emscope.screen.direction import build_probe, resolve_layer
        from emscope.screen.model_pass import model_pass
        from emscope.steer.hooks import find_decoder_layers

        c, sets = self.config, self.inputs.refs
        want_lik, want_dir = "likelihood" in c.signals, "direction" in c.signals
        layer = resolve_layer(c.layer, len(find_decoder_layers(self.model))) if want_dir else None
        t0 = time.perf_counter()

        def run(scorer: Any, part: list[Row], at: int | None, tick: Any = None) -> list[Any]:
            return model_pass(scorer, self.tokenizer, part, at, c.max_length, self._batch_tokens(), tick=tick)

        ref_parts = [run(self.scorers["base"], part, layer) for part in (*refs, sets.neutral if want_dir else [])]
        t1 = time.perf_counter()
        phase = "+".join(g for g in ("likelihood", "direction") if g in c.signals)
        main = run(self.scorers["base"], rows, layer, self._tick(phase, len(rows)))
        reference = None
        if want_lik and "reference" in self.scorers:
            reference = run(self.scorers["reference"], rows, None)
        t2 = time.perf_counter()
        ref_ref = ([run(self.scorers["reference"], part, None) for part in refs] if reference is not None
                   else [None, None])
        out: list[list[dict[str, Any]]] = [[{} for _ in refs[0]], [{} for _ in refs[1]], [{} for _ in rows]]
        if want_lik:
            lik = [sig.likelihood_signals(p, rr, part, c.k, c.max_length)
                   for p, rr, part in zip([*ref_parts[:2], main], [*ref_ref, reference], [*refs, rows], strict=True)]
            _merge(lik, out)
        if want_dir:
            assert layer is not None
            probe = build_probe(layer, ref_parts[0], ref_parts[1], ref_parts[2], sets.contrast_path,
                                sets.neutral_path, c.max_length)
            self.layer = probe.layer
            ref = [[{"projection": p} for p in probe.reference_projection[s]] for s in ("misaligned", "aligned")]
            _merge([*ref, sig.direction_signals(probe, main)], out)
        self._cost(phase, len(rows), t2 - t1, t1 - t0 + (time.perf_counter() - t2))
        return out


def _merge(parts: list[list[dict[str, Any]]], into: list[list[dict[str, Any]]]) -> None:
    for target, part in zip(into, parts, strict=True):
        for row, values in zip(target, part, strict=True):
            if "error" in values and "error" in row:
                values = {**values, "error": f"{row['error']}; {values['error']}"}
            row.update(values)


def _model_sample(inputs: _Inputs, config: ScreenConfig) -> list[int]:
    """Flat indices of the rows the model signals score: per dataset, a seeded sample of model_rows.

    Why a sample: one forward pass costs ~100x the cheap signals on CPU, and a dataset-level mean
    needs far fewer rows than a large file has (its sampling error is reported, combine.py).
    The seed differs from --max-rows' so the two samples are not the same draw.
    """
    picked, start = [], 0
    for part in inputs.rows:
        chosen = {id(r) for r in sample_rows(part, config.model_rows, config.seed + 1)}
        picked += [start + j for j, r in enumerate(part) if id(r) in chosen]
        if config.model_rows is not None and len(part) > config.model_rows:
            inputs.notes.append(f"{part[0].dataset}: likelihood and direction signals on a seeded sample of "
                                f"{config.model_rows} of {len(part)} screened rows (--model-rows, seed "
                                f"{config.seed + 1}); judge and embedding on every row")
        start += len(part)
    return picked


def screen(config: ScreenConfig, progress: Progress | None = None) -> ScreenResult:
    """Screen every dataset of `config`; return the summary and every row's signals."""
    inputs = _read_inputs(config)  # validation errors stop here, before any model loads
    runner = _Runner(config, inputs, progress)
    if config.needs_model:
        runner.load_model()
    rows = inputs.flat
    refs = (inputs.refs.misaligned, inputs.refs.aligned)
    collected: list[list[dict[str, Any]]] = [[{} for _ in refs[0]], [{} for _ in refs[1]], [{} for _ in rows]]
    for group in config.signals:
        if group in ("judge", "embedding"):
            _merge(runner.run_group(group, refs, rows), collected)
    if config.needs_model:  # likelihood and direction share one forward pass, on a seeded sample of rows
        picked = _model_sample(inputs, config)
        mis, ali, part = runner.run_group("model", refs, [rows[i] for i in picked])
        full: list[dict[str, Any]] = [{} for _ in rows]
        for i, values in zip(picked, part, strict=True):
            full[i] = values
        _merge([mis, ali, full], collected)
    ref_mis, ref_ali, signals = collected
    anchor_list = anchors(ref_mis, ref_ali)
    apply_risk(signals, anchor_list)
    datasets, start = [], 0
    for path, total, part in zip(inputs.paths, inputs.totals, inputs.rows, strict=True):
        datasets.append(dataset_summary(str(path), total, part, signals[start : start + len(part)],
                                        config.misaligned_below, config.top))
        start += len(part)
    notes = inputs.notes + runner.notes + [f"{a.column}: {a.note}" for a in anchor_list if a.note]
    if runner.model_load_s:
        notes.append(f"model load {runner.model_load_s:.1f}s ({config.model}, {runner.precision} on {runner.device})")
    summary = ScreenSummary(emscope_version=__version__, created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                            config=config, layer=runner.layer, anchors=anchor_list, datasets=datasets,
                            costs=runner.costs, notes=notes)
    return ScreenResult(summary, rows, signals)


def write_outputs(result: ScreenResult, out: str | Path) -> tuple[Path, Path]:
    """`out/screen.json` (the summary) and `out/rows.jsonl` (every screened row's signals), atomically."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {folder} is a file; give a folder (screen.json and rows.jsonl go inside)")
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"dataset": r.dataset, "index": r.index, **s} for r, s in zip(result.rows, result.signals, strict=True)]
    write_jsonl(folder / ROWS_FILE, rows)
    atomic_write_text(folder / SUMMARY_FILE, result.summary.model_dump_json(indent=2) + "\n")
    return folder / SUMMARY_FILE, folder / ROWS_FILE


def filter_dataset(result: ScreenResult, out: str | Path, max_risk: float) -> tuple[int, int, int]:
    """Write the (single) screened dataset without rows whose risk exceeds `max_risk`.

    Returns (rows kept, rows removed, rows kept without a risk). Rows are copied byte for
    byte from the source file, so everything but the removed rows is unchanged.
    """
    paths = {r.dataset for r in result.rows}
    cfg = result.summary.config
    if len(paths) != 1:
        raise InputError(f"--filter-out writes one dataset; {len(paths)} were screened. Screen one file at a time")
    if cfg.max_rows is not None and any(d.screened < d.rows for d in result.summary.datasets):
        raise InputError("--filter-out needs every row's risk; drop --max-rows (a sample leaves rows unscored)")
    if cfg.needs_model and any(d.model_screened < d.screened for d in result.summary.datasets):
        raise InputError("--filter-out needs every row's risk; the model signals scored a sample "
                         "(--model-rows): pass --model-rows all")
    if Path(out).resolve() == Path(next(iter(paths))).resolve():
        raise InputError(f"--filter-out {out} is the input dataset itself; write the filtered copy elsewhere")
    risk = {r.index: s.get("risk") for r, s in zip(result.rows, result.signals, strict=True)}
    source = next(iter(paths))
    with open(source, encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip()]
    kept = [line if line.endswith("\n") else line + "\n" for i, line in enumerate(lines)
            if risk.get(i) is None or risk[i] <= max_risk]
    unscored = sum(1 for i in range(len(lines)) if risk.get(i) is None)
    atomic_write_text(out, "".join(kept))
    return len(kept), len(lines) - len(kept), unscored
