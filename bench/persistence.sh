#!/usr/bin/env bash
# RDB persistence, Mnemos vs redis-server side by side: SAVE time and load (startup) time for
# KEYS keys made by DEBUG POPULATE (default 1000000), median of ROUNDS (default 3) runs each.
#
#   ./mvnw -o package -DskipTests && bench/persistence.sh
#   KEYS=200000 ROUNDS=5 JVM_OPTS="-Xmx2g" bench/persistence.sh
#
# Load time is what each server logs as "DB loaded from disk: N seconds" (parsing and inserting);
# "ready" is from process start until DBSIZE stops answering -LOADING, so it includes JVM startup.
# Builds nothing: expects target/mnemos-server.jar (or $MNEMOS_JAR).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
MNEMOS_JAR=${MNEMOS_JAR:-target/mnemos-server.jar}
KEYS=${KEYS:-1000000}
ROUNDS=${ROUNDS:-3}
JDK=$(bench_find_jdk)
bench_require_jar

WORK=$(mktemp -d)
REDIS_PID=""
MNEMOS_PID=""
trap bench_cleanup EXIT INT TERM
mkdir -p "$WORK/redis" "$WORK/mnemos"

now_ms() { date +%s%3N; }

start_redis() {
    REDIS_PORT=$(free_port)
    "${REDIS_SERVER:-redis-server}" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --dir "$WORK/redis" --enable-debug-command local --logfile "$WORK/redis/log" &
    REDIS_PID=$!
}

start_mnemos() {
    MNEMOS_PORT=$(free_port)
    # shellcheck disable=SC2086
    "$JDK/bin/java" ${JVM_OPTS:-} -jar "$MNEMOS_JAR" --port "$MNEMOS_PORT" --bind 127.0.0.1 --save '' \
        --dir "$WORK/mnemos" --enable-debug-command local >>"$WORK/mnemos/log" 2>&1 &
    MNEMOS_PID=$!
}

# Waits until the server answers DBSIZE with the expected count (not -LOADING).
wait_loaded() {
    local port=$1 i
    for i in $(seq 1 6000); do
        if [[ "$(redis-cli -p "$port" DBSIZE 2>/dev/null)" == "$KEYS" ]]; then
            return 0
        fi
        sleep 0.01
    done
    echo "server on port $port did not load $KEYS keys" >&2
    exit 1
}

stop_server() {
    local port=$1 pid=$2
    redis-cli -p "$port" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
    wait "$pid" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

timed_save() {
    local port=$1 t0 t1
    t0=$(now_ms)
    [[ "$(redis-cli -p "$port" SAVE)" == "OK" ]] || { echo "SAVE failed on $port" >&2; exit 1; }
    t1=$(now_ms)
    echo $((t1 - t0))
}

# The last "DB loaded from disk: N seconds" of a log, in ms.
logged_load_ms() {
    grep -o 'DB loaded from disk: [0-9.]* seconds' "$1" | tail -1 | awk '{printf "%d\n", $5 * 1000}'
}

start_redis
start_mnemos
wait_ping "$REDIS_PORT"
wait_ping "$MNEMOS_PORT"
redis-cli -p "$REDIS_PORT" DEBUG POPULATE "$KEYS" >/dev/null
redis-cli -p "$MNEMOS_PORT" DEBUG POPULATE "$KEYS" >/dev/null

r_save=(); m_save=()
for _ in $(seq 1 "$ROUNDS"); do
    r_save+=("$(timed_save "$REDIS_PORT")")
    m_save+=("$(timed_save "$MNEMOS_PORT")")
done
stop_server "$REDIS_PORT" "$REDIS_PID"; REDIS_PID=""
stop_server "$MNEMOS_PORT" "$MNEMOS_PID"; MNEMOS_PID=""

r_load=(); m_load=(); r_ready=(); m_ready=()
for _ in $(seq 1 "$ROUNDS"); do
    t0=$(now_ms); start_redis; wait_loaded "$REDIS_PORT"; r_ready+=($(($(now_ms) - t0)))
    r_load+=("$(logged_load_ms "$WORK/redis/log")")
    stop_server "$REDIS_PORT" "$REDIS_PID"; REDIS_PID=""
    t0=$(now_ms); start_mnemos; wait_loaded "$MNEMOS_PORT"; m_ready+=($(($(now_ms) - t0)))
    m_load+=("$(logged_load_ms "$WORK/mnemos/log")")
    stop_server "$MNEMOS_PORT" "$MNEMOS_PID"; MNEMOS_PID=""
done

size_r=$(stat -c %s "$WORK/redis/dump.rdb")
size_m=$(stat -c %s "$WORK/mnemos/dump.rdb")
row() {
    local name=$1 m=$2 r=$3
    awk -v n="$name" -v m="$m" -v r="$r" 'BEGIN {printf "%-22s %10d %10d %7.2f\n", n, m, r, (r > 0 ? m / r : 0)}'
}
echo "RDB persistence, $KEYS keys (DEBUG POPULATE), median of $ROUNDS"
printf '%-22s %10s %10s %7s\n' "metric (ms)" mnemos redis ratio
row "SAVE" "$(printf '%s\n' "${m_save[@]}" | median)" "$(printf '%s\n' "${r_save[@]}" | median)"
row "load (logged)" "$(printf '%s\n' "${m_load[@]}" | median)" "$(printf '%s\n' "${r_load[@]}" | median)"
row "start to ready" "$(printf '%s\n' "${m_ready[@]}" | median)" "$(printf '%s\n' "${r_ready[@]}" | median)"
printf '%-22s %10d %10d %7.2f\n' "file size (bytes)" "$size_m" "$size_r" "$(awk -v m="$size_m" -v r="$size_r" 'BEGIN {print m / r}')"
echo "(ratio = mnemos / redis: below 1 is faster or smaller; all rounds: mnemos save ${m_save[*]}, redis save ${r_save[*]}," \
     "mnemos load ${m_load[*]}, redis load ${r_load[*]})"
