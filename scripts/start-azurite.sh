#!/usr/bin/env bash
# Starts Azurite's blob service (npm, installed into .deps/npm by
# scripts/setup-deps.sh) on 127.0.0.1 for the Azure integration tests, with
# telemetry disabled. Idempotent: if ours already answers, it only reprints
# the environment.
#
#   bash scripts/start-azurite.sh     # then: source var/azurite/env
#
# Environment: AZURITE_PORT (10000). State and logs under var/azurite/;
# scripts/stop-azurite.sh stops it by PID.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/var/azurite"
PORT="${AZURITE_PORT:-10000}"
BIN="$ROOT/.deps/npm/node_modules/.bin/azurite-blob"
# Azurite's published development account.
ACCOUNT=devstoreaccount1
KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
ENDPOINT="http://127.0.0.1:$PORT/$ACCOUNT"

write_env() {
  cat >"$DIR/env" <<ENV
export STRATA_TEST_AZURE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=$ACCOUNT;AccountKey=$KEY;BlobEndpoint=$ENDPOINT;'
export STRATA_TEST_AZURE_ENDPOINT=$ENDPOINT
ENV
  cat "$DIR/env"
}

answers() { curl -s -o /dev/null -m 2 "http://127.0.0.1:$PORT/"; }

if [ -f "$DIR/azurite.pid" ] && kill -0 "$(cat "$DIR/azurite.pid")" 2>/dev/null && answers; then
  echo "start-azurite: already running at $ENDPOINT" >&2
  write_env
  exit 0
fi
[ -x "$BIN" ] || { echo "start-azurite: $BIN missing (run scripts/setup-deps.sh)" >&2; exit 1; }

bash "$ROOT/scripts/stop-azurite.sh" >/dev/null 2>&1 || true
rm -rf "$DIR"
mkdir -p "$DIR/data"
nohup "$BIN" --blobHost 127.0.0.1 --blobPort "$PORT" -l "$DIR/data" \
  --disableTelemetry --skipApiVersionCheck --loose \
  >"$DIR/azurite.log" 2>&1 &
echo $! >"$DIR/azurite.pid"

for i in $(seq 1 150); do
  answers && break
  if [ "$i" -eq 150 ] || ! kill -0 "$(cat "$DIR/azurite.pid")" 2>/dev/null; then
    echo "start-azurite: no answer at $ENDPOINT; see $DIR/azurite.log" >&2
    exit 1
  fi
  sleep 0.2
done
echo "start-azurite: answering at $ENDPOINT" >&2
write_env
