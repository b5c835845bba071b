#!/usr/bin/env bash
# Every figure of issue 16 in one run, each printed beside its baseline measured in the same run:
#   - POST /vminfo (admin cookie) vs the framework's ceiling (a constant JSON route of the same size in the same
#     process, /_bench/constant, on with vmemperor.bench.constant-route=true) vs nginx serving the same body
#   - /userinfo vs /q/health/live on a 3-VM pool, and the constant route with vs without the cookie (what
#     authenticating a request costs)
#   - GET /vmlist of the 10,000-VM pool, plain and gzip, vs nginx serving the same body
#   - the cache's load of the pool vs Xen Orchestra's xen-api client holding the same pool from the same simulator
#   - the service's RSS with 10,000 VMs (simulator in its own process), and with the simulator inside
#   - time to /q/health/ready at 10,000 and at 3 VMs
#   - a pool change (VM.set_name_label on the simulator) until visible on POST /vminfo and until pushed on each of
#     1,000 open /vmlist sockets (bench/vmlist-push.py), vs the same with 1 socket and vs the pool's own event.from
# Tools: wrk, nginx (Debian packages), node + npm (the xen-api client is installed under bench/target by npm ci).
# Build first: ./mvnw -B package -DskipTests
# Usage: bench/run-all.sh   (BENCH_PHASES="big loads small inproc push" picks phases; BENCH_VMS=10000 BENCH_DURATION=10s BENCH_CONNECTIONS=64 override; BENCH_JAR=another
# quarkus-run.jar measures another build, e.g. the one before a change, with the same script;
# BENCH_MEMORY_DETAIL=1 with BENCH_JAVA_OPTS=-XX:NativeMemoryTracking=summary prints where the RSS after the runs is)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VMS=${BENCH_VMS:-10000}
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-64}
PASSWORD=vmemperor
JAR=${BENCH_JAR:-$ROOT/standalone/target/quarkus-app/quarkus-run.jar}
SIM_JAR=${BENCH_SIMULATOR_JAR:-$ROOT/xapi-simulator/target/xapi-simulator-0.1.0-SNAPSHOT.jar}
for f in "$JAR" "$SIM_JAR"; do [ -f "$f" ] || { echo "missing $f: ./mvnw -B package -DskipTests" >&2; exit 1; }; done
for tool in wrk nginx node npm curl python3; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }; done

. bench/lib.sh

# --- the run ----------------------------------------------------------------------------------------------------

echo "bench: $VMS VMs, wrk -t2 -c$CONNS -d$DURATION; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
PHASES=" ${BENCH_PHASES:-big loads small inproc push} "
COOKIE_JAR=$WORK/cookies
phase() { [[ "$PHASES" == *" $1 "* ]]; }

# the xen-api client and nginx serve the big phase only
if phase big; then
echo "installing Xen Orchestra's xen-api client (npm ci, once)"
XO_DIR=$ROOT/bench/target/xo
mkdir -p "$XO_DIR"
cp bench/js/package.json bench/js/package-lock.json bench/js/xo-load.mjs "$XO_DIR/"
if ! cmp -s "$XO_DIR/package-lock.json" "$XO_DIR/node_modules/.installed-from" 2>/dev/null; then
    (cd "$XO_DIR" && npm ci --no-audit --no-fund --silent) && cp "$XO_DIR/package-lock.json" "$XO_DIR/node_modules/.installed-from"
fi
start_nginx
fi

if phase big; then
echo "== $VMS-VM pool, simulator in its own process"
start_simulator "$VMS"
# both measured loads find the simulator warm: one event.from (ours) and one run of the xen-api client, discarded
warm_simulator
node "$XO_DIR/xo-load.mjs" "$SIM_URL" "$PASSWORD" >/dev/null
start_standalone big "$SIM_URL"
BIG_RSS=$(rss_mb "$APP_PID")
result "ready at $VMS VMs (external pool)" "${READY_MS} ms" "" "" ""
XO=$(node "$XO_DIR/xo-load.mjs" "$SIM_URL" "$PASSWORD")
XO_MS=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ms"])' "$XO")
result "cache load of the pool at start" "${LOAD_MS} ms" "xen-api npm client" "${XO_MS} ms ($XO)" "$(ratio "$LOAD_MS" "$XO_MS")"

curl -fs -c "$COOKIE_JAR" -H 'Content-Type: application/json' -d "{\"username\":\"root\",\"password\":\"$PASSWORD\"}" \
    "$APP/adminauth" >/dev/null
SESSION=$(awk '$6 == "vmemperor_session" {print $7}' "$COOKIE_JAR")
COOKIE="Cookie: vmemperor_session=$SESSION"

start=$(now_ms)
curl -fs -H "$COOKIE" "$APP/vmlist" -o "$WORK/nginx/www/vmlist.json"
FIRST_VMLIST_MS=$(( $(now_ms) - start ))
UUID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["uuid"])' "$WORK/nginx/www/vmlist.json")
BODY="{\"uuid\":\"$UUID\"}"
curl -fs -H "$COOKIE" -H 'Content-Type: application/json' -d "$BODY" "$APP/vminfo" -o "$WORK/nginx/www/vminfo.json"
VMINFO_BYTES=$(stat -c %s "$WORK/nginx/www/vminfo.json")
VMLIST_BYTES=$(stat -c %s "$WORK/nginx/www/vmlist.json")
echo "  /vminfo body $VMINFO_BYTES bytes, /vmlist body $VMLIST_BYTES bytes (first GET ${FIRST_VMLIST_MS} ms)"

vminfo_runs() {
    wrk_run "$APP/_bench/constant?bytes=$VMINFO_BYTES" "$CONNS" POST "$BODY"
    C_RPS=$RPS C_P50=$P50 C_P99=$P99
    wrk_run "$NGINX/vminfo.json" "$CONNS"
    N_RPS=$RPS N_P50=$P50 N_P99=$P99
    wrk_run "$APP/vminfo" "$CONNS" POST "$BODY" "$COOKIE"
}
# warm-up: the JIT, in the same order; measured right after the load, the constant route (first) had compiled its
# request path less than /vminfo (second), which inflated its p99 and the ratio (bench/README, 2026-12-03)
vminfo_runs >/dev/null
vminfo_runs
result "POST /vminfo (admin cookie)" "$RPS req/s p50 $P50 p99 $P99 ms" "constant route, same size" \
    "$C_RPS req/s p50 $C_P50 p99 $C_P99 ms" "$(ratio "$RPS" "$C_RPS")"
result "POST /vminfo vs nginx static file" "$RPS req/s" "nginx, same body" "$N_RPS req/s p50 $N_P50 p99 $N_P99 ms" \
    "$(ratio "$RPS" "$N_RPS")"

wrk_run "$NGINX/vmlist.json" 8
N_RPS=$RPS N_P50=$P50
wrk_run "$APP/vmlist" 8 GET "" "$COOKIE"
result "GET /vmlist $VMS VMs ($VMLIST_BYTES B), 8 conns" "$RPS req/s p50 $P50 p99 $P99 ms" "nginx, same body" \
    "$N_RPS req/s p50 $N_P50 ms" "$(ratio "$RPS" "$N_RPS")"
GZIP_BYTES=$(curl -fs -H "$COOKIE" -H 'Accept-Encoding: gzip' "$APP/vmlist" | wc -c)
wrk_run "$APP/vmlist" 8 GET "" "$COOKIE" "Accept-Encoding: gzip"
result "GET /vmlist gzip ($GZIP_BYTES B), 8 conns" "$RPS req/s p50 $P50 p99 $P99 ms" "nginx, plain body" \
    "$N_RPS req/s p50 $N_P50 ms" "$(ratio "$RPS" "$N_RPS")"

END_RSS=$(rss_mb "$APP_PID")
if [ -n "${BENCH_MEMORY_DETAIL:-}" ]; then
    # where the RSS is: the JVM's own account (needs BENCH_JAVA_OPTS=-XX:NativeMemoryTracking=summary) and the
    # largest mappings (glibc's malloc arenas are the anonymous ones the JVM does not name)
    jcmd "$APP_PID" VM.native_memory summary scale=MB | grep -E '^(Total|-)' | sed 's/^/    /' || true
    pmap -x "$APP_PID" | sort -k3 -n -r | head -8 | sed 's/^/    /'
fi
jcmd "$APP_PID" GC.run >/dev/null
# the heap's lines: G1's one ("garbage-first heap"), or the serial collector's generations (young and tenured)
LIVE_MB=$(jcmd "$APP_PID" GC.heap_info | awk '/garbage-first heap|generation/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub("K,?", "", v); kb += v}} END {printf "%d", kb / 1024}')
result "service RSS, $VMS VMs, simulator apart" "${BIG_RSS} MiB at ready, ${END_RSS} MiB after the runs" \
    "heap in use after a full GC" "${LIVE_MB} MiB" ""
stop "$APP_PID"

# every way to load the pool (vmemperor.xenapi.initial-load) again against the same simulator, each on a database
# that is already initialised (the first start above also ran initdb and the migrations)
phase loads && for mode in json-event-from sdk json-per-class; do
    EXTRA_ENV="VMEMPEROR_XENAPI_INITIAL_LOAD=$mode" start_standalone "load-$mode" "$SIM_URL"
    result "cache load, initial-load=$mode" "${LOAD_MS} ms, ready in ${READY_MS} ms, RSS $(rss_mb "$APP_PID") MiB" \
        "xen-api npm client" "${XO_MS} ms" "$(ratio "$LOAD_MS" "$XO_MS")"
    stop "$APP_PID"
done
stop "$SIM_PID"
fi

if phase small; then
echo "== 3-VM pool, simulator in its own process (load average $(cut -d' ' -f1-3 /proc/loadavg))"
start_simulator 3
start_standalone warmup "$SIM_URL"
stop "$APP_PID"
start_standalone small "$SIM_URL"
result "ready at 3 VMs (database initialised)" "${READY_MS} ms" "" "" ""
curl -fs -c "$COOKIE_JAR" -H 'Content-Type: application/json' -d "{\"username\":\"root\",\"password\":\"$PASSWORD\"}" \
    "$APP/adminauth" >/dev/null
COOKIE="Cookie: vmemperor_session=$(awk '$6 == "vmemperor_session" {print $7}' "$COOKIE_JAR")"
# the constant route of /userinfo's size with and without the cookie: the same route, so the difference is the
# authentication alone (/userinfo vs /q/health/live also differs by the REST layer and the JSON writing)
BYTES=$(curl -fs -H "$COOKIE" "$APP/userinfo" | wc -c)
small_runs() {
    wrk_run "$APP/q/health/live" "$CONNS"
    H_RPS=$RPS H_P50=$P50 H_P99=$P99
    wrk_run "$APP/userinfo" "$CONNS" GET "" "$COOKIE"
    U_RPS=$RPS U_P50=$P50 U_P99=$P99
    wrk_run "$APP/_bench/constant?bytes=$BYTES" "$CONNS" POST ""
    C_RPS=$RPS C_P50=$P50 C_P99=$P99
    wrk_run "$APP/_bench/constant?bytes=$BYTES" "$CONNS" POST "" "$COOKIE"
}
small_runs >/dev/null   # warm-up: the JIT, in the same order
small_runs
echo "   (load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg))"
result "GET /userinfo (admin cookie)" "$U_RPS req/s p50 $U_P50 p99 $U_P99 ms" "/q/health/live" \
    "$H_RPS req/s p50 $H_P50 p99 $H_P99 ms" "$(ratio "$U_RPS" "$H_RPS")"
result "POST /_bench/constant ($BYTES B), admin cookie" "$RPS req/s p50 $P50 p99 $P99 ms" "same, no cookie" \
    "$C_RPS req/s p50 $C_P50 p99 $C_P99 ms" "$(ratio "$RPS" "$C_RPS") (authentication $(python3 -c \
    "import sys; print(f'{100 * (1 - float(sys.argv[1]) / float(sys.argv[2])):.0f}%')" "$RPS" "$C_RPS") of a request)"
stop "$APP_PID"
stop "$SIM_PID"
fi

if phase inproc; then
echo "== $VMS-VM pool, simulator inside the standalone"
INPROC_VMS=$VMS
start_standalone inproc
# the service alone is measured by the big phase; without it there is no baseline to print
ALONE="not measured (big phase not run)"
[ -z "${BIG_RSS:-}" ] || ALONE="$BIG_RSS MiB"
result "standalone RSS, $VMS VMs, simulator inside" "$(rss_mb "$APP_PID") MiB" "service alone" "$ALONE" \
    "$(ratio "$(rss_mb "$APP_PID")" "${BIG_RSS:-0}")"
stop "$APP_PID"
fi

if phase push; then
# 1,000 VMs by default, not BENCH_VMS: each socket first receives one message per VM, so 1,000 sockets on 10,000 VMs
# would move 10 million initial messages (about 10 GB) before the first change; a change rebuilds and pushes one VM's
# record whatever the pool's size. BENCH_PUSH_VMS=10000 measures the bigger pool.
PUSH_VMS=${BENCH_PUSH_VMS:-1000}
PUSH_SOCKETS=${BENCH_PUSH_SOCKETS:-1000}
PUSH_CHANGES=${BENCH_PUSH_CHANGES:-100}
echo "== pool change -> POST /vminfo and /vmlist pushes: $PUSH_VMS VMs, $PUSH_SOCKETS sockets, $PUSH_CHANGES changes"
start_simulator "$PUSH_VMS"
start_standalone push "$SIM_URL"
TOKEN=$(curl -fs -H 'Content-Type: application/json' \
    -d "{\"username\":\"root\",\"password\":\"$PASSWORD\",\"token\":true}" "$APP/adminauth" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
push_run() {   # push_run SOCKETS NAME -> PUSH_LOAD (load averages before/after); the figures in $WORK/push-NAME.json
    local before; before=$(cut -d' ' -f1-3 /proc/loadavg)
    python3 bench/vmlist-push.py 127.0.0.1 "${APP##*:}" "$TOKEN" "$SIM_URL" "$PASSWORD" "$1" "$PUSH_CHANGES" \
        --server-pid "$APP_PID" --json "$WORK/push-$2.json" | sed 's/^/    /' || PUSH_FAILED=1
    PUSH_LOAD="load $before -> $(cut -d' ' -f1-3 /proc/loadavg)"
}
push_figure() {   # push_figure NAME KEY -> "p50 .. p90 .. p99 .. max .. ms"
    python3 -c 'import json,sys; p = json.load(open(sys.argv[1])).get(sys.argv[2])
print("p50 {p50} p90 {p90} p99 {p99} max {max} ms".format(**p) if p else "none")' "$WORK/push-$1.json" "$2"
}
push_p99() { python3 -c 'import json,sys; print((json.load(open(sys.argv[1])).get(sys.argv[2]) or {}).get("p99", 0))' "$WORK/push-$1.json" "$2"; }
push_missed() { python3 -c 'import json,sys; f = json.load(open(sys.argv[1])); print("missed {missed}, errors {errors}".format(missed=f["missed"], errors=f["errors"] or 0))' "$WORK/push-$1.json"; }
PUSH_FAILED=""
push_run 1 one
ONE_LOAD=$PUSH_LOAD
# BENCH_PUSH_JFR=1 records the many-socket run with JFR and prints the top frames of the cache's event thread (which
# builds and hands out the pushes) and of the event loops (which write them)
[ -z "${BENCH_PUSH_JFR:-}" ] || jcmd "$APP_PID" JFR.start name=push settings=profile filename="$WORK/push.jfr" >/dev/null
push_run "$PUSH_SOCKETS" many
if [ -n "${BENCH_PUSH_JFR:-}" ]; then
    jcmd "$APP_PID" JFR.stop name=push >/dev/null
    python3 bench/jfr-top.py "$WORK/push.jfr" xenapi-events --top "${TOP:-20}"
    python3 bench/jfr-top.py "$WORK/push.jfr" vert.x-eventloop --top "${TOP:-20}"
fi
result "pool change -> pushed, $PUSH_SOCKETS /vmlist sockets" "$(push_figure many push); $(push_missed many); $PUSH_LOAD" \
    "same, 1 socket" "$(push_figure one push); $(push_missed one); $ONE_LOAD" \
    "$(ratio "$(push_p99 many push)" "$(push_p99 one push)")"
result "  ... until the last of $PUSH_SOCKETS sockets has it" "$(push_figure many push_last_socket)" "" "" ""
result "  ... from the pool's event.from answer (service's share)" "$(push_figure many push_after_pool_event)" \
    "same, 1 socket" "$(push_figure one push_after_pool_event)" \
    "$(ratio "$(push_p99 many push_after_pool_event)" "$(push_p99 one push_after_pool_event)")"
result "pool change -> visible on POST /vminfo" "$(push_figure many vminfo) (with $PUSH_SOCKETS sockets)" \
    "the pool's own event.from" "$(push_figure many pool_event)" \
    "$(ratio "$(push_p99 many vminfo)" "$(push_p99 many pool_event)")"
result "  ... client: kernel receive to read, $PUSH_SOCKETS sockets" "$(push_figure many client_read_delay)" "" "" ""
push_cpu() { python3 -c 'import json,sys; print(", ".join(f"{k} {v} ms" for k, v in sorted(json.load(open(sys.argv[1]))["server_cpu_ms_per_change"].items())))' "$WORK/push-$1.json"; }
result "  ... service CPU per change, $PUSH_SOCKETS sockets" "$(push_cpu many)" "same, 1 socket" "$(push_cpu one)" ""
stop "$APP_PID"
stop "$SIM_PID"
fi

echo
echo "figure | value | baseline | baseline value | ratio"
cat "$RESULTS"
[ -z "${PUSH_FAILED:-}" ] || { echo "push: missed pushes or errors, see above" >&2; exit 1; }
