#!/usr/bin/env bash
# Measures the packaged standalone: time from launch to /q/health/ready UP, its RSS once ready, and how long the
# cache took to load the pool (from its log line). Build first: ./mvnw -B package -DskipTests
# Usage: bench/standalone-startup.sh [VMS] [RUNS]      e.g. bench/standalone-startup.sh 10000 3
set -euo pipefail
cd "$(dirname "$0")/.."
VMS=${1:-3}
RUNS=${2:-3}
JAR=standalone/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "build first: ./mvnw -B package -DskipTests" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

DATA=$(mktemp -d /tmp/vmemperor-bench.XXXXXX)
trap 'rm -rf "$DATA"' EXIT
echo "vms=$VMS runs=$RUNS (run 1 includes initdb of the embedded PostgreSQL and building the demo pool)"
for run in $(seq 1 "$RUNS"); do
    PORT=$(free_port)
    LOG="$DATA/run$run.log"
    start=$(date +%s%N)
    QUARKUS_HTTP_PORT=$PORT VMEMPEROR_DATA_DIR="$DATA/data" VMEMPEROR_SIMULATOR_VMS=$VMS \
        java -jar "$JAR" >"$LOG" 2>&1 &
    pid=$!
    until curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { echo "standalone died, see $LOG" >&2; cat "$LOG" >&2; exit 1; }
        sleep 0.05
    done
    ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    # the cache reports ready a moment before it logs how long the load took
    load=""
    for _ in $(seq 1 100); do
        load=$(grep -o 'Loaded [0-9]* pool objects in [0-9]* ms' "$LOG" | tail -1 || true)
        [ -n "$load" ] && break
        sleep 0.1
    done
    echo "run $run: ready in ${ready_ms} ms, RSS $((rss_kb / 1024)) MiB, $load"
    kill "$pid"; wait "$pid" 2>/dev/null || true
done
