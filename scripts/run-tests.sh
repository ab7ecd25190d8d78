#!/usr/bin/env bash
# Runs every test of `make test` against an existing Release build in $BUILD:
#   1. unit tests, io_uring runtime (STRATA_IO_URING=auto; skips cleanly
#      where the kernel refuses io_uring)
#   2. unit tests, poll runtime (STRATA_IO_URING=off)
#   3. ASan+UBSan build of the unit tests, both runtimes (clang), which also
#      builds the libFuzzer targets (one instrumented library for both)
#   4. TSan build of the runtime, fs, journal and http tests, both runtimes
#      (clang)
# The sanitizer builds use clang: it always compiles symmetric transfer into
# a tail call, while GCC 12 does not under sanitizers, so long chains of
# synchronously completing tasks would grow the stack there.
#   5. libFuzzer smoke runs of every *_fuzz.cc target (from the ASan build)
#   6. integration tests (label `integration`) against real servers started
#      here and stopped by PID on exit: Ceph radosgw (scripts/start-rgw.sh)
#      and Azurite (scripts/start-azurite.sh) — the object-store conformance,
#      fault and cross-client (aws, az) tests — plus the installed CMake
#      package and pkg-config file used by the examples/ builds
# Keeps going after a failure and exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
JOBS=${JOBS:-$(nproc)}
passed=0
failed=0
failures=()

# ctest with a label; adds its counts to the totals.
run_ctest() {  # name dir label [env...]
  local name=$1 dir=$2 label=$3
  shift 3
  echo "=== $name"
  local log
  log=$(mktemp)
  env "$@" ctest --test-dir "$dir" -L "$label" --output-on-failure 2>&1 | tee "$log"
  local line
  line=$(grep -E "tests passed, [0-9]+ tests failed out of" "$log" | tail -1)
  if [ -z "$line" ]; then
    failed=$((failed + 1)); failures+=("$name (no tests ran)")
  else
    local total bad
    bad=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/')
    total=$(echo "$line" | sed -E 's/.* tests failed out of ([0-9]+).*/\1/')
    passed=$((passed + total - bad)); failed=$((failed + bad))
    [ "$bad" -eq 0 ] || failures+=("$name")
  fi
  rm -f "$log"
}

step() {  # name command...
  local name=$1
  shift
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); failures+=("$name")
  fi
}

# Sanitizer variants: -O2 with line tables only (reports keep file:line;
# full debug info would double the compile and link time on 2 cores).
configure_variant() {  # dir extra-cmake-args...
  local dir=$1
  shift
  cmake -G Ninja -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRATA_BUILD_INTEGRATION=OFF \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" "$@" >/dev/null &&
    cmake --build "$dir" -j "$JOBS"
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

# The test servers start in the background while the unit tests run, and are
# stopped whatever happens.
stop_servers() {
  bash scripts/stop-rgw.sh >/dev/null 2>&1
  bash scripts/stop-azurite.sh >/dev/null 2>&1
}
trap stop_servers EXIT
mkdir -p var
# One retry: a cluster start can trip over its own OSD's boot-time updates.
(bash scripts/start-rgw.sh >var/start-rgw.log 2>&1 ||
  bash scripts/start-rgw.sh >>var/start-rgw.log 2>&1; echo $? >var/start-rgw.rc) &
rgw_starter=$!
(bash scripts/start-azurite.sh >var/start-azurite.log 2>&1; echo $? >var/start-azurite.rc) &
azurite_starter=$!

step "coroutine rules" bash scripts/check-coroutine-rules.sh
run_ctest "unit (io_uring)" "$BUILD" unit STRATA_IO_URING=auto CTEST_PARALLEL_LEVEL=2
run_ctest "unit (poll)" "$BUILD" unit STRATA_IO_URING=off CTEST_PARALLEL_LEVEL=2

# The fuzz targets share the ASan build: its library is compiled once with
# both the sanitizers and libFuzzer's coverage instrumentation.
if step "build asan+ubsan (+fuzz targets)" configure_variant "$BUILD-asan" \
    -DCMAKE_CXX_COMPILER=clang++ -DSTRATA_SANITIZE=address,undefined -DSTRATA_BUILD_FUZZ=ON \
    -DSTRATA_LAYERS="core;runtime;fs;journal;stream;http;s3;azure;vfs" \
    -DSTRATA_TEST_LAYERS="core;runtime;fs;journal;stream;http;s3;azure;vfs;server;cli"; then
  # Sanitized runs simulate a tenth of the crashes and kills.
  run_ctest "unit asan+ubsan (io_uring)" "$BUILD-asan" unit STRATA_IO_URING=auto STRATA_CRASH_SCALE=10 STRATA_KILL_ITERATIONS=10 CTEST_PARALLEL_LEVEL=2
  run_ctest "unit asan+ubsan (poll)" "$BUILD-asan" unit STRATA_IO_URING=off STRATA_CRASH_SCALE=10 STRATA_KILL_ITERATIONS=10 CTEST_PARALLEL_LEVEL=2
  run_ctest "fuzz smoke" "$BUILD-asan" fuzz CTEST_PARALLEL_LEVEL=2 STRATA_FUZZ_SECONDS=10
fi

if step "build tsan" configure_variant "$BUILD-tsan" \
    -DCMAKE_CXX_COMPILER=clang++ -DSTRATA_SANITIZE=thread -DSTRATA_BUILD_CLI=OFF \
    -DSTRATA_LAYERS="core;runtime;fs;journal;http" -DSTRATA_TEST_LAYERS="runtime;fs;journal;http"; then
  run_ctest "runtime+fs+journal+http tsan (io_uring)" "$BUILD-tsan" unit STRATA_IO_URING=auto STRATA_CRASH_SCALE=50 CTEST_PARALLEL_LEVEL=2
  run_ctest "runtime+fs+journal+http tsan (poll)" "$BUILD-tsan" unit STRATA_IO_URING=off STRATA_CRASH_SCALE=50 CTEST_PARALLEL_LEVEL=2
fi

servers_up() {
  wait "$rgw_starter" "$azurite_starter"
  local ok=0
  for s in rgw azurite; do
    if [ "$(cat var/start-$s.rc 2>/dev/null)" != 0 ]; then
      echo "start-$s failed:"; cat var/start-$s.log; ok=1
    fi
  done
  return $ok
}
if step "start radosgw and azurite" servers_up; then
  # shellcheck disable=SC1091
  source var/rgw/env
  # shellcheck disable=SC1091
  source var/azurite/env
fi
run_ctest "integration" "$BUILD" integration STRATA_REQUIRE_SERVERS=1

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "FAILED: ${failures[*]}"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
