#!/usr/bin/env bash
# Profiles routes under wrk load with JFR (jcmd JFR.start on the packaged standalone, an external simulator) and
# prints the top frames of the request threads (bench/jfr-top.py).
# Build first: ./mvnw -B package -DskipTests
# Usage: bench/profile.sh [VMS]     (default 3; BENCH_DURATION=20s, BENCH_CONNECTIONS=64; BENCH_PROFILES picks from
#   userinfo (GET /userinfo, admin cookie), vminfo (POST /vminfo, admin cookie), live (GET /q/health/live),
#   constant / constant-auth (POST /_bench/constant of /userinfo's size, without / with the admin cookie: the same
#   route, so their difference is what authenticating a request costs); default "userinfo vminfo")
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VMS=${1:-3}
DURATION=${BENCH_DURATION:-20s}
CONNS=${BENCH_CONNECTIONS:-64}
PASSWORD=vmemperor
JAR=${BENCH_JAR:-$ROOT/standalone/target/quarkus-app/quarkus-run.jar}
SIM_JAR=${BENCH_SIMULATOR_JAR:-$ROOT/xapi-simulator/target/xapi-simulator-0.1.0-SNAPSHOT.jar}
. bench/lib.sh

start_simulator "$VMS"
start_standalone profile "$SIM_URL"
curl -fs -c "$WORK/cookies" -H 'Content-Type: application/json' \
    -d "{\"username\":\"root\",\"password\":\"$PASSWORD\"}" "$APP/adminauth" >/dev/null
COOKIE="Cookie: vmemperor_session=$(awk '$6 == "vmemperor_session" {print $7}' "$WORK/cookies")"
UUID=$(curl -fs -H "$COOKIE" "$APP/vmlist" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["uuid"])')

profile() {
    local name=$1; shift
    wrk_run "$@" >/dev/null   # warm-up
    jcmd "$APP_PID" JFR.start name="$name" settings=profile filename="$WORK/$name.jfr" >/dev/null
    wrk_run "$@"
    jcmd "$APP_PID" JFR.stop name="$name" >/dev/null
    echo "== $name: $RPS req/s, p50 $P50 ms, p99 $P99 ms"
    python3 bench/jfr-top.py "$WORK/$name.jfr" executor-thread vert.x-eventloop --top "${TOP:-20}"
    [ -z "${KEEP_WORK:-}" ] || echo "recording: $WORK/$name.jfr"
}
BYTES=$(curl -fs -H "$COOKIE" "$APP/userinfo" | wc -c)
for name in ${BENCH_PROFILES:-userinfo vminfo}; do
    case $name in
    userinfo) profile userinfo "$APP/userinfo" "$CONNS" GET "" "$COOKIE" ;;
    vminfo) profile vminfo "$APP/vminfo" "$CONNS" POST "{\"uuid\":\"$UUID\"}" "$COOKIE" ;;
    live) profile live "$APP/q/health/live" "$CONNS" ;;
    constant) profile constant "$APP/_bench/constant?bytes=$BYTES" "$CONNS" POST "" ;;
    constant-auth) profile constant-auth "$APP/_bench/constant?bytes=$BYTES" "$CONNS" POST "" "$COOKIE" ;;
    *) echo "unknown profile $name" >&2; exit 1 ;;
    esac
done
