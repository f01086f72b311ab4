# Shared by the bench scripts (sourced, not run): finding the JDK, and starting a real Redis and
# Mnemos side by side on free loopback ports, stopped again when the script exits.
#
# After `bench_start_servers`: WORK (a temp dir, removed at exit), REDIS_PORT, REDIS_PID,
# MNEMOS_PORT, MNEMOS_PID. A script may define `bench_on_cleanup` to save files from $WORK first.
# Uses MNEMOS_JAR, JVM_OPTS, REDIS_SERVER (default redis-server) and SERVER_CPUS from the caller.

# The JDK directory: $JAVA_HOME, else the newest /usr/lib/jvm/temurin-*; exits if there is none.
bench_find_jdk() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        echo "$JAVA_HOME"
        return
    fi
    local j
    for j in $(ls -d /usr/lib/jvm/temurin-* 2>/dev/null | sort -V -r); do
        if [[ -x "$j/bin/java" ]]; then
            echo "$j"
            return
        fi
    done
    echo "no JDK: set JAVA_HOME" >&2
    exit 1
}

bench_require_jar() {
    [[ -f "$MNEMOS_JAR" ]] || { echo "missing $MNEMOS_JAR (run ./mvnw -o package -DskipTests)" >&2; exit 1; }
}

free_port() {
    local p
    while true; do
        # Below Linux's ephemeral range (32768-60999): a port a client connection holds cannot be bound.
        p=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
}

wait_ping() {
    local port=$1 i
    for i in $(seq 1 200); do
        if [[ "$(timeout 1 redis-cli -p "$port" ping 2>/dev/null)" == "PONG" ]]; then
            return 0
        fi
        sleep 0.05
    done
    echo "server on port $port did not answer PING" >&2
    tail -n 5 "$WORK"/*.log >&2 2>/dev/null
    exit 1
}

bench_cleanup() {
    [[ -n "${REDIS_PID:-}" ]] && kill "$REDIS_PID" 2>/dev/null || true
    [[ -n "${MNEMOS_PID:-}" ]] && kill "$MNEMOS_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    if declare -F bench_on_cleanup >/dev/null; then
        bench_on_cleanup
    fi
    [[ -n "${WORK:-}" ]] && rm -rf "$WORK"
    return 0
}

# Starts redis-server and Mnemos (java = $1) on two free ports and waits until both answer PING.
bench_start_servers() {
    local java=$1 pin=()
    # SERVER_CPUS (a taskset CPU list) keeps both servers on those CPUs, away from the benchmark client.
    [[ -n "${SERVER_CPUS:-}" ]] && pin=(taskset -c "$SERVER_CPUS")
    WORK=$(mktemp -d)
    REDIS_PID=""
    MNEMOS_PID=""
    trap bench_cleanup EXIT INT TERM
    REDIS_PORT=$(free_port)
    # Each server in a directory of its own: neither loads a dump.rdb lying in the working directory.
    mkdir -p "$WORK/redis" "$WORK/mnemos"
    "${pin[@]}" "${REDIS_SERVER:-redis-server}" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --dir "$WORK/redis" --daemonize no --enable-debug-command local --logfile "$WORK/redis.log" &
    REDIS_PID=$!
    MNEMOS_PORT=$(free_port)
    while [[ "$MNEMOS_PORT" == "$REDIS_PORT" ]]; do MNEMOS_PORT=$(free_port); done
    # shellcheck disable=SC2086
    "${pin[@]}" "$java" $JVM_OPTS -jar "$MNEMOS_JAR" --port "$MNEMOS_PORT" --bind 127.0.0.1 --save '' \
        --dir "$WORK/mnemos" --enable-debug-command local >"$WORK/mnemos.log" 2>&1 &
    MNEMOS_PID=$!
    wait_ping "$REDIS_PORT"
    wait_ping "$MNEMOS_PORT"
}
