#!/usr/bin/env bash
# Memory per key of Mnemos against real Redis for the same data. Redis: used_memory from INFO
# before/after. Mnemos: JVM heap in use after a full GC (jcmd GC.run, then jstat), before/after,
# and Mnemos's own accounting (INFO used_memory) for comparison.
#
# Scenarios (SCENARIOS="strings hashes" by default):
#   strings  KEYS keys key:N -> value:N padded to VALUE_SIZE bytes (DEBUG POPULATE KEYS key VALUE_SIZE)
#   hashes   FIELDS small hash fields: FIELDS/FIELDS_PER_HASH hashes hash:N with fields field:M -> value:M
#   zsets    FIELDS small sorted-set members: FIELDS/FIELDS_PER_HASH sorted sets zset:N, member:M with score M
#   lists    FIELDS small list elements: FIELDS/FIELDS_PER_HASH lists list:N of member:M (RPUSH)
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
VALUE_SIZE=${VALUE_SIZE:-16}
FIELDS=${FIELDS:-1000000}
FIELDS_PER_HASH=${FIELDS_PER_HASH:-100}
SCENARIOS=${SCENARIOS:-"strings hashes"}

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
        redis-cli -p "$port" DEBUG POPULATE "$KEYS" key "$VALUE_SIZE" >/dev/null
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

mnemos_used() {
    redis-cli -p "$MNEMOS_PORT" INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory" {print $2}'
}

populate_hashes() {  # port
    awk -v n="$FIELDS" -v per="$FIELDS_PER_HASH" 'BEGIN {
        for (i = 0; i < n; i++) {
            h = "hash:" int(i / per); f = "field:" i; v = "value:" i
            printf "*4\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(h), h, length(f), f, length(v), v
        }
    }' | redis-cli -p "$1" --pipe >/dev/null
}

populate_zsets() {  # port
    awk -v n="$FIELDS" -v per="$FIELDS_PER_HASH" 'BEGIN {
        for (i = 0; i < n; i++) {
            z = "zset:" int(i / per); m = "member:" i; s = i ""
            printf "*4\r\n$4\r\nZADD\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(z), z, length(s), s, length(m), m
        }
    }' | redis-cli -p "$1" --pipe >/dev/null
}

populate_lists() {  # port
    awk -v n="$FIELDS" -v per="$FIELDS_PER_HASH" 'BEGIN {
        for (i = 0; i < n; i++) {
            l = "list:" int(i / per); m = "member:" i
            printf "*3\r\n$5\r\nRPUSH\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(l), l, length(m), m
        }
    }' | redis-cli -p "$1" --pipe >/dev/null
}

report() {  # label count rb ra mb ma ab aa
    awk -v label="$1" -v n="$2" -v rb="$3" -v ra="$4" -v mb="$5" -v ma="$6" -v ab="$7" -v aa="$8" 'BEGIN {
        rk = (ra - rb) / n; mk = (ma - mb) / n; ak = (aa - ab) / n
        printf "## %s (%d)\n", label, n
        printf "%-16s %14s %14s %14s %10s\n", "server", "before", "after", "delta", "bytes/item"
        printf "%-16s %14d %14d %14d %10.1f\n", "redis", rb, ra, ra - rb, rk
        printf "%-16s %14d %14d %14d %10.1f\n", "mnemos heap", mb, ma, ma - mb, mk
        printf "%-16s %14d %14d %14d %10.1f\n", "mnemos account", ab, aa, aa - ab, ak
        printf "mnemos heap/redis: %.2fx   mnemos accounting/heap: %.2f\n", (rk > 0 ? mk / rk : 0), (mk > 0 ? ak / mk : 0)
    }'
}

for scenario in $SCENARIOS; do
    redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null
    redis-cli -p "$MNEMOS_PORT" FLUSHALL >/dev/null
    redis_before=$(redis_used)
    mnemos_before=$(mnemos_heap)
    acct_before=$(mnemos_used)
    case "$scenario" in
        strings)
            echo "# populating $KEYS keys with $METHOD (key:N -> value:N, $VALUE_SIZE bytes); Mnemos JVM: $JVM_OPTS" >&2
            populate "$REDIS_PORT"
            populate "$MNEMOS_PORT"
            count=$KEYS; label="strings: keys with $VALUE_SIZE-byte values" ;;
        hashes)
            echo "# populating $FIELDS hash fields, $FIELDS_PER_HASH per hash; Mnemos JVM: $JVM_OPTS" >&2
            populate_hashes "$REDIS_PORT"
            populate_hashes "$MNEMOS_PORT"
            count=$FIELDS; label="hashes: small fields, $FIELDS_PER_HASH per hash" ;;
        zsets)
            echo "# populating $FIELDS sorted-set members, $FIELDS_PER_HASH per sorted set; Mnemos JVM: $JVM_OPTS" >&2
            populate_zsets "$REDIS_PORT"
            populate_zsets "$MNEMOS_PORT"
            count=$FIELDS; label="sorted sets: small members, $FIELDS_PER_HASH per sorted set" ;;
        lists)
            echo "# populating $FIELDS list elements, $FIELDS_PER_HASH per list; Mnemos JVM: $JVM_OPTS" >&2
            populate_lists "$REDIS_PORT"
            populate_lists "$MNEMOS_PORT"
            count=$FIELDS; label="lists: small elements, $FIELDS_PER_HASH per list" ;;
        *) echo "unknown scenario $scenario" >&2; exit 1 ;;
    esac
    redis_after=$(redis_used)
    mnemos_after=$(mnemos_heap)
    acct_after=$(mnemos_used)
    report "$label" "$count" "$redis_before" "$redis_after" "$mnemos_before" "$mnemos_after" "$acct_before" "$acct_after"
done
echo "(redis: INFO used_memory; mnemos heap: heap used after full GC via jcmd GC.run + jstat -gc; mnemos account: INFO used_memory)"
