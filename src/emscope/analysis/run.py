"""The analysis stage: judged answers (+ optional dataset stats and training data) → Results.

`analyze(config, inputs)` computes everything; `write_results(results, out_dir)` writes
results.json (schema in analysis.schema) and one CSV per table. The domain registry lives in a
stage above this service, so the caller passes each domain's category in `inputs.categories`.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from emscope import __version__
from emscope.analysis import _sections as sections
from emscope.analysis.config import AnalyzeConfig
from emscope.analysis.leakage import mark_frame
from emscope.analysis.load import load_judged
from emscope.analysis.memorisation import CopyIndex
from emscope.analysis.rates import misaligned_mask
from emscope.analysis.schema import InputFile, Results
from emscope.analysis.sources import load_train_answers, load_vendi
from emscope.analysis.tables import TABLES, write_tables
from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text
from emscope.core.keys import sha256_file
from emscope.core.lock import output_lock

__all__ = ["AnalyzeInputs", "analyze", "judged_frame", "analyze_into", "write_results", "read_results", "RESULTS_FILE"]

RESULTS_FILE = "results.json"


@dataclass(frozen=True)
class AnalyzeInputs:
    """What the analysis reads (paths stay out of the config: they do not change the statistics' meaning)."""

    judged: Sequence[str | Path]
    dataset_stats: str | Path | None = None
    train_data: Sequence[str | Path] = ()
    categories: Mapping[str, str] = field(default_factory=dict)  # domain → critical | non-critical | ambiguous


def _mark_copies(frame: pd.DataFrame, train: dict[str, list[str]], config: AnalyzeConfig, notes: list[str]) -> None:
    frame["copy"] = None
    frame["checked"] = False
    if not train:
        notes.append("memorisation not checked: pass --train-data with the fine-tuning datasets")
        return
    for domain in sorted(set(frame["domain"])):
        if domain == config.base_label:
            continue
        if domain not in train:
            notes.append(f"memorisation not checked for '{domain}': no training rows for it in --train-data")
            continue
        mask = (frame["domain"] == domain).to_numpy()
        index = CopyIndex(train[domain], ratio=config.near_copy_ratio)
        frame.loc[mask, "copy"] = [m.kind for m in index.match(frame.loc[mask, "answer"].tolist())]
        frame.loc[mask, "checked"] = True


def _select_for_rates(frame: pd.DataFrame, config: AnalyzeConfig, notes: list[str]) -> None:
    """`in_rates`: the rows that rates, means, the ranking and the tests use (scored, and not
    leaked under --exclude-leaked); everything else is still counted in every table."""
    leaked = frame["leaked"].eq(True).to_numpy()  # None (not checked) is not leaked
    frame["in_rates"] = frame["scored"].to_numpy() & ~(leaked & config.exclude_leaked)
    if not config.exclude_leaked:
        return
    out = int((frame["scored"] & ~frame["in_rates"]).sum())
    unchecked = int((frame["scored"] & ~frame["leak_checked"].astype(bool)).sum())
    notes.append(f"--exclude-leaked: {out} leaked scored answers are counted and reported but left out of rates, "
                 "means, the ranking and the with/without tests"
                 + (f"; {unchecked} scored answers could not be checked for leakage and stay in" if unchecked else ""))


def _inputs(frame: pd.DataFrame) -> list[InputFile]:
    out = []
    for file, rows in frame.groupby("file", sort=True):
        out.append(InputFile(path=str(file), sha256=sha256_file(str(file)), rows=len(rows), judge=rows["judge"].iloc[0]))
    return out


def _domain_notes(frame: pd.DataFrame, inputs: AnalyzeInputs, config: AnalyzeConfig) -> list[str]:
    unknown = sorted(set(frame["domain"]) - set(inputs.categories) - {config.base_label})
    if unknown and inputs.categories:
        return [f"domain(s) not in the domain registry, category unknown: {', '.join(unknown)}"]
    return []


def judged_frame(config: AnalyzeConfig, inputs: AnalyzeInputs) -> tuple[pd.DataFrame, list[str]]:
    """The checked table of judged rows with every mark the statistics read (`scored`, `misaligned`,
    memorisation, leakage, `in_rates`; see analysis._sections), and the notes made on the way.

    `analyze` computes its sections from this table; a study's sweep stage computes its per-point
    rates and dose-response fits from the same table, so both count answers the same way.
    """
    if not inputs.judged:
        raise InputError("no judged files given")
    frame = load_judged(inputs.judged, config)
    frame["scored"] = (frame["verdict"] == "scored").to_numpy()
    frame["misaligned"] = frame["scored"].to_numpy() & misaligned_mask(
        frame["aligned"].to_numpy(dtype=np.float64, na_value=np.nan),
        frame["coherent"].to_numpy(dtype=np.float64, na_value=np.nan), config.thresholds)
    notes = _domain_notes(frame, inputs, config)
    train = load_train_answers(inputs.train_data, list(inputs.categories)) if inputs.train_data else {}
    _mark_copies(frame, train, config, notes)
    mark_frame(frame, train, config.leakage, config.base_label, config.seed, notes)
    _select_for_rates(frame, config, notes)
    return frame, notes


def analyze(config: AnalyzeConfig, inputs: AnalyzeInputs) -> Results:
    """Load, check and analyse the judged answers; InputError on anything that cannot be analysed."""
    frame, notes = judged_frame(config, inputs)
    vendi = {}
    if inputs.dataset_stats is not None:
        vendi = load_vendi(inputs.dataset_stats, config.vendi_order, list(inputs.categories))
    else:
        notes.append("Vendi correlation not computed: pass --dataset-stats (JSON of `emscope data stats --json`)")
    rng = np.random.default_rng(config.seed)
    groups = sections.group_stats(frame, config, inputs.categories, rng)
    tests = sections.domain_tests(frame, config, inputs.categories)
    rank = sections.ranking(groups, config)
    unscored = int((~frame["scored"]).sum())
    if unscored:
        notes.append(f"{unscored} of {len(frame)} rows have no usable score (refusal, code, invalid or empty): "
                     "counted in every table, left out of rates and means")
    empty = int((frame["verdict"] == "empty").sum())
    if empty:
        notes.append(f"{empty} of {len(frame)} answers are empty (no text): verdict 'empty', never scored")
    results = Results(
        emscope_version=__version__, created_at=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        config=config, judge=str(frame["judge"].iloc[0]), inputs=_inputs(frame),
        dataset_stats=None if inputs.dataset_stats is None else str(inputs.dataset_stats),
        train_data=[str(p) for p in inputs.train_data], rates_exclude_leaked=config.exclude_leaked,
        leakage_checked=bool(frame.loc[frame["domain"] != config.base_label, "leak_checked"].any()), totals=sections.counts(frame), groups=groups,
        tests=tests, summary=sections.summaries(tests, groups, config), ranking=rank,
        vendi=sections.vendi_correlations(rank, vendi, config.vendi_order) if vendi else [],
        questions=sections.question_stats(frame), samples=sections.samples(frame, config), notes=notes)
    if sum(g.counts.rows for g in results.groups) != len(frame):  # every row lands in exactly one group
        raise AssertionError("group row counts do not add up to the input rows")
    return results


def write_results(results: Results, out_dir: str | Path) -> list[Path]:
    """results.json plus the CSV tables, each written atomically; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [atomic_write_text(out / RESULTS_FILE, results.model_dump_json(indent=2) + "\n")]
    return paths + write_tables(results, out)


def analyze_into(config: AnalyzeConfig, inputs: AnalyzeInputs, out_dir: str | Path) -> tuple[Results, list[Path]]:
    """`analyze` then `write_results`, holding `out_dir`'s output lock throughout: a second
    analysis into the same folder stops at once instead of mixing two runs' tables."""
    with output_lock(out_dir):
        _remove_stale_temps(Path(out_dir))
        results = analyze(config, inputs)
        return results, write_results(results, out_dir)


def _remove_stale_temps(out: Path) -> None:
    # A killed analysis can leave atomic-write temp files (`.NAME.XXXXXXXX.tmp`, core.io) of
    # its own outputs; under the lock no live writer owns them. Other files are left alone.
    for name in (RESULTS_FILE, *(f"{t}.csv" for t in TABLES)):
        for tmp in out.glob(f".{name}.*.tmp"):
            if tmp.is_file() and not tmp.is_symlink():
                tmp.unlink(missing_ok=True)


def read_results(path: str | Path) -> Results:
    """Load results.json (a file or its directory), refusing other schema versions with a clear message."""
    p = Path(path)
    if p.is_dir():
        p = p / RESULTS_FILE
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{p}: not a readable results.json ({exc}); run `emscope analyze ... --out DIR` first") from exc
    if not isinstance(raw, dict) or raw.get("kind") != "emscope.analysis.results":
        raise InputError(f"{p}: not an emscope results file")
    if raw.get("schema_version") != Results.model_fields["schema_version"].default:
        raise InputError(f"{p}: results schema version {raw.get('schema_version')} is not the supported "
                         f"{Results.model_fields['schema_version'].default}; re-run `emscope analyze`")
    try:
        return Results.model_validate(raw)
    except ValueError as exc:
        raise InputError(f"{p}: does not match the results schema: {exc}") from exc
