#!/usr/bin/env bash
# The sign-in abuse benchmark recorded in docs/benchmarks.md, on the release
# build: 100 devices push in an open loop (UW_LOAD_RATE operations a second,
# default 1000) for UW_LOAD_SECONDS (default 30), first alone, then while
# 1,000 wrong-password logins from 50 client addresses are spread over the
# same time. The server trusts this machine as its reverse proxy, so each
# guess names its own address in X-Forwarded-For.
#
#   bash scripts/bench-brute.sh sqlite
#   bash scripts/bench-brute.sh postgres URL   # a user who may create databases
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

engine="${1:?usage: bench-brute.sh sqlite | postgres URL}"
seconds="${UW_LOAD_SECONDS:-30}"
rate="${UW_LOAD_RATE:-1000}"
log "building uw-sync-server and uw-load (release)"
cargo build --release --locked -p uw-sync-server --bin uw-sync-server -p uw-system-tests --bin uw-load
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"

WORK="$(mktemp -d /tmp/uw-brute.XXXXXX)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

for run in alone brute; do
    case "$engine" in
        sqlite) db_args=(--sqlite "$WORK/$run.sqlite3") ;;
        postgres)
            admin_url="${2:?usage: bench-brute.sh postgres URL}"
            name="uw_brute_$(date +%s)_$run"
            psql "$admin_url" -qc "CREATE DATABASE $name" >/dev/null
            db_args=(--database-url "${admin_url%/*}/$name")
            ;;
        *) die "usage: bench-brute.sh sqlite | postgres URL" ;;
    esac
    args=("${db_args[@]}" --key-file "$WORK/$run.key")
    "$BIN/uw-sync-server" admin "${args[@]}" demo --packs rate-packs >"$WORK/$run-demo.txt" 2>"$WORK/$run-admin.log"
    UW_LOAD_PASSWORD="$(awk '$1 == "agent" && $2 == "agent" { print $3 }' "$WORK/$run-demo.txt")"
    export UW_LOAD_PASSWORD
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    "$BIN/uw-sync-server" serve "${args[@]}" --listen "127.0.0.1:$port" --trusted-proxies 127.0.0.1/32 \
        --max-devices-per-user 1000 >"$WORK/$run-serve.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        grep -q "listening on" "$WORK/$run-serve.log" && break
        sleep 0.1
    done
    url="http://127.0.0.1:$port"
    if [ "$run" = brute ]; then
        log "100 devices push at $rate ops/s for $seconds s while 1,000 guesses come from 50 addresses"
        # The guesses start once the devices have enrolled (about 2 s).
        (sleep 3; "$BIN/uw-load" --server "$url" brute --attempts 1000 --addresses 50 --seconds "$seconds" --concurrency 20) &
        brute_pid=$!
        "$BIN/uw-load" --server "$url" push --clients 100 --seconds "$seconds" --rate "$rate"
        wait "$brute_pid"
    else
        log "100 devices push at $rate ops/s for $seconds s, alone"
        "$BIN/uw-load" --server "$url" push --clients 100 --seconds "$seconds" --rate "$rate"
    fi
    kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
    server_pid=""
done
