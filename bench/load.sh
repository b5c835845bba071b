#!/usr/bin/env bash
# Load on the packaged standalone (issue 14): CLIENTS concurrent connections for SECONDS of mixed requests (reads:
# /vmlist, /vminfo, /netlist, /vdilist, /taskstatus; power operations: /startstopvm and /rebootvm on the VMs a user
# holds), with wrk (Debian's package). Reports requests, errors (non-2xx and socket errors) and latency percentiles
# (p50/p90/p99). Not a test: run it on a quiet machine. Build first: ./mvnw -B package -DskipTests
# Usage: bench/load.sh [CLIENTS] [SECONDS] [VMS]      e.g. bench/load.sh 200 60 50
# Not covered yet: the /vmlist WebSocket stream under the same load (wrk speaks plain HTTP only).
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${1:-200}
SECONDS_=${2:-60}
VMS=${3:-50}
JAR=standalone/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "build first: ./mvnw -B package -DskipTests" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

DATA=$(mktemp -d /tmp/vmemperor-load.XXXXXX)
PORT=$(free_port)
PASSWORD=load-$RANDOM$RANDOM
env -u DB_URL -u DB_USER -u DB_PASSWORD QUARKUS_HTTP_PORT=$PORT VMEMPEROR_DATA_DIR="$DATA/data" \
    VMEMPEROR_SIMULATOR_VMS=$VMS VMEMPEROR_XENAPI_PASSWORD=$PASSWORD \
    VMEMPEROR_ACCESS_THROTTLE_FREE_FAILURES_PER_ADDRESS=1000000 java -jar "$JAR" >"$DATA/standalone.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
until curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { echo "standalone died, see its log:" >&2; cat "$DATA/standalone.log" >&2; exit 1; }
    sleep 0.2
done
BASE=http://127.0.0.1:$PORT
post() { curl -fsS -H 'Content-Type: application/json' -H "Authorization: Bearer $1" -d "$3" "$BASE$2"; }
ADMIN=$(curl -fsS -H 'Content-Type: application/json' -d "{\"username\":\"root\",\"password\":\"$PASSWORD\",\"token\":true}" \
    "$BASE/adminauth" | jq -r .token)
USER_ID=$(post "$ADMIN" /createuser '{"username":"load","password":"load-password-1"}' | jq -r .id)
for vm in $(curl -fsS -H "Authorization: Bearer $ADMIN" "$BASE/vmlist" | jq -r '.[].uuid'); do
    post "$ADMIN" /setaccess "{\"type\":\"VM\",\"uuid\":\"$vm\",\"action\":\"launch\",\"user\":\"$USER_ID\"}" >/dev/null
done
USER=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"load","password":"load-password-1","token":true}' \
    "$BASE/login" | jq -r .token)
VM_LIST=$(curl -fsS -H "Authorization: Bearer $USER" "$BASE/vmlist" | jq -c '[.[].uuid]')
TASK=$(post "$USER" /startstopvm "{\"uuid\":$(echo "$VM_LIST" | jq '.[0]'),\"enable\":true}" | jq -r .task)

cat >"$DATA/mix.lua" <<LUA
local vms = {$(echo "$VM_LIST" | jq -r 'map("\"" + . + "\"") | join(",")')}
local n = 0
wrk.headers["Authorization"] = "Bearer $USER"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local vm = vms[(n % #vms) + 1]
  local kind = n % 20
  if kind < 6 then return wrk.format("GET", "/vmlist")
  elseif kind < 11 then return wrk.format("POST", "/vminfo", nil, '{"uuid":"' .. vm .. '"}')
  elseif kind < 13 then return wrk.format("GET", "/netlist")
  elseif kind < 15 then return wrk.format("GET", "/vdilist")
  elseif kind < 17 then return wrk.format("POST", "/taskstatus", nil, '{"task":"$TASK"}')
  elseif kind < 19 then return wrk.format("POST", "/startstopvm", nil, '{"uuid":"' .. vm .. '","enable":' .. tostring(n % 40 < 20) .. '}')
  else return wrk.format("POST", "/rebootvm", nil, '{"uuid":"' .. vm .. '"}') end
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, socket errors %d, non-2xx %d, timeouts %d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.status, summary.errors.timeout))
  for _, p in pairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%s %.1f ms\n", p, latency:percentile(p) / 1000))
  end
end
LUA
echo "load: $CLIENTS clients for ${SECONDS_}s on $VMS VMs"
wrk -t "$(nproc)" -c "$CLIENTS" -d "${SECONDS_}s" --timeout 30s -s "$DATA/mix.lua" "$BASE"
# 400 is expected from power operations on a VM in the wrong state (e.g. reboot of a halted VM): wrk counts it as
# non-2xx; 5xx would show in the standalone's log
echo "ERROR lines in the standalone's log: $(grep -c ' ERROR ' "$DATA/standalone.log" || true)"
