#!/usr/bin/env bash
# Load tests of the sync server (release build), as recorded in
# docs/benchmarks.md:
#
#   bash scripts/load.sh sqlite                 # the embedded store
#   bash scripts/load.sh postgres URL           # a PostgreSQL database URL whose
#                                               # user may create databases
#
#   UW_LOAD_SECONDS   seconds per push run (default 30)
#   UW_LOAD_HOLD      long polls to hold (default 10000)
#   UW_LOAD_RATE      the open-loop runs' offered operations/s (default 2000)
#
# Each run creates a fresh demo organisation, starts `uw-sync-server serve`,
# runs `uw-load push` with 100 and 999 clients (an organisation can enroll
# at most 999 devices a year: see below), each in a closed loop and in an
# open loop at UW_LOAD_RATE, then `uw-load hold`, and stops the server.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

engine="${1:?usage: load.sh sqlite | postgres URL}"
seconds="${UW_LOAD_SECONDS:-30}"
hold="${UW_LOAD_HOLD:-10000}"
rate_target="${UW_LOAD_RATE:-2000}"

log "building uw-sync-server and uw-load (release)"
cargo build --release --locked -p uw-sync-server --bin uw-sync-server -p uw-system-tests --bin uw-load
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"

WORK="$(mktemp -d /tmp/uw-load.XXXXXX)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# A fresh organisation and server for each run: a year has 999,999 quote
# numbers, handed out 1,000 to a device, so one organisation enrolls at most
# 999 devices a year.
start_server() {
    local run="$WORK/run$1"
    mkdir -p "$run"
    case "$engine" in
        sqlite) db_args=(--sqlite "$run/server.sqlite3") ;;
        postgres)
            local name="uw_load_$(date +%s)_$1"
            psql "$admin_url" -qc "CREATE DATABASE $name" >/dev/null
            db_args=(--database-url "${admin_url%/*}/$name")
            ;;
    esac
    args=("${db_args[@]}" --key-file "$run/server.key")
    "$BIN/uw-sync-server" admin "${args[@]}" demo --packs rate-packs >"$run/demo.txt" 2>"$run/admin.log"
    UW_LOAD_PASSWORD="$(awk '$1 == "agent" && $2 == "agent" { print $3 }' "$run/demo.txt")"
    export UW_LOAD_PASSWORD
    [ -n "$UW_LOAD_PASSWORD" ] || die "admin demo printed no agent password"
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    RUST_LOG=warn "$BIN/uw-sync-server" serve "${args[@]}" --listen "127.0.0.1:$port" >"$run/server.out" 2>"$run/server.log" &
    server_pid=$!
    for _ in $(seq 50); do grep -q "listening on" "$run/server.out" 2>/dev/null && break; sleep 0.1; done
    url="http://127.0.0.1:$port"
}
stop_server() { kill "$server_pid"; wait "$server_pid" || true; server_pid=""; }

case "$engine" in
    sqlite) ;;
    postgres) admin_url="${2:?postgres needs a database URL}" ;;
    *) die "unknown engine $engine (sqlite or postgres)" ;;
esac

echo "== $engine: $(uname -m), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
# Closed loop (each client pushes again when answered: the most the server
# does), then open loop at the target rate (devices on their own schedules:
# the latency a device sees at that load).
run=0
for clients in 100 999; do
    for rate in "" "$rate_target"; do
        run=$((run + 1))
        start_server "$run"
        "$BIN/uw-load" --server "$url" push --clients "$clients" --seconds "$seconds" ${rate:+--rate "$rate"}
        stop_server
    done
done
start_server hold
"$BIN/uw-load" --server "$url" hold --connections "$hold" --seconds 60 --server-pid "$server_pid"
stop_server
