#!/usr/bin/env bash
# Load on the packaged standalone (issue 14): CLIENTS concurrent clients for SECONDS, of which SOCKETS (a fifth by
# default) hold /vmlist WebSockets (vmlist-sockets.py: connect, read the initial list, stay HOLD s, close, again) and
# the rest send mixed requests with wrk (Debian's package): reads (/vmlist, /vminfo, /netlist, /vdilist,
# /taskstatus) and power operations (/startstopvm, /rebootvm) on the VMs a user holds.
# Reports requests by outcome and latency percentiles (p50/p90/p99/p99.9), and the sockets' sessions, messages and
# connect-to-initial-list percentiles. Errors, which make the exit status 1: socket errors, timeouts, 5xx, 401/403/404
# (the user holds its session and rights throughout), socket sessions that failed, ERROR lines in the log. 400 is a
# refusal, not an error: power operations on a VM in another state or busy with another operation (reboot of a halted
# VM, OTHER_OPERATION_IN_PROGRESS), which concurrent clients on the same VMs cause on purpose.
# Not a test: run it on a quiet machine. Build first: ./mvnw -B package -DskipTests
# Usage: bench/load.sh [CLIENTS] [SECONDS] [VMS] [SOCKETS]      e.g. bench/load.sh 200 60 50 40
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${1:-200}
SECONDS_=${2:-60}
VMS=${3:-50}
SOCKETS=${4:-$((CLIENTS / 5))}
CONNECTIONS=$((CLIENTS - SOCKETS))
JAR=standalone/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "build first: ./mvnw -B package -DskipTests" >&2; exit 1; }
for tool in wrk jq curl python3; do
    command -v $tool >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 1; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

DATA=$(mktemp -d /tmp/vmemperor-load.XXXXXX)
PORT=$(free_port)
PASSWORD=load-$RANDOM$RANDOM
env -u DB_URL -u DB_USER -u DB_PASSWORD QUARKUS_HTTP_PORT=$PORT VMEMPEROR_DATA_DIR="$DATA/data" \
    VMEMPEROR_SIMULATOR_VMS=$VMS VMEMPEROR_XENAPI_PASSWORD=$PASSWORD \
    VMEMPEROR_ACCESS_THROTTLE_FREE_FAILURES_PER_ADDRESS=1000000 java -jar "$JAR" >"$DATA/standalone.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
until curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { echo "standalone died, see its log:" >&2; cat "$DATA/standalone.log" >&2; exit 1; }
    sleep 0.2
done
BASE=http://127.0.0.1:$PORT
post() { curl -fsS -H 'Content-Type: application/json' -H "Authorization: Bearer $1" -d "$3" "$BASE$2"; }
ADMIN=$(curl -fsS -H 'Content-Type: application/json' -d "{\"username\":\"root\",\"password\":\"$PASSWORD\",\"token\":true}" \
    "$BASE/adminauth" | jq -r .token)
USER_ID=$(post "$ADMIN" /createuser '{"username":"load","password":"load-password-1"}' | jq -r .id)
ALL_VMS=$(curl -fsS -H "Authorization: Bearer $ADMIN" "$BASE/vmlist" | jq -r '.[].uuid')
for vm in $ALL_VMS; do
    post "$ADMIN" /setaccess "{\"type\":\"VM\",\"uuid\":\"$vm\",\"action\":\"launch\",\"user\":\"$USER_ID\"}" >/dev/null
done
USER=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"load","password":"load-password-1","token":true}' \
    "$BASE/login" | jq -r .token)
# the grants reach the cache through the pool's events: wait until the user sees every VM
HELD=$(echo "$ALL_VMS" | wc -l)
for _ in $(seq 300); do
    VM_LIST=$(curl -fsS -H "Authorization: Bearer $USER" "$BASE/vmlist" | jq -c '[.[].uuid]')
    [ "$(echo "$VM_LIST" | jq length)" -eq "$HELD" ] && break
    sleep 0.1
done
# a task of the user's for /taskstatus: a stop of a running VM or a start of a halted one (never "already there")
FIRST=$(echo "$VM_LIST" | jq -r '.[0]')
ENABLE=$([ "$(post "$USER" /vminfo "{\"uuid\":\"$FIRST\"}" | jq -r .power_state)" = Running ] && echo false || echo true)
TASK=$(post "$USER" /startstopvm "{\"uuid\":\"$FIRST\",\"enable\":$ENABLE}" | jq -r .task)

cat >"$DATA/mix.lua" <<LUA
local vms = {$(echo "$VM_LIST" | jq -r 'map("\"" + . + "\"") | join(",")')}
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  n = 0
  ok, refused, denied, server = 0, 0, 0, 0
end
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
response = function(status, headers, body)
  if status < 300 then ok = ok + 1
  elseif status == 400 then refused = refused + 1
  elseif status < 500 then denied = denied + 1
  else server = server + 1 end
end
done = function(summary, latency, requests)
  local c = {ok = 0, refused = 0, denied = 0, server = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(c) do c[key] = c[key] + thread:get(key) end
  end
  local sockets = summary.errors.connect + summary.errors.read + summary.errors.write
  io.write(string.format("http: %d requests in %.1f s (%.0f/s): 2xx %d, 400 refused %d, other 4xx %d, 5xx %d,"
    .. " socket errors %d, timeouts %d\n", summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6), c.ok, c.refused, c.denied, c.server, sockets, summary.errors.timeout))
  io.write(string.format("http: latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
  local f = io.open("$DATA/http-errors", "w")
  f:write(c.denied + c.server + sockets + summary.errors.timeout)
  f:close()
end
LUA
echo "load: $CLIENTS clients ($CONNECTIONS HTTP connections, $SOCKETS /vmlist sockets) for ${SECONDS_}s on $VMS VMs;" \
    "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/vmlist-sockets.py 127.0.0.1 "$PORT" "$USER" "$SOCKETS" "$SECONDS_" "$HELD" >"$DATA/sockets.out" 2>&1 &
SOCKETS_PID=$!
wrk -t "$(nproc)" -c "$CONNECTIONS" -d "${SECONDS_}s" --timeout 30s -s "$DATA/mix.lua" "$BASE"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
wait $SOCKETS_PID || true
cat "$DATA/sockets.out"
SOCKET_ERRORS=$(sed -n 's/^sockets: .* \([0-9]*\) errors.*/\1/p' "$DATA/sockets.out")
LOG_ERRORS=$(grep -c ' ERROR ' "$DATA/standalone.log" || true)
echo "ERROR lines in the standalone's log: $LOG_ERRORS"
ERRORS=$(( $(cat "$DATA/http-errors") + ${SOCKET_ERRORS:-1} + LOG_ERRORS ))
echo "errors: $ERRORS"
[ "$ERRORS" -eq 0 ]
