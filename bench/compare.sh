#!/usr/bin/env bash
# Throughput, latency and CPU per request of Mnemos against real Redis, with identical
# redis-benchmark runs, alternating between the two servers round after round.
#
# Builds nothing: expects target/mnemos-server.jar (or $MNEMOS_JAR).
#
# Environment:
#   ROUNDS=3          rounds; each runs every test against both servers (order alternates)
#   TESTS="ping_inline ping_mbulk set get incr mset lpush rpop lrange_100 sadd hset zadd"
#   PIPELINES="1 16"
#   CLIENTS=50
#   N_P1=150000       requests per run with -P 1 (~2 s at 80k rps)
#   N_PIPE=1000000    requests per run with -P > 1: ~1 s for the fast commands at 1M rps; a run of
#                     0.2-0.3 s let one GC pause or scheduler hiccup of either server move a row by 10-30%
#   KEYSPACE=100000   -r for the key-based tests (random keys, as a real cache sees)
#   WARMUP_N=300000   requests per test of the Mnemos JIT warm-up (pipelined; plus N_P1 unpipelined)
#   JVM_OPTS="-XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages -XX:MaxTenuringThreshold=1"   flags for the Mnemos JVM
#   MNEMOS_JAR=target/mnemos-server.jar
#   REDIS_SERVER=redis-server  REDIS_BENCHMARK=redis-benchmark
#   KEEP_CSV=dir      keep every raw CSV there
#   SERVER_CPUS=1 CLIENT_CPUS=0   pin both servers and the benchmark client to CPU lists (taskset), as
#                     Redis's own performance runs do, so neither competes with the other for a core
set -euo pipefail

cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
TESTS=${TESTS:-"ping_inline ping_mbulk set get incr mset lpush rpop lrange_100 sadd hset zadd"}
PIPELINES=${PIPELINES:-"1 16"}
CLIENTS=${CLIENTS:-50}
N_P1=${N_P1:-150000}
N_PIPE=${N_PIPE:-1000000}
KEYSPACE=${KEYSPACE:-100000}
WARMUP_N=${WARMUP_N:-300000}
JVM_OPTS=${JVM_OPTS:-"-XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages -XX:MaxTenuringThreshold=1"}
MNEMOS_JAR=${MNEMOS_JAR:-target/mnemos-server.jar}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
REDIS_BENCHMARK=${REDIS_BENCHMARK:-redis-benchmark}

# shellcheck source=bench/lib.sh
source bench/lib.sh
JAVA=$(bench_find_jdk)/bin/java

bench_require_jar
CLIENT_PIN=()
[[ -n "${CLIENT_CPUS:-}" ]] && CLIENT_PIN=(taskset -c "$CLIENT_CPUS")
command -v "$REDIS_SERVER" >/dev/null || { echo "missing $REDIS_SERVER" >&2; exit 1; }
command -v "$REDIS_BENCHMARK" >/dev/null || { echo "missing $REDIS_BENCHMARK" >&2; exit 1; }

bench_on_cleanup() {
    if [[ -n "${KEEP_CSV:-}" ]]; then
        mkdir -p "$KEEP_CSV" && cp -r "$WORK"/. "$KEEP_CSV"/
    fi
}
bench_start_servers "$JAVA"

# utime+stime of a process in clock ticks (all threads: for the JVM this includes GC and JIT).
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() {
    local rest
    rest=$(sed 's/^.*) //' "/proc/$1/stat")
    # shellcheck disable=SC2086
    set -- $rest
    echo $(( ${12} + ${13} ))
}

bench_args() {  # test pipeline n
    local args=(-q --csv -c "$CLIENTS" -P "$2" -n "$3" -t "$1")
    case "$1" in
        set|get|incr|mset|lpush|rpush|sadd|hset|zadd) args+=(-r "$KEYSPACE") ;;
    esac
    echo "${args[@]}"
}

echo "# Mnemos $MNEMOS_JAR (java: $JAVA $JVM_OPTS) on :$MNEMOS_PORT, $("$REDIS_SERVER" --version | awk '{print $3}') on :$REDIS_PORT" >&2
[[ -n "${SERVER_CPUS:-}${CLIENT_CPUS:-}" ]] && echo "# servers on CPUs ${SERVER_CPUS:-any}, benchmark client on CPUs ${CLIENT_CPUS:-any}" >&2
echo "# warming up Mnemos (JIT): $WARMUP_N pipelined and $N_P1 unpipelined requests per test" >&2
for t in $TESTS; do
    # shellcheck disable=SC2046
    "${CLIENT_PIN[@]}" "$REDIS_BENCHMARK" -p "$MNEMOS_PORT" $(bench_args "$t" 16 "$WARMUP_N") >/dev/null 2>&1 || true
    # shellcheck disable=SC2046
    "${CLIENT_PIN[@]}" "$REDIS_BENCHMARK" -p "$MNEMOS_PORT" $(bench_args "$t" 1 "$N_P1") >/dev/null 2>&1 || true
done

# The warm-up wrote to Mnemos only: start both from an empty keyspace, so that the collection tests
# (zadd into one growing sorted set, rpop from the list lpush built) see the same data sizes.
redis-cli -p "$MNEMOS_PORT" FLUSHALL >/dev/null
redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null

RESULTS="$WORK/results.txt"   # server test pipeline rps p50 p99 cpu_us_per_req
: >"$RESULTS"
run_one() {  # server port pid test pipeline
    local server=$1 port=$2 pid=$3 t=$4 p=$5 n before after csv
    n=$N_P1
    [[ "$p" -gt 1 ]] && n=$N_PIPE
    csv="$WORK/$server-$t-P$p-$(date +%s%N).csv"
    before=$(cpu_ticks "$pid")
    # shellcheck disable=SC2046
    "${CLIENT_PIN[@]}" "$REDIS_BENCHMARK" -p "$port" $(bench_args "$t" "$p" "$n") >"$csv" 2>/dev/null
    after=$(cpu_ticks "$pid")
    # One CSV row per test (ping_inline/ping_mbulk are separate tests here). lrange_* first runs an
    # LPUSH "(needed to benchmark LRANGE)" of its own: that row is not the test's and is left out
    # (its CPU ticks still count, for both servers alike).
    awk -F'","' -v s="$server" -v t="$t" -v p="$p" -v n="$n" -v ticks=$((after - before)) -v hz="$CLK_TCK" '
        NR > 1 && NF >= 8 && !/needed to benchmark/ {
            gsub(/"/, "", $0); split($0, f, ",");
            printf "%s %s %s %s %s %s %.2f\n", s, t, p, f[2], f[5], f[7], ticks * 1e6 / hz / n
        }' "$csv" >>"$RESULTS"
}

total_runs=$((ROUNDS * 2 * $(wc -w <<<"$PIPELINES") * $(wc -w <<<"$TESTS")))
done_runs=0
for r in $(seq 1 "$ROUNDS"); do
    for p in $PIPELINES; do
        for t in $TESTS; do
            if (( (r + done_runs / 2) % 2 == 1 )); then order="mnemos redis"; else order="redis mnemos"; fi
            for s in $order; do
                if [[ $s == mnemos ]]; then
                    run_one mnemos "$MNEMOS_PORT" "$MNEMOS_PID" "$t" "$p"
                else
                    run_one redis "$REDIS_PORT" "$REDIS_PID" "$t" "$p"
                fi
                done_runs=$((done_runs + 1))
            done
            printf '\r# round %d/%d, %d/%d runs' "$r" "$ROUNDS" "$done_runs" "$total_runs" >&2
        done
    done
done
echo >&2

# Median over the rounds of each metric, then one line per test and pipeline.
awk -v tests="$TESTS" -v pipes="$PIPELINES" '
    function median(key,   n, i, j, tmp, arr) {
        n = split(vals[key], arr, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] + 0 < arr[i] + 0) { tmp = arr[i]; arr[i] = arr[j]; arr[j] = tmp }
        if (n == 0) return "-"
        return (n % 2) ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
    }
    {
        k = $2 SUBSEP $3 SUBSEP $1
        vals[k, "rps"] = vals[k, "rps"] " " $4
        vals[k, "p50"] = vals[k, "p50"] " " $5
        vals[k, "p99"] = vals[k, "p99"] " " $6
        vals[k, "cpu"] = vals[k, "cpu"] " " $7
    }
    # The lowest and highest Mnemos/Redis throughput ratio of a single round (both servers ran the
    # test back to back in each round): where the range spans 1.00, the rounds scatter more than
    # the two servers differ.
    function round_range(m, r,   n, i, a, b, x, lo, hi) {
        n = split(vals[m SUBSEP "rps"], a, " "); split(vals[r SUBSEP "rps"], b, " ")
        for (i = 1; i <= n; i++) {
            if (b[i] <= 0) continue
            x = a[i] / b[i]
            if (lo == "" || x < lo) lo = x
            if (hi == "" || x > hi) hi = x
        }
        return lo == "" ? "-" : sprintf("%.2f-%.2f", lo, hi)
    }
    END {
        printf "%-12s %3s %11s %11s %6s %9s %15s %15s %9s %9s\n", "test", "P", "mnemos rps", "redis rps", "ratio", "rounds", "mnemos p50/p99", "redis p50/p99", "mnemos µs", "redis µs"
        nt = split(tests, T, " "); np = split(pipes, PP, " ")
        for (i = 1; i <= np; i++) for (j = 1; j <= nt; j++) {
            m = T[j] SUBSEP PP[i] SUBSEP "mnemos"; r = T[j] SUBSEP PP[i] SUBSEP "redis"
            mr = median(m SUBSEP "rps"); rr = median(r SUBSEP "rps")
            printf "%-12s %3s %11.0f %11.0f %6.2f %9s %15s %15s %9.2f %9.2f\n", T[j], PP[i], mr, rr, (rr > 0 ? mr / rr : 0),
                round_range(m, r), sprintf("%.3f/%.3f", median(m SUBSEP "p50"), median(m SUBSEP "p99")),
                sprintf("%.3f/%.3f", median(r SUBSEP "p50"), median(r SUBSEP "p99")),
                median(m SUBSEP "cpu"), median(r SUBSEP "cpu")
        }
        print "(rps, latency in ms and CPU µs/request are medians over the rounds; rounds = lowest-highest ratio of a single round;"
        print " CPU = utime+stime of the server process / requests)"
    }' "$RESULTS"
