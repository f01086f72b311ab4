#!/usr/bin/env bash
# Memory per key of Mnemos against real Redis for the same keys: key:0..key:N-1 -> value:0..
# (what DEBUG POPULATE N creates). Redis: used_memory from INFO before/after. Mnemos: JVM heap in
# use after a full GC (jcmd GC.run, then jstat), before/after.
#
# Builds nothing: expects target/mnemos-server.jar (or $MNEMOS_JAR).
#
# Environment:
#   KEYS=1000000
#   JVM_OPTS="-XX:+UseParallelGC -Xms1g -Xmx2g"
#   POPULATE=auto|debug|pipe   auto: DEBUG POPULATE if Mnemos has it, else SETs through redis-cli --pipe
#                              (the same method is used on both servers)
set -euo pipefail

cd "$(dirname "$0")/.."

KEYS=${KEYS:-1000000}
JVM_OPTS=${JVM_OPTS:-"-XX:+UseParallelGC -Xms1g -Xmx2g"}
MNEMOS_JAR=${MNEMOS_JAR:-target/mnemos-server.jar}
POPULATE=${POPULATE:-auto}

# shellcheck source=bench/lib.sh
source bench/lib.sh
JDK=$(bench_find_jdk)
bench_require_jar
bench_start_servers "$JDK/bin/java"

redis_used() {
    redis-cli -p "$REDIS_PORT" INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory" {print $2}'
}

# Heap in use after a full GC, in bytes (young + survivor + old; metaspace excluded).
mnemos_heap() {
    "$JDK/bin/jcmd" "$MNEMOS_PID" GC.run >/dev/null
    "$JDK/bin/jcmd" "$MNEMOS_PID" GC.run >/dev/null
    "$JDK/bin/jstat" -gc "$MNEMOS_PID" | awk '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
        NR == 2 { printf "%.0f\n", ($col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]) * 1024 }'
}

populate() {  # port
    local port=$1
    if [[ "$METHOD" == debug ]]; then
        redis-cli -p "$port" DEBUG POPULATE "$KEYS" >/dev/null
    else
        awk -v n="$KEYS" 'BEGIN {
            for (i = 0; i < n; i++) {
                k = "key:" i; v = "value:" i
                printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
            }
        }' | redis-cli -p "$port" --pipe >/dev/null
    fi
    local got
    got=$(redis-cli -p "$port" DBSIZE 2>&1)
    if [[ "$got" =~ ^[0-9]+$ ]]; then
        [[ "$got" == "$KEYS" ]] || { echo "port $port holds $got keys, expected $KEYS" >&2; exit 1; }
    else
        # no DBSIZE yet: check the last key instead
        [[ "$(redis-cli -p "$port" GET "key:$((KEYS - 1))")" == "value:$((KEYS - 1))" ]] \
            || { echo "port $port is missing key:$((KEYS - 1))" >&2; exit 1; }
    fi
}

METHOD=$POPULATE
if [[ "$METHOD" == auto ]]; then
    if [[ "$(redis-cli -p "$MNEMOS_PORT" DEBUG POPULATE 1 __probe__ 2>&1)" == "OK" ]]; then
        METHOD=debug
    else
        METHOD=pipe
    fi
    redis-cli -p "$MNEMOS_PORT" DEL __probe__:0 >/dev/null
fi

echo "# populating $KEYS keys with $METHOD (key:N -> value:N); Mnemos JVM: $JVM_OPTS" >&2
redis_before=$(redis_used)
mnemos_before=$(mnemos_heap)
populate "$REDIS_PORT"
populate "$MNEMOS_PORT"
redis_after=$(redis_used)
mnemos_after=$(mnemos_heap)

awk -v n="$KEYS" -v rb="$redis_before" -v ra="$redis_after" -v mb="$mnemos_before" -v ma="$mnemos_after" 'BEGIN {
    rk = (ra - rb) / n; mk = (ma - mb) / n
    printf "%-8s %14s %14s %14s %10s\n", "server", "before", "after", "delta", "bytes/key"
    printf "%-8s %14d %14d %14d %10.1f\n", "redis", rb, ra, ra - rb, rk
    printf "%-8s %14d %14d %14d %10.1f\n", "mnemos", mb, ma, ma - mb, mk
    printf "mnemos/redis bytes per key: %.2fx\n", (rk > 0 ? mk / rk : 0)
    print "(redis: INFO used_memory; mnemos: heap used after full GC via jcmd GC.run + jstat -gc)"
}'
