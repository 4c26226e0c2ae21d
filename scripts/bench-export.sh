#!/usr/bin/env bash
# The audit export benchmark recorded in docs/benchmarks.md: a demo
# organisation's log filled to UW_EXPORT_ENTRIES entries (default 1,000,000,
# appended straight into the database as the server appends them), then
# `GET /v1/audit/export` of the whole log timed as an auditor, on the
# release build:
#
#   bash scripts/bench-export.sh sqlite
#   bash scripts/bench-export.sh postgres URL   # a user who may create databases
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

engine="${1:?usage: bench-export.sh sqlite | postgres URL}"
entries="${UW_EXPORT_ENTRIES:-1000000}"
log "building uw-sync-server and uw-load (release)"
cargo build --release --locked -p uw-sync-server --bin uw-sync-server -p uw-system-tests --bin uw-load
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"

WORK="$(mktemp -d /tmp/uw-export.XXXXXX)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

case "$engine" in
    sqlite) db_args=(--sqlite "$WORK/server.sqlite3"); database="$WORK/server.sqlite3" ;;
    postgres)
        admin_url="${2:?usage: bench-export.sh postgres URL}"
        name="uw_export_$(date +%s)"
        psql "$admin_url" -qc "CREATE DATABASE $name" >/dev/null
        database="${admin_url%/*}/$name"
        db_args=(--database-url "$database")
        ;;
    *) die "usage: bench-export.sh sqlite | postgres URL" ;;
esac
args=("${db_args[@]}" --key-file "$WORK/server.key")
"$BIN/uw-sync-server" admin "${args[@]}" demo --packs rate-packs >"$WORK/demo.txt" 2>"$WORK/admin.log"
UW_LOAD_PASSWORD="$(awk '$1 == "auditor" && $2 == "auditor" { print $3 }' "$WORK/demo.txt")"
export UW_LOAD_PASSWORD
[ -n "$UW_LOAD_PASSWORD" ] || die "admin demo printed no auditor password"

log "appending $entries audit entries"
fill_start=$(date +%s)
"$BIN/uw-load" --server unused fill-audit --database "$database" --entries "$entries"
log "filled in $(( $(date +%s) - fill_start )) s"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$BIN/uw-sync-server" serve "${args[@]}" --listen "127.0.0.1:$port" >"$WORK/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    grep -q "listening on" "$WORK/serve.log" && break
    sleep 0.1
done
grep -q "listening on" "$WORK/serve.log" || { cat "$WORK/serve.log"; die "the server did not start"; }
for run in 1 2; do
    log "export run $run"
    "$BIN/uw-load" --server "http://127.0.0.1:$port" --username auditor export --start 0
done
log "server's peak resident memory: $(awk '/VmHWM/ { print $2, $3 }' "/proc/$server_pid/status")"
