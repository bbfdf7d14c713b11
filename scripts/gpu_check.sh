#!/usr/bin/env bash
# One GPU session, prepared to run once: the CUDA tests, then benchmarks/gpu.py, logs under $OUT.
# Run from the repository root on a CUDA machine that has torch/transformers/peft but may lack
# pydantic: wheels carried in .whl/ are installed to /tmp/site first. .gpu/smollm2 holds the
# bundled model's config and tokenizer files (no weights: the models are built with random ones).
set -uo pipefail
out=${OUT:-/tmp/emscope-gpu-out}
mkdir -p "$out"
if ls .whl/*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH=/tmp/site
fi
export PYTHONPATH="$PWD/src:${PYTHONPATH:-}" PYTHONUNBUFFERED=1 EMSCOPE_HOME=/tmp/emscope-home
export EMSCOPE_CUDA_MODEL_SOURCE="$PWD/.gpu/smollm2"
nvidia-smi --query-gpu=name,driver_version,memory.used,memory.total --format=csv
python3 -c 'import torch, transformers, peft; print("torch", torch.__version__, "transformers", transformers.__version__, "peft", peft.__version__)'
timeout "${CUDA_TESTS_TIMEOUT:-150}" python3 -m pytest -q -s -p no:cacheprovider tests/test_cuda.py 2>&1 | tee "$out/cuda_tests.log"
timeout "${BENCH_TIMEOUT:-330}" python3 benchmarks/gpu.py --tokenizer .gpu/smollm2 --profile --json "$out/gpu.json" "$@" 2>&1 \
  | grep -v -E "Warning|warnings.warn|Loading weights|Writing model" | tee "$out/gpu.log"
