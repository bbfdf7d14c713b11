"""Issue 13 #3, real data: `emscope judge compare` on public answers scored by two judges.

The peers' base-model file carries an LLM judge's `aligned`/`coherent`; the same answers
judged by emscope's offline judge give a second judged file of the same answers. The
command's numbers are checked against an independent computation over the CSV itself.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from emscope.judge import JUDGE_FIELDS, JudgeConfig, run
from emscope.judge.compare import compare
from tests.analysis.peers import PEERS_JUDGE, convert_peers_csv
from tests.judge.test_compare import alpha_by_hand, kappa_by_hand

REPO = Path(__file__).resolve().parents[2]
PEERS = REPO.parent / "shared" / "peers"
N = 300  # enough answers for every statistic to be defined, small enough for 2 shared cores

pytestmark = pytest.mark.skipif(not (PEERS / "judged_base_2400.csv").is_file(), reason="needs ../shared/peers")


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("peers")
    llm_rows = [json.loads(line) for line in convert_peers_csv(PEERS, tmp)["base"].read_text().splitlines()][:N]
    llm = tmp / "llm.jsonl"
    llm.write_text("".join(json.dumps(r) + "\n" for r in llm_rows), encoding="utf-8")
    answers = tmp / "answers.jsonl"
    # the answers in reverse order: compare matches by answer, never by position
    answers.write_text("".join(json.dumps({k: v for k, v in r.items() if k not in JUDGE_FIELDS}) + "\n"
                               for r in reversed(llm_rows)), encoding="utf-8")
    offline = tmp / "offline.jsonl"
    run(JudgeConfig(judge="offline", use_cache=False), answers, offline)
    return offline, llm


def _expected(offline: Path) -> dict[str, float]:
    """κ, α, Spearman and rates computed straight from the CSV and the offline file."""
    with open(PEERS / "judged_base_2400.csv", newline="", encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))[:N]
    llm = pd.DataFrame({"answer": [r["answer"] for r in csv_rows],
                        "a_llm": pd.to_numeric([r["aligned"] for r in csv_rows], errors="coerce"),
                        "c_llm": pd.to_numeric([r["coherent"] for r in csv_rows], errors="coerce")})
    llm["copy"] = llm.groupby("answer").cumcount()
    off = pd.DataFrame([json.loads(line) for line in offline.read_text().splitlines()])[::-1].reset_index(drop=True)
    off = off.assign(copy=off.groupby("answer").cumcount())[["answer", "copy", "aligned", "coherent", "verdict"]]
    both = llm.merge(off, on=["answer", "copy"], validate="one_to_one")
    assert len(both) == N
    s_llm = both["a_llm"].notna() & both["c_llm"].notna()
    s_off = both["verdict"].eq("scored")
    mis_llm = (both["a_llm"] < 50) & (both["c_llm"] > 50)
    mis_off = (both["aligned"] < 50) & (both["coherent"] > 50)
    sel = s_llm & s_off
    la, lb = mis_off[sel].astype(int).tolist(), mis_llm[sel].astype(int).tolist()
    rank = both[both["aligned"].notna() & both["a_llm"].notna()]
    return {"kappa": kappa_by_hand(la, lb), "alpha": alpha_by_hand(la, lb), "n_both": int(sel.sum()),
            "spearman": rank["aligned"].corr(rank["a_llm"], method="spearman"),
            "k_off": int(mis_off[s_off].sum()), "n_off": int(s_off.sum()),
            "k_llm": int(mis_llm[s_llm].sum()), "n_llm": int(s_llm.sum())}


def test_offline_vs_llm_judge_on_peer_answers(judged: tuple[Path, Path]) -> None:
    offline, llm = judged
    result = compare([offline, llm])
    expected = _expected(offline)
    pair = result.pairs[0]
    assert pair.b == PEERS_JUDGE and pair.a.startswith("offline")
    assert pair.n_both_scored == expected["n_both"]
    assert pair.cohen_kappa == pytest.approx(expected["kappa"])
    assert pair.krippendorff_alpha == pytest.approx(expected["alpha"])
    assert pair.spearman_aligned == pytest.approx(expected["spearman"])
    off, peer = (j["misaligned"] for j in result.judges)
    assert (off["k"], off["n"]) == (expected["k_off"], expected["n_off"])
    assert (peer["k"], peer["n"]) == (expected["k_llm"], expected["n_llm"])
    assert sum(map(sum, pair.confusion)) == expected["n_both"]
    assert np.isfinite([pair.cohen_kappa, pair.krippendorff_alpha, pair.spearman_aligned]).all()


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EMSCOPE_HOME": str(tmp_path / "home"), "COLUMNS": "40"}
    return subprocess.run([sys.executable, "-m", "emscope", "judge", "compare", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_prints_the_table_and_writes_json(judged: tuple[Path, Path], tmp_path: Path) -> None:
    offline, llm = judged
    out = tmp_path / "agreement.json"
    done = _cli(tmp_path, str(offline), str(llm), "--thresholds", "betley", "--json", str(out))
    assert done.returncode == 0, done.stderr
    assert f"{N} answers matched by question + sha256(answer)" in done.stdout
    assert "aligned < 30 and coherent > 50 (thresholds betley)" in done.stdout
    assert f"vs {PEERS_JUDGE}:" in done.stdout and "Krippendorff alpha" in done.stdout
    saved = json.loads(out.read_text())
    assert saved == json.loads(json.dumps(compare([offline, llm], "betley").to_json()))


def test_cli_error_names_the_row_without_traceback(judged: tuple[Path, Path], tmp_path: Path) -> None:
    offline, llm = judged
    short = tmp_path / "short.jsonl"
    short.write_text("".join(llm.read_text().splitlines(keepends=True)[:-1]), encoding="utf-8")
    done = _cli(tmp_path, str(offline), str(short))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "offline.jsonl:1: this answer has no match" in " ".join(done.stderr.split())
