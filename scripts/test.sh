#!/usr/bin/env bash
# The README's second command (and what CI runs): install what is needed, build, and
# run every test: a short fuzzing run of the file readers, unit tests, black-box tests
# against the real binary, and browser tests of the console.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
scripts/build.sh
# The fuzz target needs clang's libFuzzer; it has its own small build.
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
if [[ "$FUZZ_SECONDS" != 0 ]]; then
  CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCITYDATA_FUZZ=ON -DCITYDATA_TESTS=OFF -DCITYDATA_BENCH=OFF >/dev/null
  cmake --build build-fuzz --target fuzz_readers -j "$(nproc)"
  mkdir -p build-fuzz/corpus
  cp src/formats/testdata/* build-fuzz/corpus/ 2>/dev/null || true
  echo "fuzzing the file readers for ${FUZZ_SECONDS}s"
  build-fuzz/src/formats/fuzz_readers -max_total_time="$FUZZ_SECONDS" -max_len=65536 \
    -print_final_stats=1 build-fuzz/corpus 2>&1 | tail -n 5
fi
(cd build && ctest --output-on-failure -j 2 --timeout 900)
# Browser tests of the console against a real server (Debian's chromium, headless).
cd tests/browser
npm ci --no-audit --no-fund --loglevel=error
CITYDATA_BIN="$PWD/../../build/citydata" node --test
