#!/usr/bin/env bash
# Installs everything citydata needs to build on Debian 12 (and, with --browser, to run
# the console's browser tests). Idempotent: packages already present are skipped.
set -euo pipefail

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev sqlite3 libssl-dev
  libboost-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libre2-dev libyaml-cpp-dev libhyperscan-dev libargon2-dev libpg-query-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  python3 wrk
)
# Node.js and npm build the console; the machine image may already have a newer Node.
command -v node >/dev/null && command -v npm >/dev/null || APT_PACKAGES+=(nodejs npm)
if [[ "${1:-}" == "--browser" ]]; then
  # Headless Chromium drives the console tests; the CJK fonts make screenshots legible.
  APT_PACKAGES+=(chromium fonts-noto-cjk)
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
