#!/usr/bin/env bash
# Bounded soak of Mnemos: many clients on loopback mixing commands (strings, lists, hashes, sets,
# sorted sets, MULTI/EXEC, pub/sub, SCAN, pipelines), random abrupt disconnects and malformed
# frames, for N minutes; then it stops by itself and reports client errors, the server's RSS and
# heap growth (after a full GC) and any Netty LEAK lines from the server log.
#
#   bench/soak.sh [minutes]        (default 1; fractions work: bench/soak.sh 0.5)
#
# Environment: CLIENTS=40, JVM_OPTS="-Xmx1g", LEAK_LEVEL=paranoid (Netty leak detector level),
# MNEMOS_JAR=target/mnemos-server.jar (build it with ./mvnw -o package -DskipTests), SEED.
# Exit status: 0 when no client saw an unexpected reply, the server still answers and no LEAK.
set -euo pipefail
cd "$(dirname "$0")/.."

MINUTES=${1:-1}
CLIENTS=${CLIENTS:-40}
JVM_OPTS=${JVM_OPTS:-"-Xmx1g"}
LEAK_LEVEL=${LEAK_LEVEL:-paranoid}
MNEMOS_JAR=${MNEMOS_JAR:-target/mnemos-server.jar}
SEED=${SEED:-$(date +%s)}

# shellcheck source=bench/lib.sh
source bench/lib.sh
JDK=$(bench_find_jdk)
bench_require_jar

WORK=$(mktemp -d)
MNEMOS_PID=""
cleanup() {
    [[ -n "$MNEMOS_PID" ]] && kill "$MNEMOS_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

PORT=$(free_port)
# shellcheck disable=SC2086
"$JDK/bin/java" $JVM_OPTS -Dio.netty.leakDetection.level="$LEAK_LEVEL" -jar "$MNEMOS_JAR" \
    --port "$PORT" --bind 127.0.0.1 --loglevel notice --save '' --dir "$WORK" >"$WORK/mnemos.log" 2>&1 &
MNEMOS_PID=$!
wait_ping "$PORT"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$MNEMOS_PID/status"; }
# Heap in use after a full GC (KB): young + old used columns of jstat -gc.
heap_kb() {
    "$JDK/bin/jcmd" "$MNEMOS_PID" GC.run >/dev/null
    "$JDK/bin/jstat" -gc "$MNEMOS_PID" | awk 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i}
        NR == 2 {u = 0; for (n in col) if (n ~ /^(S0U|S1U|EU|OU)$/) u += $col[n]; printf "%d\n", u}'
}
clients_now() { redis-cli -p "$PORT" info clients | tr -d '\r' | awk -F: '$1 == "connected_clients" {print $2}'; }

# A short warm-up so that the baseline includes the JIT, pools and caches the soak itself needs.
python3 bench/soak.py --port "$PORT" --seconds 10 --clients "$CLIENTS" --seed "$((SEED + 1))" >/dev/null || true
RSS0=$(rss_kb); HEAP0=$(heap_kb)
echo "server pid $MNEMOS_PID port $PORT, after warm-up: RSS ${RSS0} KB, heap after GC ${HEAP0} KB"

SECONDS_RUN=$(awk -v m="$MINUTES" 'BEGIN {printf "%d", m * 60}')
STATUS=0
python3 bench/soak.py --port "$PORT" --seconds "$SECONDS_RUN" --clients "$CLIENTS" --seed "$SEED" || STATUS=1

sleep 1
RSS1=$(rss_kb); HEAP1=$(heap_kb)
LEFT=$(clients_now)
KEYS_LEFT=$(redis-cli -p "$PORT" dbsize)
LEAKS=$(grep -c "LEAK:" "$WORK/mnemos.log" || true)
WARNINGS=$(grep -c -E "WARN|ERROR" "$WORK/mnemos.log" || true)
echo "server after the soak: RSS ${RSS1} KB ($(( (RSS1 - RSS0) / 1024 )) MB growth), heap after GC ${HEAP1} KB ($(( (HEAP1 - HEAP0) / 1024 )) MB growth)"
echo "connected_clients after the soak: ${LEFT} (1 = this INFO); keys left by the clients: ${KEYS_LEFT}"
echo "Netty LEAK reports: ${LEAKS}; WARN/ERROR log lines: ${WARNINGS}"
if [[ "$WARNINGS" -gt 0 ]]; then
    grep -E "WARN|ERROR" "$WORK/mnemos.log" | grep -v "epoll and io_uring" | head -20 || true
fi
if [[ "$LEAKS" -gt 0 ]]; then
    grep -A20 "LEAK:" "$WORK/mnemos.log" | head -60
    STATUS=1
fi
exit $STATUS
