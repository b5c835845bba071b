# Shared by bench/run-all.sh and bench/profile.sh: processes on free loopback ports, wrk runs, results.
# Expects ROOT, JAR, SIM_JAR, PASSWORD, DURATION; sets WORK (removed on exit unless KEEP_WORK is set).
WORK=$(mktemp -d /tmp/vmemperor-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_mb() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.3g}' if b else 'n/a')" "$1" "$2"; }

RESULTS=$WORK/results.txt
: >"$RESULTS"
# figure | value | baseline name | baseline value | ratio
result() { printf '%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RESULTS"; printf '  %-48s %-34s %-30s %-30s ratio %s\n' "$1" "$2" "$3" "$4" "$5"; }

# --- processes -------------------------------------------------------------------------------------------------

# start_simulator VMS -> SIM_URL, SIM_PID
start_simulator() {
    local port; port=$(free_port)
    java -jar "$SIM_JAR" --port "$port" --password "$PASSWORD" --vms "$1" >"$WORK/simulator-$1.log" 2>&1 &
    SIM_PID=$!; PIDS+=("$SIM_PID")
    SIM_URL="http://127.0.0.1:$port/"
    until curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
        -d '{"jsonrpc":"2.0","method":"system.listMethods","params":[],"id":1}' "${SIM_URL}jsonrpc"; do
        kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK/simulator-$1.log" >&2; exit 1; }
        sleep 0.2
    done
}

# warm_simulator: one event.from of every class over JSON-RPC, so that a measured load does not pay for the
# simulator's own JIT warm-up (a real pool has none); Xen Orchestra's per-class loads are warmed by a discarded run
warm_simulator() {
    local session
    session=$(curl -fs -X POST -H 'Content-Type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\",\"params\":[\"root\",\"$PASSWORD\",\"1.0\",\"bench\"],\"id\":1}" \
        "${SIM_URL}jsonrpc" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])')
    curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"method\":\"event.from\",\"params\":[\"$session\",[\"*\"],\"\",0.0],\"id\":1}" \
        "${SIM_URL}jsonrpc"
}

# start_standalone NAME [POOL_URL] -> APP (base URL), APP_PID, APP_LOG, READY_MS, LOAD_MS
# Without POOL_URL the standalone starts its own simulator with $INPROC_VMS VMs.
start_standalone() {
    local name=$1 pool=${2:-} port; port=$(free_port)
    APP_LOG=$WORK/standalone-$name.log
    local start; start=$(now_ms)
    # as users start it (bin/vmemperor-run: its JVM settings, such as MALLOC_ARENA_MAX), without a class-data archive
    # so that figures compare with `java -jar` ones; BENCH_JAVA_OPTS adds JVM options
    local launch=(env "JAVA_OPTS=${BENCH_JAVA_OPTS:-}" VMEMPEROR_CDS=off "$ROOT/bin/vmemperor-run" "$JAR")
    if [ -n "$pool" ]; then
        env ${EXTRA_ENV:-} VMEMPEROR_XENAPI_URL=$pool VMEMPEROR_XENAPI_PASSWORD=$PASSWORD QUARKUS_HTTP_PORT=$port \
            VMEMPEROR_DATA_DIR="$WORK/data" VMEMPEROR_BENCH_CONSTANT_ROUTE=true "${launch[@]}" >"$APP_LOG" 2>&1 &
    else
        VMEMPEROR_XENAPI_PASSWORD=$PASSWORD QUARKUS_HTTP_PORT=$port VMEMPEROR_DATA_DIR="$WORK/data-inproc" \
            VMEMPEROR_SIMULATOR_VMS=$INPROC_VMS "${launch[@]}" >"$APP_LOG" 2>&1 &
    fi
    APP_PID=$!; PIDS+=("$APP_PID")
    APP="http://127.0.0.1:$port"
    until curl -fs "$APP/q/health/ready" >/dev/null 2>&1; do
        kill -0 "$APP_PID" 2>/dev/null || { echo "standalone died:" >&2; cat "$APP_LOG" >&2; exit 1; }
        sleep 0.05
    done
    READY_MS=$(( $(now_ms) - start ))
    LOAD_MS=""
    for _ in $(seq 1 200); do
        LOAD_MS=$(grep -o 'Loaded [0-9]* pool objects in [0-9]* ms' "$APP_LOG" | tail -1 | awk '{print $6}' || true)
        [ -n "$LOAD_MS" ] && break
        sleep 0.1
    done
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

start_nginx() {
    local port; port=$(free_port)
    mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp"
    cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp; fastcgi_temp_path $WORK/nginx/tmp;
    uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
    gzip_static off; sendfile on; tcp_nopush on;
    server { listen 127.0.0.1:$port; root $WORK/nginx/www; default_type application/json; }
}
EOF
    nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
    NGINX_PID=$!; PIDS+=("$NGINX_PID")
    NGINX="http://127.0.0.1:$port"
    until curl -s -o /dev/null "$NGINX/"; do sleep 0.1; done
}

# --- wrk --------------------------------------------------------------------------------------------------------

# wrk_run URL CONNECTIONS [METHOD BODY [HEADER...]] -> RPS, P50, P99 (ms), ERRS
wrk_run() {
    local url=$1 conns=$2 method=${3:-GET} body=${4:-}
    shift 4 2>/dev/null || shift $#
    local script=$WORK/wrk-$RANDOM.lua
    {
        echo "wrk.method = \"$method\""
        [ -n "$body" ] && printf 'wrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' "$body"
        for header in "$@"; do
            printf 'wrk.headers["%s"] = [[%s]]\n' "${header%%: *}" "${header#*: }"
        done
    } >"$script"
    local out; out=$(wrk -t2 -c"$conns" -d"$DURATION" --timeout 10s --latency -s "$script" "$url")
    RPS=$(awk '/^Requests\/sec/ {printf "%d", $2}' <<<"$out")
    P50=$(awk '$1 == "50%" {print $2}' <<<"$out" | to_ms)
    P99=$(awk '$1 == "99%" {print $2}' <<<"$out" | to_ms)
    ERRS=$(awk '/Socket errors|Non-2xx/ {printf "%s ", $0}' <<<"$out")
    [ -z "$ERRS" ] || echo "    ($url: $ERRS)"
}
to_ms() { python3 -c '
import sys, re
v = sys.stdin.read().strip()
m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
units = {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}
print(f"{float(m.group(1)) * units[m.group(2)]:.2f}" if m else "n/a")'; }

