#!/usr/bin/env bash
# strata vs Debian's aws-cli v2 vs rclone against the same radosgw, in one
# run:
#   - one large object (default 1 GiB): PUT (upload from a file in /dev/shm)
#     and GET (download to /dev/shm);
#   - a directory of small files (default 1,000 x 4 KiB) copied up and down
#     with 16 transfers in flight (strata cp -r --jobs 16, aws with
#     max_concurrent_requests = 16, rclone --transfers 16).
# rclone runs with --ignore-times, so repeated uploads really upload (it
# would otherwise skip files already there).
# Each measurement is repeated --reps times (default 3); the table shows the
# median seconds and MiB/s or files/s, and strata's speed-up over the faster
# peer (large object) and over rclone (small files). When radosgw runs on
# this machine, each run starts once its daemons are idle, the server's CPU
# per small-file GET is measured in the same run and the most files/s it
# could serve with every core is printed.
#
# Usage: bench/s3_vs_peers.sh [--size MiB] [--files N] [--reps N] [--strata BIN]
# Starts radosgw with scripts/start-rgw.sh if it is not running (and stops it
# again at the end in that case).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size_mib=1024
files=1000
reps=3
strata=${STRATA_BIN:-$repo/build/bin/strata}
while [[ $# -gt 0 ]]; do
  case $1 in
    --size) size_mib=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --strata) strata=$2; shift 2 ;;
    -h|--help) sed -n '2,22s/^# \{0,1\}//p' "$0"; exit 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -x "$strata" ] || { echo "s3_vs_peers.sh: no strata binary at $strata" >&2; exit 1; }
AWS=/usr/bin/aws
command -v rclone >/dev/null || { echo "s3_vs_peers.sh: rclone missing" >&2; exit 1; }

started=0
export RGW_DIR=${RGW_DIR:-$repo/var/rgw}
if ! curl -s -o /dev/null -m 2 http://127.0.0.1:${RGW_PORT:-7480}/; then
  RGW_MEMSTORE_GIB=${RGW_MEMSTORE_GIB:-6} bash "$repo/scripts/start-rgw.sh" >/dev/null
  started=1
fi
# shellcheck disable=SC1091
source "$RGW_DIR/env"
work=$(mktemp -d /dev/shm/strata-s3-bench.XXXXXX)
cleanup() {
  rm -rf "$work"
  [ "$started" -eq 0 ] || bash "$repo/scripts/stop-rgw.sh" >/dev/null
}
trap cleanup EXIT

export AWS_ACCESS_KEY_ID=$STRATA_TEST_S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$STRATA_TEST_S3_SECRET_KEY
export AWS_REGION=$STRATA_TEST_S3_REGION AWS_DEFAULT_REGION=$STRATA_TEST_S3_REGION
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
unset AWS_PROFILE AWS_SESSION_TOKEN
# aws: 16 concurrent requests, 8 MiB parts (its default part size).
cat >"$work/aws-config" <<CFG
[default]
s3 =
  max_concurrent_requests = 16
  multipart_chunksize = 8MB
CFG
export AWS_CONFIG_FILE=$work/aws-config
ep=$STRATA_TEST_S3_ENDPOINT
# rclone, configured entirely from the environment (remote "rgw:").
export RCLONE_CONFIG_RGW_TYPE=s3 RCLONE_CONFIG_RGW_PROVIDER=Ceph
export RCLONE_CONFIG_RGW_ENDPOINT=$ep
export RCLONE_CONFIG_RGW_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID
export RCLONE_CONFIG_RGW_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
rclone_env=(env -u AWS_CA_BUNDLE)  # it breaks rclone's S3 backend

bucket=strata-bench-$$
"$AWS" --endpoint-url "$ep" s3 mb "s3://$bucket" >/dev/null

echo "generating ${size_mib} MiB object and ${files} x 4 KiB files in $work" >&2
head -c $((size_mib << 20)) /dev/urandom >"$work/big"
mkdir -p "$work/small"
for i in $(seq 1 "$files"); do head -c 4096 /dev/urandom >"$work/small/f$i"; done

seconds() {  # command... → wall seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; echo "failed: $*" >&2; exit 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rm_remote() { "$AWS" --endpoint-url "$ep" s3 rm --recursive --only-show-errors "s3://$bucket/$1" >/dev/null || true; }

# CPU seconds used so far by the local Ceph daemons (radosgw, OSD, monitor);
# empty when they are not local processes.
server_cpu() {
  local pids
  pids=$(pgrep -x 'radosgw|ceph-osd|ceph-mon' | tr '\n' ' ')
  [ -n "$pids" ] || return 0
  for p in $pids; do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done |
    awk -v hz="$(getconf CLK_TCK)" '{t += $1} END {printf "%.3f\n", t / hz}'
}

# Waits (up to 60 s) until the Ceph daemons use under 5% of a core, so a
# measurement does not pay for the previous one's background work (radosgw's
# garbage collector reclaims deleted objects for several seconds).
settle() {
  local a b
  a=$(server_cpu)
  [ -n "$a" ] || return 0
  for _ in $(seq 1 60); do
    sleep 1
    b=$(server_cpu)
    [ "$(echo "$b - $a < 0.05" | bc -l)" -eq 1 ] && return 0
    a=$b
  done
  echo "s3_vs_peers.sh: warning: the Ceph daemons are still busy after 60 s" >&2
}

# measure NAME CMD... : runs reps times (a fresh download target each time;
# with fresh_prefix set, that remote prefix is deleted before each run);
# result[NAME] is the median wall time, cpu[NAME] the server's mean CPU
# seconds per run.
declare -A result cpu
fresh_prefix=
measure() {
  local name=$1; shift
  local times=() c0 c1 used=0
  for _ in $(seq 1 "$reps"); do
    rm -rf "$work/out"
    [ -z "$fresh_prefix" ] || rm_remote "$fresh_prefix"
    settle
    c0=$(server_cpu)
    times+=("$(seconds "$@")")
    c1=$(server_cpu)
    [ -z "$c0" ] || used=$(echo "$used + $c1 - $c0" | bc -l)
  done
  result[$name]=$(printf '%s\n' "${times[@]}" | median)
  [ -z "$c0" ] || cpu[$name]=$(printf '%.3f' "$(echo "$used / $reps" | bc -l)")
  echo "$name: ${times[*]} -> median ${result[$name]} s; server CPU ${cpu[$name]:-?} s/run" >&2
}

st=("$strata" --endpoint "$ep" --path-style)
measure strata_put "${st[@]}" cp -q "$work/big" "s3://$bucket/strata-big"
measure strata_get "${st[@]}" cp -q "s3://$bucket/strata-big" "$work/out"
rm_remote strata-big
measure aws_put "$AWS" --endpoint-url "$ep" s3 cp --only-show-errors "$work/big" "s3://$bucket/aws-big"
measure aws_get "$AWS" --endpoint-url "$ep" s3 cp --only-show-errors "s3://$bucket/aws-big" "$work/out"
rm_remote aws-big
measure rclone_put "${rclone_env[@]}" rclone copyto --ignore-times --s3-upload-concurrency 16 "$work/big" "rgw:$bucket/rclone-big"
measure rclone_get "${rclone_env[@]}" rclone copyto --multi-thread-streams 16 "rgw:$bucket/rclone-big" "$work/out"
rm_remote rclone-big

# Every upload goes to an emptied prefix each time (no tool pays for
# overwrites), and strata's cp -r, which copies INTO an existing directory as
# cp does, then leaves exactly $files files for the download below.
fresh_prefix=strata-small
measure strata_up "${st[@]}" cp -q -r --jobs 16 "$work/small" "s3://$bucket/strata-small"
fresh_prefix=
# Every download must have fetched exactly the uploaded files.
expect_files() {
  local n
  n=$(find "$work/out" -type f | wc -l)
  [ "$n" -eq "$files" ] || { echo "s3_vs_peers.sh: $1 downloaded $n files, not $files" >&2; exit 1; }
}
measure strata_down "${st[@]}" cp -q -r --jobs 16 "s3://$bucket/strata-small" "$work/out"
expect_files strata_down
fresh_prefix=aws-small
measure aws_up "$AWS" --endpoint-url "$ep" s3 cp --only-show-errors --recursive "$work/small" "s3://$bucket/aws-small"
fresh_prefix=
measure aws_down "$AWS" --endpoint-url "$ep" s3 cp --only-show-errors --recursive "s3://$bucket/aws-small" "$work/out"
expect_files aws_down
fresh_prefix=rclone-small
measure rclone_up "${rclone_env[@]}" rclone copy --ignore-times --transfers 16 --checkers 16 "$work/small" "rgw:$bucket/rclone-small"
fresh_prefix=
measure rclone_down "${rclone_env[@]}" rclone copy --transfers 16 --checkers 16 "rgw:$bucket/rclone-small" "$work/out"
expect_files rclone_down
"$AWS" --endpoint-url "$ep" s3 rb --force "s3://$bucket" >/dev/null

rate() { echo "scale=1; $1 / $2" | bc -l; }
ratio() { echo "scale=2; $2 / $1" | bc -l; }  # strata seconds, peer seconds
min() { echo "if ($1 < $2) $1 else $2" | bc -l; }
printf '\n| workload | strata | aws-cli v2 | rclone | strata vs faster peer | strata vs rclone |\n'
printf '|---|---|---|---|---|---|\n'
for op in put get; do
  s=${result[strata_$op]} a=${result[aws_$op]} r=${result[rclone_$op]}
  printf '| %s MiB object %s | %s MiB/s | %s MiB/s | %s MiB/s | %sx | %sx |\n' \
    "$size_mib" "${op^^}" "$(rate "$size_mib" "$s")" "$(rate "$size_mib" "$a")" \
    "$(rate "$size_mib" "$r")" "$(ratio "$s" "$(min "$a" "$r")")" "$(ratio "$s" "$r")"
done
for op in up down; do
  s=${result[strata_$op]} a=${result[aws_$op]} r=${result[rclone_$op]}
  printf '| %s x 4 KiB files %s | %s files/s | %s files/s | %s files/s | %sx | %sx |\n' \
    "$files" "$op" "$(rate "$files" "$s")" "$(rate "$files" "$a")" \
    "$(rate "$files" "$r")" "$(ratio "$s" "$(min "$a" "$r")")" "$(ratio "$s" "$r")"
done

# The server's own limit for small-file downloads: its CPU per GET. With
# every core of this machine given to radosgw and nothing to the client, it
# could serve at most cores / (CPU per GET) files per second.
if [ -n "${cpu[strata_down]:-}" ]; then
  cores=$(nproc)
  printf '\nCeph daemons CPU per 4 KiB GET: strata download %.2f ms, rclone download %.2f ms;\n' \
    "$(echo "${cpu[strata_down]} * 1000 / $files" | bc -l)" \
    "$(echo "${cpu[rclone_down]} * 1000 / $files" | bc -l)"
  printf 'at most %.0f files/s on %s cores with no client at all; 2 x rclone is %.0f files/s.\n' \
    "$(echo "$cores * $files / ${cpu[strata_down]}" | bc -l)" "$cores" \
    "$(echo "2 * $files / ${result[rclone_down]}" | bc -l)"
  printf 'Ceph daemons CPU per 4 KiB upload: strata %.2f ms, aws %.2f ms, rclone %.2f ms.\n' \
    "$(echo "${cpu[strata_up]} * 1000 / $files" | bc -l)" \
    "$(echo "${cpu[aws_up]} * 1000 / $files" | bc -l)" \
    "$(echo "${cpu[rclone_up]} * 1000 / $files" | bc -l)"
fi
