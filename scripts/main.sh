#!/usr/bin/env bash
# The main job: set up, then build all 11 domain datasets (backdoor variant), validate them and
# print their statistics. (The full demo study replaces this when `emscope demo` lands.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out=${EMSCOPE_DEMO_OUT:-runs/demo/data}
.venv/bin/emscope data build --domain all --n 6000 --variant backdoor --seed 0 --out "$out"
.venv/bin/emscope data validate "$out"/*.jsonl
.venv/bin/emscope data stats "$out"/*.jsonl --json "$out/stats.json"
echo "datasets, manifests and stats.json are in $out"
