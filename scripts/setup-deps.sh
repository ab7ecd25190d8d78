#!/usr/bin/env bash
# Installs every Debian package strata's build, tests and benchmarks need.
# Idempotent and non-interactive: packages already present are skipped, and
# apt-get is not touched at all when nothing is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  clang clang-format clang-tidy libclang-rt-14-dev llvm
  liburing-dev libisal-dev
  libssl-dev libzstd-dev liblz4-dev zlib1g-dev libxxhash-dev libhighwayhash-dev
  zstd lz4 gzip openssl xxhash  # CLIs the stream interop tests compare with
  librocksdb-dev  # the journal benchmark's peer
  libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  fio jq
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
