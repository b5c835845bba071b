#!/usr/bin/env bash
# JVM options side by side on the big pool: starts the packaged standalone (through bin/vmemperor-run, as run-all.sh
# does) against one warmed simulator once per variant, ROUNDS times in turn, and prints for each start the cache's
# load, the time to ready, RSS at ready, POST /vminfo (64 connections, after a discarded 5 s run) with the young
# collections during it (count and seconds, from jstat), GET /vmlist plain and gzip (8 connections), RSS right after
# those runs and 15 s later, and the heap's generations after the runs (GC.heap_info, before any full collection).
# Build first: ./mvnw -B package -DskipTests
# Usage: bench/jvm-options.sh 'VARIANT|VARIANT...' [ROUNDS] [VMS]   (default ROUNDS 3, VMS 10000)
#   each VARIANT is JAVA_OPTS for one start; an empty one is the launcher's defaults, e.g.
#   bench/jvm-options.sh '|-XX:NewRatio=2' compares the launcher's young generation with the JVM's default sizing.
#   BENCH_JAR measures another build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
IFS='|' read -r -a VARIANTS <<<"${1:?usage: bench/jvm-options.sh 'VARIANT|VARIANT...' [ROUNDS] [VMS]}"
[[ "$1" == *'|' ]] && VARIANTS+=("")
ROUNDS=${2:-3}
VMS=${3:-10000}
DURATION=10s
PASSWORD=vmemperor
DEFAULTS="the launcher's defaults"
JAR=${BENCH_JAR:-$ROOT/standalone/target/quarkus-app/quarkus-run.jar}
SIM_JAR=${BENCH_SIMULATOR_JAR:-$ROOT/xapi-simulator/target/xapi-simulator-0.1.0-SNAPSHOT.jar}
for f in "$JAR" "$SIM_JAR"; do [ -f "$f" ] || { echo "missing $f: ./mvnw -B package -DskipTests" >&2; exit 1; }; done
for tool in wrk jstat jcmd curl python3; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }; done

. bench/lib.sh

# young_collections PID -> "count seconds"
young_collections() {
    jstat -gc "$1" | awk 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i} NR == 2 {print $col["YGC"], $col["YGCT"]}'
}

echo "bench: $VMS VMs, $ROUNDS rounds of ${#VARIANTS[@]} variants; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
start_simulator "$VMS"
warm_simulator
for round in $(seq 1 "$ROUNDS"); do
    for variant in "${VARIANTS[@]}"; do
        BENCH_JAVA_OPTS="$variant" start_standalone options "$SIM_URL"
        rss_ready=$(rss_mb "$APP_PID")
        curl -fs -c "$WORK/cookies" -H 'Content-Type: application/json' \
            -d "{\"username\":\"root\",\"password\":\"$PASSWORD\"}" "$APP/adminauth" >/dev/null
        cookie="Cookie: vmemperor_session=$(awk '$6 == "vmemperor_session" {print $7}' "$WORK/cookies")"
        uuid=$(curl -fs -H "$cookie" "$APP/vmlist" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["uuid"])')
        DURATION=5s wrk_run "$APP/vminfo" 64 POST "{\"uuid\":\"$uuid\"}" "$cookie"
        read -r ygc0 ygct0 <<<"$(young_collections "$APP_PID")"
        wrk_run "$APP/vminfo" 64 POST "{\"uuid\":\"$uuid\"}" "$cookie"
        read -r ygc1 ygct1 <<<"$(young_collections "$APP_PID")"
        vminfo="$RPS req/s p99 $P99 ms, $((ygc1 - ygc0)) young collections $(python3 -c "print(f'{$ygct1 - $ygct0:.3f}')") s"
        wrk_run "$APP/vmlist" 8 GET "" "$cookie"
        vmlist=$RPS
        wrk_run "$APP/vmlist" 8 GET "" "$cookie" "Accept-Encoding: gzip"
        rss_after=$(rss_mb "$APP_PID")
        generations=$(jcmd "$APP_PID" GC.heap_info | awk '/generation/ {
            name = ""; for (i = 1; $i != "generation"; i++) name = name $i " "
            for (; i <= NF; i++) if ($i == "total" || $i == "used") {v = $(i + 1); sub(",", "", v); name = name $i " " v " "}
            sub(/ $/, "", name); printf "%s; ", name}')
        sleep 15
        printf 'round %s [%s] load %s ms, ready %s ms, RSS %s MiB at ready, %s after the runs, %s 15 s later\n' \
            "$round" "${variant:-$DEFAULTS}" "$LOAD_MS" "$READY_MS" "$rss_ready" "$rss_after" \
            "$(rss_mb "$APP_PID")"
        printf '    /vminfo %s; /vmlist %s req/s, gzip %s req/s; %s\n' "$vminfo" "$vmlist" "$RPS" "$generations"
        stop "$APP_PID"
    done
done
