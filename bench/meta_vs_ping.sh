#!/usr/bin/env bash
# Namespace operation rates through gRPC against the transport's own limit,
# in one run: starts `strata server` (RocksDB metadata in a temporary data
# dir, "/" on file://<dir>/root), then runs
#   strata bench meta --clients C --ops N
# for each C in --clients (default "1 4 16"). `bench meta` measures an empty
# gRPC call (HealthService.Ping) beside stat, mkdir, list, create and read
# (4 KiB files) and prints each rate with its ratio to the ping rate; the
# issue's target is stat >= 0.5 x ping at 16 clients.
#
# Usage: bench/meta_vs_ping.sh [--clients "1 4 16"] [--ops N] [--strata BIN] [--json]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
strata=${STRATA_BIN:-$repo/build/bin/strata}
clients="1 4 16"
ops=2000
json=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --clients) clients=$2; shift 2 ;;
    --ops) ops=$2; shift 2 ;;
    --strata) strata=$2; shift 2 ;;
    --json) json=(--json); shift ;;
    -h|--help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -x "$strata" ] || { echo "meta_vs_ping.sh: no strata binary at $strata" >&2; exit 1; }

# Under $TMPDIR unless that is tmpfs (the root mount should be a real disk).
base=${TMPDIR:-/tmp}
[ "$(stat -f -c %T "$base")" != tmpfs ] || base=/var/tmp
work=$(mktemp -d "$base/strata-meta-bench.XXXXXX")
server_pid=
cleanup() {
  [ -z "$server_pid" ] || { kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

"$strata" server --data-dir "$work/data" --listen 127.0.0.1:0 --metrics-listen off \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
addr=
for _ in $(seq 100); do
  addr=$(sed -n 's/^strata server listening on \([^;]*\);.*/\1/p' "$work/server.out")
  [ -n "$addr" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "meta_vs_ping.sh: server did not start" >&2; cat "$work/server.err" >&2; exit 1; }
echo "# strata server on $addr ($(nproc) cores); $ops ops per client"
for c in $clients; do
  echo "## $c clients"
  "$strata" bench meta --server "$addr" --clients "$c" --ops "$ops" "${json[@]}"
done
