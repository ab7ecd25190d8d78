#!/usr/bin/env bash
# Compares `strata journal bench` with its peers on durable appends, in one
# run.
#
# For each writer count W and record size B it runs, back to back, each in a
# fresh directory: `strata journal bench`, `journal_peers --mode pwrite` (W
# threads share one file; pwrite + fdatasync per record) and `journal_peers
# --mode rocksdb` (W threads, Put with sync=true). It prints the exact
# commands, a markdown table of ops/s, the ratios strata/pwrite and
# strata/rocksdb and ack latencies, then the journal targets with PASS/MISS.
#
# Usage: bench/journal_vs_peers.sh [--strata BIN] [--peers BIN] [--dir DIR]
#                                  [--seconds S] [--writers "1 4 16 64"]
#                                  [--sizes "128 4096"] [--out FILE]
#   --strata   the strata binary (default: $STRATA_BIN, else build/bin/strata)
#   --peers    journal_peers (default: $JOURNAL_PEERS_BIN, else
#              build/bin/journal_peers, else build-peers/bin/journal_peers)
#   --dir      where the runs' data goes (default var/journal-vs-peers.<pid>
#              in the repo, i.e. on the repo's file system; must not be
#              tmpfs). Each run gets a fresh subdirectory, removed after it.
#   --seconds  measured seconds per run (default 3)
#   --writers  writer counts (default "1 4 16 64")
#   --sizes    record sizes in bytes (default "128 4096")
#   --out      also write the report (table and targets) to FILE
# Needs jq. Progress and the tools' errors go to stderr.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
strata=${STRATA_BIN:-$repo/build/bin/strata}
peers=${JOURNAL_PEERS_BIN:-}
dir=$repo/var/journal-vs-peers.$$
seconds=3
writers_list="1 4 16 64"
sizes_list="128 4096"
out=

usage() { sed -n '2,25s/^# \{0,1\}//p' "$0"; exit 2; }
die() { echo "journal_vs_peers.sh: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --strata|--peers|--dir|--seconds|--writers|--sizes|--out)
      [[ $# -ge 2 ]] || { echo "missing value for $1" >&2; usage; } ;;&
    --strata) strata=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --writers) writers_list=$2; shift 2 ;;
    --sizes) sizes_list=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done

find_peers() {
  [[ -n $peers ]] && return
  peers=$repo/build/bin/journal_peers
  [[ -x $peers ]] || peers=$repo/build-peers/bin/journal_peers
}

check_numbers() {
  local flag=$1 v
  shift
  [[ $# -gt 0 ]] || die "$flag: empty list"
  for v in "$@"; do
    [[ $v =~ ^[1-9][0-9]*$ ]] || die "$flag: '$v' is not a positive integer"
  done
}

check_setup() {
  command -v jq >/dev/null || die "jq not found (apt-get install jq)"
  [[ -x $strata ]] || die "strata binary not found at $strata (use --strata)"
  # CLI11 answers --help for the deepest subcommand it knows, so look for
  # "journal bench" in the usage line rather than trusting the exit status.
  local help; help=$("$strata" journal bench --help 2>&1 || true)
  [[ $help == *"journal bench"* ]] ||
    die "$strata has no 'journal bench' subcommand (use --strata)"
  [[ -x $peers ]] ||
    die "journal_peers not found at $peers (build the journal_peers target)"
  if ! [[ $seconds =~ ^[0-9]*\.?[0-9]+$ ]] ||
      awk "BEGIN{exit !($seconds <= 0)}"; then
    die "--seconds: '$seconds' is not a positive number"
  fi
  read -ra writers <<<"$writers_list"
  read -ra sizes <<<"$sizes_list"
  check_numbers --writers "${writers[@]}"
  check_numbers --sizes "${sizes[@]}"
  [[ -z $out || -d $(dirname "$out") ]] ||
    die "--out: directory $(dirname "$out") does not exist"
}

# Creates $dir (and its parent) if needed, remembering what to remove.
created=()
make_dir() {
  local parent; parent=$(dirname "$dir")
  [[ -d $parent ]] || { mkdir -p "$parent"; created+=("$parent"); }
  [[ -d $dir ]] || { mkdir "$dir"; created=("$dir" "${created[@]}"); }
  local fstype; fstype=$(stat -f -c %T "$dir")
  [[ $fstype != tmpfs && $fstype != ramfs ]] ||
    die "$dir is on $fstype; durability needs a real file system (use --dir)"
}

run_dir=
cleanup() {
  [[ -n $run_dir ]] && rm -rf -- "$run_dir"
  local d
  for d in "${created[@]}"; do rmdir -- "$d" 2>/dev/null || true; done
}

# shellcheck disable=SC2016  # $v is jq's
# Fields of a run's JSON: ops/s, p50 and p99 µs (all required), fsync p50 µs.
fields='[.ops_per_s, .lat_p50_us, .lat_p99_us] as $v
  | if all($v[]; type == "number")
    then $v + [.fsync_p50_us // "n/a"] | map(tostring) | join(" ")
    else empty end'

# run_json TOOL W B CMD... sets $fields_out to "OPS P50 P99 FSYNC_P50" from
# the JSON CMD prints ("n/a n/a n/a n/a" if it fails or prints no such
# JSON). @DIR@ in CMD becomes a fresh directory, removed afterwards.
commands=()
run_json() {
  local tool=$1 w=$2 b=$3 json
  shift 3
  run_dir=$(mktemp -d "$dir/$tool-w$w-b$b.XXXXXX")
  local -a cmd=("${@//@DIR@/$run_dir}")
  commands+=("${cmd[*]}")
  echo "\$ ${cmd[*]}" >&2
  sync
  if ! json=$("${cmd[@]}") || ! fields_out=$(jq -er "$fields" <<<"$json")
  then
    echo "journal_vs_peers.sh: $tool w=$w size=$b failed" >&2
    fields_out="n/a n/a n/a n/a"
  fi
  rm -rf -- "$run_dir"
  run_dir=
}

# Results, keyed "W:B": ops/s, p50, p99 (µs) per tool; fsync p50 of pwrite.
declare -A s_ops s_p50 s_p99 p_ops p_p50 p_p99 p_fs50 r_ops r_p50 r_p99

measure() {
  local w=$1 b=$2 k="$1:$2"
  run_json strata "$w" "$b" "$strata" journal bench --dir @DIR@ \
    --writers "$w" --size "$b" --seconds "$seconds" --json
  read -r "s_ops[$k]" "s_p50[$k]" "s_p99[$k]" _ <<<"$fields_out"
  run_json pwrite "$w" "$b" "$peers" --mode pwrite --dir @DIR@ \
    --writers "$w" --size "$b" --seconds "$seconds" --json
  read -r "p_ops[$k]" "p_p50[$k]" "p_p99[$k]" "p_fs50[$k]" <<<"$fields_out"
  run_json rocksdb "$w" "$b" "$peers" --mode rocksdb --dir @DIR@ \
    --writers "$w" --size "$b" --seconds "$seconds" --json
  read -r "r_ops[$k]" "r_p50[$k]" "r_p99[$k]" _ <<<"$fields_out"
}

num() { [[ ${1:-n/a} == n/a ]] && echo n/a || printf "%.0f" "$1"; }
pair() { [[ ${1:-n/a} == n/a ]] && echo n/a || echo "$(num "$1")/$(num "$2")"; }
ratio() {
  if [[ ${1:-n/a} == n/a || ${2:-n/a} == n/a ]] ||
      awk "BEGIN{exit !($2 <= 0)}"; then
    echo n/a
  else
    awk "BEGIN{printf \"%.2f\", $1 / $2}"
  fi
}

# verdict RATIO OP LIMIT → "PASS", "MISS" or "n/a"
verdict() {
  if [[ $1 == n/a ]]; then echo n/a
  elif awk "BEGIN{exit !($1 $2 $3)}"; then echo PASS
  else echo MISS
  fi
}

print_header() {
  local fstype
  fstype=$(findmnt -no FSTYPE -T "$dir" 2>/dev/null || stat -f -c %T "$dir")
  echo "# strata journal bench vs pwrite+fdatasync and RocksDB sync=true"
  echo
  echo "$(uname -sr), $fstype on $(df --output=source "$dir" | tail -1)," \
    "$(nproc) CPUs, RocksDB $(pkg-config --modversion rocksdb 2>/dev/null ||
    echo '?'); dir $dir, ${seconds}s per run (after a 0.5 s warm-up)," \
    "one durable record per op"
  echo
}

print_table() {
  echo "| writers | size | strata ops/s | pwrite ops/s | rocksdb ops/s" \
    "| strata/pwrite | strata/rocksdb | strata p50/p99 µs" \
    "| pwrite p50/p99 µs | pwrite fsync p50 µs | rocksdb p50/p99 µs |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  local w b k
  for w in "${writers[@]}"; do
    for b in "${sizes[@]}"; do
      k="$w:$b"
      echo "| $w | $b | $(num "${s_ops[$k]}") | $(num "${p_ops[$k]}")" \
        "| $(num "${r_ops[$k]}") | $(ratio "${s_ops[$k]}" "${p_ops[$k]}")" \
        "| $(ratio "${s_ops[$k]}" "${r_ops[$k]}")" \
        "| $(pair "${s_p50[$k]}" "${s_p99[$k]}")" \
        "| $(pair "${p_p50[$k]}" "${p_p99[$k]}") | $(num "${p_fs50[$k]}")" \
        "| $(pair "${r_p50[$k]}" "${r_p99[$k]}") |"
    done
  done
}

# target DESCRIPTION RATIO OP LIMIT
target() {
  echo "| $1 | $2 | $(verdict "$2" "$3" "$4") |"
}

print_targets() {
  local hi=64:4096 lo=1:4096 fs
  fs=${p_fs50[$lo]:-n/a}
  [[ $fs == n/a ]] || fs=$(awk "BEGIN{print 4 * $fs}")
  echo
  echo "| target | result | verdict |"
  echo "|---|---|---|"
  target "(a) 64 writers × 4 KiB: strata ops/s ≥ 20 × 1-writer pwrite+fdatasync" \
    "$(ratio "${s_ops[$hi]:-n/a}" "${p_ops[$lo]:-n/a}")" ">=" 20
  target "(b) 64 writers × 4 KiB: strata ops/s ≥ 1.5 × RocksDB sync=true, 64 writers" \
    "$(ratio "${s_ops[$hi]:-n/a}" "${r_ops[$hi]:-n/a}")" ">=" 1.5
  target "(c) 1 writer × 4 KiB: strata ops/s ≥ 0.9 × pwrite+fdatasync" \
    "$(ratio "${s_ops[$lo]:-n/a}" "${p_ops[$lo]:-n/a}")" ">=" 0.9
  target "(d) 64 writers × 4 KiB: strata p99 ≤ 4 × 1-writer fdatasync p50 (result: p99 / fsync p50)" \
    "$(ratio "${s_p99[$hi]:-n/a}" "${p_fs50[$lo]:-n/a}")" "<=" 4
}

print_commands() {
  echo
  echo "Commands (each --dir a fresh directory, removed after its run):"
  echo
  echo '```sh'
  local c
  for c in "${commands[@]}"; do echo "$c"; done
  echo '```'
}

main() {
  find_peers
  check_setup
  trap cleanup EXIT
  make_dir
  local w b
  for w in "${writers[@]}"; do
    for b in "${sizes[@]}"; do measure "$w" "$b"; done
  done
  local report; report=$(print_header; print_table; print_targets;
    print_commands)
  echo "$report"
  [[ -z $out ]] || echo "$report" >"$out"
}

main
