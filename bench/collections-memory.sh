#!/usr/bin/env bash
# Bytes per element of big collections, Mnemos against real Redis: one hash, one set and one sorted
# set of N elements each, built identically on both servers through redis-cli --pipe (HSET/SADD/ZADD
# of 100 elements per command). Redis: INFO used_memory before/after each key. Mnemos: JVM heap in
# use after a full GC (jcmd GC.run, then jstat -gc), before/after each key.
#
# Builds nothing: expects target/mnemos-server.jar (or $MNEMOS_JAR).
#
# Environment:
#   N=1000000        elements per collection
#   JVM_OPTS="-XX:+UseParallelGC -Xms1g -Xmx3g"
#   TYPES="hash set zset"   (list too: "hash set zset list")
set -euo pipefail

cd "$(dirname "$0")/.."

N=${N:-1000000}
JVM_OPTS=${JVM_OPTS:-"-XX:+UseParallelGC -Xms1g -Xmx3g"}
MNEMOS_JAR=${MNEMOS_JAR:-target/mnemos-server.jar}
TYPES=${TYPES:-"hash set zset"}

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

# The RESP commands that build collection $1 with N elements: hash field:i -> value:i,
# set member:i, sorted set member:i with score i, list member:i; 100 elements per command.
commands() {  # type
    awk -v n="$N" -v type="$1" 'BEGIN {
        batch = 100
        for (start = 0; start < n; start += batch) {
            end = start + batch; if (end > n) end = n
            cnt = end - start
            if (type == "hash") { printf "*%d\r\n$4\r\nHSET\r\n$4\r\nhash\r\n", 2 + 2 * cnt }
            else if (type == "set") { printf "*%d\r\n$4\r\nSADD\r\n$3\r\nset\r\n", 2 + cnt }
            else if (type == "list") { printf "*%d\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n", 2 + cnt }
            else { printf "*%d\r\n$4\r\nZADD\r\n$4\r\nzset\r\n", 2 + 2 * cnt }
            for (i = start; i < end; i++) {
                if (type == "hash") {
                    f = "field:" i; v = "value:" i
                    printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(f), f, length(v), v
                } else if (type == "set" || type == "list") {
                    m = "member:" i
                    printf "$%d\r\n%s\r\n", length(m), m
                } else {
                    s = i ""; m = "member:" i
                    printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(m), m
                }
            }
        }
    }'
}

size_of() {  # port type
    case "$2" in
        hash) redis-cli -p "$1" HLEN hash ;;
        set) redis-cli -p "$1" SCARD set ;;
        list) redis-cli -p "$1" LLEN list ;;
        zset) redis-cli -p "$1" ZCARD zset ;;
    esac
}

build() {  # port type
    commands "$2" | redis-cli -p "$1" --pipe >/dev/null
    local got
    got=$(size_of "$1" "$2")
    [[ "$got" == "$N" ]] || { echo "port $1: $2 holds $got elements, expected $N" >&2; exit 1; }
}

echo "# $N elements per collection; Mnemos JVM: $JVM_OPTS" >&2
printf "%-6s %10s %10s %8s %8s %8s %8s\n" "type" "elements" "encoding" "redis" "mnemos" "ratio" "target"
for t in $TYPES; do
    rb=$(redis_used); mb=$(mnemos_heap)
    build "$REDIS_PORT" "$t"
    build "$MNEMOS_PORT" "$t"
    ra=$(redis_used); ma=$(mnemos_heap)
    enc=$(redis-cli -p "$REDIS_PORT" OBJECT ENCODING "$t")
    menc=$(redis-cli -p "$MNEMOS_PORT" OBJECT ENCODING "$t")
    [[ "$enc" == "$menc" ]] || echo "# encoding differs for $t: redis $enc, mnemos $menc" >&2
    awk -v t="$t" -v n="$N" -v e="$enc" -v rb="$rb" -v ra="$ra" -v mb="$mb" -v ma="$ma" 'BEGIN {
        r = (ra - rb) / n; m = (ma - mb) / n
        printf "%-6s %10d %10s %8.1f %8.1f %7.2fx %8s\n", t, n, e, r, m, (r > 0 ? m / r : 0), "<=1.5x"
    }'
done
echo "(bytes per element; redis: INFO used_memory delta; mnemos: heap used after full GC via jcmd GC.run + jstat -gc, delta)"
