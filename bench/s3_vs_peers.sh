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
# peer (large object) and over rclone (small files).
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
    -h|--help) sed -n '2,19s/^# \{0,1\}//p' "$0"; exit 2 ;;
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

# measure NAME CMD... : runs reps times (a fresh download target each time).
declare -A result
measure() {
  local name=$1; shift
  local times=()
  for _ in $(seq 1 "$reps"); do
    rm -rf "$work/out"
    times+=("$(seconds "$@")")
  done
  result[$name]=$(printf '%s\n' "${times[@]}" | median)
  echo "$name: ${times[*]} -> median ${result[$name]} s" >&2
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

measure strata_up "${st[@]}" cp -q -r --jobs 16 "$work/small" "s3://$bucket/strata-small"
measure strata_down "${st[@]}" cp -q -r --jobs 16 "s3://$bucket/strata-small" "$work/out"
measure aws_up "$AWS" --endpoint-url "$ep" s3 cp --only-show-errors --recursive "$work/small" "s3://$bucket/aws-small"
measure aws_down "$AWS" --endpoint-url "$ep" s3 cp --only-show-errors --recursive "s3://$bucket/aws-small" "$work/out"
measure rclone_up "${rclone_env[@]}" rclone copy --ignore-times --transfers 16 --checkers 16 "$work/small" "rgw:$bucket/rclone-small"
measure rclone_down "${rclone_env[@]}" rclone copy --transfers 16 --checkers 16 "rgw:$bucket/rclone-small" "$work/out"
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
