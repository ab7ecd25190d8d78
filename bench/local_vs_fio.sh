#!/usr/bin/env bash
# Compares `strata bench local` with fio on the same file, in one run.
#
# For each workload it runs fio --ioengine=io_uring (--iodepth=N), fio
# --ioengine=psync (--numjobs=N threads, --group_reporting), and strata with
# STRATA_IO_URING=on and =off, then prints a markdown table of IOPS, the
# ratios strata/fio-io_uring and strata io_uring/poll, and p99 latencies
# (submit to completion: fio lat_ns, strata per-op latency).
#
# Usage: bench/local_vs_fio.sh [--size SIZE] [--runtime S] [--file PATH]
#                              [--strata BIN]
#   --size     working-set size (default 1g; k/m/g suffixes)
#   --runtime  seconds per run (default 5)
#   --file     benchmark file (default /var/tmp/strata-vs-fio.<pid>; must not
#              be on tmpfs, O_DIRECT needs a real file system). A file this
#              script creates is removed at the end.
#   --strata   the strata binary (default: $STRATA_BIN, else build/bin/strata)
# Needs fio and jq.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size=1g
runtime=5
file=/var/tmp/strata-vs-fio.$$
strata=${STRATA_BIN:-$repo/build/bin/strata}

usage() { sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 2; }
die() { echo "local_vs_fio.sh: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --size) size=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    --file) file=$2; shift 2 ;;
    --strata) strata=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done

# Bytes in SIZE ("4096", "4k", "1m", "1g", "1MiB"; powers of 1024).
to_bytes() {
  local s=${1,,}
  s=${s%ib}; s=${s%b}
  case $s in
    *k) echo $(( ${s%k} << 10 )) ;;
    *m) echo $(( ${s%m} << 20 )) ;;
    *g) echo $(( ${s%g} << 30 )) ;;
    *t) echo $(( ${s%t} << 40 )) ;;
    *) echo $(( s )) ;;
  esac
}

check_setup() {
  command -v fio >/dev/null || die "fio not found (apt-get install fio)"
  command -v jq >/dev/null || die "jq not found (apt-get install jq)"
  [[ -x $strata ]] || die "strata binary not found at $strata (use --strata)"
  local dir fstype avail
  dir=$(dirname "$file")
  [[ -d $dir ]] || die "directory $dir does not exist"
  fstype=$(stat -f -c %T "$dir")
  [[ $fstype != tmpfs && $fstype != ramfs ]] ||
    die "$dir is on $fstype; O_DIRECT needs a real file system (use --file)"
  avail=$(df --output=avail -B1 "$dir" | tail -1)
  (( avail > size_bytes + (256 << 20) )) || [[ -f $file ]] ||
    die "not enough space in $dir for $size"
}

created=0
cleanup() { if (( created )); then rm -f "$file"; fi; rm -f "$fio_out"; }

# fio_run ENGINE RW BS QD → "IOPS P99_US". ENGINE io_uring-fixed is io_uring
# with registered files and fixed buffers, to show what registration buys.
fio_run() {
  local engine=$1 rw=$2 bs=$3 qd=$4 dir=read
  local -a extra=()
  if [[ $engine == io_uring-fixed ]]; then
    engine=io_uring
    extra=(--registerfiles=1 --fixedbufs=1)
  fi
  local -a args=(--name=bench --filename="$file" --rw="$rw" --bs="$bs"
    --direct=1 --runtime="$runtime" --time_based --ioengine="$engine"
    --lat_percentiles=1 --output-format=json --output="$fio_out"
    --invalidate=0 "${extra[@]}")
  [[ $rw == write || $rw == randwrite ]] && dir="write"
  if [[ $engine == io_uring ]]; then
    args+=(--iodepth="$qd" --size="$size_bytes")
  else
    # QD N = N threads; sequential ones each get their own slice, like
    # strata's shared cursor, instead of all streaming the same offsets.
    args+=(--numjobs="$qd" --thread --group_reporting --iodepth=1)
    if [[ $rw == read || $rw == write ]]; then
      local slice=$(( size_bytes / qd ))
      args+=(--size="$slice" --offset_increment="$slice")
    else
      args+=(--size="$size_bytes")
    fi
  fi
  fio "${args[@]}" >/dev/null
  jq -r --arg d "$dir" '.jobs[0][$d] |
      "\(.iops) \((.lat_ns.percentile["99.000000"] // 0) / 1000)"' "$fio_out"
}

# strata_run on|off WORKLOAD BS QD → "IOPS P99_US" ("n/a n/a" if refused)
strata_run() {
  local json
  if ! json=$(STRATA_IO_URING=$1 "$strata" bench local --file "$file" \
      --workload "$2" --bs "$3" --qd "$4" --direct --size "$size" \
      --runtime "$runtime" --json); then
    echo "n/a n/a"
    return
  fi
  jq -r '"\(.iops) \(.lat_p99_us)"' <<<"$json"
}

fmt_iops() { [[ $1 == n/a ]] && echo n/a || printf "%.0f" "$1"; }
fmt_us() { [[ $1 == n/a ]] && echo n/a || printf "%.0f" "$1"; }
ratio() {
  if [[ $1 == n/a || $2 == n/a ]] || awk "BEGIN{exit !($2 <= 0)}"; then
    echo n/a
  else
    awk "BEGIN{printf \"%.2f\", $1 / $2}"
  fi
}

# name strata-workload fio-rw bs qd
workloads=(
  "randread-4k-qd32 randread randread 4k 32"
  "randread-4k-qd1 randread randread 4k 1"
  "seqread-1m-qd8 seqread read 1m 8"
  "seqwrite-1m-qd8 seqwrite write 1m 8"
  "randwrite-4k-qd32 randwrite randwrite 4k 32"
)

main() {
  size_bytes=$(to_bytes "$size")
  fio_out=$(mktemp /tmp/strata-fio.XXXXXX.json)
  [[ -e $file ]] || created=1
  trap cleanup EXIT
  check_setup
  # strata creates and fills the file (sequential 1 MiB writes + fdatasync).
  "$strata" bench local --file "$file" --workload seqread --bs 1m --qd 1 \
    --size "$size" --runtime 0.1 --json >/dev/null
  local dir; dir=$(dirname "$file")
  echo "# strata bench local vs fio"
  echo
  local fstype
  fstype=$(findmnt -no FSTYPE -T "$dir" 2>/dev/null || stat -f -c %T "$dir")
  echo "$(uname -sr), $fstype on $(df --output=source "$dir" | tail -1)," \
    "$(nproc) CPUs, $(fio --version); file $file, size $size," \
    "${runtime}s per run, all O_DIRECT"
  echo
  echo "| workload | fio io_uring IOPS | fio io_uring reg+fixed IOPS" \
    "| fio psync IOPS | strata io_uring IOPS" \
    "| strata poll IOPS | strata/fio-io_uring | strata io_uring/poll" \
    "| p99 µs fio io_uring | p99 µs fio psync | p99 µs strata io_uring" \
    "| p99 µs strata poll |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  local name sw rw bs qd
  for w in "${workloads[@]}"; do
    read -r name sw rw bs qd <<<"$w"
    read -r fu_iops fu_p99 < <(fio_run io_uring "$rw" "$bs" "$qd")
    read -r ff_iops _ < <(fio_run io_uring-fixed "$rw" "$bs" "$qd")
    read -r fp_iops fp_p99 < <(fio_run psync "$rw" "$bs" "$qd")
    read -r su_iops su_p99 < <(strata_run on "$sw" "$bs" "$qd")
    read -r sp_iops sp_p99 < <(strata_run off "$sw" "$bs" "$qd")
    echo "| $name direct | $(fmt_iops "$fu_iops") | $(fmt_iops "$ff_iops")" \
      "| $(fmt_iops "$fp_iops")" \
      "| $(fmt_iops "$su_iops") | $(fmt_iops "$sp_iops")" \
      "| $(ratio "$su_iops" "$fu_iops") | $(ratio "$su_iops" "$sp_iops")" \
      "| $(fmt_us "$fu_p99") | $(fmt_us "$fp_p99") | $(fmt_us "$su_p99")" \
      "| $(fmt_us "$sp_p99") |"
  done
}

main
