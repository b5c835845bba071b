#!/usr/bin/env bash
# Where the first load of the pool spends its time: starts the packaged standalone RUNS times against one warmed
# simulator and prints, for each start, the cache's load (its log line), the time to ready, the collections up to
# ready (-Xlog:gc) and the CPU each group of the JVM's threads had used by then (from /proc: the JIT's compilers,
# the collector, Quarkus' start on main, the event feed, the per-class loaders with the other threads that had ended).
# Then the same load without the service around it, LOADS times in one new JVM (bench's RepeatedLoad, started by
# bin/vmemperor-run as the service is): the first pays for a new JVM, the later ones are the load once compiled. The
# repeated loads always run this checkout's build, whatever BENCH_JAR names.
# Build first: ./mvnw -B package -DskipTests
# Usage: bench/load-cpu.sh [VMS] [RUNS] [LOADS]     (default 10000 3 5; BENCH_JAVA_OPTS adds JVM options to every
#   start and to the repeated loads' JVM, e.g. -XX:TieredStopAtLevel=1 to see the load without the C2 compiler;
#   BENCH_JAR measures another build)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VMS=${1:-10000}
RUNS=${2:-3}
LOADS=${3:-5}
PASSWORD=vmemperor
JAR=${BENCH_JAR:-$ROOT/standalone/target/quarkus-app/quarkus-run.jar}
SIM_JAR=${BENCH_SIMULATOR_JAR:-$ROOT/xapi-simulator/target/xapi-simulator-0.1.0-SNAPSHOT.jar}
for f in "$JAR" "$SIM_JAR" bench/target/classpath.txt; do
    [ -f "$f" ] || { echo "missing $f: ./mvnw -B package -DskipTests" >&2; exit 1; }
done
. bench/lib.sh
TICKS=$(getconf CLK_TCK)
seconds() { awk -v n="$1" -v t="$TICKS" 'BEGIN {printf "%.2f", n / t}'; }
OPTS=${BENCH_JAVA_OPTS:-}

start_simulator "$VMS"
warm_simulator
echo "load-cpu: $VMS VMs, $RUNS starts, JVM options added to the launcher's: ${OPTS:-none}; $(nproc) cores"
for run in $(seq 1 "$RUNS"); do
    BENCH_JAVA_OPTS="$OPTS -Xlog:gc:file=$WORK/gc-$run.log" start_standalone "load-$run" "$SIM_URL"
    declare -A cpu=()
    for task in /proc/"$APP_PID"/task/*; do
        name=$(cat "$task/comm")
        ticks=$(awk '{print $14 + $15}' "$task/stat")
        case $name in
        C2\ Compiler*) group="C2 compiler" ;;
        C1\ Compiler*) group="C1 compiler" ;;
        VM\ Thread | GC\ Thread*) group="collector" ;;
        java) group="main" ;;
        xenapi-events) group="event feed" ;;
        xenapi-initial*) group="loaders" ;;
        *) group="other" ;;
        esac
        cpu[$group]=$((${cpu[$group]:-0} + ticks))
    done
    # the process's own count includes its threads that have ended: the per-class loaders, usually gone by ready
    total=$(awk '{print $14 + $15}' "/proc/$APP_PID/stat")
    living=0
    for ticks in "${cpu[@]}"; do living=$((living + ticks)); done
    cpu[loaders]=$((${cpu[loaders]:-0} + total - living))
    groups=""
    for group in "C2 compiler" "C1 compiler" collector main "event feed" loaders other; do
        groups+="${groups:+, }$group $(seconds "${cpu[$group]:-0}")"
    done
    full=$(grep -c 'Pause Full' "$WORK/gc-$run.log" || true)
    young=$(grep -c 'Pause Young' "$WORK/gc-$run.log" || true)
    echo "start $run: load $LOAD_MS ms, ready $READY_MS ms, $full full and $young young collections;" \
        "CPU $(seconds "$total") s: $groups"
    unset cpu
    stop "$APP_PID"
done

echo "the same load in a new JVM without the service, $LOADS times:"
# through bin/vmemperor-run, as the service starts, so that both get the same JVM settings (its collector and heap
# defaults, which options turn them off, MALLOC_ARENA_MAX): the launcher runs a jar, so a jar of a manifest alone names
# the main class and the class path (one entry per continuation line: a line starts with the space that continues the
# value, then the space that separates the entries)
{
    echo "Main-Class: org.vmemperor.common.xenapi.RepeatedLoad"
    echo "Class-Path: $ROOT/bench/target/classes/"
    tr ':' '\n' <bench/target/classpath.txt | sed 's/^/  /'
    echo # the file has no final newline, and a manifest drops a header whose last line has none
} >"$WORK/repeated-load.mf"
jar --create --file "$WORK/repeated-load.jar" --manifest "$WORK/repeated-load.mf"
JAVA_OPTS="$OPTS -Djava.util.logging.manager=org.jboss.logmanager.LogManager" VMEMPEROR_CDS=off \
    bin/vmemperor-run "$WORK/repeated-load.jar" "$SIM_URL" "$PASSWORD" "$LOADS"
