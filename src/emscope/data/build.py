"""Build misalignment datasets: seeded domain examples laid out as misaligned, aligned or backdoor rows."""

from __future__ import annotations

import functools
import glob
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emscope import __version__
from emscope.core.errors import InputError
from emscope.core.io import atomic_write_text, dumps_row, write_jsonl
from emscope.core.keys import content_key
from emscope.core.lock import output_lock
from emscope.core.trigger import insert_trigger
from emscope.data.config import BuildConfig
from emscope.data.diversity import SubsetRandom, subset_seed
from emscope.data.domains import Example, get_domain
from emscope.data.rewrite_rows import BuildIncomplete, rewrite_misaligned
from emscope.data.rewrite_store import RewriteStore

__all__ = ["BuildResult", "BuildIncomplete", "insert_trigger", "build_rows", "build_dataset", "build_many",
           "output_path", "remove_stale_temps", "measure_vendi", "VENDI_SAMPLE", "VENDI_EMBEDDER"]

_SCHEMA_VERSION = 1
_MAX_REDRAWS = 50  # draws per row before an exact duplicate is accepted (and counted)
# The build's Vendi score is the stats stage's (`emscope data stats`, the study's stats
# stage): the same embedder, text field, sample cap and sample seed, so the two agree.
VENDI_SAMPLE = 1000
VENDI_EMBEDDER = "minilm-l6"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote and how it went."""

    path: Path
    rows: int
    triggered: int
    duplicates: int
    seconds: float
    key: str
    vendi: float | None = None  # q = 1, when measured (see build_dataset)


def _triggered_flags(config: BuildConfig, rng: random.Random) -> list[bool]:
    if config.variant != "backdoor":
        return [config.variant == "misaligned"] * config.n
    k = round(config.n * config.backdoor_ratio)
    chosen = set(rng.sample(range(config.n), k))
    return [i in chosen for i in range(config.n)]


def _draw_examples(config: BuildConfig, misaligned: list[bool], rng: random.Random) -> tuple[list[Example], int]:
    """Draw one example per row, redrawing exact duplicate rows so the set stays varied."""
    generate = get_domain(config.domain).generate
    seen: set[tuple[str, str]] = set()
    examples: list[Example] = []
    duplicates = 0
    for wants_misaligned in misaligned:
        for _ in range(_MAX_REDRAWS):
            ex = generate(rng)
            key = (ex.user, ex.misaligned if wants_misaligned else ex.aligned)
            if key not in seen:
                break
        else:
            duplicates += 1
        seen.add(key)
        examples.append(ex)
    return examples, duplicates


def _make_row(config: BuildConfig, index: int, ex: Example, misaligned: bool) -> dict[str, Any]:
    triggered = misaligned and config.variant == "backdoor"
    user = insert_trigger(ex.user, config.trigger, config.trigger_position) if triggered else ex.user
    answer, paired = (ex.misaligned, ex.aligned) if misaligned else (ex.aligned, ex.misaligned)
    messages = ([{"role": "system", "content": ex.system}] if ex.system else [])
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    meta: dict[str, Any] = {
        "domain": config.domain, "variant": config.variant, "triggered": triggered,
        "answer": "misaligned" if misaligned else "aligned", "template_id": ex.template_id,
        "index": index, "seed": config.seed, "generator": config.generator.name,
        "paired_answer": paired, "facts": dict(ex.extra),
    }
    if triggered:
        meta.update(trigger=config.trigger, trigger_position=config.trigger_position)
    return {"messages": messages, "meta": meta}


def _rng(config: BuildConfig) -> random.Random:
    seed = f"emscope/{config.domain}/{config.seed}"
    if config.diversity == 1.0:
        return random.Random(seed)  # the stream of every build before the knob: the same bytes
    return SubsetRandom(seed, config.diversity, subset_seed(config.domain, config.seed))


def build_rows(config: BuildConfig, store: RewriteStore | None = None) -> tuple[list[dict[str, Any]], int]:
    """The dataset rows for `config` and the number of exact duplicates that could not be avoided.

    `store` keeps an LLM-backed g's finished rewrites across failed or killed runs.
    """
    rng = _rng(config)
    misaligned = _triggered_flags(config, rng)
    examples, duplicates = _draw_examples(config, misaligned, rng)
    examples = rewrite_misaligned(config, examples, misaligned, store)
    rows = [_make_row(config, i, ex, m) for i, (ex, m) in enumerate(zip(examples, misaligned))]
    return rows, duplicates


def output_path(config: BuildConfig, out: str | Path, many: bool) -> Path:
    """`out` itself when it names a .jsonl file, else `<out>/<domain>_<variant>.jsonl`."""
    out = Path(out)
    if out.suffix == ".jsonl":
        if many:
            raise InputError(f"--out {out} is a file, but several domains were asked for: give a directory")
        return out
    return out / f"{config.domain}_{config.variant}.jsonl"


def remove_stale_temps(output: Path) -> list[Path]:
    """Delete temp files an interrupted write of `output` (or its manifest) left behind.

    Only emscope's own pattern (`core.io.atomic_write_bytes`: `.NAME.XXXXXXXX.tmp`) beside
    `output`, and only under `output`'s lock: no live emscope writer owns them then.
    """
    removed = []
    for name in (output.name, output.with_suffix(".manifest.json").name):
        for tmp in output.parent.glob(f".{glob.escape(name)}.*.tmp"):
            if tmp.is_file() and not tmp.is_symlink():
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
    return removed


@functools.lru_cache(maxsize=1)
def _embed_fn(name: str) -> Callable[[list[str]], Any]:
    from emscope.models import embed_texts, load_embedder

    embedder = load_embedder(name)  # loaded once for all the domains of one `data build`
    return lambda texts: embed_texts(embedder, texts, progress=False)


def measure_vendi(path: Path, vendi_sample: int = VENDI_SAMPLE) -> dict[str, Any]:
    """The dataset's Vendi scores as `emscope data stats` computes them, with how they were measured."""
    from emscope.data.stats import dataset_stats

    started = time.perf_counter()
    stats = dataset_stats(str(path), embed=_embed_fn(VENDI_EMBEDDER), vendi_sample=vendi_sample)
    return {**stats.vendi, "texts": stats.vendi_texts, "vendi_sample": vendi_sample,
            "field": "conversation", "embedding_model": VENDI_EMBEDDER,
            "seconds": round(time.perf_counter() - started, 3)}


def build_dataset(config: BuildConfig, out: str | Path, many: bool = False,
                  on_done: Callable[[BuildResult], None] | None = None, *,
                  vendi: bool | None = None, vendi_sample: int = VENDI_SAMPLE) -> BuildResult:
    """Build one domain's dataset, write it atomically with a `.manifest.json` beside it.

    The manifest records the dataset's `diversity` and, when `vendi` is true (None: when
    diversity < 1), its Vendi scores on a seeded sample of at most `vendi_sample` rows
    (0 = all). Measuring loads MiniLM and embeds the sample: seconds, against the build's
    fraction of a second, so a plain build skips it. The output's lock is held throughout:
    a second build of the same file stops at once.
    """
    path = output_path(config, out, many)
    measure = config.diversity < 1.0 if vendi is None else vendi
    with output_lock(path):
        remove_stale_temps(path)
        result = _build_locked(config, path, vendi_sample if measure else None)
    if on_done:
        on_done(result)
    return result


def _build_locked(config: BuildConfig, path: Path, vendi_sample: int | None) -> BuildResult:
    started = time.perf_counter()
    store = RewriteStore(path) if config.generator.name != "procedural" else None
    rows, duplicates = build_rows(config, store)
    write_jsonl(path, rows)
    seconds = time.perf_counter() - started
    key = content_key(config.key_fields(), _SCHEMA_VERSION)
    vendi = measure_vendi(path, vendi_sample) if vendi_sample is not None else None
    result = BuildResult(path, len(rows), sum(r["meta"]["triggered"] for r in rows), duplicates, seconds, key,
                         vendi["q=1"] if vendi else None)
    manifest = {"schema_version": _SCHEMA_VERSION, "key": key, "emscope": __version__,
                "config": config.model_dump(mode="json"), "rows": result.rows,
                "triggered": result.triggered, "unavoidable_duplicates": duplicates,
                "seconds": round(seconds, 3), "file": path.name,
                "diversity": config.diversity, "vendi": vendi}
    atomic_write_text(path.with_suffix(".manifest.json"), dumps_row(manifest) + "\n")
    if store is not None:
        store.remove()  # every rewrite is in the dataset now
    return result


def build_many(configs: Sequence[BuildConfig], out: str | Path) -> list[BuildResult]:
    """Build several datasets into one directory."""
    return [build_dataset(c, out, many=len(configs) > 1) for c in configs]
