#!/usr/bin/env bash
# The main job: set up, then run the demo study on the bundled model (resumable: running it
# again continues where it stopped). The report lands in runs/demo/report.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/emscope demo "$@"
