#!/usr/bin/env bash
# Starts a one-node Ceph cluster (monitor + memstore OSD + radosgw with the
# beast frontend) on 127.0.0.1 for the S3 integration tests, and creates a
# test user with fixed keys. Idempotent: if our radosgw already answers, it
# only reprints the environment.
#
#   bash scripts/start-rgw.sh     # then: source var/rgw/env
#
# State (config, data, logs, pid files) lives under var/rgw/ in the checkout;
# scripts/stop-rgw.sh stops every daemon by the PID in its pid file.
# Environment: RGW_DIR (var/rgw), RGW_PORT (7480), RGW_MON_PORT (6789; two clusters on one
# machine need different ones), RGW_MEMSTORE_GIB (4).
set -euo pipefail
trap 'echo "start-rgw: failed at line $LINENO: $BASH_COMMAND (logs: ${DIR:-var/rgw}/log)" >&2' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${RGW_DIR:-$ROOT/var/rgw}"
PORT="${RGW_PORT:-7480}"
MON_PORT="${RGW_MON_PORT:-6789}"
ACCESS_KEY=strata-test
SECRET_KEY=strata-test-secret
ENDPOINT="http://127.0.0.1:$PORT"
export CEPH_CONF="$DIR/ceph.conf"

write_env() {
  cat >"$DIR/env" <<ENV
export STRATA_TEST_S3_ENDPOINT=$ENDPOINT
export STRATA_TEST_S3_ACCESS_KEY=$ACCESS_KEY
export STRATA_TEST_S3_SECRET_KEY=$SECRET_KEY
export STRATA_TEST_S3_REGION=us-east-1
ENV
  cat "$DIR/env"
}

answers() { curl -s -o /dev/null -m 2 "$ENDPOINT/"; }

if [ -f "$DIR/radosgw.pid" ] && kill -0 "$(cat "$DIR/radosgw.pid")" 2>/dev/null && answers; then
  echo "start-rgw: radosgw already running at $ENDPOINT" >&2
  write_env
  exit 0
fi

for tool in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph; do
  command -v "$tool" >/dev/null || { echo "start-rgw: $tool missing (run scripts/setup-deps.sh)" >&2; exit 1; }
done

# A stale cluster from an earlier run: stop it and start clean.
bash "$ROOT/scripts/stop-rgw.sh" >/dev/null 2>&1 || true
rm -rf "$DIR"
mkdir -p "$DIR/mon/ceph-a" "$DIR/osd/ceph-0" "$DIR/run" "$DIR/log"

FSID="$(cat /proc/sys/kernel/random/uuid)"
# msgr v1 only: a v2 address on a non-default port refuses `auth none` clients.
MON_ADDR="[v1:127.0.0.1:$MON_PORT]"
cat >"$CEPH_CONF" <<CONF
[global]
fsid = $FSID
mon host = $MON_ADDR
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd crush chooseleaf type = 0
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
mon warn on pool no redundancy = false
ms bind ipv6 = false
ms bind ipv4 = true
public addr = 127.0.0.1
run dir = $DIR/run
log file = $DIR/log/\$name.log
admin socket = $DIR/run/\$name.asok
pid file = $DIR/\$name.pid
keyring = /dev/null

[mon]
mon data = $DIR/mon/ceph-\$id

[osd]
osd data = $DIR/osd/ceph-\$id
osd objectstore = memstore
memstore device bytes = $(( ${RGW_MEMSTORE_GIB:-4} << 30 ))
osd max object size = 1073741824

[client.rgw.a]
# tcp_nodelay: without it beast's Nagle and the client's delayed ACK add
# 40 ms to every request on a reused connection (any client: curl, aws).
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
rgw data = $DIR/rgw
rgw dns name = localhost
rgw enable usage log = false
# Deleted objects' data goes back to the RAM-backed OSD within seconds
# (the default waits two hours, and the memstore fills up).
rgw gc obj min wait = 0
rgw gc processor period = 5
rgw gc processor max time = 5
rgw thread pool size = 128
pid file = $DIR/radosgw.pid
log file = $DIR/log/radosgw.log
CONF

monmaptool --create --fsid "$FSID" --addv a "$MON_ADDR" "$DIR/monmap" >/dev/null
ceph-mon --mkfs -i a --monmap "$DIR/monmap" >/dev/null 2>&1
ceph-mon -i a 2>>"$DIR/log/daemons.err"
for _ in $(seq 1 50); do ceph --connect-timeout 3 -s >/dev/null 2>&1 && break; sleep 0.2; done

OSD_ID="$(ceph --connect-timeout 10 osd create)"
ceph-osd -i "$OSD_ID" --mkfs >/dev/null 2>&1
ceph-osd -i "$OSD_ID" 2>>"$DIR/log/daemons.err"
# The OSD also places itself in the CRUSH map on boot; this only pins the
# weight, so a refusal (it raced the OSD's own update) is not fatal.
ceph --connect-timeout 10 osd crush add "osd.$OSD_ID" 1.0 root=default host=localhost >/dev/null 2>&1 || true
mkdir -p "$DIR/rgw"
radosgw -n client.rgw.a 2>>"$DIR/log/daemons.err"

for i in $(seq 1 150); do
  answers && break
  [ "$i" -eq 150 ] && { echo "start-rgw: radosgw did not answer at $ENDPOINT; see $DIR/log" >&2; exit 1; }
  sleep 0.2
done

radosgw-admin user create --uid=strata-test --display-name=strata-test \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null 2>&1 ||
  radosgw-admin user info --uid=strata-test >/dev/null
echo "start-rgw: radosgw answering at $ENDPOINT" >&2
write_env
