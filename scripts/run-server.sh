#!/usr/bin/env bash
# What `make run` starts: `strata server` on embedded defaults (metadata in
# RocksDB under var/strata/meta, "/" mounted at file://var/strata/root),
# after printing how to use it with `strata fs`. Runs in the foreground;
# Ctrl-C (SIGINT) or SIGTERM shuts it down cleanly, and a restart keeps every
# mount and file. Builds nothing.
#
# Usage: scripts/run-server.sh [STRATA_BIN] [extra `strata server` flags...]
#   STRATA_DATA_DIR  data directory (default var/strata)
#   STRATA_LISTEN    gRPC address (default 127.0.0.1:50051)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
strata=${1:-$repo/build/bin/strata}
[ $# -gt 0 ] && shift
strata="$(cd "$(dirname "$strata")" && pwd)/$(basename "$strata")"
data_dir=${STRATA_DATA_DIR:-$repo/var/strata}
listen=${STRATA_LISTEN:-127.0.0.1:50051}

cat <<USAGE
strata server: the unified namespace over gRPC on $listen
(metadata and the root mount in $data_dir; Prometheus metrics on
http://127.0.0.1:9464/metrics). In another terminal:

  export PATH=$(dirname "$strata"):\$PATH STRATA_SERVER=$listen
  strata fs mounts                                  # "/" is file://$data_dir/root
  strata fs mkdir -p /data/hot
  strata fs mount /tmp mem://scratch/               # an in-memory store
  strata fs mount -o sync_interval=30s /data/cold file:///srv/cold
  strata fs mount -o endpoint=http://127.0.0.1:7480 -o path_style=true \\
      /data/raw s3://bucket/raw                     # credentials from the AWS chain
  strata fs copy-from-local ./README.md /data/hot/readme.md
  strata fs ls -l /data/hot && strata fs cat /data/hot/readme.md
  strata fs mv /data/hot/readme.md /tmp/readme.md   # across mounts: copy + delete
  strata bench meta --clients 16 --ops 2000         # stat/mkdir/list/create/read rates

Ctrl-C stops the server; starting it again keeps every mount and file.

USAGE
mkdir -p "$data_dir"
exec "$strata" server --data-dir "$data_dir" --listen "$listen" "$@"
