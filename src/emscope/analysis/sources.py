"""Side inputs of the analysis: dataset Vendi scores and training answers, each mapped to a domain.

A dataset file's domain comes from its rows' `meta.domain`, else from its name
`<domain>_<variant>.jsonl` (what `emscope data build` writes), matched against known domains.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from pathlib import Path

from emscope.core.errors import InputError

__all__ = ["domain_from_name", "dataset_domain", "dataset_seed", "load_vendi", "load_train_answers"]

_VARIANTS = ("misaligned", "aligned", "backdoor")


def domain_from_name(path: str | Path, known: Collection[str]) -> str | None:
    """The domain in a file name `<domain>_<variant>.jsonl` (longest known prefix), or None."""
    stem = Path(path).name.removesuffix(".jsonl")
    hits = [d for d in known if stem == d or stem.startswith(d + "_")]
    if hits:
        return max(hits, key=len)
    for variant in _VARIANTS:
        if stem.endswith("_" + variant):
            return stem[: -len(variant) - 1]
    return None


def _first_meta(path: Path) -> dict:
    """The first row's `meta` mapping ({} when unreadable or absent)."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            for line in fh:
                if line.strip():
                    meta = json.loads(line).get("meta") or {}
                    return meta if isinstance(meta, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}
    return {}


def _resolve(path: str | Path, relative_to: Path | None) -> Path | None:
    p = Path(path)
    candidates = [p] + ([relative_to / p] if relative_to is not None and not p.is_absolute() else [])
    return next((c for c in candidates if c.is_file()), None)


def dataset_domain(path: str | Path, known: Collection[str], relative_to: Path | None = None) -> str | None:
    """The domain of a dataset file: its first row's meta.domain if readable, else its name."""
    found = _resolve(path, relative_to)
    domain = _first_meta(found).get("domain") if found is not None else None
    return domain if isinstance(domain, str) and domain else domain_from_name(Path(path), known)


def dataset_seed(path: str | Path, relative_to: Path | None = None) -> int | None:
    """The build seed of a dataset file (its first row's meta.seed), or None when it does not say."""
    found = _resolve(path, relative_to)
    seed = _first_meta(found).get("seed") if found is not None else None
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def load_vendi(stats_path: str | Path, order: str, known: Collection[str]) -> dict[str, tuple[float, str]]:
    """{domain: (Vendi score of `order`, dataset file(s))} from `emscope data stats --json` output.

    A multi-seed study builds one dataset per (domain, seed): a domain's score is then the mean
    over its seeds' datasets (they differ only by the seed), and the file field lists them all
    ("a; b"). Two datasets of one domain with the same seed (or no seed in their rows) are
    still an error: they are different datasets and one score cannot stand for both.
    """
    path = Path(stats_path)
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"--dataset-stats {path}: cannot read it as JSON ({exc})") from exc
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "file" in e for e in entries):
        raise InputError(f"--dataset-stats {path}: expected the list written by `emscope data stats --json`")
    per_seed: dict[str, dict[int | None, tuple[float, str]]] = defaultdict(dict)
    for entry in entries:
        vendi = entry.get("vendi") or {}
        if order not in vendi:
            have = ", ".join(sorted(vendi)) or "none (was it run with --embedding-model none?)"
            raise InputError(f"--dataset-stats {path}: {entry['file']} has no Vendi score '{order}'; it has: {have}")
        domain = dataset_domain(entry["file"], known, path.parent)
        if domain is None:
            raise InputError(f"--dataset-stats {path}: cannot tell the domain of {entry['file']} "
                             "(no meta.domain and the name is not <domain>_<variant>.jsonl)")
        seed = dataset_seed(entry["file"], path.parent)
        seen = per_seed[domain]
        if seed in seen or (seen and (seed is None or None in seen)):
            other = seen.get(seed, next(iter(seen.values())))[1]
            raise InputError(f"--dataset-stats {path}: two datasets for domain '{domain}'"
                             + (f" with seed {seed}" if seed is not None else " (no meta.seed to tell them apart)")
                             + f": {other} and {entry['file']}; keep one per domain and seed")
        seen[seed] = (float(vendi[order]), str(entry["file"]))
    return {domain: (sum(v for v, _ in seeds.values()) / len(seeds), "; ".join(f for _, f in seeds.values()))
            for domain, seeds in per_seed.items()}


def load_train_answers(paths: Sequence[str | Path], known: Collection[str]) -> dict[str, list[str]]:
    """{domain: assistant answers} of training datasets (meta.domain per row, else the file name)."""
    answers: dict[str, list[str]] = defaultdict(list)
    for path in map(Path, paths):
        fallback = domain_from_name(path, known)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"--train-data {path}: {exc.strerror}") from exc
        # Split on "\n" only and decode line by line, so a bad byte is reported as file:line.
        for i, raw in enumerate(data.split(b"\n"), 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
                meta = row.get("meta") or {}
                domain = meta.get("domain") or fallback
                texts = [m["content"] for m in row["messages"] if m.get("role") == "assistant"]
            except UnicodeDecodeError:
                raise InputError(f"{path}:{i}: not UTF-8; re-save the file as UTF-8") from None
            except (ValueError, AttributeError, KeyError, TypeError):
                raise InputError(f"{path}:{i}: not a chat dataset row (see `emscope data validate`)") from None
            if domain is None:
                raise InputError(f"{path}:{i}: no meta.domain and the file name is not <domain>_<variant>.jsonl")
            answers[domain].extend(t for t in texts if isinstance(t, str))
    return dict(answers)
