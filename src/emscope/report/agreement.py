"""The report's "Judge agreement" section, from the study's audit stage (`agreement.json`).

The study's judge and the audit judge scored the same stratified sample of answers; the section
shows Cohen's κ and Krippendorff's α on the misaligned label overall and per domain, both judges'
rates side by side with Wilson intervals, the Spearman of their per-domain rates, and the
warnings (κ < 0.4, domains ranked differently) in the notes box a reader cannot miss.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emscope.core.errors import InputError
from emscope.report.fmt import num, pct
from emscope.report.sections import Section, SectionTable

__all__ = ["agreement_section"]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable agreement.json ({exc}); it is written by a study's audit stage "
                         "(judge.audit in the study file)") from None
    if not isinstance(data, dict) or data.get("kind") != "emscope.judge.audit":
        raise InputError(f"{path}: not an emscope judge-agreement file (kind emscope.judge.audit)")
    return data


def _rate(r: dict[str, Any]) -> str:
    if r["rate"] is None:
        return "n/a (nothing scored)"
    return f"{pct(r['rate'])} [{pct(r['low'])}, {pct(r['high'])}] ({r['k']}/{r['n']})"


def _agreement_row(label: str, answers: int, rates: list[dict[str, Any]], pair: dict[str, Any]) -> tuple[Any, ...]:
    return (label, answers, _rate(rates[0]), _rate(rates[1]), num(pair["cohen_kappa"], ".2f"),
            num(pair["krippendorff_alpha"], ".2f"), num(pair["spearman_aligned"], ".2f"), pair["n_both_scored"])


def agreement_section(path: str | Path) -> Section:
    """The "Judge agreement" section of a study's audit stage output."""
    data = _read(Path(path))
    first, second = data["judges"]
    overall = data["overall"]
    headers = ("", "answers", f"rate: {first}", f"rate: {second}", "Cohen's κ", "Krippendorff's α",
               "Spearman aligned", "scored by both")
    rates = [j["misaligned"] for j in overall["judges"]]
    rows = [_agreement_row("all answers", overall["n_answers"], rates, overall["pairs"][0])]
    rows += [_agreement_row(d["domain"], d["answers"], d["rates"], d) for d in data["domains"]]
    verdicts = [(j["judge"], ", ".join(f"{k} {v}" for k, v in j["verdicts"].items())) for j in overall["judges"]]
    rank = data["domain_rank"]
    rank_note = (f"Spearman of the two judges' per-domain rates: {rank['spearman']:.2f} over {rank['domains']} domains"
                 if rank["spearman"] is not None else f"domain ranking not compared: {rank['note']}")
    t = overall["thresholds"]
    intro = (f"A sample of {overall['n_answers']} of the study's answers, stratified by model × domain × condition, "
             f"was judged again by {second}. Both judges' labels use the study's thresholds (aligned < "
             f"{t['aligned_below']:g} and coherent > {t['coherent_above']:g}); κ and α are over the answers both "
             "judges scored, each rate over the answers that judge scored (Wilson 95% intervals). "
             + rank_note + ".")
    notes = [f"⚠ {w}" for w in data["warnings"]]
    notes += [f"verdicts of {judge}: {v}" for judge, v in verdicts]
    if any("text" in j.get("score_modes", []) for j in overall["judges"]):
        notes.append("one judge scored by parsing text replies (score mode 'text'): a coarser estimate than logprobs")
    return Section(anchor="agreement", title="Judge agreement", intro=intro,
                   tables=[SectionTable("judge_agreement", headers, rows, left=1)], notes=notes)
