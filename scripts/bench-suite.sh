#!/usr/bin/env bash
# A short `strata bench local` and `strata journal bench` suite under both
# runtimes, then `strata bench streams` (what `make run` calls). Builds
# nothing.
#
# Usage: scripts/bench-suite.sh [STRATA_BIN] [--size SIZE] [--runtime S]
#   STRATA_BIN  the strata binary (default: $STRATA_BIN, else build/bin/strata)
#   --size      working-set size (default 256m)
#   --runtime   seconds per run (default 3)
#
# Runs randread 4k qd32 direct, seqwrite 1m qd8 direct, seqread 1m qd8 and
# randwrite 4k qd32 direct with STRATA_IO_URING=on and =off on a temporary
# file (under $TMPDIR unless that is tmpfs, else /var/tmp; removed at exit)
# and prints workload, runtime, IOPS, MiB/s, p99 and the io_uring/poll ratio;
# then durable journal appends (4 KiB, 1 and 64 writers) on both runtimes.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
strata=${STRATA_BIN:-$repo/build/bin/strata}
size=256m
runtime=3

while [[ $# -gt 0 ]]; do
  case $1 in
    --size) size=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    -h|--help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) echo "bench-suite.sh: unknown option $1" >&2; exit 2 ;;
    *) strata=$1; shift ;;
  esac
done

[[ -x $strata ]] || { echo "bench-suite.sh: no strata binary at $strata" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench-suite.sh: jq not found" >&2; exit 1; }

# A directory where O_DIRECT works (not tmpfs).
pick_dir() {
  local d
  for d in "${TMPDIR:-/tmp}" /var/tmp "$(dirname "$strata")"; do
    [[ -d $d && -w $d ]] || continue
    case $(stat -f -c %T "$d") in tmpfs|ramfs) continue ;; esac
    echo "$d"
    return
  done
  echo "bench-suite.sh: no non-tmpfs writable directory for the test file" >&2
  exit 1
}

file=$(mktemp "$(pick_dir)/strata-bench-suite.XXXXXX")
trap 'rm -f "$file"' EXIT

# name workload bs qd direct(0|1)
suite=(
  "randread-4k-qd32-direct randread 4k 32 1"
  "seqwrite-1m-qd8-direct seqwrite 1m 8 1"
  "seqread-1m-qd8 seqread 1m 8 0"
  "randwrite-4k-qd32-direct randwrite 4k 32 1"
)

# run on|off workload bs qd direct → "IOPS MIB_S P99_US" or "n/a n/a n/a"
run() {
  local -a args=(bench local --file "$file" --workload "$2" --bs "$3"
    --qd "$4" --size "$size" --runtime "$runtime" --json)
  [[ $5 == 1 ]] && args+=(--direct)
  local json
  if ! json=$(STRATA_IO_URING=$1 "$strata" "${args[@]}"); then
    echo "n/a n/a n/a"
    return
  fi
  jq -r '"\(.iops) \(.mib_per_s) \(.lat_p99_us)"' <<<"$json"
}

num() { [[ $1 == n/a ]] && echo n/a || printf "%.${2}f" "$1"; }

echo "strata bench local suite: $("$strata" version), file $file," \
  "size $size, ${runtime}s per run"
printf "%-26s %-9s %10s %9s %10s %13s\n" workload runtime IOPS MiB/s \
  "p99(us)" "io_uring/poll"
for entry in "${suite[@]}"; do
  read -r name workload bs qd direct <<<"$entry"
  read -r u_iops u_mib u_p99 < <(run on "$workload" "$bs" "$qd" "$direct")
  read -r p_iops p_mib p_p99 < <(run off "$workload" "$bs" "$qd" "$direct")
  ratio=n/a
  if [[ $u_iops != n/a && $p_iops != n/a ]]; then
    ratio=$(awk "BEGIN{ if ($p_iops > 0) printf \"%.2f\", $u_iops / $p_iops; else print \"n/a\" }")
  fi
  printf "%-26s %-9s %10s %9s %10s %13s\n" "$name" io_uring \
    "$(num "$u_iops" 0)" "$(num "$u_mib" 1)" "$(num "$u_p99" 1)" "$ratio"
  printf "%-26s %-9s %10s %9s %10s %13s\n" "" poll \
    "$(num "$p_iops" 0)" "$(num "$p_mib" 1)" "$(num "$p_p99" 1)" ""
done

# The durable journal: durable appends (Append + SyncThrough) of 4 KiB
# records by 1 and 64 writers, in a fresh directory next to the test file.
jdir=$(mktemp -d "$(dirname "$file")/strata-journal-suite.XXXXXX")
trap 'rm -f "$file"; rm -rf "$jdir"' EXIT
echo
printf "%-26s %-9s %10s %9s %10s %8s\n" journal runtime ops/s MiB/s \
  "p99(us)" syncs
for writers in 1 64; do
  for mode in on off; do
    json=$(STRATA_IO_URING=$mode "$strata" journal bench --dir "$jdir" \
      --writers "$writers" --size 4k --seconds "$runtime" --json) || json=""
    if [[ -z $json ]]; then
      printf "%-26s %-9s %10s\n" "append-4k-w$writers" "$mode" n/a
      continue
    fi
    read -r kind ops mib p99 syncs < <(jq -r \
      '"\(.runtime_kind) \(.ops_per_s) \(.mib_per_s) \(.lat_p99_us) \(.syncs)"' <<<"$json")
    printf "%-26s %-9s %10s %9s %10s %8s\n" "append-4k-w$writers" "$kind" \
      "$(num "$ops" 0)" "$(num "$mib" 1)" "$(num "$p99" 1)" "$syncs"
  done
done

# The stream layers: each wrapper vs the raw library call, and the full
# zstd-3 → AES-256-GCM → CRC32C pipeline with its peak RSS on 1 GiB.
echo
"$strata" bench streams
