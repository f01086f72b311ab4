#!/usr/bin/env bash
# SET throughput with the append-only file on (appendonly yes, appendfsync everysec), Mnemos against
# real Redis, identical redis-benchmark runs alternating between the two servers round after round.
#
# Builds nothing: expects target/mnemos-server.jar (or $MNEMOS_JAR).
#
# Environment:
#   ROUNDS=3  PIPELINES="16 1"  CLIENTS=50  N_P1=60000  N_PIPE=300000  KEYSPACE=100000
#   FSYNC=everysec    appendfsync for both servers (always / everysec / no)
#   APPENDONLY=yes    "no" runs the same comparison without the AOF (a baseline under the same load)
#   WARMUP_N=300000   pipelined SETs to warm up the Mnemos JIT first
#   JVM_OPTS="-XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages -XX:MaxTenuringThreshold=1"
#   MNEMOS_JAR=target/mnemos-server.jar  REDIS_SERVER=redis-server  REDIS_BENCHMARK=redis-benchmark
set -euo pipefail

cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
PIPELINES=${PIPELINES:-"16 1"}
CLIENTS=${CLIENTS:-50}
N_P1=${N_P1:-60000}
N_PIPE=${N_PIPE:-300000}
KEYSPACE=${KEYSPACE:-100000}
FSYNC=${FSYNC:-everysec}
APPENDONLY=${APPENDONLY:-yes}
WARMUP_N=${WARMUP_N:-300000}
JVM_OPTS=${JVM_OPTS:-"-XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages -XX:MaxTenuringThreshold=1"}
MNEMOS_JAR=${MNEMOS_JAR:-target/mnemos-server.jar}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
REDIS_BENCHMARK=${REDIS_BENCHMARK:-redis-benchmark}

# shellcheck source=bench/lib.sh
source bench/lib.sh
JAVA=$(bench_find_jdk)/bin/java
bench_require_jar
command -v "$REDIS_SERVER" >/dev/null || { echo "missing $REDIS_SERVER" >&2; exit 1; }
command -v "$REDIS_BENCHMARK" >/dev/null || { echo "missing $REDIS_BENCHMARK" >&2; exit 1; }

# Like bench_start_servers, with the AOF on in a directory of each server's own.
WORK=$(mktemp -d)
REDIS_PID=""
MNEMOS_PID=""
trap bench_cleanup EXIT INT TERM
mkdir -p "$WORK/redis" "$WORK/mnemos"
REDIS_PORT=$(free_port)
"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly "$APPENDONLY" --appendfsync "$FSYNC" \
    --dir "$WORK/redis" --daemonize no --logfile "$WORK/redis.log" &
REDIS_PID=$!
MNEMOS_PORT=$(free_port)
while [[ "$MNEMOS_PORT" == "$REDIS_PORT" ]]; do MNEMOS_PORT=$(free_port); done
# shellcheck disable=SC2086
"$JAVA" $JVM_OPTS -jar "$MNEMOS_JAR" --port "$MNEMOS_PORT" --bind 127.0.0.1 --appendonly "$APPENDONLY" \
    --appendfsync "$FSYNC" --dir "$WORK/mnemos" >"$WORK/mnemos.log" 2>&1 &
MNEMOS_PID=$!
wait_ping "$REDIS_PORT"
wait_ping "$MNEMOS_PORT"

# One redis-benchmark run; prints the requests per second.
run_set() {
    local port=$1 pipe=$2 n=$3
    "$REDIS_BENCHMARK" -p "$port" -t set -P "$pipe" -c "$CLIENTS" -n "$n" -r "$KEYSPACE" -q --csv 2>/dev/null \
        | awk -F'","' '/^"SET/ { gsub(/"/, "", $2); print $2 }'
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "warming up Mnemos ($WARMUP_N pipelined SETs)..." >&2
run_set "$MNEMOS_PORT" 16 "$WARMUP_N" >/dev/null
run_set "$MNEMOS_PORT" 1 "$N_P1" >/dev/null

printf '%-6s %3s %12s %12s %7s\n' test P "mnemos rps" "redis rps" ratio
for pipe in $PIPELINES; do
    n=$N_PIPE
    [[ "$pipe" == 1 ]] && n=$N_P1
    m_runs=()
    r_runs=()
    for round in $(seq 1 "$ROUNDS"); do
        if (( round % 2 )); then
            m_runs+=("$(run_set "$MNEMOS_PORT" "$pipe" "$n")")
            r_runs+=("$(run_set "$REDIS_PORT" "$pipe" "$n")")
        else
            r_runs+=("$(run_set "$REDIS_PORT" "$pipe" "$n")")
            m_runs+=("$(run_set "$MNEMOS_PORT" "$pipe" "$n")")
        fi
    done
    m=$(printf '%s\n' "${m_runs[@]}" | median)
    r=$(printf '%s\n' "${r_runs[@]}" | median)
    printf '%-6s %3s %12.0f %12.0f %7.2f\n' set "$pipe" "$m" "$r" "$(echo "$m / $r" | bc -l)"
done
echo "(appendonly $APPENDONLY, appendfsync $FSYNC, $CLIENTS clients, medians over $ROUNDS rounds)"
if [[ "$APPENDONLY" == yes ]]; then
    msize=$(du -sb "$WORK/mnemos/appendonlydir" | cut -f1)
    rsize=$(du -sb "$WORK/redis/appendonlydir" | cut -f1)
    echo "AOF directory size: mnemos $msize bytes, redis $rsize bytes"
fi
