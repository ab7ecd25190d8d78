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
  fio jq curl bc
  libcurl4-openssl-dev libpugixml-dev  # the HTTP client and S3/Azure XML
  ceph-mon ceph-osd radosgw ceph-common  # the S3 test server (scripts/start-rgw.sh)
  awscli azure-cli rclone  # cross-client checks and bench/s3_vs_peers.sh
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc  # strata server
  libtomlplusplus-dev  # strata server --config FILE.toml
)
# Azurite (the Azure test server) comes from npm; Debian's nodejs/npm only
# when no node toolchain is installed already (a newer one conflicts).
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

install_azurite() {
  # npm test tooling lives inside the checkout (ignored by git), never global.
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.deps/npm"
  if [ -x "$dir/node_modules/.bin/azurite-blob" ]; then
    echo "setup-deps: azurite present"
    return
  fi
  mkdir -p "$dir"
  echo "setup-deps: installing azurite (npm) into $dir"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error azurite@3)
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#PACKAGES[@]} packages present"
  install_azurite
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_azurite
