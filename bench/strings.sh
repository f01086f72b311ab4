#!/usr/bin/env bash
# Big strings changed in place: APPEND building a string, and BITFIELD / SETRANGE writing into a
# 16 MB bitmap, with identical redis-benchmark runs against real Redis and Mnemos. Redis
# edits its sds in place and grows it greedily, so each of these costs what it writes, not the
# size of the string: a server that copied the string on every write would be thousands of times
# slower here (see bench/RESULTS.md).
#
# Builds nothing: expects target/mnemos-server.jar (or $MNEMOS_JAR).
#
# Environment:
#   ROUNDS=3        rounds; each runs every case against both servers (order alternates)
#   N=100000        requests per case and round
#   JVM_OPTS, MNEMOS_JAR, REDIS_SERVER, REDIS_BENCHMARK as for bench/compare.sh
set -euo pipefail

cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
N=${N:-100000}
JVM_OPTS=${JVM_OPTS:-"-XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch"}
MNEMOS_JAR=${MNEMOS_JAR:-target/mnemos-server.jar}
REDIS_BENCHMARK=${REDIS_BENCHMARK:-redis-benchmark}

# shellcheck source=bench/lib.sh
source bench/lib.sh
JAVA=$(bench_find_jdk)/bin/java
bench_require_jar
command -v "$REDIS_BENCHMARK" >/dev/null || { echo "missing $REDIS_BENCHMARK" >&2; exit 1; }
bench_start_servers "$JAVA"

KB=$(head -c 1024 /dev/zero | tr '\0' 'a')
# name|command run N times (the bitmap cases start from a 16 MB string)
CASES=(
    "append_1k|APPEND log $KB"
    "bitfield_incr|BITFIELD bitmap INCRBY u8 64000000 1"
    "setrange_8|SETRANGE bitmap 1000000 abcdefgh"
)

# requests per second of one case against one server (the keys made afresh first)
run_case() {
    local port=$1 cmd=$2 csv
    redis-cli -p "$port" DEL log bitmap >/dev/null
    redis-cli -p "$port" SETBIT bitmap 128000000 1 >/dev/null
    # shellcheck disable=SC2086
    csv=$("$REDIS_BENCHMARK" -p "$port" -c 1 -r 2 -n "$N" --csv $cmd 2>/dev/null | tail -n 1)
    echo "$csv" | awk -F'","' '{ gsub(/"/, "", $2); print $2 }'
}

printf "%-16s %12s %12s %7s\n" case "mnemos rps" "redis rps" ratio
for entry in "${CASES[@]}"; do
    name=${entry%%|*}
    cmd=${entry#*|}
    m=()
    r=()
    for round in $(seq 1 "$ROUNDS"); do
        if (( round % 2 )); then
            m+=("$(run_case "$MNEMOS_PORT" "$cmd")")
            r+=("$(run_case "$REDIS_PORT" "$cmd")")
        else
            r+=("$(run_case "$REDIS_PORT" "$cmd")")
            m+=("$(run_case "$MNEMOS_PORT" "$cmd")")
        fi
    done
    median() { printf "%s\n" "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
    mm=$(median "${m[@]}")
    rr=$(median "${r[@]}")
    printf "%-16s %12.0f %12.0f %7.2f\n" "$name" "$mm" "$rr" "$(awk -v a="$mm" -v b="$rr" 'BEGIN { print a / b }')"
done
echo "(rps: medians over $ROUNDS rounds of $N requests, one client, unpipelined; length of the final"
echo " APPEND string: $((N / 1024)) MB)"
