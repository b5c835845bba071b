#!/usr/bin/env bash
# Profiles routes under wrk load with JFR (jcmd JFR.start on the packaged standalone, an external simulator) and
# prints the top frames of the request threads (bench/jfr-top.py).
# Build first: ./mvnw -B package -DskipTests
# Usage: bench/profile.sh [VMS]     (default 3; BENCH_DURATION=20s, BENCH_CONNECTIONS=64; BENCH_PROFILES picks from
#   userinfo (GET /userinfo, admin cookie), vminfo (POST /vminfo, admin cookie), live (GET /q/health/live),
#   constant / constant-auth (POST /_bench/constant of /userinfo's size, without / with the admin cookie: the same
#   route, so their difference is what authenticating a request costs); default "userinfo vminfo"). Every route is
#   loaded BENCH_WARMUP times (default 2) under a discarded recording before the first kept one: without that, the
#   first recorded route ran at half the speed of the later ones, whatever the route. Stacks are recorded 512 frames deep (a request's is deeper than JFR's default 64).
#   BENCH_FRAMES: frames whose share of samples to print (default AuthenticationFilter.filter)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VMS=${1:-3}
DURATION=${BENCH_DURATION:-20s}
CONNS=${BENCH_CONNECTIONS:-64}
PASSWORD=vmemperor
JAR=${BENCH_JAR:-$ROOT/standalone/target/quarkus-app/quarkus-run.jar}
SIM_JAR=${BENCH_SIMULATOR_JAR:-$ROOT/xapi-simulator/target/xapi-simulator-0.1.0-SNAPSHOT.jar}
BENCH_JAVA_OPTS="-XX:FlightRecorderOptions:stackdepth=512 ${BENCH_JAVA_OPTS:-}"
. bench/lib.sh

start_simulator "$VMS"
start_standalone profile "$SIM_URL"
curl -fs -c "$WORK/cookies" -H 'Content-Type: application/json' \
    -d "{\"username\":\"root\",\"password\":\"$PASSWORD\"}" "$APP/adminauth" >/dev/null
COOKIE="Cookie: vmemperor_session=$(awk '$6 == "vmemperor_session" {print $7}' "$WORK/cookies")"
UUID=$(curl -fs -H "$COOKIE" "$APP/vmlist" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["uuid"])')

BYTES=$(curl -fs -H "$COOKIE" "$APP/userinfo" | wc -c)
# load_route NAME: one wrk run of the route NAME stands for
load_route() {
    case $1 in
    userinfo) wrk_run "$APP/userinfo" "$CONNS" GET "" "$COOKIE" ;;
    vminfo) wrk_run "$APP/vminfo" "$CONNS" POST "{\"uuid\":\"$UUID\"}" "$COOKIE" ;;
    live) wrk_run "$APP/q/health/live" "$CONNS" ;;
    constant) wrk_run "$APP/_bench/constant?bytes=$BYTES" "$CONNS" POST "" ;;
    constant-auth) wrk_run "$APP/_bench/constant?bytes=$BYTES" "$CONNS" POST "" "$COOKIE" ;;
    *) echo "unknown profile $1" >&2; exit 1 ;;
    esac
}
FRAMES=()
for frame in ${BENCH_FRAMES:-AuthenticationFilter.filter}; do FRAMES+=(--frame "$frame"); done
# recorded too (and thrown away): JFR's own first start in the process slows the first recording down otherwise
jcmd "$APP_PID" JFR.start name=warm-up settings=profile >/dev/null
for pass in $(seq "${BENCH_WARMUP:-2}"); do
    for name in ${BENCH_PROFILES:-userinfo vminfo}; do load_route "$name" >/dev/null; done
done
jcmd "$APP_PID" JFR.stop name=warm-up >/dev/null
for name in ${BENCH_PROFILES:-userinfo vminfo}; do
    jcmd "$APP_PID" JFR.start name="$name" settings=profile filename="$WORK/$name.jfr" >/dev/null
    load_route "$name"
    jcmd "$APP_PID" JFR.stop name="$name" >/dev/null
    echo "== $name: $RPS req/s, p50 $P50 ms, p99 $P99 ms"
    python3 bench/jfr-top.py "$WORK/$name.jfr" executor-thread vert.x-eventloop --top "${TOP:-20}" "${FRAMES[@]}"
    [ -z "${KEEP_WORK:-}" ] || echo "recording: $WORK/$name.jfr"
done
