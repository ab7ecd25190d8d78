#!/usr/bin/env bash
# Stops the cluster started by scripts/start-rgw.sh, by the PIDs in its pid
# files (radosgw first, then the OSD, then the monitor), waiting for each.
set -uo pipefail
DIR="${RGW_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/var/rgw}"
stop_pid_file() {
  local f="$1" pid
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$f"
}
stop_pid_file "$DIR/radosgw.pid"
for f in "$DIR"/osd.*.pid; do [ -e "$f" ] && stop_pid_file "$f"; done
stop_pid_file "$DIR/mon.a.pid"
echo "stop-rgw: stopped"
