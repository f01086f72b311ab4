#!/usr/bin/env bash
# Dev tool, not part of the test suite: runs one BullMQ workload (prioritized, bulk, delayed, retried,
# failing, deduplicated, flow and repeatable jobs; BullMQ's Lua scripts unpack their arguments with
# cmsgpack) against a redis-server and a Mnemos server and requires the same outcome from both.
#
# Usage: scripts/bullmq/run.sh <redis-port> <mnemos-port>      (needs node and npm)
set -euo pipefail
cd "$(dirname "$0")"
[[ -d node_modules ]] || npm install --no-audit --no-fund --silent
redis=$(node smoke.mjs "$1")
mnemos=$(node smoke.mjs "$2")
echo "redis : $redis"
echo "mnemos: $mnemos"
[[ "$redis" == "$mnemos" ]] && echo "same outcome" || { echo "DIFFERENT outcome"; exit 1; }
