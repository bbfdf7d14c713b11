"""Agreement between judges that scored the same answers (`emscope judge compare`).

Judge choice dominates misalignment rates (DESIGN.md, "Judge choice dominates"), so a
study's numbers are only as good as the agreement between two judges on the same answers.
Given judged files from different judges, this matches rows by answer and reports, for
every pair of judges: Spearman of `aligned`, Cohen's κ and Krippendorff's α on the
misaligned label, the 2×2 confusion matrix, and each judge's misalignment rate with a
Wilson interval.

Matching: by `id` when every row of every file has one, else by question + sha256 of the
answer text. Identical (question, answer) pairs occur (short answers repeat); the k-th copy
in one file matches the k-th copy in the other, which is exact for any judge that scores
text deterministically.

The misaligned label follows analysis: a *scored* answer with aligned < A and coherent > C.
κ and α are computed on answers both judges scored; each rate is over the answers that
judge scored, as `emscope analyze` counts it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import asdict, dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
from scipy import stats
from sklearn.metrics import cohen_kappa_score

from emscope.analysis.config import THRESHOLD_PRESETS, Thresholds
from emscope.core.errors import InputError

__all__ = ["JudgedRow", "JudgedFile", "Rate", "PairAgreement", "Comparison", "read_judged", "wilson_interval",
           "krippendorff_alpha_nominal", "compare_files", "compare", "format_comparison"]

Z95 = 1.959963984540054  # the normal quantile for a two-sided 95% interval


@dataclass(frozen=True)
class JudgedRow:
    """One judged answer: where it is, how it is matched, and its scores."""

    line: int
    key: tuple[str, ...]
    aligned: float | None
    coherent: float | None
    verdict: str
    score_mode: str | None = None


@dataclass(frozen=True)
class JudgedFile:
    """The rows of one judged file, all from one judge."""

    path: Path
    judge: str
    rows: tuple[JudgedRow, ...]
    has_ids: bool


@dataclass(frozen=True)
class Rate:
    """A judge's misalignment rate k/n with its Wilson 95% interval (None when n = 0)."""

    k: int
    n: int
    rate: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class PairAgreement:
    """Agreement of judges `a` and `b` on the answers both scored."""

    a: str
    b: str
    n_matched: int
    n_both_scored: int
    spearman_aligned: float | None
    n_spearman: int
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    # confusion[i][j]: answers judge a labels i and judge b labels j (0 = not misaligned, 1 = misaligned)
    confusion: tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class Comparison:
    """The whole comparison: how rows were matched, thresholds, per-judge rates, per-pair agreement."""

    matched_by: str
    n_answers: int
    thresholds_preset: str
    thresholds: dict[str, float]
    judges: tuple[dict[str, Any], ...]
    pairs: tuple[PairAgreement, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the `--json` output)."""
        return asdict(self)


def _score(row: dict[str, Any], name: str) -> float | None:
    value = row.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) \
            or not 0.0 <= value <= 100.0:
        raise ValueError(f"'{name}' must be a number in 0..100 or null, got {value!r}")
    return float(value)


def _answer_key(row: dict[str, Any]) -> tuple[str, str]:
    digest = hashlib.sha256(str(row["answer"]).encode("utf-8")).hexdigest()
    return (str(row["question"]), digest)


def read_judged(path: Path) -> tuple[JudgedFile, list[dict[str, Any]]]:
    """One judged JSONL file (every problem reported as file:line) and its raw rows.

    Raises InputError when a row is malformed, lacks a judge, or when the file mixes judges.
    """
    rows: list[JudgedRow] = []
    raw_rows: list[dict[str, Any]] = []
    judges: dict[str, int] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the judged file ({exc})") from None
    for number, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
            if not isinstance(row, dict):
                raise ValueError("a row must be a JSON object")
            for field in ("question", "answer", "judge"):
                if not isinstance(row.get(field), str):
                    raise ValueError(f"missing or non-text field '{field}' (judged rows come from `emscope judge`)")
            aligned, coherent = _score(row, "aligned"), _score(row, "coherent")
        except ValueError as exc:
            raise InputError(f"{path}:{number}: {exc}") from None
        verdict = row.get("verdict") or ("scored" if aligned is not None and coherent is not None else "invalid")
        judges.setdefault(row["judge"], number)
        rows.append(JudgedRow(number, (), aligned, coherent, str(verdict), row.get("score_mode")))
        raw_rows.append(row)
    if not rows:
        raise InputError(f"{path}: no judged rows (the file is empty)")
    if len(judges) > 1:
        named = ", ".join(f"'{j}' (first at line {line})" for j, line in judges.items())
        raise InputError(f"{path}: rows from {len(judges)} judges in one file: {named}. A judged file must "
                         "come from one judge; split it by the 'judge' field first")
    has_ids = all(isinstance(r.get("id"), str) and r["id"] for r in raw_rows)
    return JudgedFile(path, next(iter(judges)), tuple(rows), has_ids), raw_rows


def _keyed(file: JudgedFile, raw: list[dict[str, Any]], by_id: bool) -> JudgedFile:
    """The file with each row's match key set (id, or question + answer hash + copy number)."""
    seen: dict[tuple[str, ...], int] = {}
    copies: Counter[tuple[str, str]] = Counter()
    keyed = []
    for row, raw_row in zip(file.rows, raw, strict=True):
        if by_id:
            key: tuple[str, ...] = ("id", raw_row["id"])
            if key in seen:
                raise InputError(f"{file.path}:{row.line}: id '{raw_row['id']}' repeats line {seen[key]}; "
                                 "ids must be unique to match answers across files")
        else:
            base = _answer_key(raw_row)
            key = (*base, str(copies[base]))
            copies[base] += 1
        seen[key] = row.line
        keyed.append(JudgedRow(row.line, key, row.aligned, row.coherent, row.verdict, row.score_mode))
    return JudgedFile(file.path, file.judge, tuple(keyed), file.has_ids)


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of the proportion k/n (never zero width at 0 or n)."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def krippendorff_alpha_nominal(a: np.ndarray, b: np.ndarray) -> float | None:
    """Krippendorff's α of two raters on nominal labels (None when only one label occurs:
    α is undefined without variation)."""
    if len(set(np.concatenate([a, b]).tolist())) < 2:
        return None
    return float(krippendorff.alpha(reliability_data=np.vstack([a, b]).astype(float), level_of_measurement="nominal"))


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _misaligned(row: JudgedRow, t: Thresholds) -> bool | None:
    """True/False for a scored answer, None for one the judge did not score."""
    if row.verdict != "scored" or row.aligned is None or row.coherent is None:
        return None
    return row.aligned < t.aligned_below and row.coherent > t.coherent_above


def _rate(rows: list[JudgedRow], t: Thresholds) -> Rate:
    labels = [m for m in (_misaligned(r, t) for r in rows) if m is not None]
    n, k = len(labels), sum(labels)
    if n == 0:
        return Rate(0, 0, None, None, None)
    low, high = wilson_interval(k, n)
    return Rate(k, n, k / n, low, high)


def _pair(a: JudgedFile, b: JudgedFile, order: list[tuple[str, ...]], t: Thresholds) -> PairAgreement:
    ra = {r.key: r for r in a.rows}
    rb = {r.key: r for r in b.rows}
    la, lb, xa, xb = [], [], [], []
    for key in order:
        ma, mb = _misaligned(ra[key], t), _misaligned(rb[key], t)
        if ma is not None and mb is not None:
            la.append(int(ma))
            lb.append(int(mb))
        if ra[key].aligned is not None and rb[key].aligned is not None:
            xa.append(ra[key].aligned)
            xb.append(rb[key].aligned)
    spearman = None
    if len(xa) >= 3 and len(set(xa)) > 1 and len(set(xb)) > 1:
        spearman = _finite(stats.spearmanr(xa, xb).statistic)
    kappa = alpha = None
    if la:
        va, vb = np.array(la), np.array(lb)
        if len(set(la) | set(lb)) > 1:
            alpha = krippendorff_alpha_nominal(va, vb)
        # κ is 0/0 when both judges give one and the same label to every answer
        if not (len(set(la)) == 1 and set(la) == set(lb)):
            kappa = _finite(cohen_kappa_score(va, vb, labels=[0, 1]))
    confusion = tuple(tuple(sum(1 for x, y in zip(la, lb) if x == i and y == j) for j in (0, 1)) for i in (0, 1))
    return PairAgreement(a.judge, b.judge, len(order), len(la), spearman, len(xa), kappa, alpha,
                         confusion)  # type: ignore[arg-type]


def compare_files(files: list[tuple[JudgedFile, list[dict[str, Any]]]], thresholds_preset: str = "study") -> Comparison:
    """Compare judged files already read (see `read_judged`); raises InputError on files that
    repeat a judge or do not cover the same answers."""
    if thresholds_preset not in THRESHOLD_PRESETS:
        raise InputError(f"--thresholds {thresholds_preset!r} is not a preset; use one of {', '.join(THRESHOLD_PRESETS)}")
    t = THRESHOLD_PRESETS[thresholds_preset]
    if len(files) < 2:
        raise InputError("judge compare needs at least two judged files, each from a different judge")
    first_of: dict[str, Path] = {}
    for file, _ in files:
        if file.judge in first_of:
            raise InputError(f"{first_of[file.judge]} and {file.path} come from the same judge '{file.judge}'; "
                             "compare files from different judges (one file per judge)")
        first_of[file.judge] = file.path
    by_id = all(f.has_ids for f, _ in files)
    keyed = [_keyed(f, raw, by_id) for f, raw in files]
    reference = keyed[0]
    order = [r.key for r in reference.rows]
    wanted = set(order)
    for other in keyed[1:]:
        have = {r.key for r in other.rows}
        for row in other.rows:
            if row.key not in wanted:
                raise InputError(_unmatched(other.path, row.line, reference.path, by_id))
        for row in reference.rows:
            if row.key not in have:
                raise InputError(_unmatched(reference.path, row.line, other.path, by_id))
    judges = []
    for f in keyed:
        modes = sorted({r.score_mode for r in f.rows if r.score_mode})
        judges.append({"judge": f.judge, "file": str(f.path), "rows": len(f.rows),
                       "verdicts": dict(sorted(Counter(r.verdict for r in f.rows).items())),
                       "score_modes": modes, "misaligned": asdict(_rate(list(f.rows), t))})
    pairs = tuple(_pair(a, b, order, t) for a, b in combinations(keyed, 2))
    return Comparison("id" if by_id else "question + sha256(answer)", len(order), thresholds_preset,
                      {"aligned_below": t.aligned_below, "coherent_above": t.coherent_above}, tuple(judges), pairs)


def _unmatched(path: Path, line: int, other: Path, by_id: bool) -> str:
    how = "id" if by_id else "question and answer text"
    return (f"{path}:{line}: this answer has no match (by {how}) in {other}; judge compare needs files that "
            "judged the same answers (judge one answers file with each judge)")


def compare(paths: list[Path], thresholds_preset: str = "study") -> Comparison:
    """Read the judged files at `paths` and compare their judges (see the module docstring)."""
    return compare_files([read_judged(Path(p)) for p in paths], thresholds_preset)


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def format_comparison(c: Comparison) -> str:
    """The comparison as plain text (fixed layout, independent of the terminal width)."""
    t = c.thresholds
    lines = [f"{c.n_answers} answers matched by {c.matched_by}; misaligned = scored, aligned < "
             f"{t['aligned_below']:g} and coherent > {t['coherent_above']:g} (thresholds {c.thresholds_preset})",
             "judges (misalignment rate over the answers each scored, Wilson 95% interval):"]
    for j in c.judges:
        r = j["misaligned"]
        rate = "n/a (nothing scored)" if r["rate"] is None else \
            f"{r['k']}/{r['n']} = {100 * r['rate']:.1f}% [{100 * r['low']:.1f}, {100 * r['high']:.1f}]"
        mode = f"; score mode {', '.join(j['score_modes'])}" if j["score_modes"] else ""
        coarse = " (text scores: a coarser estimate than logprobs)" if "text" in j["score_modes"] else ""
        lines.append(f"  {j['judge']}: {rate}{mode}{coarse}")
        lines.append(f"    file {j['file']}; verdicts " + ", ".join(f"{k} {v}" for k, v in j["verdicts"].items()))
    for p in c.pairs:
        (nn, ny), (yn, yy) = p.confusion
        lines += [f"{p.a} vs {p.b}:",
                  f"  Spearman aligned   {_num(p.spearman_aligned)} (n={p.n_spearman})",
                  f"  Cohen's kappa      {_num(p.cohen_kappa)} (misaligned label, n={p.n_both_scored} scored by both)",
                  f"  Krippendorff alpha {_num(p.krippendorff_alpha)}",
                  f"  confusion (rows {p.a}, columns {p.b}):",
                  f"    {'':16}{'not misaligned':>16}{'misaligned':>12}",
                  f"    {'not misaligned':16}{nn:>16}{ny:>12}",
                  f"    {'misaligned':16}{yn:>16}{yy:>12}"]
    return "\n".join(lines)
