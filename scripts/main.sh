#!/usr/bin/env bash
# The main job: set up, then run the demo study on the bundled model (3 backdoored domains,
# LoRA fine-tuning, answers with and without the trigger, offline judge, analysis, HTML report).
# Extra arguments go to `emscope demo` (e.g. --mia --steer to add those stages).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/emscope demo --out "${EMSCOPE_DEMO_OUT:-runs/demo}" "$@"
