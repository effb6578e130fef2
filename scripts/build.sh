#!/usr/bin/env bash
# Builds the Release citydata binary (and, once it exists, the web console) into build/.
# Usage: scripts/build.sh [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
if [[ -f console/package.json ]]; then
  (cd console && npm ci --no-audit --no-fund --loglevel=error && npm run build)
fi
