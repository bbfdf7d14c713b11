#!/usr/bin/env bash
# Set up, then run the test suite (extra arguments go to pytest, e.g. -m slow).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Headless Chromium renders the HTML report in tests/report (Debian packages). Quick when present;
# installed once when running as root with apt-get (CI); otherwise those tests skip and say why.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  pkgs="chromium chromium-driver fonts-dejavu-core"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "emscope test: installing $pkgs (report rendering tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends $pkgs >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends $pkgs >/dev/null 2>&1; } \
      || echo "emscope test: could not install $pkgs; the browser tests will be skipped"
  else
    echo "emscope test: chromium/chromedriver not found; browser tests will be skipped (apt-get install $pkgs)"
  fi
fi
exec .venv/bin/python -m pytest "$@"
