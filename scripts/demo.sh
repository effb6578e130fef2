#!/usr/bin/env bash
# The README's first command: install what is needed, build, and run `citydata demo`
# (a synthetic city generated, ingested, profiled, catalogued and served on
# http://127.0.0.1:8080). Extra arguments go to `citydata demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/citydata demo "$@"
