#!/usr/bin/env bash
# Stops the Azurite started by scripts/start-azurite.sh, by its PID.
set -uo pipefail
f="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/var/azurite/azurite.pid"
[ -f "$f" ] || { echo "stop-azurite: not running"; exit 0; }
pid="$(cat "$f")"
if kill -0 "$pid" 2>/dev/null; then
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
fi
rm -f "$f"
echo "stop-azurite: stopped"
