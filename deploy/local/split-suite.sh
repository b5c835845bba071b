#!/usr/bin/env bash
# The split suite on one host: the five services from their built jars, each its own process on a free loopback port,
# behind Debian's nginx on 127.0.0.1:$INGRESS_PORT with the route table of deploy/routes.tsv (deploy/nginx/routes.conf).
#
#   VMEMPEROR_XENAPI_URL=... VMEMPEROR_XENAPI_PASSWORD=... DB_URL=... DB_USER=... DB_PASSWORD=... INGRESS_PORT=<port> \
#     VMEMPEROR_RUN_DIR=<dir> deploy/local/split-suite.sh start
#   VMEMPEROR_RUN_DIR=<dir> deploy/local/split-suite.sh stop
#
# start returns (0) once every service answers UP on /q/health/ready and nginx listens; on any failure it stops what it
# started, prints the failing log's tail and exits 1. One RSA signing key pair is generated into $RUN_DIR/keys and given
# to every service (access-service signs with the private key, the others verify with the public key); development
# keys are switched off. Logs, pids and the generated nginx configuration are in $RUN_DIR. stop stops exactly the
# processes whose pid files are in $RUN_DIR (checking each pid is still the process it started) and nothing else.
#
# Optional: VMEMPEROR_XENAPI_USERNAME (root), VMEMPEROR_JAVA_OPTS (JVM options of every service; the default favours start-up
# over peak speed: -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1), VMEMPEROR_CDS_DIR / VMEMPEROR_CDS=off (the
# class-data archives of bin/vmemperor-run, which starts each service),
# VMEMPEROR_READY_TIMEOUT (seconds, 300). Any other VMEMPEROR_* / QUARKUS_* variable set by the caller reaches every
# service (e.g. playbook-service's VMEMPEROR_PLAYBOOKS_NETWORKS, _SSH_PRIVATE_KEY_FILE, _SSH_PORT: without NETWORKS every
# playbook run is refused). The playbook directory defaults to the repository's ansible/, the playbook logs and working
# directories to $RUN_DIR. Needs: java 17, nginx, curl, openssl. Build first:
#   ./mvnw -B package -DskipTests
set -euo pipefail

SERVICES=(access vm inventory console playbook)
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# Debian installs nginx in /usr/sbin, which is not on every user's PATH
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

die() {
    echo "split-suite: $*" >&2
    exit 1
}

: "${VMEMPEROR_RUN_DIR:?set VMEMPEROR_RUN_DIR}"
RUN_DIR="$VMEMPEROR_RUN_DIR"

# Whether the pid in $1 still runs the command we started (a pid can be reused after its process ended).
ours() {
    local pidfile="$1" marker="$2" pid
    [[ -f "$pidfile" ]] || return 1
    pid="$(cat "$pidfile")"
    [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"
}

stop_pid() {
    local pidfile="$1" marker="$2" signal="$3" pid
    if ours "$pidfile" "$marker"; then
        pid="$(cat "$pidfile")"
        kill "-$signal" "$pid" 2>/dev/null || true
        for _ in $(seq 1 1200); do
            ours "$pidfile" "$marker" || break
            sleep 0.1
        done
        if ours "$pidfile" "$marker"; then
            echo "split-suite: $pidfile did not stop in 120s, killing" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

stop() {
    [[ -d "$RUN_DIR" ]] || return 0
    stop_pid "$RUN_DIR/nginx/nginx.pid" "$RUN_DIR/nginx/nginx.conf" QUIT
    # all at once: a JVM without a class-data archive writes one after it stopped, and five may do so together
    for service in "${SERVICES[@]}"; do
        if ours "$RUN_DIR/$service.pid" "$ROOT/$service-service/target/quarkus-app/quarkus-run.jar"; then
            kill -TERM "$(cat "$RUN_DIR/$service.pid")" 2>/dev/null || true
        fi
    done
    for service in "${SERVICES[@]}"; do
        stop_pid "$RUN_DIR/$service.pid" "$ROOT/$service-service/target/quarkus-app/quarkus-run.jar" TERM
    done
}

fail() {
    local log="$1"
    shift
    echo "split-suite: $*" >&2
    if [[ -f "$log" ]]; then
        echo "----- last lines of $log" >&2
        tail -n 40 "$log" >&2
    fi
    stop
    exit 1
}

generate_keys() {
    mkdir -p "$RUN_DIR/keys"
    chmod 700 "$RUN_DIR/keys"
    if [[ ! -f "$RUN_DIR/keys/private.pem" ]]; then
        # PKCS#8 "PRIVATE KEY" and X.509 "PUBLIC KEY" PEM: what common's KeyMaterial reads
        (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUN_DIR/keys/private.pem" 2>/dev/null)
        openssl pkey -in "$RUN_DIR/keys/private.pem" -pubout -out "$RUN_DIR/keys/public.pem"
    fi
}

start_service() {
    local service="$1" jar="$ROOT/$1-service/target/quarkus-app/quarkus-run.jar"
    local -a keys=(VMEMPEROR_SECURITY_PUBLIC_KEY_LOCATION="$RUN_DIR/keys/public.pem")
    if [[ "$service" == access ]]; then
        keys+=(VMEMPEROR_SECURITY_PRIVATE_KEY_LOCATION="$RUN_DIR/keys/private.pem")
    fi
    # Five JVMs starting at once on a small host: a first database connection can take longer than Agroal's 5 s.
    # Port 0: the service binds a free port itself (no race between choosing a port and binding it) and logs it.
    # vertx.disableURIValidation: a request target java.net.URI refuses gets the suite's JSON 400 (common's
    # RequestLimits) instead of Quarkus' empty one, as in the standalone (common/README.md).
    # bin/vmemperor-run: the JVM with, on JDK 21 and later, the service's class-data archive (kept in the service's
    # target/quarkus-app/cds, or VMEMPEROR_CDS_DIR), written by the first run when it stops and used by the next starts.
    # shellcheck disable=SC2086
    env "${keys[@]}" \
        VMEMPEROR_SECURITY_DEV_KEYS=false \
        VMEMPEROR_PUBLIC_URL="http://127.0.0.1:$INGRESS_PORT" \
        QUARKUS_HTTP_HOST=127.0.0.1 \
        QUARKUS_HTTP_PORT=0 \
        QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING=true \
        QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED=true \
        QUARKUS_HTTP_PROXY_ENABLE_FORWARDED_HOST=true \
        QUARKUS_HTTP_PROXY_TRUSTED_PROXIES=127.0.0.1 \
        QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT=60S \
        VMEMPEROR_PLAYBOOKS_DIR="${VMEMPEROR_PLAYBOOKS_DIR:-$ROOT/ansible}" \
        VMEMPEROR_PLAYBOOKS_LOGS_DIR="${VMEMPEROR_PLAYBOOKS_LOGS_DIR:-$RUN_DIR/playbook-logs}" \
        VMEMPEROR_PLAYBOOKS_WORK_DIR="${VMEMPEROR_PLAYBOOKS_WORK_DIR:-$RUN_DIR/playbook-runs}" \
        JAVA_OPTS="${VMEMPEROR_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1} -Dvertx.disableURIValidation=true" \
        JAVA_OPTS_APPEND= \
        "$ROOT/bin/vmemperor-run" "$jar" >"$RUN_DIR/$service.log" 2>&1 &
    echo $! >"$RUN_DIR/$service.pid"
}

# The port a service logged ("Listening on: http://127.0.0.1:PORT"), empty while it has not.
service_port() {
    sed -n 's|.*Listening on: http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$RUN_DIR/$1.log" 2>/dev/null | tail -n 1
}

await_ready() {
    local service="$1" deadline=$((SECONDS + ${VMEMPEROR_READY_TIMEOUT:-300})) port
    local jar="$ROOT/$service-service/target/quarkus-app/quarkus-run.jar"
    while ((SECONDS < deadline)); do
        ours "$RUN_DIR/$service.pid" "$jar" || fail "$RUN_DIR/$service.log" "$service-service exited during start-up"
        port="$(service_port "$service")"
        if [[ -n "$port" ]] && curl -fsS -o /dev/null "http://127.0.0.1:$port/q/health/ready" 2>/dev/null; then
            echo "$port" >"$RUN_DIR/$service.port"
            return 0
        fi
        sleep 0.2
    done
    fail "$RUN_DIR/$service.log" "$service-service not ready after ${VMEMPEROR_READY_TIMEOUT:-300}s"
}

write_nginx_conf() {
    local dir="$RUN_DIR/nginx" service
    mkdir -p "$dir/tmp"
    {
        echo "# generated by deploy/local/split-suite.sh"
        echo "pid $dir/nginx.pid;"
        # nginx started as root would run its workers as nobody, who cannot write $dir: run them as the caller
        [[ "$(id -u)" == 0 ]] && echo "user $(id -un) $(id -gn);"
        echo "worker_processes 1;"
        echo "error_log $dir/error.log warn;"
        echo "events { worker_connections 1024; }"
        echo "http {"
        echo "    access_log $dir/access.log;"
        echo "    client_body_temp_path $dir/tmp/body;"
        echo "    proxy_temp_path $dir/tmp/proxy;"
        echo "    fastcgi_temp_path $dir/tmp/fastcgi;"
        echo "    uwsgi_temp_path $dir/tmp/uwsgi;"
        echo "    scgi_temp_path $dir/tmp/scgi;"
        echo "    map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }"
        for service in "${SERVICES[@]}"; do
            echo "    upstream vmemperor_$service { server 127.0.0.1:$(cat "$RUN_DIR/$service.port"); keepalive 8; }"
        done
        echo "    server {"
        echo "        listen 127.0.0.1:$INGRESS_PORT;"
        echo "        client_max_body_size 10m;"
        echo "        include $ROOT/deploy/nginx/routes.conf;"
        echo "        location / {"
        echo "            default_type application/json;"
        echo "            return 404 '{\"status\": 404, \"message\": \"not found\"}';"
        echo "        }"
        echo "    }"
        echo "}"
    } >"$dir/nginx.conf"
}

start() {
    : "${VMEMPEROR_XENAPI_URL:?set VMEMPEROR_XENAPI_URL}"
    : "${DB_URL:?set DB_URL}"
    : "${INGRESS_PORT:?set INGRESS_PORT}"
    [[ -x "$NGINX" ]] || die "nginx not found (apt-get install nginx)"
    command -v curl >/dev/null || die "curl not found (apt-get install curl)"
    for service in "${SERVICES[@]}"; do
        [[ -f "$ROOT/$service-service/target/quarkus-app/quarkus-run.jar" ]] \
            || die "$service-service is not built (./mvnw -B package -DskipTests)"
        ! ours "$RUN_DIR/$service.pid" "$ROOT/$service-service" || die "already started in $RUN_DIR (stop first)"
    done
    mkdir -p "$RUN_DIR"
    generate_keys
    # All five start together: Flyway's PostgreSQL advisory lock lets exactly one migrate the schema while the others
    # wait for it (see deploy/README.md, MigrationLockTest).
    for service in "${SERVICES[@]}"; do
        start_service "$service"
    done
    for service in "${SERVICES[@]}"; do
        await_ready "$service"
    done
    write_nginx_conf
    local nginx="$NGINX -p $RUN_DIR/nginx -c $RUN_DIR/nginx/nginx.conf"
    $nginx -t -q 2>"$RUN_DIR/nginx/start.log" || fail "$RUN_DIR/nginx/start.log" "nginx refused the configuration"
    $nginx 2>>"$RUN_DIR/nginx/start.log" || fail "$RUN_DIR/nginx/start.log" "nginx did not start"
    local deadline=$((SECONDS + 30))
    until curl -s -o /dev/null "http://127.0.0.1:$INGRESS_PORT/"; do
        ((SECONDS < deadline)) || fail "$RUN_DIR/nginx/error.log" "nginx does not listen on 127.0.0.1:$INGRESS_PORT"
        sleep 0.1
    done
    echo "split-suite: ready on http://127.0.0.1:$INGRESS_PORT (logs and pids in $RUN_DIR)"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) die "usage: $0 start|stop" ;;
esac
