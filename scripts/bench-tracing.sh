#!/usr/bin/env bash
# Push throughput with traces on (sampled at UW_TRACE_SAMPLING, default 0.1,
# exported over OTLP to a local sink) against traces off, in alternation on
# the same machine, as docs/benchmarks.md records:
#
#   bash scripts/bench-tracing.sh sqlite [ROUNDS]
#   bash scripts/bench-tracing.sh postgres URL [ROUNDS]
#
# Each round is one closed-loop push run of UW_LOAD_SECONDS (default 20)
# with 100 clients off, then on (scripts/load.sh on a fresh organisation).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

engine="${1:?usage: bench-tracing.sh sqlite [ROUNDS] | postgres URL [ROUNDS]}"
if [ "$engine" = postgres ]; then url="${2:?postgres needs a database URL}"; rounds="${3:-3}"; else url=""; rounds="${2:-3}"; fi
sampling="${UW_TRACE_SAMPLING:-0.1}"
export UW_LOAD_SECONDS="${UW_LOAD_SECONDS:-20}" UW_LOAD_CLIENTS=100 UW_LOAD_OPEN=0 UW_LOAD_HOLD=0
for round in $(seq "$rounds"); do
    for traces in "" "$sampling"; do
        log "round $round, traces ${traces:-off}"
        UW_LOAD_TRACES="$traces" bash scripts/load.sh "$engine" $url 2>&1 | grep -E '^==|ops/s|operations' || true
    done
done
