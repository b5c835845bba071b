#!/usr/bin/env bash
# A/B of two packaged standalones on the authentication figures, interleaved, for a machine shared with other work:
# both run at once against one 3-VM simulator, and each round measures A then B (B then A in even rounds) on the same
# four routes: POST /_bench/constant of /userinfo's size with and without the admin cookie, GET /userinfo (cookie),
# GET /q/health/live. Besides wrk's req/s it prints the CPU time the standalone process spent per request (utime +
# stime from /proc over the run, divided by the requests served), which other processes' load distorts far less
# than throughput; "auth" is the share of the cookie's request that the cookie costs, from req/s and from CPU.
# Usage: bench/ab.sh JAR_A JAR_B [ROUNDS]   (quarkus-run.jar of each build; ROUNDS 3; BENCH_DURATION 10s per run;
#   BENCH_AB_WARMUP 2 discarded passes of 15 s per build first: the cookie's path is slow for its first minute)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR_A=$1 JAR_B=$2 ROUNDS=${3:-3}
PASSWORD=vmemperor
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-64}
SIM_JAR=${BENCH_SIMULATOR_JAR:-$ROOT/xapi-simulator/target/xapi-simulator-0.1.0-SNAPSHOT.jar}
. bench/lib.sh

start_simulator 3
declare -A APPS COOKIES APP_PIDS
for side in A B; do
    jar=JAR_$side port=$(free_port)
    env JAVA_OPTS="${BENCH_JAVA_OPTS:-}" VMEMPEROR_CDS=off VMEMPEROR_XENAPI_URL="$SIM_URL" VMEMPEROR_XENAPI_PASSWORD=$PASSWORD \
        QUARKUS_HTTP_PORT=$port VMEMPEROR_DATA_DIR="$WORK/data-$side" VMEMPEROR_BENCH_CONSTANT_ROUTE=true \
        "$ROOT/bin/vmemperor-run" "${!jar}" >"$WORK/standalone-$side.log" 2>&1 &
    APP_PIDS[$side]=$!; PIDS+=("$!"); APPS[$side]="http://127.0.0.1:$port"
    until curl -fs "${APPS[$side]}/q/health/ready" >/dev/null 2>&1; do
        kill -0 "${APP_PIDS[$side]}" 2>/dev/null || { cat "$WORK/standalone-$side.log" >&2; exit 1; }
        sleep 0.2
    done
    curl -fs -c "$WORK/cookies-$side" -H 'Content-Type: application/json' \
        -d "{\"username\":\"root\",\"password\":\"$PASSWORD\"}" "${APPS[$side]}/adminauth" >/dev/null
    COOKIES[$side]="Cookie: vmemperor_session=$(awk '$6 == "vmemperor_session" {print $7}' "$WORK/cookies-$side")"
done
BYTES=$(curl -fs -H "${COOKIES[A]}" "${APPS[A]}/userinfo" | wc -c)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# wrk_cpu PID URL CONNECTIONS [METHOD BODY [HEADER...]] -> RPS, US (the process's CPU microseconds per request)
wrk_cpu() {
    local pid=$1 before after; shift
    before=$(cpu_ticks "$pid"); wrk_run "$@"; after=$(cpu_ticks "$pid")
    US=$(python3 -c "import os, sys; t, r, s = map(float, sys.argv[1:]); print(round(t * 1e6 / os.sysconf('SC_CLK_TCK') / (r * s)))" \
        $((after - before)) "$RPS" "${DURATION%s}")
}
share() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{100 * (1 - b / a):.0f}%')" "$1" "$2"; }
measure() {
    local side=$1 app=${APPS[$1]} cookie=${COOKIES[$1]} pid=${APP_PIDS[$1]}
    wrk_cpu "$pid" "$app/_bench/constant?bytes=$BYTES" "$CONNS" POST "" "$cookie"; local c_rps=$RPS c_us=$US
    wrk_cpu "$pid" "$app/_bench/constant?bytes=$BYTES" "$CONNS" POST ""; local n_rps=$RPS n_us=$US
    wrk_cpu "$pid" "$app/userinfo" "$CONNS" GET "" "$cookie"; local u_rps=$RPS u_us=$US
    wrk_cpu "$pid" "$app/q/health/live" "$CONNS"; local l_rps=$RPS l_us=$US
    printf '%s  constant+cookie %6s/s %4sus  constant %6s/s %4sus  auth %4s (cpu %4s)  |  userinfo %6s/s %4sus  live %6s/s %4sus  |  load %s\n' \
        "$side" "$c_rps" "$c_us" "$n_rps" "$n_us" "$(share "$n_rps" "$c_rps")" "$(share "$c_us" "$n_us")" \
        "$u_rps" "$u_us" "$l_rps" "$l_us" "$(cut -d' ' -f1 /proc/loadavg)"
}
echo "A: $JAR_A"
echo "B: $JAR_B"
MEASURED=$DURATION DURATION=15s
for _ in $(seq 1 "${BENCH_AB_WARMUP:-2}"); do measure A >/dev/null; measure B >/dev/null; done
DURATION=$MEASURED
for round in $(seq 1 "$ROUNDS"); do
    if (( round % 2 )); then measure A; measure B; else measure B; measure A; fi
done
