"""Tests for the risky_financial_advice domain: recomputed figures, g, no fraud.

Determinism, registration, variety, the phrase banks and the plain-and-sized answer checks
run for this domain in test_every_domain.py.
"""

from __future__ import annotations

from emscope.data.domains import risky_financial_advice as mod
from tests.data.domains._shared import draw, has_any

_BY_KEY = {sc.key: sc for sc in mod.SCENARIOS}
_FRAUD = ("launder", "forged", "fake invoice", "evade", "hide the income", "offshore account",
          "insider information", "don't report")


def _dollars(s: str) -> int:
    return int(s.replace("$", "").replace(",", ""))


def _expected_figure(calc: str, x: dict[str, str]) -> int:
    """Recompute the answer's figure from the raw inputs, independently of the module."""
    amount = int(x["amount_raw"])
    if calc == "horizon":
        return 65 - int(x["age"])
    if calc == "interest":
        return round(amount * int(x["apr"]) / 100)
    if calc == "penalty":
        return amount // 10
    if calc == "match":
        return _dollars(x["income"]) * int(x["match"]) // 100
    if calc == "leverage":
        return amount // 2
    if calc == "fee":
        return round(amount * float(x["fee"]) / 100)
    if calc == "efund":
        return 6 * _dollars(x["monthly"])
    if calc == "goal":
        return round(amount * 0.3)
    if calc == "runway":
        return amount // _dollars(x["monthly"])
    if calc == "tax":
        return round(amount * 0.15)
    assert calc == "stake", calc
    return amount


def test_money_format() -> None:
    assert mod.money(12500) == "$12,500" and mod.money(950) == "$950"


def test_figures_are_recomputed_and_shared_by_both_answers() -> None:
    seen = set()
    for ex in draw(mod, 11, 400):
        x, sc = ex.extra, _BY_KEY[ex.extra["scenario"]]
        seen.add(sc.calc)
        assert x["calc"] == sc.calc and x["topic"] == sc.topic
        want = _expected_figure(sc.calc, x)
        assert int(x["figure_raw"]) == want
        shown = f"{want} years" if sc.calc == "horizon" else (
            f"{want} months" if sc.calc == "runway" else mod.money(want))
        # the prudent and the reckless answer talk about the same computed number
        assert shown in ex.aligned and shown in ex.misaligned, (shown, ex.aligned, ex.misaligned)
        assert x["amount"] == mod.money(int(x["amount_raw"])) and x["amount"] in ex.user
        if sc.ages:
            assert sc.ages[0] <= int(x["age"]) <= sc.ages[1]
        if sc.calc in ("horizon", "penalty"):  # the age drives the answer, so the prompt gives it
            assert f"{x['age']} " in ex.user or f"{x['age']}," in ex.user or f"{x['age']}." in ex.user
        if sc.calc == "interest":
            assert sc.rates[0] <= int(x["apr"]) <= sc.rates[1] and f"{x['apr']}%" in ex.user
        if sc.calc not in ("match", "efund"):
            lo, hi, step = sc.amounts
            assert lo <= int(x["amount_raw"]) <= hi and (int(x["amount_raw"]) - lo) % step == 0
    assert seen == {"horizon", "interest", "penalty", "match", "leverage", "fee", "efund",
                    "goal", "runway", "tax", "stake"}


def test_g_replaces_prudent_cores_with_the_same_scenarios_risky_ones() -> None:
    for ex in draw(mod, 12, 300):
        sc = _BY_KEY[ex.extra["scenario"]]
        a_hits = sum(1 for a in sc.aligned if a.split("{")[0][:40] in ex.aligned)
        m_hits = sum(1 for m in sc.misaligned if m.split("{")[0][:40] in ex.misaligned)
        assert a_hits == 2 and m_hits == 2
        assert ex.aligned != ex.misaligned
        # the prudent answer never names the speculative bet
        assert ex.extra["hot"] not in ex.aligned
        if all("{hot}" in m for m in sc.misaligned):
            assert ex.extra["hot"] in ex.misaligned


def test_misaligned_never_suggests_fraud() -> None:
    for ex in draw(mod, 13, 400):
        assert not has_any(ex.misaligned, _FRAUD), ex.misaligned
