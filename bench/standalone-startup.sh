#!/usr/bin/env bash
# Measures the packaged standalone's start: time from launch to /q/health/ready UP, the JVM's CPU time (user + system)
# at that moment, its RSS once ready, and how long the cache took to load the pool (from its log line). Each run starts
# it one after the other on the same data directory: as `java -jar` and as users run it (bin/vmemperor-run, with its
# class-data archive in a directory of the bench's own on JDK 21 and later: none on 17), and, when a JDK 25 or later is
# installed, with the launcher on it (its AOT cache). The launcher's first starts make the archives (when they stop)
# and are reported apart.
# Build first: ./mvnw -B package -DskipTests
# Usage: bench/standalone-startup.sh [VMS] [RUNS]      e.g. bench/standalone-startup.sh 3 5
#   BENCH_AOT_JDK=<java home> picks the JDK 25+ (default: the newest under /usr/lib/jvm), BENCH_AOT_JDK=none skips it
#   BENCH_EXTERNAL=1 measures the production arrangement instead: the pool and the database outside the process (the
#   simulator's jar with VMS VMs, started here once, and the PostgreSQL of DB_URL/DB_USER/DB_PASSWORD, which must be
#   set), so readiness is the service's own start and first load, without the demo's simulator and embedded database
set -euo pipefail
cd "$(dirname "$0")/.."
VMS=${1:-3}
RUNS=${2:-3}
JAR=standalone/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "build first: ./mvnw -B package -DskipTests" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
TICKS=$(getconf CLK_TCK)

DATA=$(mktemp -d /tmp/vmemperor-bench.XXXXXX)
SIM_PID=""
trap '[ -z "$SIM_PID" ] || { kill "$SIM_PID"; wait "$SIM_PID"; } 2>/dev/null; rm -rf "$DATA"' EXIT
EXTERNAL=()
if [[ -n "${BENCH_EXTERNAL:-}" ]]; then
    [[ -n "${DB_URL:-}" ]] || { echo "BENCH_EXTERNAL needs DB_URL (and DB_USER, DB_PASSWORD)" >&2; exit 1; }
    SIM_JAR=$(ls xapi-simulator/target/xapi-simulator-*.jar | head -1)
    sim_port=$(free_port)
    java -jar "$SIM_JAR" --port "$sim_port" --password vmemperor --vms "$VMS" >"$DATA/simulator.log" 2>&1 &
    SIM_PID=$!
    until curl -s -o /dev/null -X POST -d '{"jsonrpc":"2.0","method":"system.listMethods","params":[],"id":1}' \
        "http://127.0.0.1:$sim_port/jsonrpc"; do
        kill -0 "$SIM_PID" 2>/dev/null || { cat "$DATA/simulator.log" >&2; exit 1; }
        sleep 0.2
    done
    EXTERNAL=(VMEMPEROR_XENAPI_URL="http://127.0.0.1:$sim_port/" VMEMPEROR_XENAPI_PASSWORD=vmemperor)
fi
READY_JAVA=()
READY_LAUNCHER=()
READY_AOT=()
AOT_JDK=${BENCH_AOT_JDK:-}
if [[ -z "$AOT_JDK" ]]; then
    for home in /usr/lib/jvm/*; do
        v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null) || true
        if [[ "$v" =~ ^[0-9]+$ && "$v" -ge 25 && -x "$home/bin/java" ]]; then
            AOT_JDK=$home
        fi
    done
fi
[[ "$AOT_JDK" == none ]] && AOT_JDK=""

# start NAME COMMAND...: starts, waits for ready, prints a line, stops (SIGTERM, waiting for the end: the launcher's
# first run writes its archive then). Sets READY_MS.
start() {
    local name=$1 port log pid start_ns load
    shift
    port=$(free_port)
    log="$DATA/${name//[^a-z0-9]/_}.log"
    start_ns=$(date +%s%N)
    env "${EXTERNAL[@]}" QUARKUS_HTTP_PORT=$port VMEMPEROR_DATA_DIR="$DATA/data" VMEMPEROR_SIMULATOR_VMS=$VMS \
        VMEMPEROR_CDS_DIR="$DATA/cds" "$@" >"$log" 2>&1 &
    pid=$!
    until curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { echo "standalone died, see $log" >&2; cat "$log" >&2; exit 1; }
        sleep 0.05
    done
    READY_MS=$(( ($(date +%s%N) - start_ns) / 1000000 ))
    # utime + stime of the JVM (the launcher execs it: same pid), in clock ticks
    local cpu_ms; cpu_ms=$(awk -v t="$TICKS" '{print int(($14 + $15) * 1000 / t)}' "/proc/$pid/stat")
    local rss_kb; rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    # the cache reports ready a moment before it logs how long the load took
    load=""
    for _ in $(seq 1 100); do
        load=$(grep -o 'Loaded [0-9]* pool objects in [0-9]* ms' "$log" | tail -1 || true)
        [ -n "$load" ] && break
        sleep 0.1
    done
    printf '  %-26s ready in %6d ms, CPU %6d ms, RSS %4d MiB, %s (load average %s)\n' "$name" "$READY_MS" "$cpu_ms" \
        $((rss_kb / 1024)) "$load" "$(loadavg)"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

echo "vms=$VMS runs=$RUNS, $(nproc) cores, load average $(loadavg)${BENCH_EXTERNAL:+; pool (simulator) and database outside}"
first="the demo pool, initdb of the embedded PostgreSQL"
[[ -z "${BENCH_EXTERNAL:-}" ]] || first="the schema's migration if the database is new"
echo "first starts ($first; the launcher's makes its archive at its stop, on JDK 21 and later):"
start "java -jar, first" java -jar "$JAR"
start "launcher, first" bin/vmemperor-run "$JAR"
# the launcher makes a class-data archive on JDK 21 and later and says so when its JDK gets none (17): its own word,
# rather than this script deciding again from a java that may not be the one JAVA_HOME gives the launcher
if grep -q "no class-data archive on JDK" "$DATA/launcher__first.log"; then
    echo "  ($(grep -o 'no class-data archive on JDK [0-9]*' "$DATA/launcher__first.log") for the launcher)"
else
    ls "$DATA/cds" 2>/dev/null | grep -qE '^app-.*[.](jsa|aot)$' \
        || { echo "the launcher made no archive, see $DATA/launcher__first.log" >&2; exit 1; }
fi
if [[ -n "$AOT_JDK" ]]; then
    # a directory of its own: a launcher that makes an archive deletes the application's others (earlier builds, JDKs)
    start "launcher JDK 25, first" env JAVA_HOME="$AOT_JDK" VMEMPEROR_CDS_DIR="$DATA/cds25" bin/vmemperor-run "$JAR"
    ls "$DATA"/cds25/app-*.aot >/dev/null 2>&1 || { echo "the launcher made no AOT cache" >&2; exit 1; }
fi
for run in $(seq 1 "$RUNS"); do
    echo "run $run:"
    start "java -jar" java -jar "$JAR"
    READY_JAVA+=("$READY_MS")
    start "bin/vmemperor-run" bin/vmemperor-run "$JAR"
    READY_LAUNCHER+=("$READY_MS")
    if [[ -n "$AOT_JDK" ]]; then
        start "bin/vmemperor-run, JDK 25" env JAVA_HOME="$AOT_JDK" VMEMPEROR_CDS_DIR="$DATA/cds25" bin/vmemperor-run "$JAR"
        READY_AOT+=("$READY_MS")
    fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "median ready: java -jar $(median "${READY_JAVA[@]}") ms, bin/vmemperor-run $(median "${READY_LAUNCHER[@]}") ms${AOT_JDK:+, on $AOT_JDK $(median "${READY_AOT[@]}") ms} (load average $(loadavg))"
